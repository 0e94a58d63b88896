package dev.tributary.connector;

/**
 * Lets a connector ask for another run right after this one — say, because changes arrived
 * while it was reading that it could not include. The engine asks after each run and runs the
 * link again, a bounded number of times, so a connector cannot keep it busy forever.
 */
public interface SyncAgainOp {

    /** Whether the link should run again at once. */
    boolean needSyncAgain(ObjectClass objectClass);
}
