package dev.tributary.connector;

import java.util.Map;

/** Creates objects. */
public interface CreateOp {

    /**
     * Creates an object from {@code fields}.
     *
     * @return the new object's uid and version
     * @throws AlreadyExistsException if the fields name a uid that is taken
     */
    VersionedUid create(ObjectClass objectClass, Map<String, Object> fields, OperationOptions options);
}
