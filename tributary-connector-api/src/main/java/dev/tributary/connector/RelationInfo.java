package dev.tributary.connector;

import java.util.Objects;

/**
 * A reference from one object class to another: {@code field} holds the uid of a {@code target}
 * object.
 *
 * @param name the relation's name
 * @param field the field holding the target's uid
 * @param target the object class referred to
 */
public record RelationInfo(String name, String field, ObjectClass target) {

    public RelationInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(target, "target");
    }
}
