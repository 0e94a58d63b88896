package dev.tributary.store;

/**
 * A write of a batch was refused, so nothing of the batch was applied.
 *
 * <p>{@link Reason#PRECONDITION_FAILED}: an {@code ifMatch} or {@code ifNoneMatch} did not hold.
 * {@link Reason#NOT_FOUND}: a delete named a record that does not exist or is already deleted.
 */
public final class WriteRejectedException extends StoreException {

    /** Why the write was refused. */
    public enum Reason { PRECONDITION_FAILED, NOT_FOUND }

    private final Reason reason;
    private final int index;
    private final String recordId;

    public WriteRejectedException(Reason reason, int index, String recordId, String message) {
        super(message);
        this.reason = reason;
        this.index = index;
        this.recordId = recordId;
    }

    public Reason reason() {
        return reason;
    }

    /** Position of the refused write in its batch, from 0. */
    public int index() {
        return index;
    }

    public String recordId() {
        return recordId;
    }
}
