package dev.tributary.bench;

import dev.tributary.connectors.jdbc.JdbcConnector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What change tracking costs the application's writers: eight threads run two-row transfers
 * (two updates, then commit) for a fixed time against a plain table and against the same table
 * with the change-tracking triggers installed, alternated in pairs, on PostgreSQL and MariaDB.
 */
@Command(name = "jdbc-writers", mixinStandardHelpOptions = true,
        description = "Application writers on a plain table vs the same table with change tracking (PostgreSQL, MariaDB).")
final class TriggerWritersBenchmark implements Callable<Integer> {

    @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            description = "PostgreSQL database; a fresh schema is created and dropped (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--mariadb", defaultValue = "jdbc:mariadb://127.0.0.1:3306/test?user=root&sslMode=disable",
            description = "MariaDB server; a fresh database is created and dropped (default: ${DEFAULT-VALUE}).")
    String mariadb;

    @Option(names = "--writers", defaultValue = "8", description = "Writer threads (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--rows", defaultValue = "1000", description = "Rows in each table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--pairs", defaultValue = "5", description = "A/B pairs per database (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        measure("PostgreSQL", postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + name,
                postgres, "CREATE SCHEMA " + name, "DROP SCHEMA " + name + " CASCADE");
        int query = mariadb.indexOf('?');
        String server = mariadb.substring(0, mariadb.lastIndexOf('/', query < 0 ? mariadb.length() : query));
        measure("MariaDB", server + "/" + name + (query < 0 ? "" : mariadb.substring(query)), mariadb,
                "CREATE DATABASE " + name, "DROP DATABASE " + name);
        return 0;
    }

    private void measure(String database, String url, String adminUrl, String create, String drop) throws Exception {
        try (Connection admin = DriverManager.getConnection(adminUrl); Statement statement = admin.createStatement()) {
            statement.execute(create);
        }
        try {
            try (Connection sql = DriverManager.getConnection(url); Statement statement = sql.createStatement()) {
                for (String table : List.of("plain", "tracked")) {
                    statement.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
                    StringBuilder insert = new StringBuilder("INSERT INTO " + table + " (id, balance) VALUES ");
                    for (int i = 1; i <= rows; i++) {
                        insert.append(i == 1 ? "" : ", ").append('(').append(i).append(", 1000)");
                    }
                    statement.execute(insert.toString());
                }
            }
            JdbcConnector.installChangeTracking(Map.of("url", url, "tables", "tracked"));
            Stats plain = new Stats();
            Stats tracked = new Stats();
            Stats ratio = new Stats();
            AtomicLong deadlocks = new AtomicLong();
            AtomicLong plainDeadlocks = new AtomicLong();
            for (int pair = 0; pair < pairs; pair++) {
                double baseline = transfers(url, "plain", plainDeadlocks);
                double subject = transfers(url, "tracked", deadlocks);
                plain.add(baseline);
                tracked.add(subject);
                ratio.add(baseline / subject);
            }
            ChangeFeedBenchmark.line("%s: %d writers, two-row transfers over %,d rows, %d s per measurement", database,
                    writers, rows, seconds);
            ChangeFeedBenchmark.line("  plain table: %s (deadlocks: %d)", plain.format("transfers/s"), plainDeadlocks.get());
            ChangeFeedBenchmark.line("  with change tracking: %s (deadlocks: %d)", tracked.format("transfers/s"), deadlocks.get());
            ChangeFeedBenchmark.line("    plain/tracked per pair: %s", ratio.formatRatio());
        } finally {
            try (Connection admin = DriverManager.getConnection(adminUrl); Statement statement = admin.createStatement()) {
                statement.execute(drop);
            }
        }
    }

    /** Transfers per second by {@link #writers} threads for {@link #seconds}; deadlocks are counted and retried. */
    private double transfers(String url, String table, AtomicLong deadlocks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong done = new AtomicLong();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                running.add(pool.submit(() -> {
                    try (Connection connection = DriverManager.getConnection(url);
                            PreparedStatement update = connection.prepareStatement("UPDATE " + table
                                    + " SET balance = balance + ? WHERE id = ?")) {
                        connection.setAutoCommit(false);
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (System.nanoTime() < end) {
                            int from = 1 + random.nextInt(rows);
                            int to = 1 + random.nextInt(rows);
                            try {
                                update.setInt(1, -1);
                                update.setInt(2, from);
                                update.executeUpdate();
                                update.setInt(1, 1);
                                update.setInt(2, to);
                                update.executeUpdate();
                                connection.commit();
                                done.incrementAndGet();
                            } catch (SQLException e) {
                                connection.rollback();
                                if (!"40P01".equals(e.getSQLState()) && e.getErrorCode() != 1213) {
                                    throw e;
                                }
                                deadlocks.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
        return done.get() / (double) seconds;
    }
}
