package dev.tributary.connector;

/**
 * The connector cannot resume from the given token (it is malformed, or the external system no
 * longer keeps that part of its history). The engine falls back to a full reconciliation.
 */
public class InvalidSyncTokenException extends ConnectorException {

    public InvalidSyncTokenException(String message) {
        super(message);
    }
}
