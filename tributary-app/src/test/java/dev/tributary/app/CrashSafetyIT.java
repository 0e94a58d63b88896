package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.connectors.jdbc.JdbcConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety, end to end: 100,000 rows flow PostgreSQL → hub → MariaDB while the hub — a
 * separate JVM, the packaged jar — is killed with {@code kill -9} at random moments, at least
 * ten times, and started again. Afterwards the MariaDB table equals the PostgreSQL table exactly:
 * nothing lost, nothing duplicated, and nothing was written back to PostgreSQL.
 *
 * <p>{@code -Dtributary.crash.rows=N} changes the row count; {@code -Dtributary.seed=N} replays
 * the kill timings.
 */
class CrashSafetyIT {

    @Test
    void killingTheHubAtRandomLosesDuplicatesAndEchoesNothing(@TempDir Path dir) throws Exception {
        int rows = Integer.getInteger("tributary.crash.rows", 100_000);
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        try (ExternalDatabases.Scratch source = ExternalDatabases.postgresSchema();
                ExternalDatabases.Scratch target = ExternalDatabases.mariadbDatabase()) {
            try (Connection pg = DriverManager.getConnection(source.jdbcUrl()); Statement sql = pg.createStatement()) {
                sql.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, code VARCHAR(32) NOT NULL, name TEXT, amount INTEGER)");
                JdbcConnector.installChangeTracking(Map.of("url", source.jdbcUrl(), "tables", "items"));
                sql.execute("INSERT INTO items (id, code, name, amount) SELECT g, 'c' || g, 'item ' || g, g % 997"
                        + " FROM generate_series(1, " + rows + ") g");
            }
            long sourceHead = sourceHead(source.jdbcUrl());
            try (Connection maria = DriverManager.getConnection(target.jdbcUrl()); Statement sql = maria.createStatement()) {
                sql.execute("CREATE TABLE copies (id VARCHAR(64) PRIMARY KEY, code VARCHAR(32), name TEXT, amount BIGINT)");
            }
            JdbcConnector.installChangeTracking(Map.of("url", target.jdbcUrl(), "tables", "copies"));
            Path config = dir.resolve("hub.yaml");
            Files.writeString(config, """
                    endpoints:
                      source:
                        connector: jdbc
                        config: {url: "%s", tables: items}
                      target:
                        connector: jdbc
                        config: {url: "%s", tables: copies}
                    links:
                      source-items:
                        endpoint: source
                        objectClass: items
                        collection: items
                        direction: in
                        schedule: PT1S
                      target-copies:
                        endpoint: target
                        objectClass: copies
                        collection: items
                        direction: out
                        keyField: id
                        schedule: PT1S
                    """.formatted(source.jdbcUrl(), target.jdbcUrl()));

            int kills = 0;
            // Short lives, so that the hub dies many times before the copy is complete.
            for (; kills < 40 && copies(target.jdbcUrl()) < rows; kills++) {
                Process hub = startHub(dir, config);
                Thread.sleep(400 + random.nextInt(1600));
                hub.destroyForcibly(); // SIGKILL
                assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            System.out.printf("crash test: the hub was killed %d times before the copy of %d rows was complete"
                    + " (%d rows copied by then; seed %d)%n", kills, rows, copies(target.jdbcUrl()), seed);
            assertThat(kills).as("the hub was killed often enough (seed %d)", seed).isGreaterThanOrEqualTo(10);

            Process hub = startHub(dir, config);
            try {
                Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
                while (!sameRows(source.jdbcUrl(), target.jdbcUrl()) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(1000);
                }
            } finally {
                hub.destroy();
                hub.waitFor(30, TimeUnit.SECONDS);
            }
            Map<String, String> expected = rowsByCode(source.jdbcUrl(), "SELECT code, name, amount FROM items");
            Map<String, String> actual = rowsByCode(target.jdbcUrl(), "SELECT code, name, amount FROM copies");
            assertThat(expected).hasSize(rows);
            assertThat(copies(target.jdbcUrl())).as("no duplicates (seed %d)", seed).isEqualTo(rows);
            assertThat(actual).as("the target equals the source (seed %d)", seed).isEqualTo(expected);
            assertThat(sourceHead(source.jdbcUrl())).as("nothing was written back to the source").isEqualTo(sourceHead);
        }
    }

    /**
     * The same with continuous links both ways and writers on both sides: PostgreSQL's inserts,
     * updates and deletes its own rows, MariaDB's inserts and updates its own, while the hub is
     * killed at random at least ten times. Afterwards both tables hold the same rows, none twice,
     * and no row was written back to the side it came from (its change value is the one its own
     * writer left).
     */
    @Test
    void continuousLinksWithWritersOnBothSidesSurviveKills(@TempDir Path dir) throws Exception {
        int rows = Integer.getInteger("tributary.crash.continuousRows", 20_000);
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        try (ExternalDatabases.Scratch pgScratch = ExternalDatabases.postgresSchema();
                ExternalDatabases.Scratch mariaScratch = ExternalDatabases.mariadbDatabase()) {
            String pgUrl = pgScratch.jdbcUrl();
            String mariaUrl = mariaScratch.jdbcUrl();
            long initialMax;
            try (Connection pg = DriverManager.getConnection(pgUrl); Statement sql = pg.createStatement()) {
                sql.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, code VARCHAR(32) NOT NULL UNIQUE, amount INTEGER)");
                JdbcConnector.installChangeTracking(Map.of("url", pgUrl, "tables", "items"));
                sql.execute("INSERT INTO items (id, code, amount) SELECT 'p' || g, 'p' || g, g % 997"
                        + " FROM generate_series(1, " + rows + ") g");
                try (ResultSet max = sql.executeQuery("SELECT max(tributary_change) FROM items")) {
                    max.next();
                    initialMax = max.getLong(1);
                }
            }
            try (Connection maria = DriverManager.getConnection(mariaUrl); Statement sql = maria.createStatement()) {
                sql.execute("CREATE TABLE copies (id VARCHAR(64) PRIMARY KEY, code VARCHAR(32) NOT NULL UNIQUE, amount BIGINT)");
            }
            JdbcConnector.installChangeTracking(Map.of("url", mariaUrl, "tables", "copies"));
            Path config = dir.resolve("hub.yaml");
            Files.writeString(config, """
                    endpoints:
                      pg:
                        connector: jdbc
                        config: {url: "%s", tables: items}
                      maria:
                        connector: jdbc
                        config: {url: "%s", tables: copies}
                    links:
                      pg-items:
                        endpoint: pg
                        objectClass: items
                        collection: items
                        keyField: id
                        mode: continuous
                        conflictPolicy: hubWins
                      maria-copies:
                        endpoint: maria
                        objectClass: copies
                        collection: items
                        keyField: id
                        mode: continuous
                        conflictPolicy: hubWins
                    """.formatted(pgUrl, mariaUrl));

            // PostgreSQL's writer touches p1..p2000 and rows it adds; MariaDB's adds m rows and
            // updates every tenth. The rest are never written again by anyone but the hub's echo.
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Map<String, Long> mariaUntouched = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicReference<Exception> writerFailed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread pgWriter = new Thread(() -> write(writing, writerFailed, () -> {
                try (Connection pg = DriverManager.getConnection(pgUrl); Statement sql = pg.createStatement()) {
                    Random own = new Random(seed + 1);
                    for (int n = rows + 1; writing.get(); n++) {
                        sql.execute("INSERT INTO items (id, code, amount) VALUES ('p" + n + "', 'p" + n + "', " + n % 13 + ")");
                        int touched = 1 + own.nextInt(2000);
                        if (n % 7 == 0) {
                            sql.execute("DELETE FROM items WHERE code = 'p" + touched + "'");
                        } else {
                            sql.execute("UPDATE items SET amount = amount + 1 WHERE code = 'p" + touched + "'");
                        }
                        Thread.sleep(5);
                    }
                }
            }), "pg-writer");
            Thread mariaWriter = new Thread(() -> write(writing, writerFailed, () -> {
                try (Connection maria = DriverManager.getConnection(mariaUrl); Statement sql = maria.createStatement()) {
                    for (int n = 1; writing.get(); n++) {
                        sql.execute("INSERT INTO copies (id, code, amount) VALUES ('m" + n + "', 'm" + n + "', " + n % 11 + ")");
                        if (n % 10 == 0) {
                            sql.execute("UPDATE copies SET amount = amount + 100 WHERE code = 'm" + (n - 5) + "'");
                            mariaUntouched.remove("m" + (n - 5));
                        } else {
                            try (ResultSet change = sql.executeQuery("SELECT tributary_change FROM copies WHERE code = 'm" + n + "'")) {
                                change.next();
                                mariaUntouched.put("m" + n, change.getLong(1));
                            }
                        }
                        Thread.sleep(5);
                    }
                }
            }), "maria-writer");
            pgWriter.start();
            mariaWriter.start();
            int kills = 0;
            try {
                for (; kills < 12; kills++) {
                    Process hub = startHub(dir, config);
                    Thread.sleep(400 + random.nextInt(1600));
                    hub.destroyForcibly(); // SIGKILL
                    assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
            } finally {
                writing.set(false);
                pgWriter.join();
                mariaWriter.join();
            }
            System.out.printf("crash test (continuous): the hub was killed %d times while both sides wrote (seed %d)%n",
                    kills, seed);
            assertThat(writerFailed.get()).as("the writers wrote throughout").isNull();

            String pgRows = "SELECT code, code, amount FROM items";
            String mariaRows = "SELECT code, code, amount FROM copies";
            Process hub = startHub(dir, config);
            try {
                Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
                while (!rowsByCode(pgUrl, pgRows).equals(rowsByCode(mariaUrl, mariaRows)) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(500);
                }
                Map<String, String> pgNow = rowsByCode(pgUrl, pgRows);
                assertThat(rowsByCode(mariaUrl, mariaRows)).as("the tables end equal (seed %d)", seed).isEqualTo(pgNow);
                assertThat(pgNow.keySet()).as("rows of both writers").anyMatch(code -> code.startsWith("m"))
                        .anyMatch(code -> code.startsWith("p"));
                assertThat(count(pgUrl, "SELECT count(*) FROM items")).as("nothing duplicated").isEqualTo(pgNow.size());
                assertThat(count(mariaUrl, "SELECT count(*) FROM copies")).as("nothing duplicated").isEqualTo(pgNow.size());
                // No echo: rows no one wrote again keep the change values their own side gave them.
                assertThat(count(pgUrl, "SELECT count(*) FROM items WHERE code LIKE 'p%' AND CAST(substr(code, 2) AS INTEGER)"
                        + " BETWEEN 2001 AND " + rows + " AND tributary_change > " + initialMax))
                        .as("PostgreSQL's own rows written back to it (seed %d)", seed).isZero();
                Map<String, Long> mariaChanges = new HashMap<>();
                try (Connection maria = DriverManager.getConnection(mariaUrl); Statement sql = maria.createStatement();
                        ResultSet result = sql.executeQuery("SELECT code, tributary_change FROM copies WHERE code LIKE 'm%'")) {
                    while (result.next()) {
                        mariaChanges.put(result.getString(1), result.getLong(2));
                    }
                }
                assertThat(mariaUntouched).isNotEmpty();
                mariaUntouched.forEach((code, change) -> assertThat(mariaChanges.get(code))
                        .as("MariaDB's row %s written back to it (seed %d)", code, seed).isEqualTo(change));
            } finally {
                hub.destroy();
                hub.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A writer's loop. */
    private interface Work {
        void run() throws Exception;
    }

    /** Runs a writer until it is told to stop; a failure stops both and is kept for the test to report. */
    private static void write(java.util.concurrent.atomic.AtomicBoolean writing,
            java.util.concurrent.atomic.AtomicReference<Exception> failed, Work work) {
        try {
            work.run();
        } catch (Exception e) {
            failed.compareAndSet(null, e);
            writing.set(false);
        }
    }

    private static long count(String url, String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Process startHub(Path dir, Path config) throws Exception {
        return HubProcess.start(HubProcess.freePort(), dir.resolve("hub-stderr.txt"), Map.of(), "--data-dir",
                dir.resolve("hub").toString(), "--config", config.toString()).process();
    }

    private static long copies(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT count(*) FROM copies")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long sourceHead(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT coalesce(max(tributary_change), 0) + (SELECT count(*) FROM items_tdel)"
                        + " FROM items")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static boolean sameRows(String source, String target) throws Exception {
        return rowsByCode(source, "SELECT code, name, amount FROM items")
                .equals(rowsByCode(target, "SELECT code, name, amount FROM copies"));
    }

    private static Map<String, String> rowsByCode(String url, String query) throws Exception {
        Map<String, String> rows = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet result = sql.executeQuery(query)) {
            while (result.next()) {
                rows.put(result.getString(1), result.getString(2) + "|" + result.getLong(3));
            }
        }
        return rows;
    }
}
