package dev.tributary.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a store lives.
 *
 * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/db}; a
 *     PostgreSQL user and password may be given as URL parameters
 * @param poolSize connections used for reads (and, on PostgreSQL, writes)
 */
public record StoreConfig(String jdbcUrl, int poolSize) {

    /** File name of the embedded store inside its data directory. */
    public static final String SQLITE_FILE = "tributary.db";

    public StoreConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        StoreKind.fromJdbcUrl(jdbcUrl);
        if (poolSize < 1 || poolSize > 200) {
            throw new IllegalArgumentException("poolSize must be between 1 and 200, got " + poolSize);
        }
    }

    /** The embedded SQLite store in {@code dataDir}. */
    public static StoreConfig sqlite(Path dataDir) {
        return new StoreConfig("jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath(), 4);
    }

    /** A store at a JDBC URL, with a pool size suited to it. */
    public static StoreConfig of(String jdbcUrl) {
        return new StoreConfig(jdbcUrl,
                StoreKind.fromJdbcUrl(jdbcUrl) == StoreKind.SQLITE ? 4 : 10);
    }

    public StoreKind kind() {
        return StoreKind.fromJdbcUrl(jdbcUrl);
    }

    /** The URL with any parameters (which may hold a password) hidden, for logs. */
    public String redactedUrl() {
        return StoreKind.redact(jdbcUrl);
    }
}
