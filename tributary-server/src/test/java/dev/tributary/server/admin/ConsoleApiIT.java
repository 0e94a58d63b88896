package dev.tributary.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The routes the console needs besides the rest of the API: access tokens over HTTP, the connector
 * types with their declared settings, and collections with their counts.
 */
class ConsoleApiIT {

    private final TestHub hub = new TestHub(StoreBackend.sqlite());

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void aTokenIsCreatedWithItsSecretShownOnceListedWithoutItAndRevoked() {
        hub.put("/v1/collections/people", "{}");
        Answer created = hub.post("/v1/tokens", "{\"name\": \"sales app\", \"scopes\": [\"read:people\"], \"expiresIn\": \"P30D\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String secret = created.json().get("secret").asText();
        String id = created.json().get("id").asText();
        assertThat(secret).startsWith("trb_");
        assertThat(created.header("Location")).isEqualTo("/v1/tokens/" + id);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        assertThat(created.json().get("scopes").toString()).isEqualTo("[\"read:people\"]");
        assertThat(Duration.between(java.time.Instant.parse(created.json().get("created").asText()),
                java.time.Instant.parse(created.json().get("expires").asText()))).isEqualTo(Duration.ofDays(30));

        // The new token works, with its scopes only.
        assertThat(hub.send("GET", "/v1/collections/people/records", null, secret).status()).isEqualTo(200);
        assertThat(hub.send("GET", "/v1/tokens", null, secret).status()).isEqualTo(403);
        assertThat(hub.send("POST", "/v1/tokens", "{\"name\": \"x\", \"scopes\": [\"admin\"]}", secret).status())
                .as("a non-admin cannot make itself an admin token").isEqualTo(403);

        Answer listed = hub.get("/v1/tokens");
        assertThat(listed.text()).doesNotContain(secret).doesNotContain("\"secret\"");
        List<String> names = new ArrayList<>();
        for (JsonNode token : listed.json().get("items")) {
            names.add(token.get("name").asText() + (token.get("self").asBoolean() ? " (self)" : ""));
        }
        assertThat(names).contains("sales app").anyMatch(name -> name.endsWith("(self)"));

        assertThat(hub.delete("/v1/tokens/" + id).status()).isEqualTo(204);
        assertThat(hub.send("GET", "/v1/collections/people/records", null, secret).status()).as("revoked").isEqualTo(401);
        assertThat(hub.delete("/v1/tokens/" + id).status()).as("revoked once").isEqualTo(404);
        assertThat(hub.delete("/v1/tokens/not-hex!").status()).isEqualTo(404);
        assertThat(hub.get("/v1/audit").text()).contains("POST /v1/tokens", "DELETE /v1/tokens/{id}");
    }

    @Test
    void aBadTokenRequestListsEveryProblemAndCreatesNothing() {
        int before = hub.get("/v1/tokens").json().get("items").size();
        Answer bad = hub.post("/v1/tokens", "{\"scopes\": [\"read:people\", \"bogus\", 3], \"expiresIn\": \"soon\", \"colour\": 1}");
        assertThat(bad.status()).isEqualTo(400);
        List<String> problems = new ArrayList<>();
        bad.json().at("/error/problems").forEach(problem -> problems.add(problem.asText()));
        assertThat(problems).anyMatch(p -> p.startsWith("'name' is required"))
                .anyMatch(p -> p.startsWith("'scopes'") && p.contains("invalid scope 'bogus'"))
                .anyMatch(p -> p.startsWith("'scopes' must hold texts"))
                .anyMatch(p -> p.startsWith("'expiresIn' must be an ISO-8601 duration"))
                .anyMatch(p -> p.startsWith("'colour' is not a field"));
        assertThat(hub.post("/v1/tokens", "{\"name\": \"x\", \"scopes\": []}").status()).isEqualTo(400);
        assertThat(hub.post("/v1/tokens", "{\"name\": \"x\", \"scopes\": [\"admin\"], \"expiresIn\": \"P4000D\"}").status())
                .isEqualTo(400);
        assertThat(hub.post("/v1/tokens", "{\"name\": \"" + "n".repeat(101) + "\", \"scopes\": [\"admin\"]}").status())
                .isEqualTo(400);
        assertThat(hub.post("/v1/tokens", "[]").status()).isEqualTo(400);
        assertThat(hub.get("/v1/tokens").json().get("items")).hasSize(before);
    }

    @Test
    void connectorTypesDeclareTheirSettings() {
        JsonNode connectors = hub.get("/v1/connectors").json().get("items");
        JsonNode memory = null;
        JsonNode jdbc = null;
        for (JsonNode connector : connectors) {
            if (connector.get("name").asText().equals("memory")) {
                memory = connector;
            }
            if (connector.get("name").asText().equals("jdbc")) {
                jdbc = connector;
            }
        }
        assertThat(memory).isNotNull();
        assertThat(memory.get("settings").get(0).toString()).contains("\"name\":\"backend\"", "\"type\":\"string\"",
                "\"required\":true", "\"secret\":false");
        assertThat(jdbc).isNotNull();
        boolean passwordIsSecret = false;
        for (JsonNode setting : jdbc.get("settings")) {
            if (setting.get("name").asText().equals("password")) {
                passwordIsSecret = setting.get("secret").asBoolean() && !setting.has("default");
            }
        }
        assertThat(passwordIsSecret).isTrue();
        assertThat(hub.send("GET", "/v1/connectors", null, hub.token("read:*")).status()).isEqualTo(403);
    }

    /**
     * A parked conflict carries what the record was when the link last had it in sync; a link
     * whose policy decides by itself keeps no such copy.
     */
    @Test
    void aParkedConflictShowsWhatBothSidesChangedFrom() {
        String backend = "bases-" + java.util.UUID.randomUUID();
        try {
            dev.tributary.connectors.memory.MemoryBackend crm = dev.tributary.connectors.memory.MemoryBackend.named(backend);
            dev.tributary.connector.ObjectClass items = new dev.tributary.connector.ObjectClass("items");
            hub.put("/v1/endpoints/crm", "{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backend
                    + "\",\"objectClasses\":\"items,others\"}}");
            dev.tributary.connector.Uid ada = crm.create(items, null, java.util.Map.of("name", "Ada", "city", "London")).uid();
            dev.tributary.connector.Uid bob = crm.create(items, null, java.util.Map.of("name", "Bob", "city", "Leeds")).uid();
            hub.put("/v1/links/manual", "{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\","
                    + "\"conflictPolicy\":\"manual\"}");
            run("manual");
            String adaId = null;
            String bobId = null;
            for (JsonNode record : hub.get("/v1/collections/people/records").json().get("items")) {
                if (record.at("/data/name").asText().equals("Ada")) {
                    adaId = record.get("id").asText();
                } else {
                    bobId = record.get("id").asText();
                }
            }
            // Synced again once (a hub change written out): that is the new base.
            hub.put("/v1/collections/people/records/" + bobId, "{\"data\":{\"name\":\"Bob\",\"city\":\"York\"}}");
            run("manual");
            hub.put("/v1/collections/people/records/" + adaId, "{\"data\":{\"name\":\"Ada\",\"city\":\"Paris\"}}");
            hub.put("/v1/collections/people/records/" + bobId, "{\"data\":{\"name\":\"Bob\",\"city\":\"Hull\"}}");
            crm.update(items, ada, null, java.util.Map.of("name", "Ada L.", "city", "London"));
            crm.update(items, bob, null, java.util.Map.of("name", "Bob", "city", "Bath"));
            run("manual");
            java.util.Map<String, String> bases = new java.util.TreeMap<>();
            for (JsonNode conflict : hub.get("/v1/conflicts").json().get("items")) {
                JsonNode base = conflict.get("base");
                bases.put(conflict.get("recordId").asText().equals(adaId) ? "ada" : "bob",
                        base.path("name").asText() + " in " + base.path("city").asText() + " (" + base.size() + " fields)");
            }
            assertThat(bases).containsEntry("ada", "Ada in London (2 fields)").containsEntry("bob", "Bob in York (2 fields)");

            // A link that decides by itself keeps no copy: its recorded decisions have no base.
            hub.put("/v1/links/auto", "{\"endpoint\":\"crm\",\"objectClass\":\"others\",\"collection\":\"others\","
                    + "\"conflictPolicy\":\"hubWins\"}");
            dev.tributary.connector.ObjectClass others = new dev.tributary.connector.ObjectClass("others");
            dev.tributary.connector.Uid cid = crm.create(others, null, java.util.Map.of("name", "Cid")).uid();
            run("auto");
            String cidId = hub.get("/v1/collections/others/records").json().at("/items/0/id").asText();
            hub.put("/v1/collections/others/records/" + cidId, "{\"data\":{\"name\":\"Cid (hub)\"}}");
            crm.update(others, cid, null, java.util.Map.of("name", "Cid (crm)"));
            run("auto");
            List<dev.tributary.store.ConflictRecord> decided = hub.store.conflicts()
                    .list(dev.tributary.store.ConflictState.RESOLVED, "auto", 100);
            assertThat(decided).hasSize(1);
            assertThat(decided.get(0).decision()).isEqualTo("hub");
            assertThat(decided.get(0).baseData()).isNull();
        } finally {
            dev.tributary.connectors.memory.MemoryBackend.drop(backend);
        }
    }

    private void run(String link) {
        String id = hub.post("/v1/links/" + link + "/runs", "").json().get("id").asText();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                List.of("succeeded", "failed", "cancelled").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
        assertThat(hub.get("/v1/runs/" + id).json().get("state").asText()).isEqualTo("succeeded");
    }

    @Test
    void collectionsCountTheirRecordsAndRecentChangesWhenAsked() {
        assertThat(hub.put("/v1/collections/people", "{}").status()).isEqualTo(201);
        hub.put("/v1/collections/people/records/a", "{\"data\":{\"n\":1}}");
        hub.put("/v1/collections/people/records/b", "{\"data\":{\"n\":2}}");
        hub.clock.advance(Duration.ofHours(2));
        hub.put("/v1/collections/people/records/c", "{\"data\":{\"n\":3}}");
        hub.delete("/v1/collections/people/records/a");
        assertThat(hub.get("/v1/collections").json().at("/items/0/name").asText()).isEqualTo("people");
        assertThat(hub.get("/v1/collections").json().at("/items/0").has("records")).as("only when asked").isFalse();
        JsonNode people = hub.get("/v1/collections?counts=true").json().at("/items/0");
        assertThat(people.get("records").asLong()).as("a deleted record is not counted").isEqualTo(2);
        assertThat(people.get("changedLastHour").asLong()).as("c created, a deleted").isEqualTo(2);
        assertThat(hub.get("/v1/collections?counts=yes").status()).isEqualTo(400);
    }
}
