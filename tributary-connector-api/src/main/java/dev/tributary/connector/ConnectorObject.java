package dev.tributary.connector;

import java.util.Map;
import java.util.Objects;

/**
 * An object of an external system as a connector reads it.
 *
 * @param objectClass its class; never {@link ObjectClass#ALL}
 * @param uid its identifier
 * @param version its current version (an opaque string the connector can check on writes), or null
 *     if the system keeps none
 * @param fields its fields, checked by {@link FieldValues} and immutable
 */
public record ConnectorObject(ObjectClass objectClass, Uid uid, String version, Map<String, Object> fields) {

    public ConnectorObject {
        Objects.requireNonNull(objectClass, "objectClass");
        Objects.requireNonNull(uid, "uid");
        if (objectClass.isAll()) {
            throw new IllegalArgumentException("an object has a concrete object class, not " + ObjectClass.ALL);
        }
        fields = FieldValues.copyOf(fields);
    }
}
