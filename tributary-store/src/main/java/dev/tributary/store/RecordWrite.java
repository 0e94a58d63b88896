package dev.tributary.store;

import java.util.Objects;

/**
 * One write of a batch.
 *
 * @param op put (create or replace) or delete
 * @param id the record id
 * @param ifMatch apply only if the record exists, is not deleted and has this etag; or null
 * @param ifNoneMatch apply only if the record does not exist (or is deleted)
 * @param data for put: the record's JSON object as compact text, already validated; null for delete
 */
public record RecordWrite(Op op, String id, String ifMatch, boolean ifNoneMatch, String data) {

    /** What a write does. */
    public enum Op { PUT, DELETE }

    public RecordWrite {
        Objects.requireNonNull(op, "op");
        RecordIds.requireValid(id);
        if (op == Op.PUT && data == null) {
            throw new IllegalArgumentException("a put needs data");
        }
        if (op == Op.DELETE && data != null) {
            throw new IllegalArgumentException("a delete takes no data");
        }
        if (op == Op.DELETE && ifNoneMatch) {
            throw new IllegalArgumentException("a delete cannot require that the record is absent");
        }
    }

    public static RecordWrite put(String id, String data) {
        return new RecordWrite(Op.PUT, id, null, false, data);
    }

    public static RecordWrite delete(String id) {
        return new RecordWrite(Op.DELETE, id, null, false, null);
    }
}
