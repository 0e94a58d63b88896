package dev.tributary.esa;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The protocol's timestamps: ISO-8601 instants in UTC, at millisecond precision. */
public final class EsaTime {

    private EsaTime() {
    }

    /** UTC with exactly three fraction digits, so that stamps sort as text the way they sort in time. */
    private static final java.time.format.DateTimeFormatter FORMAT =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /**
     * An instant as the protocol writes it: UTC, milliseconds, always three fraction digits
     * ({@code 2024-02-29T10:11:12.000Z}, never {@code …:12Z}) — adapters that store and compare
     * stamps as text, as the reference adapter does, then order them right.
     */
    public static String format(Instant instant) {
        return FORMAT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    public static Instant parse(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new EsaProtocolException("'" + text + "' is not a UTC timestamp such as 2024-02-29T10:11:12.345Z");
        }
    }
}
