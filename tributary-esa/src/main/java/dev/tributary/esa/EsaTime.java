package dev.tributary.esa;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The protocol's timestamps: ISO-8601 instants in UTC, at millisecond precision. */
public final class EsaTime {

    private EsaTime() {
    }

    public static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    public static Instant parse(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new EsaProtocolException("'" + text + "' is not a UTC timestamp such as 2024-02-29T10:11:12.345Z");
        }
    }
}
