package dev.tributary.connector;

/**
 * A {@link SyncResultsHandler} that also takes the sync's final token. A connector that is given
 * one calls {@link #handleResult} once, after the last delta, with the token to resume from next
 * time: the token of the last delivered delta, or a later one if the connector knows that
 * nothing lies between them.
 */
public interface SyncTokenResultsHandler extends SyncResultsHandler {

    void handleResult(SyncToken finalToken);
}
