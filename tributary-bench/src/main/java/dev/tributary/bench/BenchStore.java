package dev.tributary.bench;

import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Comparator;
import java.util.UUID;

/**
 * A throw-away store for one benchmark run: a SQLite file in a temporary directory, or a fresh
 * schema in a PostgreSQL database (dropped at the end).
 */
final class BenchStore implements AutoCloseable {

    final Store store;
    final String jdbcUrl;
    private final Path sqliteDir;
    private final String postgresBase;
    private final String schema;

    private BenchStore(Store store, String jdbcUrl, Path sqliteDir, String postgresBase, String schema) {
        this.store = store;
        this.jdbcUrl = jdbcUrl;
        this.sqliteDir = sqliteDir;
        this.postgresBase = postgresBase;
        this.schema = schema;
    }

    /** {@code sqlite} or a PostgreSQL JDBC URL. */
    static BenchStore open(String spec) throws Exception {
        if (spec.equals("sqlite")) {
            Path dir = Files.createTempDirectory("tributary-bench-");
            StoreConfig config = StoreConfig.sqlite(dir);
            return new BenchStore(Store.open(config, Clock.systemUTC()), config.jdbcUrl(), dir, null, null);
        }
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(spec);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String url = spec + (spec.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new BenchStore(Store.open(StoreConfig.of(url), Clock.systemUTC()), url, null, spec, schema);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    @Override
    public void close() throws Exception {
        store.close();
        if (sqliteDir != null) {
            try (var files = Files.walk(sqliteDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(postgresBase);
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
