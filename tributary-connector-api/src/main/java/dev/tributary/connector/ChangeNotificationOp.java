package dev.tributary.connector;

/**
 * Lets a connector tell the engine, soon after it happens, that objects of a class may have
 * changed — so a continuous link reads at once instead of polling. Optional, like the other
 * capabilities: a link whose connector lacks it is polled.
 *
 * <p>A notification only wakes. What is read is decided by the link's sync token, so a lost,
 * late, duplicated or spurious notification costs latency or one empty read, never a change. A
 * connector may therefore notify loosely (a whole table for any row, once for many changes) and
 * should notify after it could not listen for a while (it may have missed something).
 */
public interface ChangeNotificationOp {

    /**
     * Starts listening for changes to objects of {@code objectClass}; {@code listener} is called,
     * on a thread of the connector's, each time some may have changed. Keep the listener short:
     * it should only wake whoever reads.
     *
     * @return a handle that stops listening when closed (closing the connector stops it too); or
     *     null when the connector, as configured, cannot tell (say, a database without
     *     notifications) — the engine then polls
     */
    AutoCloseable onChanges(ObjectClass objectClass, Runnable listener);
}
