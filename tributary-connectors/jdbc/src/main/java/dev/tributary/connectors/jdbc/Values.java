package dev.tributary.connectors.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connectors.jdbc.Tables.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Column values to field values and back, by the column's {@link Kind}, the same on PostgreSQL,
 * MariaDB and SQLite. Reading gives: whole numbers as {@code Long}, decimals as
 * {@code BigDecimal}, floating numbers as {@code Double}, booleans (also SQLite's 0/1 and
 * MariaDB's {@code TINYINT(1)}) as {@code Boolean}, timestamps as {@code Instant} (a timestamp
 * without zone is UTC wall-clock time), dates as {@code LocalDate}, times of day as ISO-8601 text,
 * binary as {@code byte[]}, JSON and UUIDs as their text, anything else as text.
 *
 * <p>Writing accepts those, and what they become on their way through the hub's JSON — ISO-8601
 * text for times and dates, base64 for binary, numbers as {@code Long}/{@code BigDecimal},
 * objects and arrays for JSON columns — converted to the column's type here, never by the
 * driver and never through the JVM's default time zone. A value the column cannot hold is an
 * {@link IllegalArgumentException} naming the field.
 *
 * <p>SQLite has no date or time types: its timestamps, dates and times are stored as ISO-8601
 * text (instants with a {@code Z}, three fraction digits unless the value has more precision, as
 * its own {@code strftime} writes them).
 */
final class Values {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SQLITE_MILLIS = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 3, 3, true)
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter SQLITE_MICROS = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 6, 9, true)
            .toFormatter(Locale.ROOT);

    private Values() {
    }

    static Object read(ResultSet rows, int index, Tables.Column column) throws SQLException {
        Object value = rows.getObject(index);
        if (value == null) {
            return null;
        }
        boolean text = value instanceof String;
        switch (column.kind()) {
            case BOOLEAN -> {
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof Number n) {
                    return n.intValue() != 0;
                }
                return switch (value.toString().toLowerCase(Locale.ROOT)) {
                    case "true", "t", "1" -> Boolean.TRUE;
                    case "false", "f", "0" -> Boolean.FALSE;
                    default -> value.toString();
                };
            }
            case INTEGER -> {
                if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                if (value instanceof BigDecimal d && d.scale() <= 0) {
                    return d.toBigIntegerExact();
                }
                return value instanceof Number ? value : value.toString();
            }
            case DECIMAL -> {
                if (value instanceof Double || value instanceof Float) {
                    return new BigDecimal(value.toString()); // SQLite keeps NUMERIC as REAL
                }
                return value instanceof Number ? value : value.toString();
            }
            case FLOAT -> {
                if (value instanceof Float f) {
                    return Double.valueOf(f.toString());
                }
                return value instanceof Number n ? n.doubleValue() : value.toString();
            }
            case DATE -> {
                return text ? LocalDate.parse((String) value) : rows.getObject(index, LocalDate.class);
            }
            case TIME -> {
                // ISO-8601 text: a time of day is not among the connector field types
                return (text ? LocalTime.parse((String) value) : rows.getObject(index, LocalTime.class)).toString();
            }
            case TIMESTAMP -> {
                if (value instanceof Number epochMillis) {
                    return Instant.ofEpochMilli(epochMillis.longValue()); // how a SQLite driver stores them by default
                }
                return text ? instant((String) value, column)
                        : rows.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC);
            }
            case TIMESTAMPTZ -> {
                return text ? instant((String) value, column) : rows.getObject(index, OffsetDateTime.class).toInstant();
            }
            case BINARY -> {
                if (value instanceof Blob blob) {
                    return blob.getBytes(1, (int) blob.length());
                }
                return value instanceof byte[] ? value : value.toString();
            }
            default -> {
                if (value instanceof Clob clob) {
                    return clob.getSubString(1, (int) clob.length());
                }
                if (value instanceof Number || value instanceof Boolean || value instanceof byte[]) {
                    return value; // a column of another kind (SQLite lets any column hold anything)
                }
                return value.toString(); // text, JSON and UUID as text
            }
        }
    }

    static void bind(PreparedStatement statement, int index, Object value, Tables.Column column) throws SQLException {
        if (value == null) {
            statement.setNull(index, column.sqlType());
            return;
        }
        Kind kind = column.kind();
        if ((value instanceof List || value instanceof Map) && kind != Kind.JSON) {
            throw invalid(column, value, "lists and objects can only be stored in a JSON column");
        }
        boolean sqlite = column.dialect() == Dialect.SQLITE;
        try {
            switch (kind) {
                case BOOLEAN -> statement.setBoolean(index, bool(value, column));
                case INTEGER -> {
                    if (value instanceof BigInteger big) {
                        statement.setBigDecimal(index, new BigDecimal(big));
                    } else {
                        statement.setLong(index, whole(value, column));
                    }
                }
                case DECIMAL -> statement.setBigDecimal(index, new BigDecimal(value.toString().trim()));
                case FLOAT -> statement.setDouble(index, value instanceof Number n ? n.doubleValue()
                        : Double.parseDouble(value.toString().trim()));
                case DATE -> {
                    LocalDate date = value instanceof LocalDate d ? d : LocalDate.parse(value.toString().trim());
                    if (sqlite) {
                        statement.setString(index, date.toString());
                    } else {
                        statement.setObject(index, date);
                    }
                }
                case TIME -> {
                    LocalTime time = value instanceof LocalTime t ? t : LocalTime.parse(value.toString().trim());
                    if (sqlite) {
                        statement.setString(index, time.toString());
                    } else {
                        statement.setObject(index, time);
                    }
                }
                case TIMESTAMP, TIMESTAMPTZ -> {
                    Instant instant = instant(value, column);
                    LocalDateTime utc = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
                    if (sqlite) {
                        statement.setString(index, (utc.getNano() % 1_000_000 == 0 ? SQLITE_MILLIS : SQLITE_MICROS).format(utc)
                                + "Z");
                    } else if (kind == Kind.TIMESTAMPTZ) {
                        statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
                    } else {
                        statement.setObject(index, utc);
                    }
                }
                case BINARY -> statement.setBytes(index, value instanceof byte[] bytes ? bytes
                        : Base64.getDecoder().decode(value.toString().trim()));
                case JSON -> {
                    String json = value instanceof String s ? s : JSON.writeValueAsString(value);
                    if (column.dialect() == Dialect.POSTGRESQL) {
                        statement.setObject(index, json, Types.OTHER);
                    } else {
                        statement.setString(index, json);
                    }
                }
                case UUID -> {
                    UUID uuid = UUID.fromString(value.toString().trim());
                    if (column.dialect() == Dialect.POSTGRESQL) {
                        statement.setObject(index, uuid);
                    } else {
                        statement.setString(index, uuid.toString());
                    }
                }
                default -> {
                    if (value instanceof byte[] bytes) {
                        statement.setBytes(index, bytes);
                    } else if (column.sqlType() == Types.OTHER && column.dialect() == Dialect.POSTGRESQL) {
                        statement.setObject(index, value.toString(), Types.OTHER); // enums, inet, … from their text
                    } else {
                        statement.setString(index, value.toString());
                    }
                }
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw invalid(column, value, "it is not " + article(kind));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("field '")) {
                throw e;
            }
            throw invalid(column, value, "it is not " + article(kind));
        } catch (JsonProcessingException e) {
            throw invalid(column, value, "it cannot be written as JSON");
        }
    }

    /** Binds a uid to the key column, converted to the column's type; false if it cannot be one. */
    static boolean bindKey(PreparedStatement statement, int index, String uid, Tables.Column key) throws SQLException {
        try {
            bind(statement, index, uid, key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean bool(Object value, Tables.Column column) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n && (n.intValue() == 0 || n.intValue() == 1)) {
            return n.intValue() == 1;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "1", "yes" -> true;
            case "false", "f", "0", "no" -> false;
            default -> throw invalid(column, value, "it is not true or false");
        };
    }

    /**
     * A key as the table itself spells it: an integer key's text in its plain form ({@code "7"}
     * for {@code "007"} or {@code "+7"}, as reads name the row), any other key as it is.
     */
    static String canonicalKey(String key, Tables.Column column) {
        if (key == null || !column.integral()) {
            return key;
        }
        try {
            return Long.toString(whole(key, column));
        } catch (NumberFormatException | ArithmeticException e) {
            return key; // no row can have it; binding it says so
        }
    }

    private static long whole(Object value, Tables.Column column) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        return new BigDecimal(value.toString().trim()).longValueExact();
    }

    /** An instant from what a field may hold: an Instant, ISO-8601 text (UTC if without offset), epoch millis. */
    private static Instant instant(Object value, Tables.Column column) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof LocalDateTime time) {
            return time.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof Long || value instanceof Integer) {
            return Instant.ofEpochMilli(((Number) value).longValue());
        }
        String text = value.toString().trim();
        try {
            return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
    }

    private static IllegalArgumentException invalid(Tables.Column column, Object value, String why) {
        String shown = String.valueOf(value);
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new IllegalArgumentException("field '" + column.name() + "': cannot store '" + shown + "' in the "
                + column.typeName() + " column: " + why);
    }

    private static String article(Kind kind) {
        return switch (kind) {
            case BOOLEAN -> "true or false";
            case INTEGER -> "a whole number in range";
            case DECIMAL, FLOAT -> "a number";
            case DATE -> "an ISO-8601 date (2024-02-29)";
            case TIME -> "an ISO-8601 time (23:59:58.5)";
            case TIMESTAMP, TIMESTAMPTZ -> "an ISO-8601 timestamp (2024-02-29T23:59:58.5Z)";
            case BINARY -> "base64";
            case UUID -> "a UUID";
            default -> "text";
        };
    }
}
