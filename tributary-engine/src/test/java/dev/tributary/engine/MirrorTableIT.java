package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.store.RunRecord;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The type matrix: a table with every common column type is mirrored from each of PostgreSQL,
 * MariaDB and SQLite to each other one through the hub — source keys kept as the target's keys
 * (in the target's key type), every value compared exactly, under two JVM time zones (values
 * chosen on a daylight-saving gap and overlap of New York, where a conversion through the JVM's
 * zone shows).
 */
class MirrorTableIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COLUMNS = {"small", "whole", "big", "amount", "ratio", "flag", "day", "clock", "local_at",
        "at", "note", "data", "doc", "ref"};

    enum Db {
        POSTGRES, MARIADB, SQLITE
    }

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (String zone : List.of("UTC", "America/New_York")) {
            for (Db from : Db.values()) {
                for (Db to : Db.values()) {
                    if (from != to) {
                        pairs.add(Arguments.of(from, to, zone));
                    }
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} in {2}")
    @MethodSource("pairs")
    void everyColumnTypeArrivesExactlyWithTheSourceKeys(Db from, Db to, String zone) throws Exception {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try (Database source = Database.open(from); Database target = Database.open(to);
                EngineHarness h = new EngineHarness()) {
            source.insert(1, "-32768", "2147483647", "9007199254740993", "1234567890.12", "0.1", "true", "2024-02-29",
                    "23:59:58.123456", "2024-03-10 02:30:00.123456", "2024-11-03 05:30:00.654321", "emoji \uD83D\uDE00 quote ' backslash \\ newline\n",
                    "000102ff", "{\"a\": [1, 2], \"b\": \"x\"}", "123e4567-e89b-12d3-a456-426614174000");
            source.insert(7, "0", "0", "-1", "-0.01", "-2.5", "false", "1970-01-01", "00:00:00", "1999-12-31 23:59:59",
                    "2038-01-19 03:14:07", "", "", "[]", "00000000-0000-0000-0000-000000000000");
            source.insertNulls(42);

            h.engine.putEndpoint("src", EngineHarness.json(source.endpoint()));
            h.engine.putEndpoint("dst", EngineHarness.json(target.endpoint()));
            mirrorLinks(h, "");
            h.runOk("src-mirror");
            h.runOk("dst-mirror");

            assertThat(h.hub("mirror").keySet()).as("hub record ids are the source keys").containsExactlyInAnyOrder("1", "7", "42");
            Map<Long, Map<String, Object>> expected = source.rows();
            assertThat(expected.get(1L)).as("the source holds what was inserted")
                    .containsEntry("big", 9007199254740993L).containsEntry("amount", new BigDecimal("1234567890.12"))
                    .containsEntry("local_at", LocalDateTime.parse("2024-03-10T02:30:00.123456"))
                    .containsEntry("at", Instant.parse("2024-11-03T05:30:00.654321Z"));
            assertThat(target.rows()).as("%s -> %s in %s", from, to, zone).isEqualTo(expected);

            source.update(1, "note", "changed");
            source.delete(7);
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(target.rows()).as("after an update and a delete").isEqualTo(source.rows()).containsOnlyKeys(1L, 42L);
            assertThat(target.rows().get(1L)).containsEntry("note", "changed");

            try (Statement rename = source.sql.createStatement()) {
                rename.executeUpdate("UPDATE mirror SET id = 5 WHERE id = 1");
            }
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(h.hub("mirror").keySet()).as("a renamed key is a record of that key").containsExactlyInAnyOrder("5", "42");
            assertThat(target.rows()).as("after renaming a key").isEqualTo(source.rows()).containsOnlyKeys(5L, 42L);

            source.insertNulls(1);
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(h.hub("mirror").keySet()).as("a key used again brings its record back").containsExactlyInAnyOrder("1", "5", "42");
            assertThat(target.rows()).isEqualTo(source.rows()).containsOnlyKeys(1L, 5L, 42L);
        } finally {
            TimeZone.setDefault(before);
        }
    }

    static Stream<Arguments> upsertTargets() {
        return Stream.of(Arguments.of(Db.POSTGRES, Db.MARIADB), Arguments.of(Db.SQLITE, Db.POSTGRES),
                Arguments.of(Db.MARIADB, Db.SQLITE));
    }

    /**
     * A target with {@code writeMode: upsert} — a plain table, no change tracking installed — gets
     * every change, rename and deletion; a row its application changed is overwritten by the next
     * change from the hub (no conflict is detected there), and no trigger or tracking table appears.
     */
    @ParameterizedTest(name = "{0} -> {1} (upsert)")
    @MethodSource("upsertTargets")
    void anUpsertTargetMirrorsEveryChangeWithoutChangeTracking(Db from, Db to) throws Exception {
        try (Database source = Database.open(from); Database target = Database.open(to);
                EngineHarness h = new EngineHarness()) {
            for (int id = 1; id <= 12; id++) {
                source.insert(id, "1", "2", "3", "4.50", "0.5", "true", "2024-01-01", "12:00:00", "2024-01-01 12:00:00",
                        "2024-01-01 12:00:00", "row " + id, "ff", "{}", "123e4567-e89b-12d3-a456-426614174000");
            }
            source.insertNulls(42);
            h.engine.putEndpoint("src", EngineHarness.json(source.endpoint()));
            h.engine.putEndpoint("dst", EngineHarness.json("{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + target.url
                    + "\",\"tables\":\"mirror\",\"keyColumn\":\"id\",\"writeMode\":\"upsert\"}}"));
            mirrorLinks(h, ",\"conflictPolicy\":\"hubWins\"");
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(target.rows()).isEqualTo(source.rows()).hasSize(13);

            target.update(2, "note", "changed at the target");
            source.update(2, "note", "changed at the source");
            source.update(3, "note", "only the source");
            source.delete(5);
            try (Statement rename = source.sql.createStatement()) {
                rename.executeUpdate("UPDATE mirror SET id = 50 WHERE id = 6");
            }
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(target.rows()).as("updates, a deletion and a rename; the target's own change overwritten")
                    .isEqualTo(source.rows()).doesNotContainKeys(5L, 6L).containsKey(50L);
            assertThat(target.rows().get(2L)).containsEntry("note", "changed at the source");

            // A row deleted at the target behind the hub's back comes back with the next change.
            target.delete(3);
            source.update(3, "note", "again");
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(target.rows()).isEqualTo(source.rows());

            // A resync compares the mapped fields: rows lost or changed behind the hub's back are repaired.
            target.delete(7);
            target.update(8, "note", "stale");
            RunRecord resynced = h.engine.await(h.engine.startResync("dst-mirror").id(), java.time.Duration.ofMinutes(1));
            assertThat(resynced.state()).as(resynced.error()).isEqualTo("succeeded");
            assertThat(target.rows()).as("after a resync").isEqualTo(source.rows());
            try (Statement statement = target.sql.createStatement(); ResultSet columns = statement.executeQuery(
                    "SELECT * FROM mirror WHERE 1 = 0")) {
                for (int i = 1; i <= columns.getMetaData().getColumnCount(); i++) {
                    assertThat(columns.getMetaData().getColumnName(i)).as("no change column was added")
                            .isNotEqualToIgnoringCase("tributary_change");
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aResyncRestoresWhatATargetLostAndWhatTheHubMissed() throws Exception {
        try (Database source = Database.open(Db.POSTGRES); Database target = Database.open(Db.MARIADB);
                EngineHarness h = new EngineHarness()) {
            for (int id = 1; id <= 30; id++) {
                source.insert(id, "1", "2", "3", "4.50", "0.5", "true", "2024-01-01", "12:00:00", "2024-01-01 12:00:00",
                        "2024-01-01 12:00:00", "row " + id, "ff", "{}", "123e4567-e89b-12d3-a456-426614174000");
            }
            h.engine.putEndpoint("src", EngineHarness.json(source.endpoint()));
            h.engine.putEndpoint("dst", EngineHarness.json(target.endpoint()));
            mirrorLinks(h, "");
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(target.rows()).isEqualTo(source.rows()).hasSize(30);

            // The target loses rows behind the hub's back (dropped and restored from an old backup,
            // say), one restored row is stale, and the source changes a row with its triggers off.
            try (Statement statement = target.sql.createStatement()) {
                statement.executeUpdate("DELETE FROM mirror WHERE id > 10");
                statement.executeUpdate("UPDATE mirror SET note = 'stale' WHERE id = 3");
            }
            try (Statement statement = source.sql.createStatement()) {
                statement.execute("ALTER TABLE mirror DISABLE TRIGGER USER");
                statement.executeUpdate("UPDATE mirror SET note = 'missed' WHERE id = 4");
                statement.execute("ALTER TABLE mirror ENABLE TRIGGER USER");
            }
            h.runOk("src-mirror");
            h.runOk("dst-mirror");
            assertThat(target.rows()).as("a normal run believes the id map").hasSize(10);

            RunRecord resynced = h.engine.await(h.engine.startResync("dst-mirror").id(), java.time.Duration.ofMinutes(1));
            assertThat(resynced.state()).as(resynced.error()).isEqualTo("succeeded");
            assertThat(resynced.mode()).isEqualTo("resync");
            var stats = EngineHarness.json(resynced.stats()).get("outbound");
            assertThat(stats.get("created").asLong()).as("missing rows written").isEqualTo(20);
            assertThat(stats.get("updated").asLong()).as("the stale row written").isEqualTo(1);
            Map<Long, Map<String, Object>> expected = source.rows();
            expected.get(4L).put("note", "row 4"); // the hub has not seen the missed change yet
            assertThat(target.rows()).isEqualTo(expected);

            RunRecord inbound = h.engine.await(h.engine.startResync("src-mirror").id(), java.time.Duration.ofMinutes(1));
            assertThat(inbound.state()).as(inbound.error()).isEqualTo("succeeded");
            assertThat(EngineHarness.json(inbound.stats()).get("inbound").get("updated").asLong())
                    .as("the change the triggers missed").isEqualTo(1);
            h.runOk("dst-mirror");
            assertThat(target.rows()).isEqualTo(source.rows());

            RunRecord again = h.engine.await(h.engine.startResync("dst-mirror").id(), java.time.Duration.ofMinutes(1));
            var quiet = EngineHarness.json(again.stats()).get("outbound");
            assertThat(quiet.get("created").asLong() + quiet.get("updated").asLong() + quiet.get("deleted").asLong())
                    .as("a second resync finds nothing to write").isZero();

            try (Statement statement = target.sql.createStatement()) {
                statement.executeUpdate("DELETE FROM mirror WHERE id > 25");
            }
            h.engine.putLink("dst-mirror", EngineHarness.json("{\"endpoint\":\"dst\",\"objectClass\":\"mirror\","
                    + "\"collection\":\"mirror\",\"direction\":\"out\",\"keyField\":\"id\","
                    + "\"deletionDetection\":\"enumerate\"}"));
            h.runOk("dst-mirror");
            assertThat(target.rows()).as("an enumerating out link notices lost rows in every run").isEqualTo(source.rows());
        }
    }

    /** The links of every test: src-mirror brings the source's rows in under their keys, dst-mirror writes them out. */
    private static void mirrorLinks(EngineHarness h, String dstExtra) {
        h.engine.putLink("src-mirror", EngineHarness.json("{\"endpoint\":\"src\",\"objectClass\":\"mirror\","
                + "\"collection\":\"mirror\",\"direction\":\"in\",\"recordIds\":\"endpointKey\"}"));
        h.engine.putLink("dst-mirror", EngineHarness.json("{\"endpoint\":\"dst\",\"objectClass\":\"mirror\","
                + "\"collection\":\"mirror\",\"direction\":\"out\",\"keyField\":\"id\"" + dstExtra + "}"));
    }

    /** One database with a {@code mirror} table, read and written with plain SQL as its application would. */
    private static final class Database implements AutoCloseable {

        final Db db;
        final String url;
        final AutoCloseable cleanup;
        final Connection sql;

        private Database(Db db, String url, AutoCloseable cleanup) throws Exception {
            this.db = db;
            this.url = url;
            this.cleanup = cleanup;
            this.sql = DriverManager.getConnection(url);
            try (Statement statement = sql.createStatement()) {
                if (db == Db.MARIADB) {
                    statement.execute("SET time_zone = '+00:00'");
                }
                statement.execute(switch (db) {
                    case POSTGRES -> "CREATE TABLE mirror (id BIGINT PRIMARY KEY, small SMALLINT, whole INTEGER, big BIGINT,"
                            + " amount NUMERIC(12,2), ratio DOUBLE PRECISION, flag BOOLEAN, day DATE, clock TIME(6),"
                            + " local_at TIMESTAMP(6), at TIMESTAMPTZ(6), note TEXT, data BYTEA, doc JSONB, ref UUID)";
                    case MARIADB -> "CREATE TABLE mirror (id BIGINT PRIMARY KEY, small SMALLINT, whole INT, big BIGINT,"
                            + " amount DECIMAL(12,2), ratio DOUBLE, flag BOOLEAN, day DATE, clock TIME(6),"
                            + " local_at DATETIME(6), at TIMESTAMP(6) NULL, note TEXT, data BLOB, doc JSON, ref UUID)";
                    case SQLITE -> "CREATE TABLE mirror (id INTEGER PRIMARY KEY, small SMALLINT, whole INTEGER, big BIGINT,"
                            + " amount NUMERIC(12,2), ratio DOUBLE, flag BOOLEAN, day DATE, clock TIME,"
                            + " local_at DATETIME, at TIMESTAMPTZ, note TEXT, data BLOB, doc JSON, ref UUID)";
                });
            }
        }

        static Database open(Db db) throws Exception {
            return switch (db) {
                case POSTGRES -> {
                    ExternalDatabases.Scratch schema = ExternalDatabases.postgresSchema();
                    yield new Database(db, schema.jdbcUrl(), schema);
                }
                case MARIADB -> {
                    ExternalDatabases.Scratch database = ExternalDatabases.mariadbDatabase();
                    yield new Database(db, database.jdbcUrl(), database);
                }
                case SQLITE -> {
                    Path dir = Files.createTempDirectory("tributary-mirror-");
                    yield new Database(db, "jdbc:sqlite:" + dir.resolve("mirror.db"), () -> {
                        try (var files = Files.walk(dir)) {
                            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                        }
                    });
                }
            };
        }

        String endpoint() {
            return "{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + url + "\",\"tables\":\"mirror\","
                    + "\"keyColumn\":\"id\",\"installTriggers\":\"true\"}}";
        }

        /** Inserts a row from text literals, each in the form this database's SQL takes it. */
        void insert(long id, String... values) throws Exception {
            StringBuilder statement = new StringBuilder("INSERT INTO mirror (id, note, data) VALUES (?, ?, ?)");
            try (PreparedStatement insert = sql.prepareStatement(statement.toString())) {
                insert.setLong(1, id);
                insert.setString(2, values[10]);
                insert.setBytes(3, HexFormat.of().parseHex(values[11]));
                insert.executeUpdate();
            }
            List<String> sets = new ArrayList<>();
            for (int i = 0; i < COLUMNS.length; i++) {
                if (i == 10 || i == 11) {
                    continue;
                }
                sets.add(COLUMNS[i] + " = " + literal(COLUMNS[i], values[i]));
            }
            try (Statement update = sql.createStatement()) {
                update.executeUpdate("UPDATE mirror SET " + String.join(", ", sets) + " WHERE id = " + id);
            }
        }

        private String literal(String column, String value) {
            String quoted = "'" + value.replace("'", "''") + "'";
            return switch (column) {
                case "small", "whole", "big", "amount", "ratio" -> value;
                case "flag" -> db == Db.SQLITE ? (value.equals("true") ? "1" : "0") : value.toUpperCase();
                case "at" -> switch (db) {
                    case POSTGRES -> "'" + value + "+00'";
                    case MARIADB -> quoted; // the session is in UTC
                    case SQLITE -> "'" + value.replace(' ', 'T') + "Z'";
                };
                default -> quoted;
            };
        }

        void insertNulls(long id) throws Exception {
            try (Statement statement = sql.createStatement()) {
                statement.executeUpdate("INSERT INTO mirror (id) VALUES (" + id + ")");
            }
        }

        void update(long id, String column, String value) throws Exception {
            try (PreparedStatement update = sql.prepareStatement("UPDATE mirror SET " + column + " = ? WHERE id = ?")) {
                update.setString(1, value);
                update.setLong(2, id);
                update.executeUpdate();
            }
        }

        void delete(long id) throws Exception {
            try (Statement statement = sql.createStatement()) {
                statement.executeUpdate("DELETE FROM mirror WHERE id = " + id);
            }
        }

        /** Every row, each value in a form that compares exactly across the three databases. */
        Map<Long, Map<String, Object>> rows() throws Exception {
            Map<Long, Map<String, Object>> rows = new TreeMap<>();
            try (Statement statement = sql.createStatement();
                    ResultSet row = statement.executeQuery("SELECT id, " + String.join(", ", COLUMNS) + " FROM mirror")) {
                while (row.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (String column : COLUMNS) {
                        values.put(column, value(row, column));
                    }
                    rows.put(row.getLong("id"), values);
                }
            }
            return rows;
        }

        private Object value(ResultSet row, String column) throws Exception {
            if (row.getObject(column) == null) {
                return "NULL";
            }
            String text = row.getString(column);
            return switch (column) {
                case "small", "whole", "big" -> row.getLong(column);
                case "amount" -> new BigDecimal(text).setScale(2);
                case "ratio" -> row.getDouble(column);
                case "flag" -> row.getBoolean(column);
                case "day" -> LocalDate.parse(text);
                case "clock" -> LocalTime.parse(text);
                case "local_at" -> db == Db.SQLITE ? LocalDateTime.parse(text.replace(' ', 'T').replace("Z", ""))
                        : row.getObject(column, LocalDateTime.class);
                case "at" -> switch (db) {
                    case POSTGRES -> row.getObject(column, OffsetDateTime.class).toInstant();
                    case MARIADB -> row.getObject(column, LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
                    case SQLITE -> Instant.parse(text);
                };
                case "data" -> HexFormat.of().formatHex(row.getBytes(column));
                case "doc" -> JSON.readTree(text);
                default -> text;
            };
        }

        @Override
        public void close() throws Exception {
            sql.close();
            cleanup.close();
        }
    }
}
