package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.connectors.jdbc.JdbcConnector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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

    private static final Path JAR = Path.of("target", "tributary.jar");

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

    private static Process startHub(Path dir, Path config) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process hub = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", JAR.toString(), "serve", "--port", Integer.toString(port), "--data-dir", dir.resolve("hub").toString(),
                "--config", config.toString())
                .redirectError(dir.resolve("hub-stderr.txt").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("Tributary hub is running")) {
                break;
            }
        }
        assertThat(hub.isAlive()).as(Files.readString(dir.resolve("hub-stderr.txt"))).isTrue();
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException ignored) {
                // the hub was killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return hub;
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
