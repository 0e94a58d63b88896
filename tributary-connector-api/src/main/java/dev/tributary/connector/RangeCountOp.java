package dev.tributary.connector;

/**
 * Counts objects whose uids, read as whole numbers, lie in a range. For systems whose uids grow
 * monotonically, the engine finds deleted objects by binary search over ranges of the uids it
 * knows (the {@code countRange} deletion strategy): a range where the system has fewer objects
 * than the hub knows holds a deletion.
 */
public interface RangeCountOp {

    /** How many objects have numeric uids in {@code [fromInclusive, toExclusive)}. */
    long countRange(ObjectClass objectClass, long fromInclusive, long toExclusive);
}
