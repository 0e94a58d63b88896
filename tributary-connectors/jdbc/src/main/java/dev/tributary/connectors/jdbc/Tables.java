package dev.tributary.connectors.jdbc;

import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.FieldType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the database says about tables and their columns. */
final class Tables {

    private Tables() {
    }

    /** One column. */
    record Column(String name, int sqlType, String typeName) {

        /** Whether the column holds instants (timestamp with time zone), not wall-clock times. */
        boolean zoned() {
            String type = typeName.toLowerCase(Locale.ROOT);
            return sqlType == Types.TIMESTAMP_WITH_TIMEZONE || type.equals("timestamptz") || type.contains("with time zone");
        }

        boolean booleanish() {
            String type = typeName.toLowerCase(Locale.ROOT);
            return sqlType == Types.BOOLEAN || sqlType == Types.BIT || type.equals("boolean") || type.equals("bool")
                    || type.equals("tinyint(1)");
        }

        boolean integral() {
            return switch (sqlType) {
                case Types.INTEGER, Types.BIGINT, Types.SMALLINT, Types.TINYINT -> !booleanish();
                default -> typeName.toLowerCase(Locale.ROOT).startsWith("int");
            };
        }

        FieldType fieldType() {
            if (booleanish()) {
                return FieldType.BOOLEAN;
            }
            return switch (sqlType) {
                case Types.INTEGER, Types.BIGINT, Types.SMALLINT, Types.TINYINT -> FieldType.INTEGER;
                case Types.DECIMAL, Types.NUMERIC, Types.REAL, Types.FLOAT, Types.DOUBLE -> FieldType.DECIMAL;
                case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> FieldType.TIMESTAMP;
                case Types.DATE -> FieldType.DATE;
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> FieldType.BINARY;
                default -> typeName.toLowerCase(Locale.ROOT).startsWith("json") ? FieldType.JSON : FieldType.STRING;
            };
        }
    }

    static List<Column> columns(Connection connection, Dialect dialect, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<Column> columns = new ArrayList<>();
        try (ResultSet rows = meta.getColumns(catalog(connection, dialect), schema(connection, dialect),
                tableName(dialect, table), null)) {
            while (rows.next()) {
                columns.add(new Column(rows.getString("COLUMN_NAME"), rows.getInt("DATA_TYPE"),
                        rows.getString("TYPE_NAME") == null ? "" : rows.getString("TYPE_NAME")));
            }
        }
        return columns;
    }

    static boolean hasTable(Connection connection, Dialect dialect, String table) throws SQLException {
        try (ResultSet rows = connection.getMetaData().getTables(catalog(connection, dialect), schema(connection, dialect),
                tableName(dialect, table), null)) {
            return rows.next();
        }
    }

    static void requireTable(Connection connection, Dialect dialect, String table) throws SQLException {
        if (!hasTable(connection, dialect, table)) {
            throw new ConnectorException("table '" + table + "' does not exist in the database");
        }
    }

    static boolean hasColumn(Connection connection, Dialect dialect, String table, String column) throws SQLException {
        return columns(connection, dialect, table).stream().anyMatch(c -> c.name().equalsIgnoreCase(column));
    }

    private static String catalog(Connection connection, Dialect dialect) throws SQLException {
        return dialect == Dialect.MARIADB ? connection.getCatalog() : null;
    }

    private static String schema(Connection connection, Dialect dialect) throws SQLException {
        return dialect == Dialect.POSTGRESQL ? connection.getSchema() : null;
    }

    /** PostgreSQL folds unquoted names to lower case; the connector's names are used as given. */
    private static String tableName(Dialect dialect, String table) {
        return table;
    }
}
