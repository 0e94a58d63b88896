package dev.tributary.connector;

/** The external system could not be reached or failed transiently (network, timeout, busy). Retryable. */
public class ConnectorIOException extends ConnectorException implements RetryableException {

    public ConnectorIOException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConnectorIOException(String message) {
        super(message);
    }
}
