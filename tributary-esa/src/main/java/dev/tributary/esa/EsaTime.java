package dev.tributary.esa;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The protocol's timestamps: ISO-8601 instants in UTC, at millisecond precision.
 *
 * <p>Implementation notes. Every record carries one, so both directions have a direct path for the
 * form the protocol writes ({@code 2024-02-29T10:11:12.345Z}, years 0000–9999): about ten times
 * cheaper than going through a {@code DateTimeFormatter}, which was a fifth of an ESA read's time.
 * Anything else an adapter sends (fewer fraction digits, surrounding blanks, a leap second, a
 * field out of range) goes to {@link Instant#parse}, which reads or refuses it as before.
 */
public final class EsaTime {

    private EsaTime() {
    }

    private static final long MIN_SECONDS = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECONDS = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    /**
     * An instant as the protocol writes it: UTC, milliseconds, always three fraction digits
     * ({@code 2024-02-29T10:11:12.000Z}, never {@code …:12Z}) — adapters that store and compare
     * stamps as text, as the reference adapter does, then order them right.
     */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException(instant + " is outside the years 0000 to 9999 the protocol writes");
        }
        long epochDay = Math.floorDiv(seconds, 86_400L);
        int second = (int) Math.floorMod(seconds, 86_400L);
        Day day = lastFormatted;
        if (day == null || day.epochDay != epochDay) {
            LocalDate date = LocalDate.ofEpochDay(epochDay);
            day = new Day(epochDay, date.getYear(), date.getMonthValue(), date.getDayOfMonth());
            lastFormatted = day;
        }
        char[] text = "0000-00-00T00:00:00.000Z".toCharArray();
        digits(text, 0, 4, day.year);
        digits(text, 5, 2, day.month);
        digits(text, 8, 2, day.day);
        digits(text, 11, 2, second / 3600);
        digits(text, 14, 2, second / 60 % 60);
        digits(text, 17, 2, second % 60);
        digits(text, 20, 3, instant.getNano() / 1_000_000);
        return new String(text);
    }

    /**
     * A calendar day and its number since 1970-01-01. A page's records were mostly changed on the
     * same few days: the last day written and the last read are kept (one each, shared by all
     * threads — an immutable value, so a stale one is only a miss), and the calendar arithmetic
     * is done once per day instead of once per record.
     */
    private record Day(long epochDay, int year, int month, int day) {
    }

    private static volatile Day lastFormatted;
    private static volatile Day lastParsed;

    private static void digits(char[] text, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    public static Instant parse(String text) {
        try {
            if (text.length() == 24 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                    && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == '.' && text.charAt(23) == 'Z') {
                int year = number(text, 0, 4);
                int month = number(text, 5, 2);
                int day = number(text, 8, 2);
                int hour = number(text, 11, 2);
                int minute = number(text, 14, 2);
                int second = number(text, 17, 2);
                int millis = number(text, 20, 3);
                if ((year | month | day | hour | minute | second | millis) >= 0 && hour < 24 && minute < 60 && second < 60) {
                    Day date = lastParsed;
                    if (date == null || date.year != year || date.month != month || date.day != day) {
                        date = month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth()
                                ? new Day(LocalDate.of(year, month, day).toEpochDay(), year, month, day) : null;
                        if (date != null) {
                            lastParsed = date;
                        }
                    }
                    if (date != null) {
                        return Instant.ofEpochSecond(date.epochDay * 86_400L + hour * 3600 + minute * 60 + second,
                                millis * 1_000_000L);
                    }
                }
            }
            return Instant.parse(text.strip()); // any other form, and what the direct path does not take
        } catch (DateTimeParseException e) {
            throw new EsaProtocolException("'" + text + "' is not a UTC timestamp such as 2024-02-29T10:11:12.345Z");
        }
    }

    /** The decimal number in {@code text[from, from + width)}, or -1 when a character is not a digit. */
    private static int number(String text, int from, int width) {
        int value = 0;
        for (int i = from; i < from + width; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
