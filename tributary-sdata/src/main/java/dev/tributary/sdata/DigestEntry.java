package dev.tributary.sdata;

import java.time.Instant;
import java.util.Objects;

/**
 * How far one endpoint's changes have been absorbed: every change that endpoint made with a tick
 * below {@code tick} is in (SData 4.2: the tick is "just above" the last change absorbed).
 *
 * @param endpoint the endpoint's URL
 * @param tick the first tick not yet absorbed
 * @param stamp when this entry's tick last changed
 * @param conflictPriority 1 (wins conflicts) to 9 (loses them)
 */
public record DigestEntry(String endpoint, long tick, Instant stamp, int conflictPriority) {

    public DigestEntry {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.isBlank()) {
            throw new IllegalArgumentException("a digest entry needs an endpoint");
        }
        if (tick < 0) {
            throw new IllegalArgumentException("a tick cannot be negative: " + tick);
        }
        if (conflictPriority < 1 || conflictPriority > 9) {
            throw new IllegalArgumentException("conflict priorities are 1 to 9, not " + conflictPriority);
        }
    }
}
