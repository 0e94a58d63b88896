package dev.tributary.connector;

import java.util.Objects;

/**
 * One field of an object class.
 *
 * @param name the field's name
 * @param type the type of its values
 * @param required whether every object has a value
 * @param multiValued whether it holds a list of values
 * @param readOnly whether writes may not set it
 */
public record FieldInfo(String name, FieldType type, boolean required, boolean multiValued, boolean readOnly) {

    public FieldInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static FieldInfo of(String name, FieldType type) {
        return new FieldInfo(name, type, false, false, false);
    }
}
