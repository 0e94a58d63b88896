package dev.tributary.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Administrative changes are recorded with who made them; data traffic and refusals are not. */
class AuditLogIT {

    private final TestHub hub = new TestHub(StoreBackend.sqlite());

    @AfterEach
    void close() {
        hub.close();
    }

    private List<String> actions() {
        List<String> actions = new ArrayList<>();
        for (JsonNode item : hub.get("/v1/audit").json().get("items")) {
            actions.add(item.get("action").asText() + " " + item.get("target").asText() + " by " + item.get("actor").asText());
        }
        return actions;
    }

    @Test
    void whoChangedWhatIsRecordedAndServedToAdminsOnly() {
        String ops = hub.store.accessTokens().create("ops-alice", List.of("admin")).secret();
        assertThat(hub.send("PUT", "/v1/collections/notes", "{}", ops).status()).isEqualTo(201);
        assertThat(hub.send("PUT", "/v1/services/Field", "{\"objects\": {\"Note\": {\"collection\": \"notes\","
                + " \"primaryKey\": [\"id\"]}}}", ops).status()).isEqualTo(201);
        // Data traffic and refused changes are not audited.
        assertThat(hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"a\":1}}").status()).isEqualTo(201);
        assertThat(hub.send("PUT", "/v1/endpoints/bad", "{\"connector\":\"nope\"}", ops).status()).isEqualTo(400);
        assertThat(hub.send("DELETE", "/v1/services/Field", null, ops).status()).isEqualTo(204);

        assertThat(actions()).containsExactly(
                "DELETE /v1/services/{svc} /v1/services/Field by ops-alice",
                "PUT /v1/services/{svc} /v1/services/Field by ops-alice",
                "PUT /v1/collections/{c} /v1/collections/notes by ops-alice");
        JsonNode newest = hub.get("/v1/audit?limit=1").json();
        assertThat(newest.get("items")).hasSize(1);
        assertThat(newest.at("/items/0/tokenId").asText()).isNotEmpty();
        assertThat(newest.at("/items/0/status").asInt()).isEqualTo(204);
        assertThat(newest.get("next").asText()).startsWith("/v1/audit?limit=1&before=");
        assertThat(hub.get(newest.get("next").asText()).json().at("/items/0/action").asText())
                .isEqualTo("PUT /v1/services/{svc}");

        Answer reader = hub.send("GET", "/v1/audit", null, hub.token("read:*"));
        assertThat(reader.status()).isEqualTo(403);
        assertThat(hub.get("/v1/audit?limit=0").status()).isEqualTo(400);
    }
}
