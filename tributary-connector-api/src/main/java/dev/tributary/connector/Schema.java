package dev.tributary.connector;

import java.util.List;
import java.util.Optional;

/** What an external system holds: its object classes. */
public record Schema(List<ObjectClassInfo> objectClasses) {

    public Schema {
        objectClasses = List.copyOf(objectClasses);
    }

    public Optional<ObjectClassInfo> objectClass(ObjectClass objectClass) {
        return objectClasses.stream().filter(o -> o.objectClass().equals(objectClass)).findFirst();
    }
}
