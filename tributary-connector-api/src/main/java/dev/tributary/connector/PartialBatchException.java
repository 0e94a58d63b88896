package dev.tributary.connector;

import java.util.List;

/**
 * A batch of writes made one at a time stopped part-way: the system failed (it is unreachable,
 * say) after the first {@link #completed()} writes were applied. The caller must keep what those
 * writes returned — uids of created objects above all — before it handles {@link #getCause()},
 * the failure itself, as it would have been thrown by the single write.
 */
public class PartialBatchException extends ConnectorException {

    private final transient List<WriteOutcome> completed;

    public PartialBatchException(List<WriteOutcome> completed, RuntimeException cause) {
        super(completed.size() + " writes of the batch were done before it failed: " + cause.getMessage(), cause);
        this.completed = List.copyOf(completed);
    }

    /** The outcomes of the writes done before the failure, in order: the batch's first writes. */
    public List<WriteOutcome> completed() {
        return completed;
    }

    /** The failure that stopped the batch. */
    public RuntimeException failure() {
        return (RuntimeException) getCause();
    }
}
