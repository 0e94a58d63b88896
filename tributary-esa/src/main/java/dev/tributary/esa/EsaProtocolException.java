package dev.tributary.esa;

/**
 * A message that breaks the protocol: not well-formed, not valid against the schema, too large, a
 * {@code response-to} that answers another call, or an answer of the wrong shape. The message is
 * refused as a whole; nothing it asked for is done.
 */
public class EsaProtocolException extends RuntimeException {

    public EsaProtocolException(String message) {
        super(message);
    }

    public EsaProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
