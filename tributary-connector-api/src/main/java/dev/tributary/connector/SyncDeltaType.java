package dev.tributary.connector;

/** What happened to an object. */
public enum SyncDeltaType {
    /** The object was created. */
    CREATE,
    /** An existing object changed. */
    UPDATE,
    /** The object was created or changed; the connector cannot tell which. */
    CREATE_OR_UPDATE,
    /** The object was deleted; the delta may carry no object. */
    DELETE
}
