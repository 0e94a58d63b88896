package dev.tributary.connector;

/** Receives the deltas of a sync, one call per delta, in order. */
@FunctionalInterface
public interface SyncResultsHandler {

    /**
     * Takes one delta.
     *
     * @return true for more; false once this delta is handled and no more are wanted — the
     *     connector must then stop delivering
     */
    boolean handle(SyncDelta delta);
}
