package dev.tributary.connectors.jdbc;

import java.util.regex.Pattern;

/** The SQL differences between the databases the JDBC connector supports. */
enum Dialect {
    POSTGRESQL, MARIADB, SQLITE;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    static Dialect of(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        return null;
    }

    /** Whether a name may be used as a table or column name (it is quoted anyway). */
    static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    /** A quoted identifier; only names that passed {@link #isIdentifier} get here. */
    String quote(String identifier) {
        if (!isIdentifier(identifier)) {
            throw new IllegalArgumentException("not a valid identifier: " + identifier);
        }
        return this == MARIADB ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }

    /** An expression for the database's current time. */
    String now() {
        return switch (this) {
            case POSTGRESQL -> "clock_timestamp()";
            case MARIADB -> "NOW(6)";
            case SQLITE -> "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
        };
    }

    /** A query for the database's current time. */
    String selectNow() {
        return switch (this) {
            case POSTGRESQL -> "SELECT clock_timestamp()";
            case MARIADB -> "SELECT NOW(6)";
            case SQLITE -> "SELECT strftime('%Y-%m-%dT%H:%M:%fZ','now')";
        };
    }

    /** The text form of a key column's value, as stored in the deletion table. */
    String asText(String expression) {
        return switch (this) {
            case POSTGRESQL -> expression + "::text";
            case MARIADB -> "CAST(" + expression + " AS CHAR)";
            case SQLITE -> "CAST(" + expression + " AS TEXT)";
        };
    }
}
