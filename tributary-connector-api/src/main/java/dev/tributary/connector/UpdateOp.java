package dev.tributary.connector;

import java.util.Map;

/** Changes objects, guarded by the version the caller last saw. */
public interface UpdateOp {

    /**
     * Sets the given fields of an object (fields not named keep their values; a null value clears
     * one), only if its version is still {@code expectedVersion}, checked in the same step as the
     * write so that no other change can slip in between.
     *
     * @param expectedVersion the version the caller read, or null to write unconditionally
     * @return the object's uid (changed if the fields rename it) and new version
     * @throws VersionConflictException if the version differs; nothing is changed then
     * @throws UnknownUidException if the object does not exist
     */
    VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion, Map<String, Object> fields,
            OperationOptions options);
}
