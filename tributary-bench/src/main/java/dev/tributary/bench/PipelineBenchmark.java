package dev.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connectors.jdbc.JdbcConnector;
import dev.tributary.engine.ConnectorRegistry;
import dev.tributary.engine.RunMode;
import dev.tributary.engine.SyncEngine;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.postgresql.PGConnection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sync engine's figures (issue "sync engine", item 11): a full sync of a PostgreSQL table
 * into a MariaDB table through the hub, against piping {@code COPY … TO STDOUT} into
 * {@code LOAD DATA LOCAL INFILE}; the latency of 1,000 changed rows; and how an incremental run's
 * time depends on the table size.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "PostgreSQL → hub → MariaDB full sync vs COPY piped into LOAD DATA; change latency; scaling.")
final class PipelineBenchmark implements Callable<Integer> {

    @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            description = "PostgreSQL database; a scratch schema is created and dropped (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--mariadb", defaultValue = "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable",
            description = "MariaDB server; a scratch database is created and dropped (default: ${DEFAULT-VALUE}).")
    String mariadb;

    @Option(names = "--rows", defaultValue = "100000", description = "Rows in the source table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "3", description = "A/B pairs for the full sync (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--small-rows", defaultValue = "10000",
            description = "Rows of the small table for the scaling figure (default: ${DEFAULT-VALUE}).")
    int smallRows;

    @Option(names = "--write-mode", defaultValue = "tracked",
            description = {"The MariaDB target: tracked (change tracking installed, writes checked against versions)",
                "or upsert (a plain table written with unconditional upserts; the link's policy hubWins)",
                "(default: ${DEFAULT-VALUE})."})
    String writeMode;

    @Option(names = "--hub-store", defaultValue = "sqlite", paramLabel = "<sqlite|jdbc-url>",
            description = {"The hub's store: sqlite (embedded, a fresh file per pass) or a PostgreSQL JDBC URL",
                "(a fresh schema per pass, dropped after it) (default: ${DEFAULT-VALUE})."})
    String hubStore;

    @Option(names = "--overlap", description = {"Make the out link continuous: it writes to MariaDB what the in run",
        "commits while the in run goes on, instead of a run started after it (the two links pipelined)."})
    boolean overlap;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        if (!writeMode.equals("tracked") && !writeMode.equals("upsert")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--write-mode is tracked or upsert, not " + writeMode);
        }
        ChangeFeedBenchmark.printMachine();
        Scratch scratch = new Scratch(postgres, mariadb);
        try {
            scratch.createSource("items", rows);
            Stats hub = new Stats();
            Stats raw = new Stats();
            Stats ratio = new Stats();
            long peakHeap = 0;
            for (int pair = 0; pair < pairs; pair++) {
                double baseline = copyPipe(scratch);
                Result through = throughHub(scratch, "items", rows, false, overlap);
                raw.add(baseline);
                hub.add(through.rowsPerSecond());
                ratio.add(baseline / through.rowsPerSecond());
                peakHeap = Math.max(peakHeap, through.peakHeapBytes());
            }
            ChangeFeedBenchmark.line("rows: %,d; hub store: %s; target: %s; out link: %s; JVM max heap %,d MiB", rows,
                    hubStore.equals("sqlite") ? "embedded SQLite" : "PostgreSQL", writeMode, overlap ? "continuous (overlapping the in run)" : "a run after the in run", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            ChangeFeedBenchmark.line("full sync PostgreSQL → hub → MariaDB: %s", hub.format("rows/s"));
            ChangeFeedBenchmark.line("baseline COPY TO STDOUT | LOAD DATA LOCAL INFILE: %s", raw.format("rows/s"));
            ChangeFeedBenchmark.line("    baseline/hub per pair: %s", ratio.formatRatio());
            ChangeFeedBenchmark.line("    peak heap used during the hub runs: %,d MiB", peakHeap / (1024 * 1024));

            Result large = throughHub(scratch, "items", rows, true, false);
            ChangeFeedBenchmark.line("1,000 changed rows, PostgreSQL → MariaDB, in a %,d-row table: %s", rows,
                    large.latency().format("ms"));
            scratch.createSource("small", smallRows);
            Result small = throughHub(scratch, "small", smallRows, true, false);
            ChangeFeedBenchmark.line("1,000 changed rows, PostgreSQL → MariaDB, in a %,d-row table: %s", smallRows,
                    small.latency().format("ms"));
        } finally {
            scratch.close();
        }
        return 0;
    }

    private record Result(double rowsPerSecond, long peakHeapBytes, Stats latency) {
    }

    /** The baseline: the rows streamed out of PostgreSQL straight into MariaDB. */
    private double copyPipe(Scratch scratch) throws Exception {
        try (Connection maria = DriverManager.getConnection(scratch.mariaUrl + "&allowLocalInfile=true");
                Statement sql = maria.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS raw_copies");
            sql.execute("CREATE TABLE raw_copies (id BIGINT PRIMARY KEY, code VARCHAR(32), name TEXT, amount BIGINT)");
            long start = System.nanoTime();
            PipedInputStream in = new PipedInputStream(1 << 20);
            PipedOutputStream out = new PipedOutputStream(in);
            CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> {
                try (Connection pg = DriverManager.getConnection(scratch.pgUrl); out) {
                    return pg.unwrap(PGConnection.class).getCopyAPI().copyOut(
                            "COPY items (id, code, name, amount) TO STDOUT", out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.mariadb.jdbc.Statement load = sql.unwrap(org.mariadb.jdbc.Statement.class);
            load.setLocalInfileInputStream(in);
            long loaded = load.executeLargeUpdate("LOAD DATA LOCAL INFILE 'stdin' INTO TABLE raw_copies (id, code, name, amount)");
            copy.join();
            if (loaded != rows) {
                throw new IllegalStateException("LOAD DATA loaded " + loaded + " rows, not " + rows);
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * A fresh hub syncing {@code table} into a fresh MariaDB table; optionally then measures the
     * latency of 1,000 changed rows five times. {@code follow}: the out link is continuous and the
     * sync ends when it has written everything the in run brought.
     */
    private Result throughHub(Scratch scratch, String table, int count, boolean latency, boolean follow) throws Exception {
        String target = table + "_copies";
        try (Connection maria = DriverManager.getConnection(scratch.mariaUrl); Statement sql = maria.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS " + target);
            sql.execute("DROP TABLE IF EXISTS " + target + "_tdel");
            sql.execute("CREATE TABLE " + target + " (id VARCHAR(64) PRIMARY KEY, code VARCHAR(32), name TEXT, amount BIGINT)");
        }
        boolean upsert = writeMode.equals("upsert");
        if (!upsert) {
            JdbcConnector.installChangeTracking(Map.of("url", scratch.mariaUrl, "tables", target, "counter", target));
        }
        try (BenchStore hubStoreOfPass = BenchStore.open(hubStore);
                SyncEngine engine = new SyncEngine(hubStoreOfPass.store, ConnectorRegistry.load(), Clock.systemUTC(),
                        SyncEngine.Settings.defaults().withSchedulerTick(Duration.ZERO)).start()) {
            engine.putEndpoint("source", JSON.readTree("{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + scratch.pgUrl
                    + "\",\"tables\":\"" + table + "\",\"batchSize\":5000}}"));
            engine.putEndpoint("target", JSON.readTree("{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + scratch.mariaUrl
                    + "\",\"tables\":\"" + target + "\",\"counter\":\"" + target + "\""
                    + (upsert ? ",\"writeMode\":\"upsert\"" : "") + "}}"));
            engine.putLink("in", JSON.readTree("{\"endpoint\":\"source\",\"objectClass\":\"" + table
                    + "\",\"collection\":\"c\",\"direction\":\"in\"}"));
            engine.putLink("out", JSON.readTree("{\"endpoint\":\"target\",\"objectClass\":\"" + target
                    + "\",\"collection\":\"c\",\"direction\":\"out\",\"keyField\":\"id\""
                    + (upsert ? ",\"conflictPolicy\":\"hubWins\"" : "") + (follow ? ",\"mode\":\"continuous\"" : "") + "}"));
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long start = System.nanoTime();
            run(engine, "in");
            long inbound = System.nanoTime();
            if (follow) {
                while (engine.lag("out").orElseThrow().outbound().changes() > 0) {
                    Thread.sleep(5);
                }
            } else {
                run(engine, "out");
            }
            if (Boolean.getBoolean("tributary.bench.verbose")) {
                System.out.printf("    in %.1f s, out %.1f s%n", (inbound - start) / 1e9, (System.nanoTime() - inbound) / 1e9);
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            if (countRows(scratch.mariaUrl, target) != count) {
                throw new IllegalStateException("the target holds " + countRows(scratch.mariaUrl, target) + " rows, not " + count);
            }
            Stats latencies = new Stats();
            if (latency) {
                for (int round = 1; round <= 5; round++) {
                    try (Connection pg = DriverManager.getConnection(scratch.pgUrl); Statement sql = pg.createStatement()) {
                        sql.executeUpdate("UPDATE " + table + " SET amount = amount + 1 WHERE id <= 1000");
                    }
                    long changed = System.nanoTime();
                    run(engine, "in");
                    run(engine, "out");
                    latencies.add((System.nanoTime() - changed) / 1e6);
                }
            }
            return new Result(rate, peak, latencies);
        }
    }

    private static void run(SyncEngine engine, String link) throws InterruptedException {
        RunRecord run = engine.await(engine.startRun(link, RunMode.MANUAL).id(), Duration.ofHours(1));
        if (!"succeeded".equals(run.state())) {
            throw new IllegalStateException("run of " + link + " " + run.state() + ": " + run.error());
        }
    }

    private static long countRows(String url, String table) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT count(*) FROM " + table)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** A scratch PostgreSQL schema and MariaDB database, dropped when closed (also used by {@link ContinuousBenchmark}). */
    static final class Scratch implements AutoCloseable {
        final String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        final String postgres;
        final String mariadb;
        final String pgUrl;
        final String mariaUrl;

        Scratch(String postgres, String mariadb) throws Exception {
            this.postgres = postgres;
            this.mariadb = mariadb;
            try (Connection pg = DriverManager.getConnection(postgres); Statement sql = pg.createStatement()) {
                sql.execute("CREATE SCHEMA " + name);
            }
            try (Connection maria = DriverManager.getConnection(mariadb); Statement sql = maria.createStatement()) {
                sql.execute("CREATE DATABASE " + name);
            }
            pgUrl = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + name;
            int query = mariadb.indexOf('?');
            mariaUrl = mariadb.substring(0, mariadb.lastIndexOf('/', query)) + "/" + name + mariadb.substring(query);
        }

        void createSource(String table, int count) throws Exception {
            try (Connection pg = DriverManager.getConnection(pgUrl); Statement sql = pg.createStatement()) {
                sql.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL, name TEXT, amount INTEGER)");
            }
            JdbcConnector.installChangeTracking(Map.of("url", pgUrl, "tables", table, "counter", table));
            try (Connection pg = DriverManager.getConnection(pgUrl); Statement sql = pg.createStatement()) {
                sql.execute("INSERT INTO " + table + " (id, code, name, amount) SELECT g, 'c' || g, 'item ' || g, g % 997"
                        + " FROM generate_series(1, " + count + ") g");
                sql.execute("ANALYZE " + table);
            }
        }

        @Override
        public void close() throws Exception {
            try (Connection pg = DriverManager.getConnection(postgres); Statement sql = pg.createStatement()) {
                sql.execute("DROP SCHEMA " + name + " CASCADE");
            }
            try (Connection maria = DriverManager.getConnection(mariadb); Statement sql = maria.createStatement()) {
                sql.execute("DROP DATABASE " + name);
            }
        }
    }
}
