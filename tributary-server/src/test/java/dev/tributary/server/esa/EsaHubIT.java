package dev.tributary.server.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.esa.kit.EsaServer;
import dev.tributary.esa.kit.HelperApi;
import dev.tributary.esa.reference.FaultySqliteEsa;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub against the reference ESA over HTTP: configure and parameters, runs in both directions
 * with paging, conflicts from a stale last-seen, delayed writes, needSyncAgain, run modes, every
 * Helper API call, the three deletion strategies, and hostile messages to the Helper API.
 */
class EsaHubIT {

    @TempDir
    Path dir;

    private TestHub hub;
    private FaultySqliteEsa esa;
    private EsaServer server;

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(StoreBackend.sqlite());
        esa = new FaultySqliteEsa(dir.resolve("crm.db"), Map.of("people", "name TEXT, age INTEGER, born DATE"));
        server = EsaServer.start(esa, 0, EsaServer.Options.defaults().withToken("esa-token").withPaging(50, 200));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        esa.close();
        hub.close();
    }

    private Answer endpoint(String modes) {
        return hub.put("/v1/endpoints/crm", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + server.uri()
                + "\",\"token\":\"esa-token\",\"delayedPollInterval\":\"PT0.01S\"}" + (modes == null ? "" : ",\"allowedRunModes\":"
                + modes) + "}");
    }

    private void link(String name, String direction, String deletion, String policy) {
        link(name, "people", direction, deletion, policy);
    }

    private void link(String name, String collection, String direction, String deletion, String policy) {
        Answer answer = hub.put("/v1/links/" + name, "{\"endpoint\":\"crm\",\"objectClass\":\"people\",\"collection\":\""
                + collection + "\",\"direction\":\"" + direction + "\",\"deletionDetection\":\"" + deletion + "\",\"conflictPolicy\":\""
                + policy + "\"}");
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
    }

    private JsonNode run(String link) {
        Answer started = hub.post("/v1/links/" + link + "/runs", "");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String id = started.json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
        JsonNode run = hub.get("/v1/runs/" + id).json();
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        return run;
    }

    private Map<String, JsonNode> hubPeople() {
        return hubPeople("people");
    }

    private Map<String, JsonNode> hubPeople(String collection) {
        Map<String, JsonNode> people = new java.util.TreeMap<>();
        for (JsonNode item : hub.get("/v1/collections/" + collection + "/records?maxResults=2500").json().get("items")) {
            if (!item.path("deleted").asBoolean()) {
                people.put(item.get("data").get("name").asText(), item.get("data"));
            }
        }
        return people;
    }

    @Test
    void configureIssuesAHelperSecretAndNarrowsRunModesToTheAdapters() {
        esa.runModes(1 | 2);
        Answer created = endpoint(null);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("allowedRunModes").toString()).isEqualTo("[\"manual\",\"scheduled\"]");
        assertThat(esa.calls()).contains("configure");
        HelperApi helper = esa.helper();
        assertThat(helper).as("the adapter got the Helper API's address and a secret").isNotNull();
        assertThat(helper.externalSystemId()).isEqualTo("crm");
        assertThat(helper.uri()).hasToString(hub.server.localUrl() + "/esa/helper");
        assertThat(hub.store.esaSystems().byEndpoint("crm").orElseThrow().secretHash()).doesNotContain("esa_");

        // changing the endpoint re-configures the adapter with force; the masked token means "keep the stored one"
        String shown = hub.get("/v1/endpoints/crm").text();
        assertThat(shown).doesNotContain("esa-token");
        Answer changed = hub.put("/v1/endpoints/crm", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + server.uri()
                + "\",\"token\":\"******\",\"timeout\":\"PT30S\"}}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(esa.calls().stream().filter("configure"::equals)).hasSize(2);

        // run modes are enforced, also for the adapter's own request
        link("crm-people", "in", "native", "hubWins");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> helper.startSync(false))
                .isInstanceOf(dev.tributary.esa.EsaFault.class).hasMessageContaining("external");
    }

    @Test
    void anAdapterIsGivenTheHubsPublicUrl() {
        hub.close();
        hub = new TestHub(StoreBackend.sqlite(), config -> config.withPublicUrl("https://hub.example.com:8443/"));
        assertThat(endpoint(null).status()).isEqualTo(201);
        assertThat(esa.helper().uri()).hasToString("https://hub.example.com:8443/esa/helper");
    }

    @Test
    void theHubSideWorksOnPostgreSql() {
        hub.close();
        hub = new TestHub(StoreBackend.postgres());
        for (int i = 0; i < 3; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        assertThat(endpoint(null).status()).isEqualTo(201);
        assertThat(hub.put("/v1/endpoints/crm/esa/parameters", "{\"region\":\"us\"}").status()).isEqualTo(200);
        link("crm-people", "in", "tracked", "hubWins");
        run("crm-people");
        HelperApi helper = esa.helper();
        assertThat(helper.getParameter("region")).containsExactly("us");
        assertThat(helper.isKnownId("people", "2")).isTrue();
        esa.deletions(FaultySqliteEsa.Deletions.TRACK);
        esa.remove("people", "2");
        run("crm-people");
        assertThat(hubPeople().keySet()).containsExactly("p0", "p2");
    }

    @Test
    void anAdapterThatCannotBeConfiguredLeavesNothingStored() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Answer unreachable = hub.put("/v1/endpoints/gone", "{\"connector\":\"esa\",\"config\":{\"url\":"
                + "\"http://127.0.0.1:" + closed + "/esa\"}}");
        assertThat(unreachable.status()).isEqualTo(502);
        assertThat(unreachable.text()).contains("cannot configure the adapter");
        assertThat(hub.get("/v1/endpoints/gone").status()).isEqualTo(404);
        assertThat(hub.store.esaSystems().byEndpoint("gone")).isEmpty();

        Answer wrongToken = hub.put("/v1/endpoints/crm", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + server.uri()
                + "\",\"token\":\"not-the-token\"}}");
        assertThat(wrongToken.status()).isEqualTo(502);
        assertThat(hub.get("/v1/endpoints/crm").status()).isEqualTo(404);

        // A definition the hub refuses never reaches the adapter (no helper secret is pushed to it).
        Answer invalid = hub.put("/v1/endpoints/crm", "{\"connector\":\"esa\",\"config\":{\"url\":\"" + server.uri()
                + "\",\"token\":\"esa-token\"},\"allowedRunModes\":[\"sometimes\"]}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(esa.calls()).as("no configure for a refused definition").doesNotContain("configure");
        assertThat(esa.helper()).isNull();
    }

    @Test
    void parametersAreDescribedValidatedStoredAndServedBack() {
        endpoint(null);
        JsonNode shown = hub.get("/v1/endpoints/crm/esa").json();
        assertThat(shown.get("parametersMeta")).extracting(p -> p.get("name").asText()).containsExactly("region", "apiKey",
                "batch");
        Answer bad = hub.put("/v1/endpoints/crm/esa/parameters", "{\"region\":\"mars\",\"batch\":\"many\",\"colour\":\"red\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text()).contains("mars").contains("many").contains("colour");
        assertThat(esa.helper().getParameter("region")).as("unset: the default").containsExactly("eu");

        Answer good = hub.put("/v1/endpoints/crm/esa/parameters", "{\"region\":\"us\",\"batch\":250,\"apiKey\":\"k-123\"}");
        assertThat(good.status()).as(good.text()).isEqualTo(200);
        assertThat(good.json().at("/parameters/apiKey").asText()).isEqualTo("******");
        assertThat(good.text()).doesNotContain("k-123");
        HelperApi helper = esa.helper();
        assertThat(helper.getParameter("region")).containsExactly("us");
        assertThat(helper.getParameter("batch")).containsExactly("250");
        assertThat(helper.getParameter("apiKey")).containsExactly("k-123");

        // What GET shows, PUT back with one change: the mask keeps the stored secret.
        com.fasterxml.jackson.databind.node.ObjectNode shownBack =
                (com.fasterxml.jackson.databind.node.ObjectNode) hub.get("/v1/endpoints/crm/esa").json().get("parameters");
        shownBack.put("batch", 300);
        Answer again = hub.put("/v1/endpoints/crm/esa/parameters", shownBack.toString());
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(helper.getParameter("apiKey")).as("not the asterisks").containsExactly("k-123");
        assertThat(helper.getParameter("batch")).containsExactly("300");
    }

    @Test
    void fullAndIncrementalSyncBothWaysThroughPagedCursors() {
        for (int i = 0; i < 260; i++) {
            esa.put("people", null, Map.of("name", String.format("p%03d", i), "age", i, "born", "1990-01-0" + (1 + i % 9)));
        }
        endpoint(null);
        link("crm-people", "both", "native", "hubWins");
        JsonNode first = run("crm-people");
        assertThat(first.at("/stats/inbound/created").asLong()).isEqualTo(260);
        assertThat(hubPeople()).hasSize(260);
        assertThat(hubPeople().get("p007").get("born").asText()).isEqualTo("1990-01-08");
        assertThat(server.openCursors()).as("every cursor closed").isZero();

        String id = esa.all("people").values().stream().filter(r -> "p001".equals(r.value("name"))).findFirst()
                .orElseThrow().id();
        esa.put("people", id, Map.of("age", 99));
        esa.put("people", null, Map.of("name", "new one"));
        Answer hubWrite = hub.put("/v1/collections/people/records/from-hub", "{\"data\":{\"name\":\"from hub\",\"age\":7}}");
        assertThat(hubWrite.status()).isEqualTo(201);
        JsonNode second = run("crm-people");
        assertThat(second.at("/stats/inbound/created").asLong()).isEqualTo(1);
        assertThat(second.at("/stats/inbound/updated").asLong()).isEqualTo(1);
        assertThat(hubPeople().get("p001").get("age").asLong()).isEqualTo(99);
        assertThat(esa.all("people").values()).extracting(r -> r.value("name")).contains("from hub");
        JsonNode third = run("crm-people");
        assertThat(third.at("/stats/inbound/created").asLong() + third.at("/stats/inbound/updated").asLong()
                + third.at("/stats/outbound/created").asLong() + third.at("/stats/outbound/updated").asLong())
                .as("nothing echoes").isZero();
    }

    @Test
    void aStaleLastSeenBecomesAConflictForTheLinksPolicy() {
        staleLastSeenIsParked();
    }

    @Test
    void aStaleLastSeenIsParkedOnPostgreSqlToo() {
        hub.close();
        hub = new TestHub(StoreBackend.postgres());
        staleLastSeenIsParked();
    }

    private void staleLastSeenIsParked() {
        String id = esa.put("people", null, Map.of("name", "Ada", "age", 36));
        endpoint(null);
        link("crm-people", "both", "native", "manual");
        run("crm-people");
        String recordId = hub.get("/v1/collections/people/records").json().get("items").get(0).get("id").asText();
        hub.put("/v1/collections/people/records/" + recordId, "{\"data\":{\"name\":\"Ada\",\"age\":40}}");
        // the external system changes the record just before the hub's write arrives
        esa.raceNextUpdate(Map.of("age", 37));
        run("crm-people");
        assertThat(esa.all("people").get(id).value("age")).as("the adapter's newer change is kept").isEqualTo("37");
        JsonNode conflicts = hub.get("/v1/conflicts?link=crm-people").json().get("items");
        assertThat(conflicts).as("parked for the manual policy").hasSize(1);
        assertThat(conflicts.get(0).toString()).contains("37").contains("40");
    }

    @Test
    void delayedWritesAndSyncAgainAreHandled() {
        endpoint(null);
        link("crm-people", "both", "native", "hubWins");
        esa.delayedWrites(true);
        hub.put("/v1/collections/people/records/later", "{\"data\":{\"name\":\"Later\"}}");
        esa.syncAgain(1);
        JsonNode run = run("crm-people");
        assertThat(esa.all("people").values()).extracting(r -> r.value("name")).containsExactly("Later");
        assertThat(esa.delayedPolls()).isGreaterThanOrEqualTo(2);
        assertThat(run.at("/stats/syncAgain").asLong()).isEqualTo(1);
    }

    @Test
    void helperCallsAnswerFromTheHubsKnowledge() throws Exception {
        for (int i = 0; i < 5; i++) {
            esa.put("people", null, Map.of("name", "p" + i));
        }
        endpoint(null);
        link("crm-people", "in", "tracked", "hubWins");
        run("crm-people");
        HelperApi helper = esa.helper();
        assertThat(helper.isKnownId("people", "3")).isTrue();
        assertThat(helper.isKnownId("people", "33")).isFalse();
        assertThat(new TreeSet<>(helper.enumerateKnownIds("people", null))).containsExactly("1", "2", "3", "4", "5");
        assertThat(helper.enumerateKnownIds("people", Instant.EPOCH)).isEmpty();

        // tracked: the adapter reports a deletion; the next run applies it
        esa.deletions(FaultySqliteEsa.Deletions.TRACK);
        esa.remove("people", "2");
        run("crm-people");
        assertThat(hubPeople().keySet()).containsExactly("p0", "p2", "p3", "p4");

        // detectDeleted: the hub bisects with countRange and answers exactly the missing ids
        esa.deletions(FaultySqliteEsa.Deletions.HIDE);
        esa.remove("people", "4");
        int before = esa.countRangeCalls();
        assertThat(helper.detectDeleted("people", null)).containsExactly("4");
        assertThat(esa.countRangeCalls() - before).isLessThanOrEqualTo(5);

        // an external request starts the run and, waited for, answers its outcome
        List<HelperApi.Run> runs = helper.startSync(true);
        assertThat(runs).extracting(HelperApi.Run::state).containsExactly("succeeded");
    }

    @Test
    void enumerateAndCountRangeFindDeletionsTheAdapterHides() {
        for (int i = 0; i < 40; i++) {
            esa.put("people", null, Map.of("name", String.format("p%02d", i)));
        }
        esa.deletions(FaultySqliteEsa.Deletions.HIDE);
        endpoint(null);
        link("crm-enum", "in", "enumerate", "hubWins");
        run("crm-enum");
        esa.remove("people", "5");
        run("crm-enum");
        assertThat(hubPeople()).hasSize(39).doesNotContainKey("p04");
        link("crm-count", "counted", "in", "countRange", "hubWins");
        run("crm-count");
        esa.remove("people", "17");
        esa.remove("people", "30");
        int before = esa.countRangeCalls();
        run("crm-count");
        assertThat(hubPeople("counted")).hasSize(37).doesNotContainKeys("p04", "p16", "p29");
        // bisection: at most 1 + 2·k·⌈log2 n⌉ counts for k deletions among n known ids (here 25), not one per id
        assertThat(esa.countRangeCalls() - before).isLessThanOrEqualTo(25);
    }

    @Test
    void hostileOrUnauthenticatedHelperMessagesChangeNothing() throws Exception {
        endpoint(null);
        link("crm-people", "in", "tracked", "hubWins");
        HttpClient http = HttpClient.newHttpClient();
        String url = hub.server.baseUrl() + "/esa/helper";
        String track = "<sync><api-call call-id=\"1\"><trackRecordDeletion><external-system-id>crm</external-system-id>"
                + "<time>2024-01-01T00:00:00Z</time><structure>people</structure><id>1</id></trackRecordDeletion>"
                + "</api-call></sync>";
        List<Integer> statuses = new ArrayList<>();
        for (String[] attempt : List.of(
                new String[] {"wrong-secret", track},
                new String[] {null, track},
                new String[] {"x", "<!DOCTYPE sync [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><sync>&e;</sync>"},
                new String[] {"x", "<sync><api-call call-id=\"1\"><dropEverything/></api-call></sync>"},
                new String[] {"x", "<sync><result response-to=\"1\"><value>true</value></result></sync>"},
                new String[] {"x", "<sync><api-call call-id=\"1\">" + "<a>".repeat(10) + "</api-call></sync>"},
                new String[] {"x", "<sync>" + "x".repeat(2 * 1024 * 1024) + "</sync>"})) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(
                    attempt[1]));
            if (attempt[0] != null) {
                request.header("Authorization", "Bearer " + attempt[0]);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            statuses.add(response.statusCode());
            assertThat(response.body()).doesNotContain("root:");
        }
        assertThat(statuses).containsExactly(401, 401, 400, 400, 400, 400, 400);
        assertThat(hub.store.deletionLog().after("crm", "people", 0, 10)).isEmpty();
    }
}
