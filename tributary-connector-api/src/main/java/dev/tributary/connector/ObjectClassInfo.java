package dev.tributary.connector;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One object class of a schema.
 *
 * @param objectClass the class
 * @param fields its fields
 * @param relations its references to other classes
 */
public record ObjectClassInfo(ObjectClass objectClass, List<FieldInfo> fields, List<RelationInfo> relations) {

    public ObjectClassInfo {
        Objects.requireNonNull(objectClass, "objectClass");
        fields = List.copyOf(fields);
        relations = List.copyOf(relations);
    }

    public Optional<FieldInfo> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
