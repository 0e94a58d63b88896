package dev.tributary.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a store lives.
 *
 * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/db}; a
 *     PostgreSQL user and password may be given as URL parameters
 * @param poolSize connections used for reads (and, on PostgreSQL, writes)
 * @param secretKeyFile the file of the key that seals stored credentials, or null for the
 *     default: {@code TRIBUTARY_SECRET_KEY_FILE}, else {@code secret.key} next to the SQLite store,
 *     else {@code ~/.tributary/secret.key} (see {@link Secrets}; {@code TRIBUTARY_SECRET_KEY} wins over any file)
 */
public record StoreConfig(String jdbcUrl, int poolSize, Path secretKeyFile) {

    /** File name of the key next to the embedded store. */
    public static final String KEY_FILE = "secret.key";

    public StoreConfig(String jdbcUrl, int poolSize) {
        this(jdbcUrl, poolSize, null);
    }

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

    /** This config with another key file. */
    public StoreConfig withSecretKeyFile(Path file) {
        return new StoreConfig(jdbcUrl, poolSize, file);
    }

    /** The key file in use: the one given, else the default described on the record. */
    public Path keyFile() {
        if (secretKeyFile != null) {
            return secretKeyFile;
        }
        String fromEnv = System.getenv(Secrets.KEY_FILE_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.strip());
        }
        if (kind() == StoreKind.SQLITE) {
            Path db = Path.of(jdbcUrl.substring("jdbc:sqlite:".length())).toAbsolutePath();
            return db.resolveSibling(KEY_FILE);
        }
        return Path.of(System.getProperty("user.home"), ".tributary", KEY_FILE);
    }

    public StoreKind kind() {
        return StoreKind.fromJdbcUrl(jdbcUrl);
    }

    /** The URL with any parameters (which may hold a password) hidden, for logs. */
    public String redactedUrl() {
        return StoreKind.redact(jdbcUrl);
    }
}
