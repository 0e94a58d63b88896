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
    /**
     * What a column holds, as far as converting values goes; decided from the driver's type code
     * and the database's type name, the same way for all three databases.
     */
    enum Kind {
        BOOLEAN, INTEGER, DECIMAL, FLOAT, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, BINARY, JSON, UUID, TEXT
    }

    record Column(String name, int sqlType, String typeName, Dialect dialect) {

        /** The type name in lower case: the checks below run for every value written or read. */
        Column {
            typeName = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        }

        Kind kind() {
            String type = typeName; // already in lower case
            if (booleanish()) {
                return Kind.BOOLEAN;
            }
            if (zoned()) {
                return Kind.TIMESTAMPTZ;
            }
            if (type.startsWith("json")) {
                return Kind.JSON;
            }
            if (type.equals("uuid")) {
                return Kind.UUID;
            }
            if (type.startsWith("datetime") || type.startsWith("timestamp")) {
                return Kind.TIMESTAMP;
            }
            if (type.equals("date")) {
                return Kind.DATE;
            }
            if (type.startsWith("time")) {
                return Kind.TIME;
            }
            return switch (sqlType) {
                case Types.INTEGER, Types.BIGINT, Types.SMALLINT, Types.TINYINT -> Kind.INTEGER;
                case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.FLOAT;
                case Types.TIMESTAMP -> Kind.TIMESTAMP;
                case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMPTZ;
                case Types.DATE -> Kind.DATE;
                case Types.TIME, Types.TIME_WITH_TIMEZONE -> Kind.TIME;
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
                default -> type.startsWith("int") || type.endsWith("int") ? Kind.INTEGER
                        : type.startsWith("bytea") || type.endsWith("blob") ? Kind.BINARY
                        : type.startsWith("numeric") || type.startsWith("decimal") ? Kind.DECIMAL
                        : type.startsWith("real") || type.startsWith("double") || type.startsWith("float") ? Kind.FLOAT
                        : Kind.TEXT;
            };
        }

        /**
         * Whether the column holds instants, not wall-clock times: PostgreSQL's {@code timestamptz}
         * and MariaDB's {@code TIMESTAMP} (the connector's MariaDB sessions run in UTC, so both
         * read and write the instant).
         */
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
            return kind() == Kind.INTEGER;
        }

        FieldType fieldType() {
            return switch (kind()) {
                case BOOLEAN -> FieldType.BOOLEAN;
                case INTEGER -> FieldType.INTEGER;
                case DECIMAL, FLOAT -> FieldType.DECIMAL;
                case TIMESTAMP, TIMESTAMPTZ -> FieldType.TIMESTAMP;
                case DATE -> FieldType.DATE;
                case BINARY -> FieldType.BINARY;
                case JSON -> FieldType.JSON;
                default -> FieldType.STRING;
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
                        rows.getString("TYPE_NAME") == null ? "" : rows.getString("TYPE_NAME"), dialect));
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
