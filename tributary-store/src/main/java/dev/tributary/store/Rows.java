package dev.tributary.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small helpers for the repositories: bound parameters only, rows read by a mapper. */
final class Rows {

    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private Rows() {
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                // Untyped: the database takes the column's type. A text NULL would be refused by
                // PostgreSQL for a numeric column.
                statement.setNull(i + 1, java.sql.Types.NULL);
            } else if (value instanceof Integer n) {
                statement.setLong(i + 1, n);
            } else {
                statement.setObject(i + 1, value);
            }
        }
        return statement;
    }

    static <T> List<T> query(Connection connection, Mapper<T> mapper, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, values); ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
    }

    static <T> Optional<T> one(Connection connection, Mapper<T> mapper, String sql, Object... values) throws SQLException {
        List<T> found = query(connection, mapper, sql, values);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, values)) {
            return statement.executeUpdate();
        }
    }

    static java.time.Instant instant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? null : java.time.Instant.ofEpochMilli(millis);
    }
}
