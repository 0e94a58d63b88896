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
