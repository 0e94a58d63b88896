package dev.tributary.connector;

/**
 * The root of every error a connector raises. Connectors never retry: they throw, and the
 * engine decides. An exception that also implements {@link RetryableException} says that the
 * same call may succeed later.
 */
public class ConnectorException extends RuntimeException {

    public ConnectorException(String message) {
        super(message);
    }

    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the call later may succeed. */
    public final boolean isRetryable() {
        return this instanceof RetryableException;
    }
}
