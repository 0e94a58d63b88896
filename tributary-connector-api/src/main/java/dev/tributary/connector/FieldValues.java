package dev.tributary.connector;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a field may hold, checked and copied into an immutable form: {@code null},
 * {@link String}, {@link Boolean}, {@link Integer}, {@link Long}, {@link BigInteger}, {@link
 * BigDecimal}, {@link Double}, {@link Instant} (a point in time), {@link LocalDate}, {@code
 * byte[]}, and {@link List}s and {@link Map}s (with {@code String} keys) of these, nested at most
 * {@value #MAX_DEPTH} levels.
 */
public final class FieldValues {

    /** Deepest nesting of lists and maps. */
    public static final int MAX_DEPTH = 32;
    /** Longest field name. */
    public static final int MAX_NAME_LENGTH = 256;

    private FieldValues() {
    }

    /** An immutable, checked copy of a field map, keeping its order. */
    public static Map<String, Object> copyOf(Map<String, ?> fields) {
        if (fields == null) {
            throw new IllegalArgumentException("fields must not be null (use an empty map)");
        }
        return copyMap(fields, "", 0);
    }

    private static Map<String, Object> copyMap(Map<?, ?> map, String path, int depth) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name) || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("field names must be non-empty strings of at most "
                        + MAX_NAME_LENGTH + " characters; found " + entry.getKey() + " at '" + path + "'");
            }
            copy.put(name, copyValue(entry.getValue(), path.isEmpty() ? name : path + "." + name, depth));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, String path, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Instant || value instanceof LocalDate) {
            return value;
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("field '" + path + "' holds " + d + ", which has no JSON form");
            }
            return d;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("field '" + path + "' is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(copyValue(list.get(i), path + "[" + i + "]", depth + 1));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, path, depth + 1);
        }
        throw new IllegalArgumentException("field '" + path + "' holds a " + value.getClass().getName()
                + ", which is not a supported field value type");
    }
}
