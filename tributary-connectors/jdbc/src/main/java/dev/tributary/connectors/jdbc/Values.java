package dev.tributary.connectors.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Column values to field values and back. Whole numbers become {@code Long}, floating numbers
 * {@code Double}, timestamps {@code Instant} (a timestamp without zone is read as UTC), dates
 * {@code LocalDate}, boolean-like columns (including SQLite's 0/1 and MariaDB's TINYINT(1))
 * {@code Boolean}; anything else the driver gives is read as text.
 */
final class Values {

    private Values() {
    }

    static Object read(ResultSet rows, int index, Tables.Column column) throws SQLException {
        Object value = rows.getObject(index);
        if (value == null) {
            return null;
        }
        if (column.booleanish()) {
            if (value instanceof Boolean) {
                return value;
            }
            if (value instanceof Number n) {
                return n.intValue() != 0;
            }
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Long || value instanceof BigDecimal || value instanceof Double || value instanceof Boolean
                || value instanceof String || value instanceof BigInteger || value instanceof byte[]) {
            return value;
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Timestamp t) {
            // A zoned column holds an instant; a column without zone holds UTC wall-clock time. Neither
            // may pass through the JVM's own zone.
            return column.zoned() ? t.toInstant() : rows.getObject(index, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
        if (value instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof LocalDate) {
            return value;
        }
        if (value instanceof Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        if (value instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        return value.toString();
    }

    static void bind(PreparedStatement statement, int index, Object value, Tables.Column column) throws SQLException {
        if (value == null) {
            statement.setNull(index, column.sqlType());
            return;
        }
        if (value instanceof List || value instanceof Map) {
            throw new IllegalArgumentException("field '" + column.name() + "': lists and objects cannot be stored in a "
                    + column.typeName() + " column");
        }
        if (value instanceof Instant instant && column.zoned()) {
            statement.setObject(index, java.time.OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else if (value instanceof Instant instant) {
            statement.setTimestamp(index, Timestamp.valueOf(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
        } else if (value instanceof LocalDate date) {
            statement.setDate(index, java.sql.Date.valueOf(date));
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else if (value instanceof Boolean b) {
            statement.setBoolean(index, b);
        } else if (value instanceof String text && column.sqlType() != Types.VARCHAR && column.sqlType() != Types.CHAR
                && column.sqlType() != Types.LONGVARCHAR && column.sqlType() != Types.NVARCHAR) {
            // Let the driver convert text to the column's type (numbers, json, uuid…).
            statement.setObject(index, text, column.sqlType() == Types.OTHER ? Types.OTHER : column.sqlType());
        } else {
            statement.setObject(index, value);
        }
    }

    /** Binds a uid to the key column: numbers for numeric keys; false if it cannot be one. */
    static boolean bindKey(PreparedStatement statement, int index, String uid, Tables.Column key) throws SQLException {
        if (key.integral()) {
            try {
                statement.setLong(index, Long.parseLong(uid));
            } catch (NumberFormatException e) {
                return false;
            }
        } else {
            statement.setString(index, uid);
        }
        return true;
    }
}
