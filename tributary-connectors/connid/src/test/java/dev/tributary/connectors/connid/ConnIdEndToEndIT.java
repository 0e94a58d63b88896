package dev.tributary.connectors.connid;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.connectors.jdbc.JdbcConnector;
import dev.tributary.engine.ConnectorRegistry;
import dev.tributary.engine.RunMode;
import dev.tributary.engine.SyncEngine;
import dev.tributary.store.ManualClock;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import dev.tributary.store.StoredRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real third-party bundles in the hub's engine: DatabaseTable (PostgreSQL, MariaDB) and CSVDir (files)
 * sync into hub collections, and out again through Tributary's JDBC connector to MariaDB —
 * creates, updates, renames and deletions (found by enumeration, as neither bundle reports them).
 */
class ConnIdEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private StoreBackend backend;
    private Store store;
    private SyncEngine engine;

    @BeforeEach
    void start() {
        System.setProperty("tributary.plugins", ConnIdBundlesTest.BUNDLES.toString());
        backend = StoreBackend.sqlite();
        store = backend.open(clock);
        engine = new SyncEngine(store, ConnectorRegistry.load(), clock,
                SyncEngine.Settings.defaults().withSchedulerTick(Duration.ZERO)).start();
    }

    @AfterEach
    void stop() {
        engine.close();
        store.close();
        backend.close();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void runOk(String link) throws InterruptedException {
        RunRecord run = engine.await(engine.startRun(link, RunMode.MANUAL).id(), Duration.ofMinutes(2));
        assertThat(run.state()).as("run of %s: %s", link, run.error()).isEqualTo("succeeded");
    }

    private Map<String, JsonNode> hub(String collection) {
        Map<String, JsonNode> records = new TreeMap<>();
        for (StoredRecord record : store.changeLog().read(collection, 0, Long.MAX_VALUE, 10_000, false).records()) {
            if (!record.deleted()) {
                records.put(record.id(), json(record.dataText()));
            }
        }
        return records;
    }

    /** The target table's rows as "name|email", sorted. */
    private static List<String> rows(String url, String table) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name, email FROM " + table + " ORDER BY name")) {
            List<String> result = new java.util.ArrayList<>();
            while (rows.next()) {
                result.add(rows.getString(1) + "|" + rows.getString(2));
            }
            return result;
        }
    }

    private static String target(ExternalDatabases.Scratch maria, String table) throws Exception {
        try (Connection connection = DriverManager.getConnection(maria.jdbcUrl()); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE " + table + " (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), email VARCHAR(200))");
        }
        JdbcConnector.installChangeTracking(Map.of("url", maria.jdbcUrl(), "tables", table));
        return maria.jdbcUrl();
    }

    @ParameterizedTest
    @EnumSource(DatabaseTables.Kind.class)
    void databaseTableToTheHubAndOnToMariaDb(DatabaseTables.Kind kind) throws Exception {
        try (ExternalDatabases.Scratch pg = DatabaseTables.create(kind, "people");
                ExternalDatabases.Scratch maria = ExternalDatabases.mariadbDatabase()) {
            DatabaseTables.execute(pg.jdbcUrl(),
                    "INSERT INTO people (id, name, email) VALUES ('ada', 'Ada', 'ada@example.com')",
                    "INSERT INTO people (id, name, email) VALUES ('grace', 'Grace', 'grace@example.com')",
                    "INSERT INTO people (id, name, email) VALUES ('alan', 'Alan', 'alan@example.com')");
            String targetUrl = target(maria, "contacts");
            Map<String, Object> settings = DatabaseTables.settings(kind, pg.jdbcUrl(), "people");
            engine.putEndpoint("hr", JSON.valueToTree(Map.of("connector", "connid:DatabaseTable", "config", settings)));
            engine.putEndpoint("crm", json("{\"connector\": \"jdbc\", \"config\": {\"url\": \"" + targetUrl + "\", \"tables\": \"contacts\"}}"));
            engine.putLink("hr-people", json("{\"endpoint\": \"hr\", \"objectClass\": \"__ACCOUNT__\", \"collection\": \"people\","
                    + " \"direction\": \"in\", \"deletionDetection\": \"enumerate\", \"fieldMap\": {\"name\": \"name\", \"email\": \"email\"}}"));
            engine.putLink("crm-contacts", json("{\"endpoint\": \"crm\", \"objectClass\": \"contacts\", \"collection\": \"people\","
                    + " \"direction\": \"out\", \"keyField\": \"id\", \"fieldMap\": {\"name\": \"name\", \"email\": \"email\"}}"));

            runOk("hr-people");
            runOk("crm-contacts");
            assertThat(hub("people")).hasSize(3);
            assertThat(rows(targetUrl, "contacts")).containsExactly("Ada|ada@example.com", "Alan|alan@example.com",
                    "Grace|grace@example.com");

            // An update, a rename (a new key: DatabaseTable reports the new uid; the old one vanishes)
            // and a deletion.
            DatabaseTables.execute(pg.jdbcUrl(), "UPDATE people SET email = 'ada@lovelace.org' WHERE id = 'ada'",
                    "UPDATE people SET id = 'turing', name = 'Alan Turing' WHERE id = 'alan'",
                    "DELETE FROM people WHERE id = 'grace'");
            runOk("hr-people");
            runOk("crm-contacts");
            assertThat(hub("people").values()).extracting(d -> d.path("name").asText()).containsExactlyInAnyOrder("Ada", "Alan Turing");
            assertThat(rows(targetUrl, "contacts")).containsExactly("Ada|ada@lovelace.org", "Alan Turing|alan@example.com");

            // Nothing changed: nothing moves.
            runOk("hr-people");
            runOk("crm-contacts");
            assertThat(rows(targetUrl, "contacts")).hasSize(2);
        }
    }

    @Test
    void csvFilesToTheHubAndOnToMariaDb() throws Exception {
        Path csv = dir.resolve("csv");
        Files.createDirectories(csv);
        Files.writeString(csv.resolve("people.csv"), """
                id,name,email
                1,Ada,ada@example.com
                2,Grace,grace@example.com
                """);
        try (ExternalDatabases.Scratch maria = ExternalDatabases.mariadbDatabase()) {
            String targetUrl = target(maria, "contacts");
            engine.putEndpoint("files", JSON.valueToTree(Map.of("connector", "connid:CSVDir", "config", Map.of(
                    "sourcePath", csv.toString(), "fileMask", ".*\\.csv", "keyColumnNames", "id",
                    "fields", "id,name,email", "keyseparator", ","))));
            engine.putEndpoint("crm", json("{\"connector\": \"jdbc\", \"config\": {\"url\": \"" + targetUrl + "\", \"tables\": \"contacts\"}}"));
            engine.putLink("files-people", json("{\"endpoint\": \"files\", \"objectClass\": \"__ACCOUNT__\", \"collection\": \"people\","
                    + " \"direction\": \"in\", \"deletionDetection\": \"enumerate\", \"fieldMap\": {\"name\": \"name\", \"email\": \"email\"}}"));
            engine.putLink("crm-contacts", json("{\"endpoint\": \"crm\", \"objectClass\": \"contacts\", \"collection\": \"people\","
                    + " \"direction\": \"out\", \"keyField\": \"id\", \"fieldMap\": {\"name\": \"name\", \"email\": \"email\"}}"));
            runOk("files-people");
            runOk("crm-contacts");
            assertThat(rows(targetUrl, "contacts")).containsExactly("Ada|ada@example.com", "Grace|grace@example.com");

            Files.writeString(csv.resolve("people.csv"), """
                    id,name,email
                    1,Ada,ada@lovelace.org
                    3,Alan,alan@example.com
                    """);
            runOk("files-people");
            runOk("crm-contacts");
            assertThat(rows(targetUrl, "contacts")).containsExactly("Ada|ada@lovelace.org", "Alan|alan@example.com");
        }
    }
}
