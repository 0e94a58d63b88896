package dev.tributary.connector.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests, each test in a fresh PostgreSQL schema or MariaDB database that is
 * dropped afterwards.
 *
 * <p>PostgreSQL is reached at {@code TRIBUTARY_TEST_POSTGRES_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), MariaDB at {@code
 * TRIBUTARY_TEST_MARIADB_URL} (default {@code jdbc:mariadb://127.0.0.1:3306/test?user=root&amp;sslMode=disable}). When
 * a database is unreachable the test is skipped with a message — or fails when {@code CI=true},
 * so CI never passes by skipping.
 */
public final class ExternalDatabases {

    private ExternalDatabases() {
    }

    public static String postgresUrl() {
        return env("TRIBUTARY_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    public static String mariadbUrl() {
        return env("TRIBUTARY_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A database made for one test; {@link #close()} drops it. */
    public interface Scratch extends AutoCloseable {
        /** A JDBC URL whose connections work in it. */
        String jdbcUrl();

        @Override
        void close();
    }

    /** A fresh PostgreSQL schema. */
    public static Scratch postgresSchema() {
        String name = scratchName();
        execute("PostgreSQL", postgresUrl(), "CREATE SCHEMA " + name);
        String base = postgresUrl();
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
        return scratch(url, () -> execute("PostgreSQL", postgresUrl(), "DROP SCHEMA IF EXISTS " + name + " CASCADE"));
    }

    /** A fresh MariaDB database. */
    public static Scratch mariadbDatabase() {
        String name = scratchName();
        execute("MariaDB", mariadbUrl(), "CREATE DATABASE " + name);
        String base = mariadbUrl();
        int query = base.indexOf('?');
        String server = base.substring(0, base.lastIndexOf('/', query < 0 ? base.length() : query));
        String url = server + "/" + name + (query < 0 ? "" : base.substring(query));
        return scratch(url, () -> execute("MariaDB", mariadbUrl(), "DROP DATABASE IF EXISTS " + name));
    }

    private static Scratch scratch(String url, Runnable drop) {
        return new Scratch() {
            @Override
            public String jdbcUrl() {
                return url;
            }

            @Override
            public void close() {
                drop.run();
            }
        };
    }

    private static String scratchName() {
        return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static void execute(String what, String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            unavailable(what, url, e);
        }
    }

    /** Skips the test, or fails it when {@code CI=true}, because a database is unreachable. */
    public static void unavailable(String what, String url, Exception e) {
        int query = url.indexOf('?');
        String shown = query < 0 ? url : url.substring(0, query);
        String message = what + " is not usable at " + shown + " (" + e.getMessage() + "); start it, or point the"
                + " TRIBUTARY_TEST_" + what.toUpperCase(java.util.Locale.ROOT).replace("POSTGRESQL", "POSTGRES") + "_URL variable at one";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " — failing because CI=true");
        }
        Assumptions.abort(message);
    }
}
