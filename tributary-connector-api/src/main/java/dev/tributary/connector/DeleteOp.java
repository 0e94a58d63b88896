package dev.tributary.connector;

/** Deletes objects, guarded by the version the caller last saw. */
public interface DeleteOp {

    /**
     * Deletes an object, only if its version is still {@code expectedVersion}.
     *
     * @param expectedVersion the version the caller read, or null to delete unconditionally
     * @throws VersionConflictException if the version differs; nothing is changed then
     * @throws UnknownUidException if the object does not exist
     */
    void delete(ObjectClass objectClass, Uid uid, String expectedVersion, OperationOptions options);
}
