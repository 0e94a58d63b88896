package dev.tributary.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Sealing and re-sealing of the credential columns, inside a write transaction. */
final class Sealing {

    private Sealing() {
    }

    private record Cell(String key, String value) {
    }

    private static List<Cell> cells(Connection connection, String table, String keyColumn, String column, String onlyKey)
            throws SQLException {
        // Table and column names are constants of this class's callers, never input.
        String sql = "SELECT " + keyColumn + ", " + column + " FROM " + table + " WHERE " + column + " IS NOT NULL"
                + (onlyKey == null ? "" : " AND " + keyColumn + " = ?");
        return onlyKey == null ? Rows.query(connection, row -> new Cell(row.getString(1), row.getString(2)), sql)
                : Rows.query(connection, row -> new Cell(row.getString(1), row.getString(2)), sql, onlyKey);
    }

    private static void set(Connection connection, String table, String keyColumn, String column, Cell cell, String value)
            throws SQLException {
        Rows.update(connection, "UPDATE " + table + " SET " + column + " = ? WHERE " + keyColumn + " = ?", value, cell.key());
    }

    /** Seals the values of a column not sealed yet (all rows, or the row {@code onlyKey}). */
    static void sealColumn(Connection connection, Secrets secrets, String table, String keyColumn, String column, String... onlyKey)
            throws SQLException {
        for (Cell cell : cells(connection, table, keyColumn, column, onlyKey.length == 0 ? null : onlyKey[0])) {
            if (!Secrets.isSealed(cell.value())) {
                set(connection, table, keyColumn, column, cell, secrets.seal(cell.value()));
            }
        }
    }

    /** Opens every sealed value of a column with {@code from} and seals it with {@code to}. */
    static void reseal(Connection connection, Secrets from, Secrets to, String table, String keyColumn, String column)
            throws SQLException {
        for (Cell cell : cells(connection, table, keyColumn, column, null)) {
            if (Secrets.isSealed(cell.value())) {
                set(connection, table, keyColumn, column, cell, to.seal(from.open(cell.value())));
            }
        }
    }
}
