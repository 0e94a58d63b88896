package dev.tributary.store;

/**
 * The result of one applied write.
 *
 * @param record the record as stored after the write
 * @param outcome what the write did
 */
public record AppliedWrite(StoredRecord record, Outcome outcome) {

    /** What a write did. */
    public enum Outcome { CREATED, UPDATED, DELETED }
}
