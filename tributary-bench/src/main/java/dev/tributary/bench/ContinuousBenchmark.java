package dev.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connectors.jdbc.JdbcConnector;
import dev.tributary.engine.ConnectorRegistry;
import dev.tributary.engine.SyncEngine;
import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Continuous links (issue "continuous links"): PostgreSQL → hub → MariaDB with both links
 * continuous and no run started by anyone. A writer inserts rows into PostgreSQL at a steady rate
 * and notes each commit's time; a watcher on MariaDB notes when each row appears there (it asks
 * every 2 ms, so a latency is at most that much late). Then the highest steady rate at which the
 * backlog stays bounded, and the CPU an idle hub spends on ten idle continuous links.
 */
@Command(name = "continuous", mixinStandardHelpOptions = true,
        description = "Continuous links PostgreSQL → hub → MariaDB: commit-to-visible latency at steady rates,"
                + " the highest sustained rate, and an idle hub's CPU.")
final class ContinuousBenchmark implements Callable<Integer> {

    @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            description = "PostgreSQL database; a scratch schema is created and dropped (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--mariadb", defaultValue = "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable",
            description = "MariaDB server; a scratch database is created and dropped (default: ${DEFAULT-VALUE}).")
    String mariadb;

    @Option(names = "--seconds", defaultValue = "60", description = "Length of each steady rate (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rates", split = ",", defaultValue = "1,100,1000",
            description = "Steady rates of changed rows per second (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--sustained", split = ",", defaultValue = "2000,5000,7500,10000,15000,20000",
            description = "Rates tried for the highest sustained rate, each for --sustained-seconds (default: ${DEFAULT-VALUE}).")
    List<Integer> sustained;

    @Option(names = "--sustained-seconds", defaultValue = "30", description = "Length of each sustained try (default: ${DEFAULT-VALUE}).")
    int sustainedSeconds;

    @Option(names = "--idle-seconds", defaultValue = "60", description = "How long the idle hub's CPU is measured (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        Path data = Files.createTempDirectory("tributary-continuous-");
        try (PipelineBenchmark.Scratch scratch = new PipelineBenchmark.Scratch(postgres, mariadb)) {
            latencies(scratch.pgUrl, scratch.mariaUrl, data.resolve("latency"));
            idle(scratch.pgUrl, scratch.mariaUrl, data.resolve("idle"));
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** A source table in PostgreSQL and its copy in MariaDB, linked continuously through a fresh hub. */
    private record Pair(String source, String target) {
        void create(String pgUrl, String mariaUrl) throws Exception {
            try (Connection pg = DriverManager.getConnection(pgUrl); Statement sql = pg.createStatement()) {
                sql.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL, amount INTEGER)");
            }
            JdbcConnector.installChangeTracking(Map.of("url", pgUrl, "tables", source, "counter", source));
            try (Connection maria = DriverManager.getConnection(mariaUrl); Statement sql = maria.createStatement()) {
                sql.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, code VARCHAR(32), amount BIGINT)");
            }
            JdbcConnector.installChangeTracking(Map.of("url", mariaUrl, "tables", target, "counter", target));
        }

        void link(SyncEngine engine, String pgUrl, String mariaUrl) throws Exception {
            engine.putEndpoint(source, JSON.readTree("{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + pgUrl
                    + "\",\"tables\":\"" + source + "\",\"counter\":\"" + source + "\",\"batchSize\":5000}}"));
            engine.putEndpoint(target, JSON.readTree("{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + mariaUrl
                    + "\",\"tables\":\"" + target + "\",\"counter\":\"" + target + "\"}}"));
            engine.putLink(source + "-in", JSON.readTree("{\"endpoint\":\"" + source + "\",\"objectClass\":\"" + source
                    + "\",\"collection\":\"" + source + "\",\"direction\":\"in\",\"recordIds\":\"endpointKey\","
                    + "\"mode\":\"continuous\"}"));
            engine.putLink(target + "-out", JSON.readTree("{\"endpoint\":\"" + target + "\",\"objectClass\":\"" + target
                    + "\",\"collection\":\"" + source + "\",\"direction\":\"out\",\"keyField\":\"id\",\"mode\":\"continuous\"}"));
        }
    }

    private void latencies(String pgUrl, String mariaUrl, Path data) throws Exception {
        Pair pair = new Pair("items", "copies");
        pair.create(pgUrl, mariaUrl);
        Files.createDirectories(data);
        try (Store store = Store.open(StoreConfig.sqlite(data), Clock.systemUTC());
                SyncEngine engine = new SyncEngine(store, ConnectorRegistry.load(), Clock.systemUTC(),
                        SyncEngine.Settings.defaults()).start()) {
            pair.link(engine, pgUrl, mariaUrl);
            ChangeFeedBenchmark.line("hub store: embedded SQLite; links PostgreSQL → hub (in) and hub → MariaDB (out),"
                    + " both continuous; JVM max heap %,d MiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            long next = 1;
            for (int rate : rates) {
                Steady steady = steady(pgUrl, mariaUrl, next, rate, seconds);
                next = steady.nextId();
                ChangeFeedBenchmark.line("%,d changed rows/s for %d s: commit on PostgreSQL → row on MariaDB %s;"
                        + " %s", rate, seconds, LiveBenchmark.percentiles(steady.latencies()), steady.describe());
            }
            int best = 0;
            for (int rate : sustained) {
                Steady steady = steady(pgUrl, mariaUrl, next, rate, sustainedSeconds);
                next = steady.nextId();
                ChangeFeedBenchmark.line("sustained try %,d rows/s for %d s: %s; %s", rate, sustainedSeconds,
                        LiveBenchmark.percentiles(steady.latencies()), steady.describe());
                if (!steady.bounded()) {
                    break;
                }
                best = rate;
            }
            ChangeFeedBenchmark.line("highest sustained rate with the backlog bounded: %,d rows/s%s", best,
                    best == sustained.get(sustained.size() - 1) ? " (the highest tried)" : "");
        }
    }

    /**
     * What a steady rate gave.
     *
     * @param achieved rows the writer committed per second (below the rate when PostgreSQL could not keep up)
     * @param behindAtEnd rows committed but not yet on MariaDB when the writer stopped
     * @param drainMs how long after the writer stopped the last row appeared
     */
    private record Steady(List<Double> latencies, long nextId, double achieved, long behindAtEnd, double drainMs, int rate) {

        /**
         * The backlog stays bounded: the writer kept its rate, when it stopped at most half a
         * second's worth was behind, and that drained within a second.
         */
        boolean bounded() {
            return behindAtEnd <= rate / 2 && drainMs < 1_000 && achieved >= 0.95 * rate;
        }

        String describe() {
            return String.format(Locale.ROOT, "writer %,.0f rows/s, %,d rows behind when it stopped, drained %.0f ms after",
                    achieved, behindAtEnd, drainMs);
        }
    }

    /**
     * Inserts rows {@code first, first + 1, …} at {@code rate} per second for {@code duration}
     * seconds — one statement and commit per row up to 1,000/s, else multi-row statements every
     * 10 ms — and waits for all of them on MariaDB.
     */
    private static Steady steady(String pgUrl, String mariaUrl, long first, int rate, int duration) throws Exception {
        Map<Long, Long> committed = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean writing = new AtomicBoolean(true);
        long[] written = {first};
        Thread watcher = new Thread(() -> {
            try (Connection maria = DriverManager.getConnection(mariaUrl);
                    java.sql.PreparedStatement seen = maria.prepareStatement("SELECT id FROM copies WHERE id >= ? ORDER BY id")) {
                long from = first;
                while (writing.get() || from < written[0]) {
                    seen.setLong(1, from);
                    long now = System.nanoTime();
                    try (ResultSet rows = seen.executeQuery()) {
                        while (rows.next()) {
                            long id = rows.getLong(1);
                            Long at = committed.remove(id);
                            if (at != null) {
                                latencies.add((now - at) / 1e6);
                            }
                            from = Math.max(from, id + 1);
                        }
                    }
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-watcher");
        watcher.setDaemon(true);
        watcher.start();
        int perStatement = rate <= 1000 ? 1 : Math.max(1, rate / 100);
        long intervalNanos = 1_000_000_000L * perStatement / rate;
        long start = System.nanoTime();
        long end = start + duration * 1_000_000_000L;
        long behind;
        double drainMs;
        try (Connection pg = DriverManager.getConnection(pgUrl); Statement sql = pg.createStatement()) {
            long due = start;
            while (System.nanoTime() < end) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                StringBuilder insert = new StringBuilder("INSERT INTO items (id, code, amount) VALUES ");
                long id = written[0];
                for (int i = 0; i < perStatement; i++) {
                    insert.append(i == 0 ? "" : ", ").append('(').append(id + i).append(", 'c").append(id + i).append("', ")
                            .append((id + i) % 997).append(')');
                }
                // Noted before the statement too: the watcher may see a row before the writer's
                // thread gets to note its commit (the latency is then measured from before it).
                long before = System.nanoTime();
                for (int i = 0; i < perStatement; i++) {
                    committed.put(id + i, before);
                }
                sql.execute(insert.toString());
                long at = System.nanoTime();
                for (int i = 0; i < perStatement; i++) {
                    committed.replace(id + i, at);
                }
                written[0] = id + perStatement;
                due += intervalNanos;
            }
            behind = committed.size();
        }
        long stopped = System.nanoTime();
        double achieved = (written[0] - first) / ((stopped - start) / 1e9);
        writing.set(false);
        watcher.join(120_000);
        drainMs = (System.nanoTime() - stopped) / 1e6;
        if (!committed.isEmpty()) {
            throw new IllegalStateException(committed.size() + " rows never reached MariaDB within two minutes");
        }
        return new Steady(new ArrayList<>(latencies), written[0], achieved, behind, drainMs, rate);
    }

    /** The CPU share of one core this JVM uses while it sleeps {@code seconds}. */
    private static double cpuWhileIdle(int seconds) throws InterruptedException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long before = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        return (os.getProcessCpuTime() - cpuBefore) / (double) (System.nanoTime() - before);
    }

    /**
     * Ten idle continuous links (five pairs in and out): the hub's CPU while nothing changes,
     * next to the same hub with no links (the baseline: scheduler, store, JVM).
     */
    private void idle(String pgUrl, String mariaUrl, Path data) throws Exception {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Pair pair = new Pair("idle" + i, "idle" + i + "_copies");
            pair.create(pgUrl, mariaUrl);
            pairs.add(pair);
        }
        Files.createDirectories(data);
        try (Store store = Store.open(StoreConfig.sqlite(data), Clock.systemUTC());
                SyncEngine engine = new SyncEngine(store, ConnectorRegistry.load(), Clock.systemUTC(),
                        SyncEngine.Settings.defaults()).start()) {
            Thread.sleep(5_000);
            double none = cpuWhileIdle(idleSeconds);
            for (Pair pair : pairs) {
                pair.link(engine, pgUrl, mariaUrl);
            }
            Thread.sleep(5_000); // sessions started, first passes done
            double cpu = cpuWhileIdle(idleSeconds);
            ChangeFeedBenchmark.line("idle hub, 10 idle continuous links (5 PostgreSQL in, 5 MariaDB out), %d s:"
                    + " %.2f%% of one core (the whole JVM: hub, JIT, GC); the same hub with no links: %.2f%%",
                    idleSeconds, cpu * 100, none * 100);
        }
    }
}
