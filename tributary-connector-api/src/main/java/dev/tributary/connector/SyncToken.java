package dev.tributary.connector;

import java.util.Objects;

/**
 * An opaque position in an external system's change history. The connector creates and reads
 * it; the hub stores it with its value type and never interprets it.
 *
 * <p>Only value types that survive a round trip through storage are allowed: {@link String},
 * {@link Long}, {@link Integer} and {@code byte[]}.
 *
 * @param value the connector's own position value
 */
public record SyncToken(Object value) {

    public SyncToken {
        Objects.requireNonNull(value, "sync token value");
        if (!(value instanceof String || value instanceof Long || value instanceof Integer
                || value instanceof byte[])) {
            throw new IllegalArgumentException(
                    "a sync token value must be a String, Long, Integer or byte[], not "
                            + value.getClass().getName());
        }
    }

    /** The name of the value's type, as the hub stores it next to the value. */
    public String valueType() {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Long) {
            return "long";
        }
        if (value instanceof Integer) {
            return "int";
        }
        return "bytes";
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof SyncToken that)) {
            return false;
        }
        if (value instanceof byte[] mine && that.value instanceof byte[] theirs) {
            return java.util.Arrays.equals(mine, theirs);
        }
        return value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value instanceof byte[] bytes ? java.util.Arrays.hashCode(bytes) : value.hashCode();
    }

    @Override
    public String toString() {
        return "SyncToken[" + (value instanceof byte[] b ? b.length + " bytes" : value) + "]";
    }
}
