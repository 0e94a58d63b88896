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

    /**
     * Applies writes one at a time through the single-write capabilities (any may be null when
     * the writes need none of its kind), turning the refusals a single write throws (conflicts,
     * unknown uids, existing objects, {@link RecordRejectedException}) into outcomes. Another
     * failure stops the batch: it is thrown as is when no write was done yet, else wrapped in a
     * {@link PartialBatchException} that carries the outcomes of the writes done before it.
     */
    static List<WriteOutcome> oneAtATime(ObjectClass objectClass, List<Write> writes, OperationOptions options,
            CreateOp creates, UpdateOp updates, DeleteOp deletes) {
        List<WriteOutcome> outcomes = new java.util.ArrayList<>(writes.size());
        for (Write write : writes) {
            OperationOptions each = options.withOrigin(write.origin());
            try {
                outcomes.add(WriteOutcome.done(switch (write.kind()) {
                    case CREATE -> require(creates, "create").create(objectClass, write.fields(), each);
                    case UPDATE -> require(updates, "update")
                            .update(objectClass, write.uid(), write.expectedVersion(), write.fields(), each);
                    case DELETE -> {
                        require(deletes, "delete").delete(objectClass, write.uid(), write.expectedVersion(), each);
                        yield new VersionedUid(write.uid(), null);
                    }
                }));
            } catch (VersionConflictException | UnknownUidException | AlreadyExistsException | RecordRejectedException e) {
                outcomes.add(WriteOutcome.refused(e));
            } catch (RuntimeException e) {
                if (outcomes.isEmpty()) {
                    throw e;
                }
                throw new PartialBatchException(outcomes, e);
            }
        }
        return outcomes;
    }

    private static <T> T require(T capability, String what) {
        if (capability == null) {
            throw new UnsupportedOperationException("the connector cannot " + what + " objects");
        }
        return capability;
    }
}
