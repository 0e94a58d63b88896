package dev.tributary.sdata;

import java.time.Instant;
import java.util.Objects;

/**
 * Where and when a resource's current version was made (SData 4.3): the endpoint, that
 * endpoint's tick at the change, and the time of the change.
 */
public record SyncState(String endpoint, long tick, Instant stamp) {

    public SyncState {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(stamp, "stamp");
        if (tick < 0) {
            throw new IllegalArgumentException("a tick cannot be negative: " + tick);
        }
    }
}
