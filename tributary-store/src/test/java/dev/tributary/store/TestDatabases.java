package dev.tributary.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests. PostgreSQL is reached at {@code TRIBUTARY_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}); each test store gets its own
 * schema, dropped when the test is done. When PostgreSQL is unreachable the test is skipped with a
 * message — or fails, when {@code CI=true}, so CI never passes by skipping.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    public static String postgresUrl() {
        String url = System.getenv("TRIBUTARY_TEST_POSTGRES_URL");
        return url == null || url.isBlank()
                ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url;
    }

    /** A fresh PostgreSQL schema; {@link #close()} drops it. */
    public static final class PostgresSchema implements AutoCloseable {
        private final String name;

        private PostgresSchema(String name) {
            this.name = name;
        }

        /** A JDBC URL whose connections work in this schema. */
        public String jdbcUrl() {
            String base = postgresUrl();
            return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
        }

        public String name() {
            return name;
        }

        @Override
        public void close() {
            try (Connection connection = DriverManager.getConnection(postgresUrl());
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop test schema " + name, e);
            }
        }
    }

    /** Creates a fresh schema, or skips (fails on CI) when PostgreSQL is unreachable. */
    public static PostgresSchema postgresSchema() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(postgresUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            unavailable("PostgreSQL", postgresUrl(), e);
        }
        return new PostgresSchema(name);
    }

    static void unavailable(String what, String url, Exception e) {
        String message = what + " is not reachable at " + StoreKind.redact(url) + " (" + e.getMessage()
                + "); start it or set TRIBUTARY_TEST_POSTGRES_URL";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " — failing because CI=true");
        }
        Assumptions.abort(message);
    }
}
