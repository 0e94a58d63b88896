package dev.tributary.server.changes;

import java.time.Instant;

/**
 * RFC 3339 timestamps for records. Records written together share their timestamp, and a page
 * of the change feed holds many of them, so the last formatted value is remembered per thread
 * (formatting an {@link Instant} was a visible cost in the feed's profile).
 */
final class Timestamps {

    private record Last(long millis, String text) {
    }

    private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(() -> new Last(Long.MIN_VALUE, ""));

    private Timestamps() {
    }

    static String format(Instant instant) {
        long millis = instant.toEpochMilli();
        Last last = LAST.get();
        if (last.millis() == millis) {
            return last.text();
        }
        String text = instant.toString();
        LAST.set(new Last(millis, text));
        return text;
    }
}
