package dev.tributary.server.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub against the single-file Python ESA in examples/esa-python, over HTTP: the protocol is
 * language-neutral, and every answer the Python adapter gives passes the hub's schema validation.
 */
class PythonEsaIT {

    private static final Path SCRIPT = Path.of("..", "examples", "esa-python", "esa.py");

    @TempDir
    Path dir;

    private Process python;
    private String url;
    private String db;
    private TestHub hub;

    @BeforeEach
    void start() throws Exception {
        db = "jdbc:sqlite:" + dir.resolve("crm.db");
        sql("CREATE TABLE people (id INTEGER PRIMARY KEY AUTOINCREMENT, modified_at TEXT, name TEXT, age INTEGER,"
                + " born DATE)");
        try {
            python = new ProcessBuilder("python3", SCRIPT.toString(), "--db", dir.resolve("crm.db").toString(), "--port", "0",
                    "--token", "py-token").redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("python3 is needed for this test under CI: " + e.getMessage(), e);
            }
            Assumptions.abort("python3 is not installed: " + e.getMessage());
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher port = Pattern.compile("http://127.0.0.1:(\\d+)/esa").matcher(line == null ? "" : line);
        assertThat(port.find()).as("the adapter's first line: %s", line).isTrue();
        url = "http://127.0.0.1:" + port.group(1) + "/esa";
        hub = new TestHub(StoreBackend.sqlite());
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (python != null) {
            python.destroy();
        }
    }

    private void sql(String statement, Object... values) throws SQLException {
        try (Connection connection = DriverManager.getConnection(db);
                PreparedStatement prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                prepared.setObject(i + 1, values[i]);
            }
            prepared.execute();
        }
    }

    private Map<String, String> external() throws SQLException {
        Map<String, String> people = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(db); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name, age FROM people")) {
            while (rows.next()) {
                people.put(rows.getString(1), rows.getString(2));
            }
        }
        return people;
    }

    private Map<String, JsonNode> hubPeople() {
        Map<String, JsonNode> people = new TreeMap<>();
        for (JsonNode item : hub.get("/v1/collections/people/records?maxResults=2500").json().get("items")) {
            if (!item.path("deleted").asBoolean()) {
                people.put(item.get("data").get("name").asText(), item.get("data"));
            }
        }
        return people;
    }

    private JsonNode run() {
        Answer started = hub.post("/v1/links/py-people/runs", "");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String id = started.json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
        JsonNode run = hub.get("/v1/runs/" + id).json();
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        return run;
    }

    @Test
    void theHubSyncsBothWaysWithAnAdapterWrittenInPython() throws Exception {
        for (int i = 0; i < 1200; i++) {
            // One name with white space at its ends and a carriage return: it must arrive exactly.
            sql("INSERT INTO people (name, age, born) VALUES (?, ?, ?)", i == 7 ? "  p0007 \r\n" : String.format("p%04d", i), i,
                    "2000-01-02");
        }
        Answer endpoint = hub.put("/v1/endpoints/py", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + url
                + "\",\"token\":\"py-token\"}}");
        assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(201);
        assertThat(hub.get("/v1/endpoints/py/esa").json().at("/parametersMeta/0/name").asText()).isEqualTo("database");
        assertThat(hub.put("/v1/links/py-people", "{\"endpoint\":\"py\",\"objectClass\":\"people\",\"collection\":\"people\","
                + "\"direction\":\"both\"}").status()).isEqualTo(201);

        JsonNode first = run();
        assertThat(first.at("/stats/inbound/created").asLong()).as("1,200 rows: more than one inline answer").isEqualTo(1200);
        assertThat(hubPeople().get("p0042").get("born").asText()).isEqualTo("2000-01-02");
        assertThat(hubPeople()).containsKey("  p0007 \r\n");

        // incremental, both ways: an update and a deletion in the external system, a record from the hub
        Thread.sleep(5);
        sql("UPDATE people SET age = 99 WHERE name = 'p0001'");
        Thread.sleep(5);
        sql("DELETE FROM people WHERE name = 'p0002'");
        hub.put("/v1/collections/people/records/from-hub", "{\"data\":{\"name\":\" from hub\\r\",\"age\":7}}");
        JsonNode second = run();
        assertThat(second.at("/stats/inbound/updated").asLong()).isEqualTo(1);
        assertThat(second.at("/stats/inbound/deleted").asLong()).isEqualTo(1);
        assertThat(hubPeople()).hasSize(1200).doesNotContainKey("p0002");
        assertThat(hubPeople().get("p0001").get("age").asLong()).isEqualTo(99);
        assertThat(external()).containsEntry(" from hub\r", "7");

        // the hub's update of that record goes out with its last-seen
        hub.put("/v1/collections/people/records/from-hub", "{\"data\":{\"name\":\" from hub\\r\",\"age\":8}}");
        run();
        assertThat(external()).containsEntry(" from hub\r", "8");
        JsonNode quiet = run();
        assertThat(quiet.at("/stats/inbound/created").asLong() + quiet.at("/stats/inbound/updated").asLong())
                .as("nothing echoes").isZero();
        assertThat(Files.exists(SCRIPT)).isTrue();
    }
}
