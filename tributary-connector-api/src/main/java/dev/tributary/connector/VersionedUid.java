package dev.tributary.connector;

import java.util.Objects;

/**
 * The identity of an object after a write: its uid (which may have changed) and its new version.
 *
 * @param uid the object's uid
 * @param version its version after the write, or null if the system keeps none
 */
public record VersionedUid(Uid uid, String version) {

    public VersionedUid {
        Objects.requireNonNull(uid, "uid");
    }
}
