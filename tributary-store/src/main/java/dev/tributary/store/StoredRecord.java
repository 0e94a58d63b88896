package dev.tributary.store;

import java.time.Instant;

/**
 * One record as the store holds it: its latest state, at its latest position in the change log.
 *
 * @param id the record's id within its collection
 * @param version starts at 1 and grows by one with every change, deletions included
 * @param seq the change-log position of the record's latest change
 * @param deleted whether the latest change deleted it (a tombstone)
 * @param updated when the latest change was made
 * @param origin who made the latest change (for example {@code http:<token id>}), or null
 * @param data the record's JSON object as compact UTF-8 text; null for a tombstone. Kept as bytes
 *     so the change feed can copy it from the database to the response without decoding it
 */
public record StoredRecord(
        String id, long version, long seq, boolean deleted, Instant updated, String origin,
        byte[] data) {

    /** The record's JSON object as a string; null for a tombstone. */
    public String dataText() {
        return data == null ? null : new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The record's entity tag: an opaque string that changes with every change. */
    public String etag() {
        return Long.toString(version);
    }
}
