package dev.tributary.bench;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.connectors.esa.EsaConnector;
import dev.tributary.connectors.jdbc.JdbcConnector;
import dev.tributary.engine.RangeBisection;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.kit.EsaServer;
import dev.tributary.esa.reference.SqliteEsa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ESA connector's speed (issue "External System Adapters", benchmark): an incremental sync of
 * 100,000 changed records from the reference ESA over HTTP (the kit's inline limit and cursor
 * pages, the connector's read-ahead), against the same rows read by the JDBC connector from a
 * SQLite table with its change log, after warm-up rounds (five by default: with one, most pairs
 * caught the JDBC connector before the JIT had compiled its path, at a third of its speed), in
 * alternating order. Then the cost of finding 10 deletions among
 * 1,000,000 ids by countRange bisection, in countRange calls.
 */
@Command(name = "esa", mixinStandardHelpOptions = true,
        description = "Incremental sync from the reference ESA vs the JDBC connector; detectDeleted's countRange calls.")
final class EsaBenchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "100000", description = "Changed rows to sync (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "5", description = "A/B pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds of each before the pairs; the JIT "
            + "needs about five for the JDBC connector to reach its steady speed (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--esa-only", description = "Time only the ESA side: the warm-up, then one sync per pair, with the"
            + " process's CPU time per sync (steadier than the ratio when comparing two builds of the ESA path).")
    boolean esaOnly;

    @Option(names = "--pages-ahead", description = "The connector's pagesAhead setting (default: the connector's own).")
    Integer pagesAhead;

    @Option(names = "--ids", defaultValue = "1000000", description = "Ids for the detectDeleted cost (default: ${DEFAULT-VALUE}).")
    int ids;

    @Option(names = "--deleted", defaultValue = "10", description = "Deletions among them (default: ${DEFAULT-VALUE}).")
    int deleted;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        Path dir = Files.createTempDirectory("tributary-esa-bench-");
        try {
            syncSpeed(dir);
            detectDeletedCost(dir);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private void syncSpeed(Path dir) throws Exception {
        ObjectClass people = new ObjectClass("people");
        SqliteEsa esa = new SqliteEsa(dir.resolve("esa.db"), Map.of("people", "name TEXT, email TEXT, age INTEGER"));
        Map<String, Object> jdbcSettings = Map.of("url", "jdbc:sqlite:" + dir.resolve("jdbc.db"), "tables", "people",
                "batchSize", "5000");
        try (Connection sql = DriverManager.getConnection(jdbcSettings.get("url").toString());
                Statement statement = sql.createStatement()) {
            statement.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER)");
        }
        JdbcConnector.installChangeTracking(jdbcSettings);
        try (EsaServer server = EsaServer.start(esa, 0, EsaServer.Options.defaults());
                GuardedConnector viaEsa = GuardedConnector.open(new EsaConnector(), pagesAhead == null
                        ? Map.of("url", server.uri().toString()) : Map.of("url", server.uri().toString(), "pagesAhead", pagesAhead));
                GuardedConnector viaJdbc = GuardedConnector.open(new JdbcConnector(), jdbcSettings)) {
            SyncToken esaToken = viaEsa.getLatestSyncToken(people);
            SyncToken jdbcToken = viaJdbc.getLatestSyncToken(people);
            insert(dir.resolve("esa.db"), true);
            insert(dir.resolve("jdbc.db"), false);
            Stats subject = new Stats();
            Stats baseline = new Stats();
            Stats ratio = new Stats();
            for (int round = 0; round < warmup; round++) {
                sync(viaEsa, esaToken);
                sync(viaJdbc, jdbcToken);
            }
            if (esaOnly) {
                Stats cpu = new Stats();
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                for (int round = 0; round < pairs; round++) {
                    long before = os.getProcessCpuTime();
                    subject.add(sync(viaEsa, esaToken));
                    cpu.add((os.getProcessCpuTime() - before) / 1e6);
                }
                ChangeFeedBenchmark.line("changed rows: %,d", rows);
                ChangeFeedBenchmark.line("(a) incremental sync from the reference ESA over HTTP: %s", subject.format("records/s"));
                ChangeFeedBenchmark.line("    CPU time of the process per sync: %s", cpu.format("ms"));
                return;
            }
            for (int pair = 0; pair < pairs; pair++) {
                double a;
                double b;
                if (pair % 2 == 0) {
                    a = sync(viaEsa, esaToken);
                    b = sync(viaJdbc, jdbcToken);
                } else {
                    b = sync(viaJdbc, jdbcToken);
                    a = sync(viaEsa, esaToken);
                }
                subject.add(a);
                baseline.add(b);
                ratio.add(b / a);
            }
            ChangeFeedBenchmark.line("changed rows: %,d", rows);
            ChangeFeedBenchmark.line("(a) incremental sync from the reference ESA over HTTP: %s", subject.format("records/s"));
            ChangeFeedBenchmark.line("(b) baseline, the JDBC connector on the same rows (SQLite): %s", baseline.format("records/s"));
            ChangeFeedBenchmark.line("    (b)/(a) per pair: %s", ratio.formatRatio());
        } finally {
            esa.close();
        }
    }

    /** The same rows in both databases; the ESA's are stamped after the token taken before. */
    private void insert(Path file, boolean esa) throws Exception {
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            sql.setAutoCommit(false);
            String insert = esa ? "INSERT INTO people (modified_at, name, email, age) VALUES (?, ?, ?, ?)"
                    : "INSERT INTO people (name, email, age) VALUES (?, ?, ?)";
            Instant stamp = Instant.now().plusSeconds(1);
            try (PreparedStatement statement = sql.prepareStatement(insert)) {
                for (int i = 0; i < rows; i++) {
                    int p = 1;
                    if (esa) {
                        statement.setString(p++, EsaTime.format(stamp.plusMillis(i)));
                    }
                    statement.setString(p++, "Person " + i);
                    statement.setString(p++, "p" + i + "@example.com");
                    statement.setInt(p, 20 + i % 60);
                    statement.addBatch();
                    if (i % 10_000 == 9_999) {
                        statement.executeBatch();
                    }
                }
                statement.executeBatch();
            }
            sql.commit();
        }
    }

    private double sync(GuardedConnector connector, SyncToken token) {
        long start = System.nanoTime();
        AtomicLong count = new AtomicLong();
        connector.sync(new ObjectClass("people"), token, delta -> {
            count.incrementAndGet();
            return true;
        }, OperationOptions.DEFAULTS.withPageSize(5000));
        if (count.get() != rows) {
            throw new IllegalStateException("read " + count.get() + " changes, not " + rows);
        }
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }

    private void detectDeletedCost(Path dir) throws Exception {
        SqliteEsa esa = new SqliteEsa(dir.resolve("ids.db"), Map.of("items", "name TEXT"));
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ids.db"));
                Statement statement = sql.createStatement()) {
            statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ids + ")"
                    + " INSERT INTO items (id, modified_at, name) SELECT i, '2024-01-01T00:00:00.000Z', 'x' FROM n");
        }
        Random random = new Random(42);
        TreeSet<Long> gone = new TreeSet<>();
        while (gone.size() < deleted) {
            gone.add(1L + random.nextInt(ids));
        }
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ids.db"));
                PreparedStatement delete = sql.prepareStatement("DELETE FROM items WHERE id = ?")) {
            for (long id : gone) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
        }
        List<Long> known = new ArrayList<>(ids);
        for (long i = 1; i <= ids; i++) {
            known.add(i);
        }
        try (EsaServer server = EsaServer.start(esa, 0, EsaServer.Options.defaults());
                GuardedConnector connector = GuardedConnector.open(new EsaConnector(), Map.of("url", server.uri().toString()))) {
            ObjectClass items = new ObjectClass("items");
            int before = esa.countRangeCalls();
            long start = System.nanoTime();
            List<Long> found = RangeBisection.missing(known, (min, max) -> connector.countRange(items, min, max + 1));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!found.equals(new ArrayList<>(gone))) {
                throw new IllegalStateException("bisection found " + found + ", not " + gone);
            }
            int log = 64 - Long.numberOfLeadingZeros(ids - 1L);
            ChangeFeedBenchmark.line("detectDeleted: %d deletions among %,d ids found exactly with %d countRange calls"
                    + " (bound 1+2k*ceil(log2 n) = %d; one read per id would be %,d) in %.2f s", deleted, ids,
                    esa.countRangeCalls() - before, 1 + 2 * deleted * log, ids, seconds);
        } finally {
            esa.close();
        }
    }
}
