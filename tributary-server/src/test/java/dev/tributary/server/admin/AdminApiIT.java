package dev.tributary.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.server.Json;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminApiIT {

    private static final ObjectClass ITEMS = new ObjectClass("items");
    private final TestHub hub = new TestHub(backend());

    /** The store the hub runs on; a subclass runs every test on PostgreSQL. */
    StoreBackend backend() {
        return StoreBackend.sqlite();
    }
    private final String backendName = "admin-" + UUID.randomUUID();
    private final MemoryBackend crm = MemoryBackend.named(backendName);

    @AfterEach
    void close() {
        hub.close();
        MemoryBackend.drop(backendName);
    }

    private void crmEndpoint(String modes) {
        Answer answer = hub.put("/v1/endpoints/crm", "{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backendName
                + "\"}" + (modes == null ? "" : ",\"allowedRunModes\":" + modes) + "}");
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
    }

    private JsonNode awaitRun(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
        return hub.get("/v1/runs/" + id).json();
    }

    @Test
    void endpointsAndLinksAreValidatedAndEveryProblemIsListed() {
        Answer bad = hub.put("/v1/endpoints/crm", "{\"connector\":\"memory\",\"config\":{\"clockOffset\":\"soon\",\"x\":1},"
                + "\"allowedRunModes\":[\"never\"]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/problems")).hasSize(4);
        crmEndpoint(null);
        assertThat(hub.get("/v1/endpoints/crm").json().get("connector").asText()).isEqualTo("memory");
        assertThat(hub.get("/v1/endpoints").json().get("items")).hasSize(1);

        Answer badLink = hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\"}");
        assertThat(badLink.status()).isEqualTo(400);
        assertThat(badLink.json().at("/error/problems/0").asText()).contains("'collection' is required");
        Answer link = hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\","
                + "\"conflictPolicy\":\"hubWins\"}");
        assertThat(link.status()).as(link.text()).isEqualTo(201);
        assertThat(link.json().get("direction").asText()).isEqualTo("both");
        assertThat(hub.get("/v1/collections/people").status()).as("the link's collection is created").isEqualTo(200);

        Answer inUse = hub.delete("/v1/endpoints/crm");
        assertThat(inUse.status()).isEqualTo(409);
        Answer collectionInUse = hub.delete("/v1/collections/people");
        assertThat(collectionInUse.status()).isEqualTo(409);
        assertThat(collectionInUse.text()).contains("link 'crm-people'");
        assertThat(hub.delete("/v1/links/crm-people").status()).isEqualTo(204);
        assertThat(hub.delete("/v1/collections/people").status()).as("no longer in use").isEqualTo(204);
        assertThat(hub.delete("/v1/endpoints/crm").status()).isEqualTo(204);
        String reader = hub.token("read:*");
        assertThat(hub.send("GET", "/v1/endpoints", null, reader).status()).isEqualTo(403);
    }

    @Test
    void aLinkWhoseFieldNamesTheEndpointDoesNotHaveIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("crm.db");
        try (var connection = java.sql.DriverManager.getConnection(url); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, changed_at TEXT)");
        }
        Answer saved = hub.put("/v1/endpoints/db", "{\"connector\":\"jdbc\",\"config\":{\"url\":\"" + url
                + "\",\"tables\":\"items\",\"installTriggers\":true}}");
        assertThat(saved.status()).isEqualTo(201);
        assertThat(saved.json().at("/test/ok").asBoolean()).as("tested on save: %s", saved.text()).isTrue();
        Answer typo = hub.put("/v1/links/db-items", "{\"endpoint\":\"db\",\"objectClass\":\"items\",\"collection\":\"items\","
                + "\"direction\":\"in\",\"fieldMap\":{\"name\":\"nmae\"},\"timestampField\":\"changed\"}");
        assertThat(typo.status()).as(typo.text()).isEqualTo(400);
        assertThat(typo.json().at("/error/problems")).hasSize(2);
        assertThat(typo.text()).contains("'fieldMap.name' names endpoint field 'nmae'", "it has changed_at, id, name",
                "'timestampField' names 'changed'");
        assertThat(hub.get("/v1/links/db-items").status()).as("nothing stored").isEqualTo(404);
        Answer fixed = hub.put("/v1/links/db-items", "{\"endpoint\":\"db\",\"objectClass\":\"items\",\"collection\":\"items\","
                + "\"direction\":\"in\",\"fieldMap\":{\"name\":\"name\"},\"timestampField\":\"changed_at\"}");
        assertThat(fixed.status()).as(fixed.text()).isEqualTo(201);

        // The schema changes after the link was saved: the run stops at once, naming the field.
        try (var connection = java.sql.DriverManager.getConnection(url); var statement = connection.createStatement()) {
            statement.execute("ALTER TABLE items RENAME COLUMN name TO full_name");
        }
        Answer started = hub.post("/v1/links/db-items/runs", "");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        JsonNode run = awaitRun(started.json().get("id").asText());
        assertThat(run.get("state").asText()).isEqualTo("failed");
        assertThat(run.get("error").asText()).contains("'fieldMap.name' names endpoint field 'name'", "full_name");
    }

    @Test
    void secretsAreMaskedAndAMaskedValueKeepsTheSecret() {
        String body = "{\"connector\":\"jdbc\",\"config\":{\"url\":\"jdbc:sqlite:/nonexistent/x.db\",\"tables\":\"t\","
                + "\"password\":\"%s\"}}";
        assertThat(hub.put("/v1/endpoints/db", body.formatted("s3cret")).status()).isEqualTo(201);
        Answer shown = hub.get("/v1/endpoints/db");
        assertThat(shown.text()).doesNotContain("s3cret");
        assertThat(shown.json().at("/config/password").asText()).isEqualTo("******");
        Answer unreachable = hub.put("/v1/endpoints/db", body.formatted("******"));
        assertThat(unreachable.status()).isEqualTo(200);
        assertThat(unreachable.json().at("/test/ok").asBoolean()).as("saved, and the answer says it cannot be reached").isFalse();
        assertThat(unreachable.json().at("/test/error").asText()).isNotBlank().doesNotContain("s3cret");
        assertThat(hub.post("/v1/endpoints/db/test", "").json().at("/ok").asBoolean()).isFalse();
        assertThat(hub.put("/v1/endpoints/db?test=false", body.formatted("******")).json().has("test")).isFalse();
        assertThat(hub.server.engine().endpoint("db").orElseThrow().config().get("password")).isEqualTo("s3cret");
        // The mask with another url would send the stored password somewhere else: refused.
        Answer moved = hub.put("/v1/endpoints/db", body.formatted("******").replace("/nonexistent/x.db", "/elsewhere/y.db"));
        assertThat(moved.status()).isEqualTo(400);
        assertThat(moved.text()).contains("'password' must be sent again", "'url'");
        assertThat(hub.server.engine().endpoint("db").orElseThrow().config().get("url")).isEqualTo("jdbc:sqlite:/nonexistent/x.db");
        assertThat(hub.put("/v1/endpoints/db", body.formatted("n3w").replace("/nonexistent/x.db", "/elsewhere/y.db")).status())
                .as("with the secret sent again").isEqualTo(200);
    }

    @Test
    void aRunIsStartedFollowedOverServerSentEventsAndRecorded() throws Exception {
        crmEndpoint(null);
        for (int i = 0; i < 20; i++) {
            crm.create(ITEMS, null, Map.of("name", "o" + i));
        }
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\"}");
        crm.faults().delay("sync", Duration.ofMillis(300));
        Answer started = hub.post("/v1/links/crm-people/runs", "");
        assertThat(started.status()).isEqualTo(202);
        String id = started.json().get("id").asText();
        assertThat(started.header("Location")).isEqualTo("/v1/runs/" + id);
        Answer again = hub.post("/v1/links/crm-people/runs", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.reason()).isEqualTo("conflict");

        List<String> lines = new ArrayList<>();
        HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(hub.server.baseUrl() + "/v1/runs/" + id + "/events"))
                .header("Authorization", "Bearer " + hub.adminToken).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        }
        assertThat(stream.statusCode()).as(String.join("\n", lines)).isEqualTo(200);
        assertThat(lines).contains("event: end").anySatisfy(l -> assertThat(l).startsWith("data:"));
        JsonNode last = Json.MAPPER.readTree(lines.stream().filter(l -> l.startsWith("data:")).reduce((a, b) -> b)
                .orElseThrow().substring(5).strip());
        assertThat(last.get("state").asText()).isEqualTo("succeeded");
        assertThat(last.at("/stats/inbound/created").asLong()).isEqualTo(20);

        for (String[] refused : new String[][] {{hub.token("read:people"), "403"}, {null, "401"},
                {hub.adminToken, "404", "no-such-run"}}) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    hub.server.baseUrl() + "/v1/runs/" + (refused.length > 2 ? refused[2] : id) + "/events"))
                    .headers(refused[0] == null ? new String[] {"Accept", "text/event-stream"}
                            : new String[] {"Authorization", "Bearer " + refused[0], "Accept", "text/event-stream"})
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(Integer.parseInt(refused[1]));
            assertThat(Json.MAPPER.readTree(answer.body()).has("error")).as(answer.body()).isTrue();
        }

        JsonNode run = awaitRun(id);
        assertThat(run.get("mode").asText()).isEqualTo("manual");
        assertThat(run.at("/stats/inbound/created").asLong()).isEqualTo(20);
        assertThat(hub.get("/v1/runs?link=crm-people").json().get("items")).hasSize(1);
        assertThat(hub.get("/v1/runs?state=bogus").status()).isEqualTo(400);
        assertThat(hub.get("/v1/metrics".substring(3)).text()).contains("tributary_runs_total").contains("tributary_link_lag");
    }

    /** A link's lag: outbound, the hub's changes not yet written out and how long the oldest waited; inbound, time since its last successful run. */
    @Test
    void aLinksLagShowsWhatWaitsToMoveEachWay() {
        crmEndpoint(null);
        for (int i = 0; i < 3; i++) {
            crm.create(ITEMS, null, Map.of("name", "o" + i));
        }
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\"}");
        JsonNode before = hub.get("/v1/links/crm-people").json().get("lag");
        assertThat(before.at("/outbound/changes").asLong()).isZero();
        assertThat(before.at("/inbound/changes").isNull()).as("an endpoint's unread changes are not counted").isTrue();

        hub.clock.advance(Duration.ofSeconds(90));
        assertThat(hub.get("/v1/links/crm-people").json().at("/lag/inbound/seconds").asDouble())
                .as("never synced: since the link was made").isEqualTo(90.0);
        awaitRun(hub.post("/v1/links/crm-people/runs", "").json().get("id").asText());
        JsonNode synced = hub.get("/v1/links/crm-people").json().get("lag");
        assertThat(synced.at("/inbound/seconds").asDouble()).isZero();
        assertThat(synced.at("/outbound/changes").asLong()).as("what came in is not echoed back").isZero();

        hub.put("/v1/collections/people/records/p1", "{\"data\":{\"name\":\"from the hub\"}}");
        hub.clock.advance(Duration.ofSeconds(30));
        hub.put("/v1/collections/people/records/p2", "{\"data\":{\"name\":\"also\"}}");
        hub.clock.advance(Duration.ofSeconds(12));
        JsonNode behind = hub.get("/v1/links/crm-people").json().get("lag");
        assertThat(behind.at("/outbound/changes").asLong()).isEqualTo(2);
        assertThat(behind.at("/outbound/seconds").asDouble()).as("the oldest waits since it committed").isEqualTo(42.0);
        assertThat(behind.at("/inbound/seconds").asDouble()).isEqualTo(42.0);
        String metrics = hub.get("/metrics").text();
        assertThat(metrics).contains("tributary_link_lag_changes{direction=\"outbound\",link=\"crm-people\"} 2.0")
                .contains("tributary_link_lag_seconds{direction=\"outbound\",link=\"crm-people\"} 42.0")
                .contains("tributary_link_lag_changes{direction=\"inbound\",link=\"crm-people\"} NaN");

        awaitRun(hub.post("/v1/links/crm-people/runs", "").json().get("id").asText());
        JsonNode caughtUp = hub.get("/v1/links/crm-people").json().get("lag");
        assertThat(caughtUp.at("/outbound/changes").asLong()).isZero();
        assertThat(caughtUp.at("/outbound/seconds").asDouble()).isZero();
        assertThat(hub.get("/metrics").text()).contains("tributary_link_lag_changes{direction=\"outbound\",link=\"crm-people\"} 0.0");
    }

    /** A paused link starts no run — scheduled, triggered or manual — until it is resumed. */
    @Test
    void aPausedLinkRunsNothingUntilResumed() {
        crmEndpoint("[\"manual\",\"scheduled\",\"external\"]");
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\","
                + "\"direction\":\"in\",\"schedule\":\"PT1M\"}");
        hub.server.engine().tick(); // the schedule's first due time is set
        Answer paused = hub.post("/v1/links/crm-people/pause", "");
        assertThat(paused.status()).as(paused.text()).isEqualTo(200);
        assertThat(paused.json().at("/state/paused").asBoolean()).isTrue();
        assertThat(paused.json().at("/state/pausedAt").asText()).isEqualTo(hub.clock.instant().toString());
        crm.create(ITEMS, null, Map.of("name", "Ada"));

        hub.clock.advance(Duration.ofMinutes(5));
        hub.server.engine().tick();
        assertThat(hub.get("/v1/runs?link=crm-people").json().get("items")).as("no scheduled run").isEmpty();
        Answer triggered = hub.post("/v1/endpoints/crm/trigger", "");
        assertThat(triggered.status()).isEqualTo(202);
        assertThat(hub.get("/v1/runs?link=crm-people").json().get("items")).as("no triggered run").isEmpty();
        Answer manual = hub.post("/v1/links/crm-people/runs", "");
        assertThat(manual.status()).isEqualTo(409);
        assertThat(manual.json().at("/error/message").asText()).contains("paused").contains("/resume");
        assertThat(hub.post("/v1/links/crm-people/resync", "").status()).isEqualTo(409);
        assertThat(hub.get("/v1/collections/people/records").json().get("items")).isEmpty();

        Answer resumed = hub.post("/v1/links/crm-people/resume", "");
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.json().at("/state/paused").asBoolean()).isFalse();
        hub.server.engine().tick(); // the schedule came due while paused: it runs now
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                hub.get("/v1/collections/people/records").json().get("items").size() == 1);
        assertThat(hub.post("/v1/links/nope/pause", "").status()).isEqualTo(404);
        assertThat(hub.send("POST", "/v1/links/crm-people/pause", "", hub.token("read:people")).status()).isEqualTo(403);
    }

    @Test
    void aContinuousLinkShowsItsStatusAndTheNodesTheirLeases() {
        crmEndpoint(null);
        Answer put = hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\","
                + "\"collection\":\"people\",\"direction\":\"in\",\"mode\":\"continuous\"}");
        assertThat(put.status()).as(put.text()).isEqualTo(201);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                hub.get("/v1/links/crm-people").json().at("/state/status").asText().equals("live"));
        JsonNode link = hub.get("/v1/links/crm-people").json();
        assertThat(link.get("mode").asText()).isEqualTo("continuous");
        String session = link.at("/state/run").asText();
        assertThat(hub.get("/v1/runs/" + session).json().get("mode").asText()).isEqualTo("continuous");
        crm.create(ITEMS, null, Map.of("name", "Ada"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                hub.get("/v1/collections/people/records").json().get("items").size() == 1);

        JsonNode nodes = hub.get("/v1/nodes").json().get("items");
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).get("self").asBoolean()).isTrue();
        assertThat(nodes.get(0).get("live").asBoolean()).isTrue();
        assertThat(nodes.get(0).get("leases").findValuesAsText("name")).contains("link:crm-people");
        assertThat(hub.send("GET", "/v1/nodes", null, hub.token("read:people")).status()).isEqualTo(403);

        assertThat(hub.post("/v1/links/crm-people/pause", "").json().at("/state/status").asText()).isEqualTo("paused");
        assertThat(hub.get("/v1/runs/" + session).json().get("phase").asText()).isEqualTo("ended: paused");
        assertThat(hub.get("/v1/nodes").json().get("items").get(0).get("leases").findValuesAsText("name"))
                .doesNotContain("link:crm-people");
    }

    @Test
    void runModesAndTriggerScopesAreEnforced() {
        crmEndpoint("[\"external\"]");
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\"}");
        Answer manual = hub.post("/v1/links/crm-people/runs", "");
        assertThat(manual.status()).isEqualTo(403);
        assertThat(manual.json().at("/error/message").asText()).contains("does not allow manual");

        String trigger = hub.token("trigger:crm");
        String other = hub.token("trigger:erp");
        assertThat(hub.send("POST", "/v1/endpoints/crm/trigger", "", other).status()).isEqualTo(403);
        Answer triggered = hub.send("POST", "/v1/endpoints/crm/trigger", "", trigger);
        assertThat(triggered.status()).isEqualTo(202);
        JsonNode run = triggered.json().get("items").get(0);
        assertThat(run.get("mode").asText()).isEqualTo("external");
        awaitRun(run.get("id").asText());
        assertThat(hub.send("POST", "/v1/endpoints/crm/deletions", "{\"objectClass\":\"items\",\"uids\":[\"m1\"]}", trigger)
                .status()).isEqualTo(202);
        assertThat(hub.send("POST", "/v1/endpoints/crm/deletions", "{\"objectClass\":\"items\",\"uids\":[]}", trigger)
                .status()).isEqualTo(400);
    }

    @Test
    void parkedConflictsAreListedAndResolvedThroughTheApi() {
        crmEndpoint(null);
        Uid ada = crm.create(ITEMS, null, Map.of("name", "Ada")).uid();
        hub.put("/v1/links/crm-people", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\"}");
        awaitRun(hub.post("/v1/links/crm-people/runs", "").json().get("id").asText());
        String recordId = hub.get("/v1/collections/people/records").json().at("/items/0/id").asText();
        hub.put("/v1/collections/people/records/" + recordId, "{\"data\":{\"name\":\"Ada (hub)\"}}");
        crm.update(ITEMS, ada, null, Map.of("name", "Ada (crm)"));
        awaitRun(hub.post("/v1/links/crm-people/runs", "").json().get("id").asText());

        JsonNode open = hub.get("/v1/conflicts").json().get("items");
        assertThat(open).hasSize(1);
        assertThat(open.get(0).at("/hub/name").asText()).isEqualTo("Ada (hub)");
        assertThat(open.get(0).at("/endpoint/name").asText()).isEqualTo("Ada (crm)");
        String id = open.get(0).get("id").asText();
        assertThat(hub.post("/v1/conflicts/" + id + "/resolve", "{\"take\":\"sideways\"}").status()).isEqualTo(400);
        Answer resolved = hub.post("/v1/conflicts/" + id + "/resolve", "{\"take\":\"endpoint\"}");
        assertThat(resolved.status()).as(resolved.text()).isEqualTo(200);
        assertThat(resolved.json().get("decision").asText()).isEqualTo("endpoint");
        assertThat(hub.get("/v1/collections/people/records/" + recordId).json().at("/data/name").asText()).isEqualTo("Ada (crm)");
        assertThat(hub.post("/v1/conflicts/" + id + "/resolve", "{\"take\":\"hub\"}").status()).isEqualTo(409);
        assertThat(hub.get("/v1/conflicts?state=all").json().get("items")).hasSize(1);
    }
}
