package dev.tributary.connector;

/**
 * A write named an expected version that is no longer the object's version: someone changed it
 * since it was read. Nothing was changed. The engine treats it as a conflict.
 */
public class VersionConflictException extends ConnectorException {

    private final Uid uid;
    private final String expectedVersion;
    private final String actualVersion;

    public VersionConflictException(Uid uid, String expectedVersion, String actualVersion) {
        super("object " + uid + " has version " + actualVersion + ", not the expected " + expectedVersion);
        this.uid = uid;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public Uid uid() {
        return uid;
    }

    public String expectedVersion() {
        return expectedVersion;
    }

    /** The object's current version, or null if the connector cannot tell. */
    public String actualVersion() {
        return actualVersion;
    }
}
