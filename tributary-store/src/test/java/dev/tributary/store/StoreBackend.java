package dev.tributary.store;

import dev.tributary.connector.testkit.ExternalDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A place a test store lives, on SQLite or PostgreSQL. {@link #open} may be called again after a
 * store is closed to reopen the same data; {@link #close()} removes everything.
 */
public interface StoreBackend extends AutoCloseable {

    Store open(Clock clock);

    StoreKind kind();

    /** The store's JDBC URL, for a test that looks at the database itself. */
    String jdbcUrl();

    @Override
    void close();

    static StoreBackend sqlite() {
        try {
            Path dir = Files.createTempDirectory("tributary-test-");
            return new StoreBackend() {
                @Override
                public Store open(Clock clock) {
                    return Store.open(StoreConfig.sqlite(dir), clock);
                }

                @Override
                public StoreKind kind() {
                    return StoreKind.SQLITE;
                }

                @Override
                public String jdbcUrl() {
                    return StoreConfig.sqlite(dir).jdbcUrl();
                }

                @Override
                public void close() {
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static StoreBackend postgres() {
        ExternalDatabases.Scratch schema = ExternalDatabases.postgresSchema();
        return new StoreBackend() {
            @Override
            public Store open(Clock clock) {
                return Store.open(new StoreConfig(schema.jdbcUrl(), 12), clock);
            }

            @Override
            public StoreKind kind() {
                return StoreKind.POSTGRESQL;
            }

            @Override
            public String jdbcUrl() {
                return schema.jdbcUrl();
            }

            @Override
            public void close() {
                schema.close();
            }
        };
    }
}
