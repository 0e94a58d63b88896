package dev.tributary.connector;

/**
 * Reads the changes of an external system since a token, in the manner of the OpenICF sync
 * operation.
 *
 * <p>The runtime has already checked the arguments: the object class and handler are not null,
 * the options are normalized. A connector:
 * <ul>
 *   <li>delivers each change after {@code token} (all of history when it is null) to the handler,
 *       once, in order, each delta carrying the token to resume after it;</li>
 *   <li>stops delivering as soon as the handler returns false;</li>
 *   <li>if the handler is a {@link SyncTokenResultsHandler}, calls {@link
 *       SyncTokenResultsHandler#handleResult} once at the end with the final token;</li>
 *   <li>for {@link ObjectClass#ALL}, delivers the changes of every object class it syncs, each
 *       delta naming its own object class (or throws {@link UnsupportedOperationException} if it
 *       cannot);</li>
 *   <li>throws {@link UnsupportedOperationException} for an object class it cannot sync, and
 *       {@link InvalidSyncTokenException} for a token it cannot resume from.</li>
 * </ul>
 */
public interface SyncOp {

    void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options);

    /**
     * The token of the most recent change: syncing from it delivers only changes made after this
     * call. Null if the system has no changes yet.
     */
    SyncToken getLatestSyncToken(ObjectClass objectClass);
}
