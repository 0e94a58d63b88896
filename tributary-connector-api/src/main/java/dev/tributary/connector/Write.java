package dev.tributary.connector;

import java.util.Map;
import java.util.Objects;

/**
 * One write of a batch.
 *
 * @param kind create, update or delete
 * @param uid the object written; null for a create
 * @param expectedVersion the version the caller read (update, delete), or null for unconditional
 * @param fields the fields to set (create, update); empty for a delete
 * @param origin where the change came from (its source and parameters), {@link ChangeOrigin#NONE} if unknown
 */
public record Write(Kind kind, Uid uid, String expectedVersion, Map<String, Object> fields, ChangeOrigin origin) {

    /** What a write does. */
    public enum Kind { CREATE, UPDATE, DELETE }

    public Write {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CREATE && uid != null) {
            throw new IllegalArgumentException("a create has no uid; put a key field in the fields if the system takes one");
        }
        if (kind != Kind.CREATE && uid == null) {
            throw new IllegalArgumentException("an " + kind.name().toLowerCase(java.util.Locale.ROOT) + " needs a uid");
        }
        fields = FieldValues.copyOf(fields == null ? Map.of() : fields);
        origin = origin == null ? ChangeOrigin.NONE : origin;
        if (kind == Kind.DELETE && !fields.isEmpty()) {
            throw new IllegalArgumentException("a delete takes no fields");
        }
    }

    public Write(Kind kind, Uid uid, String expectedVersion, Map<String, Object> fields) {
        this(kind, uid, expectedVersion, fields, ChangeOrigin.NONE);
    }

    /** This write, coming from {@code from}. */
    public Write withOrigin(ChangeOrigin from) {
        return new Write(kind, uid, expectedVersion, fields, from);
    }

    public static Write create(Map<String, ?> fields) {
        return new Write(Kind.CREATE, null, null, FieldValues.copyOf(fields));
    }

    public static Write update(Uid uid, String expectedVersion, Map<String, ?> fields) {
        return new Write(Kind.UPDATE, uid, expectedVersion, FieldValues.copyOf(fields));
    }

    public static Write delete(Uid uid, String expectedVersion) {
        return new Write(Kind.DELETE, uid, expectedVersion, Map.of());
    }
}
