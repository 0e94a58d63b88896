package dev.tributary.connector;

import java.util.List;

/**
 * Writes many objects in one go, for systems where that is much cheaper than one at a time (a
 * database: one transaction, batched statements). Each write succeeds or fails on its own, with
 * the same rules as {@link CreateOp}, {@link UpdateOp} and {@link DeleteOp}; a refused write never
 * stops the others. A failure of the whole batch (the system is unreachable) is thrown, and then
 * none of it was applied.
 *
 * <p>The runtime offers batch writes for every connector: without this capability it makes the
 * single calls itself.
 */
public interface BatchWriteOp {

    /** @return one outcome per write, in order */
    List<WriteOutcome> write(ObjectClass objectClass, List<Write> writes, OperationOptions options);
}
