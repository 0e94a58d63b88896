package dev.tributary.bench;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.connectors.jdbc.JdbcConnector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The JDBC connector's full read (issue "connector SPI", benchmark): a table read through
 * {@code SyncOp} from a null token against one plain {@code SELECT} of the same rows, alternated.
 */
@Command(name = "jdbc-read", mixinStandardHelpOptions = true,
        description = "JDBC connector full read through SyncOp vs a plain JDBC SELECT (PostgreSQL).")
final class JdbcReadBenchmark implements Callable<Integer> {

    @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            description = "PostgreSQL database; a fresh schema is created and dropped (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--rows", defaultValue = "100000", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "5", description = "A/B pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--batch", defaultValue = "5000", description = "Connector batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Connection admin = DriverManager.getConnection(postgres); Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        try {
            Map<String, Object> settings = Map.of("url", url, "tables", "items", "batchSize", Integer.toString(batch));
            try (Connection sql = DriverManager.getConnection(url); Statement statement = sql.createStatement()) {
                statement.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, count INTEGER, active BOOLEAN)");
                JdbcConnector.installChangeTracking(settings);
                long start = System.nanoTime();
                statement.execute("INSERT INTO items (id, name, count, active) SELECT g, 'item ' || g, g % 1000, g % 2 = 0"
                        + " FROM generate_series(1, " + rows + ") g");
                statement.execute("ANALYZE items");
                ChangeFeedBenchmark.line("loaded %,d rows through the change triggers in %.1f s", rows,
                        (System.nanoTime() - start) / 1e9);
            }
            Stats connector = new Stats();
            Stats plain = new Stats();
            Stats ratio = new Stats();
            try (GuardedConnector guarded = GuardedConnector.open(new JdbcConnector(), settings)) {
                for (int pair = 0; pair < pairs; pair++) {
                    double baseline = plainSelect(url);
                    double subject = throughSync(guarded);
                    plain.add(baseline);
                    connector.add(subject);
                    ratio.add(baseline / subject);
                }
            }
            ChangeFeedBenchmark.line("rows: %,d, connector batch: %,d", rows, batch);
            ChangeFeedBenchmark.line("JDBC connector full read through SyncOp: %s", connector.format("rows/s"));
            ChangeFeedBenchmark.line("baseline, one plain SELECT of the same rows: %s", plain.format("rows/s"));
            ChangeFeedBenchmark.line("    baseline/connector per pair: %s", ratio.formatRatio());
        } finally {
            try (Connection admin = DriverManager.getConnection(postgres); Statement statement = admin.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        return 0;
    }

    private double plainSelect(String url) throws Exception {
        long start = System.nanoTime();
        long count = 0;
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, tributary_change, name, count, active FROM items")) {
                select.setFetchSize(10_000);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        result.getString(1);
                        result.getLong(2);
                        result.getObject(3);
                        result.getObject(4);
                        result.getObject(5);
                        count++;
                    }
                }
            }
        }
        check(count);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private double throughSync(GuardedConnector guarded) {
        long start = System.nanoTime();
        AtomicLong count = new AtomicLong();
        guarded.sync(new ObjectClass("items"), null, delta -> {
            count.incrementAndGet();
            return true;
        }, OperationOptions.DEFAULTS.withPageSize(batch));
        check(count.get());
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }

    private void check(long count) {
        if (count != rows) {
            throw new IllegalStateException("read " + count + " rows, not " + rows);
        }
    }
}
