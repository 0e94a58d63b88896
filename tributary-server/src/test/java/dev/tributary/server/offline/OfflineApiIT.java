package dev.tributary.server.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.server.Json;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.StoreBackend;
import dev.tributary.store.StoredRecord;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The object-service API over a real hub: definitions, uploads and their outcomes, policies, the upload cache. */
class OfflineApiIT {

    private static final String SERVICE = """
            {"objects": {
               "Task":   {"collection": "tasks", "primaryKey": ["id"], "conflictPolicy": "serverWins"},
               "Note":   {"collection": "notes", "primaryKey": ["id"], "keys": "server", "conflictPolicy": "clientWins"},
               "Visit":  {"collection": "visits", "primaryKey": ["site", "day"], "conflictPolicy": "none"},
               "Report": {"collection": "reports", "primaryKey": ["id"], "conflictPolicy": "custom", "resolver": "mergeNotes"}},
             "uploadParameters": [{"name": "SiteID", "required": true}, {"name": "Shift"}]}
            """;

    private final TestHub hub = new TestHub(backend());

    /** The store the hub runs on; a subclass runs every test on PostgreSQL. */
    StoreBackend backend() {
        return StoreBackend.sqlite();
    }

    @BeforeEach
    void defineService() {
        Answer answer = hub.put("/v1/services/Field", SERVICE);
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
    }

    @AfterEach
    void close() {
        hub.close();
    }

    private static ObjectNode change(String object, String op, String id, String version, String data) {
        ObjectNode change = Json.MAPPER.createObjectNode();
        change.put("object", object);
        change.put("op", op);
        if (id != null) {
            change.put("id", id);
        }
        if (version != null) {
            change.put("version", version);
        }
        if (data != null) {
            try {
                change.set("data", Json.MAPPER.readTree(data));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return change;
    }

    private Answer upload(String requestId, String query, ObjectNode... changes) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("changes");
        for (ObjectNode change : changes) {
            list.add(change);
        }
        return hub.post("/v1/services/Field/upload" + query, body.toString(), "X-Request-Id", requestId);
    }

    /** How the hub keys a request id of the admin token's (request ids belong to their caller). */
    private String adminKey(String requestId) {
        return hub.store.accessTokens().authenticate(hub.adminToken).orElseThrow().id() + "/" + requestId;
    }

    private JsonNode uploadOk(ObjectNode... changes) {
        Answer answer = upload(UUID.randomUUID().toString(), "?SiteID=7", changes);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().get("results");
    }

    private StoredRecord stored(String collection, String id) {
        return hub.store.changeLog().get(collection, id).orElseThrow();
    }

    @Test
    void definitionsAreValidatedWithEveryProblemListedAndReadBack() {
        Answer bad = hub.put("/v1/services/Bad", """
                {"objects": {"T": {"collection": "no spaces", "primaryKey": [], "keys": "maybe", "conflictPolicy": "loudest"},
                             "U": {"collection": "u", "primaryKey": ["a", "b"], "keys": "server"},
                             "V": {"collection": "v", "primaryKey": ["id"], "conflictPolicy": "custom", "resolver": "nobody"}},
                 "uploadParameters": [{"name": "ok", "required": "yes"}], "colour": "blue"}
                """);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/problems")).hasSize(8);
        assertThat(bad.text()).contains("colour", "'collection'", "'primaryKey'", "'keys'", "'conflictPolicy'",
                "server-assigned keys need a primary key of one field", "installed: mergeNotes", "'required'");
        assertThat(hub.get("/v1/services/Bad").status()).isEqualTo(404);

        JsonNode read = hub.get("/v1/services/Field").json();
        assertThat(read.at("/objects/Note/keys").asText()).isEqualTo("server");
        assertThat(read.at("/objects/Visit/primaryKey")).hasSize(2);
        assertThat(read.at("/objects/Report/resolver").asText()).isEqualTo("mergeNotes");
        assertThat(read.at("/uploadParameters/0/required").asBoolean()).isTrue();
        assertThat(hub.get("/v1/services").json().get("items")).hasSize(1);
        assertThat(hub.put("/v1/services/Field", SERVICE).status()).isEqualTo(200);

        String reader = hub.token("read:tasks");
        assertThat(hub.send("PUT", "/v1/services/Other", SERVICE, reader).status()).isEqualTo(403);
        assertThat(hub.send("GET", "/v1/services/Field", null, reader).status()).as("needs read on every collection").isEqualTo(403);
        assertThat(hub.send("GET", "/v1/services/Field", null, null).status()).isEqualTo(401);
    }

    @Test
    void createUpdateDeleteGiveTheirOutcomesWithTheStoredRecord() {
        JsonNode created = uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\", \"title\": \"pump\"}"),
                change("Visit", "create", null, null, "{\"site\": \"s1\", \"day\": \"2026-11-23\", \"ok\": true}"));
        assertThat(created.get(0).get("outcome").asText()).isEqualTo("created");
        assertThat(created.get(0).get("id").asText()).isEqualTo("t1");
        assertThat(created.get(0).at("/record/title").asText()).isEqualTo("pump");
        assertThat(created.get(1).get("id").asText()).isEqualTo("s1~2026-11-23");
        String etag = created.get(0).get("etag").asText();
        assertThat(etag).isEqualTo(stored("tasks", "t1").etag());

        JsonNode updated = uploadOk(change("Task", "update", "t1", etag, "{\"id\": \"t1\", \"title\": \"valve\"}"));
        assertThat(updated.get(0).get("outcome").asText()).isEqualTo("updated");
        assertThat(stored("tasks", "t1").dataText()).contains("valve");
        assertThat(stored("tasks", "t1").origin()).startsWith("offline:").endsWith("?SiteID=7");

        JsonNode deleted = uploadOk(change("Task", "delete", "t1", updated.get(0).get("etag").asText(), null));
        assertThat(deleted.get(0).get("outcome").asText()).isEqualTo("deleted");
        assertThat(stored("tasks", "t1").deleted()).isTrue();
        assertThat(uploadOk(change("Task", "delete", "t1", null, null)).get(0).get("outcome").asText())
                .as("deleting what is gone already").isEqualTo("deleted");
    }

    @Test
    void badChangesAreRejectedOneByOneAndTheOthersApplied() {
        JsonNode results = uploadOk(
                change("Ghost", "create", null, null, "{\"id\": \"g\"}"),
                change("Task", "rename", "t1", null, "{\"id\": \"t1\"}"),
                change("Task", "create", null, null, "{\"title\": \"no key\"}"),
                change("Task", "create", null, null, "{\"id\": \"has space\"}"),
                change("Task", "update", "t9", null, null),
                change("Task", "create", null, null, "{\"id\": \"t2\"}"),
                change("Task", "update", "t2", null, "{\"id\": \"t3\"}"));
        assertThat(results).extracting(r -> r.get("outcome").asText())
                .containsExactly("rejected", "rejected", "rejected", "rejected", "rejected", "created", "rejected");
        assertThat(results.get(0).get("message").asText()).contains("unknown object 'Ghost'");
        assertThat(results.get(6).get("message").asText()).contains("primary key cannot change");
        assertThat(hub.store.changeLog().get("tasks", "t2")).isPresent();
        assertThat(hub.store.changeLog().get("tasks", "t3")).isEmpty();
    }

    @Test
    void aRecordChangedTwiceInOneRequestIsAppliedInOrder() {
        JsonNode results = uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\", \"n\": 1}"),
                change("Task", "update", "t1", "1", "{\"id\": \"t1\", \"n\": 2}"),
                change("Task", "update", "t1", "1", "{\"id\": \"t1\", \"n\": 3}"),
                change("Visit", "create", null, null, "{\"site\": \"s\", \"day\": \"d\"}"));
        assertThat(results).extracting(r -> r.get("outcome").asText()).containsExactly("created", "updated", "conflict", "created");
        assertThat(results.get(2).at("/serverRecord/n").asInt()).isEqualTo(2);
        assertThat(stored("tasks", "t1").version()).isEqualTo(2);
        assertThat(stored("tasks", "t1").dataText()).contains("\"n\":2");
    }

    @Test
    void serverAssignedKeysReplaceTheClientsTemporaryOnes() {
        JsonNode results = uploadOk(change("Note", "create", "local-1", null, "{\"id\": \"local-1\", \"text\": \"hi\"}"));
        JsonNode result = results.get(0);
        assertThat(result.get("outcome").asText()).isEqualTo("created");
        assertThat(result.get("localId").asText()).isEqualTo("local-1");
        String id = result.get("id").asText();
        assertThat(id).isNotEqualTo("local-1");
        assertThat(result.at("/record/id").asText()).isEqualTo(id);
        assertThat(stored("notes", id).dataText()).contains("\"text\":\"hi\"");
    }

    @Test
    void uploadParametersAreCheckedAndKeptWithTheOrigin() {
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t1\"}");
        Answer missing = upload("r-1", "", task);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text()).contains("'SiteID' is required");
        Answer unknown = upload("r-1", "?SiteID=1&Colour=red", task);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).contains("unknown upload parameter 'Colour'");
        assertThat(hub.store.changeLog().get("tasks", "t1")).as("nothing applied").isEmpty();

        assertThat(upload("r-1", "?SiteID=A%26B&Shift=night", task).status()).isEqualTo(200);
        assertThat(stored("tasks", "t1").origin()).endsWith("?Shift=night&SiteID=A%26B");
    }

    @Test
    void uploadParametersReachTheConnectorsTheChangeFlowsTo() {
        String backendName = "offline-" + UUID.randomUUID();
        dev.tributary.connectors.memory.MemoryBackend erp = dev.tributary.connectors.memory.MemoryBackend.named(backendName);
        try {
            assertThat(hub.put("/v1/endpoints/erp", "{\"connector\": \"memory\", \"config\": {\"backend\": \"" + backendName
                    + "\", \"objectClasses\": \"tasks\", \"keyField\": \"id\"}}").status()).isEqualTo(201);
            Answer link = hub.put("/v1/links/erp-tasks", "{\"endpoint\": \"erp\", \"objectClass\": \"tasks\","
                    + " \"collection\": \"tasks\", \"direction\": \"out\"}");
            assertThat(link.status()).as(link.text()).isEqualTo(201);
            assertThat(upload("r-erp", "?SiteID=north%207&Shift=night",
                    change("Task", "create", null, null, "{\"id\": \"t1\", \"title\": \"pump\"}")).status()).isEqualTo(200);
            String run = hub.post("/v1/links/erp-tasks/runs", "").json().get("id").asText();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> hub.get("/v1/runs/" + run).json().get("state").asText().equals("succeeded"));
            dev.tributary.connector.ChangeOrigin origin = erp.lastOrigin(new dev.tributary.connector.ObjectClass("tasks"), "t1");
            assertThat(origin.source()).startsWith("offline:");
            assertThat(origin.parameters()).containsEntry("SiteID", "north 7").containsEntry("Shift", "night");
        } finally {
            dev.tributary.connectors.memory.MemoryBackend.drop(backendName);
        }
    }

    @Test
    void malformedRequestsAreRefusedAndChangeNothing() {
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t1\"}");
        Answer noId = hub.post("/v1/services/Field/upload?SiteID=1", "{\"changes\": [" + task + "]}");
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.text()).contains("X-Request-Id");
        assertThat(hub.post("/v1/services/Field/upload?SiteID=1", "{\"changes\": []}", "X-Request-Id", "a").status()).isEqualTo(400);
        assertThat(hub.post("/v1/services/Field/upload?SiteID=1", "[1, 2", "X-Request-Id", "a").status()).isEqualTo(400);
        StringBuilder many = new StringBuilder("{\"changes\": [");
        for (int i = 0; i <= OfflineApi.MAX_CHANGES; i++) {
            many.append(i == 0 ? "" : ",").append(change("Task", "create", null, null, "{\"id\": \"m" + i + "\"}"));
        }
        Answer tooMany = hub.post("/v1/services/Field/upload?SiteID=1", many.append("]}").toString(), "X-Request-Id", "b");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.text()).contains("1 to 1000 changes");
        assertThat(hub.post("/v1/services/Nope/upload", "{\"changes\": [" + task + "]}", "X-Request-Id", "c").status())
                .isEqualTo(404);
        String reader = hub.token("read:tasks", "read:notes", "read:visits", "read:reports");
        assertThat(hub.send("POST", "/v1/services/Field/upload?SiteID=1", "{\"changes\": [" + task + "]}", reader,
                "X-Request-Id", "d").status()).isEqualTo(403);
        assertThat(hub.store.changeLog().get("tasks", "t1")).isEmpty();
        assertThat(hub.store.changeLog().highestHead()).isZero();
    }

    /** An upload's answer goes only to a caller allowed to see it. */
    @Test
    void answersNeverReachACallerThatMayNotSeeThem() {
        String v1 = uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\", \"title\": \"a\"}")).get(0).get("etag").asText();
        uploadOk(change("Task", "update", "t1", v1, "{\"id\": \"t1\", \"title\": \"private hub text\"}"));

        // A write-only caller learns of the conflict and the etag, not what the record holds.
        String writer = hub.token("write:tasks");
        String stale = "{\"changes\": [" + change("Task", "update", "t1", v1, "{\"id\": \"t1\", \"title\": \"stale\"}") + "]}";
        Answer conflict = hub.send("POST", "/v1/services/Field/upload?SiteID=1", stale, writer, "X-Request-Id", "shared-1");
        assertThat(conflict.status()).as(conflict.text()).isEqualTo(200);
        JsonNode result = conflict.json().at("/results/0");
        assertThat(result.get("outcome").asText()).isEqualTo("conflict");
        assertThat(result.get("serverRecord").isNull()).as(conflict.text()).isTrue();
        assertThat(result.get("serverRecordHidden").asBoolean()).isTrue();
        assertThat(conflict.text()).doesNotContain("private hub text");

        // The admin's answer under a request id is not replayed to another token sending the same id.
        Answer adminAnswer = upload("shared-2", "?SiteID=1", change("Task", "update", "t1", v1, "{\"id\": \"t1\"}"));
        assertThat(adminAnswer.text()).contains("private hub text");
        String stranger = hub.token("write:notes");
        Answer replay = hub.send("POST", "/v1/services/Field/upload?SiteID=1",
                "{\"changes\": [{\"object\": \"Nothing\", \"op\": \"create\", \"data\": {}}]}", stranger,
                "X-Request-Id", "shared-2");
        assertThat(replay.text()).doesNotContain("private hub text");
        assertThat(replay.header("X-Request-Replayed")).isNull();
        String nobody = hub.token("read:elsewhere");
        Answer unscoped = hub.send("POST", "/v1/services/Field/upload?SiteID=1",
                "{\"changes\": [{\"object\": \"Nothing\", \"op\": \"create\", \"data\": {}}]}", nobody,
                "X-Request-Id", "shared-2");
        assertThat(unscoped.status()).as(unscoped.text()).isEqualTo(403);
    }

    @Test
    void serverWinsSendsTheServersRecordAndKeepsIt() {
        String v1 = uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\", \"title\": \"a\"}")).get(0).get("etag").asText();
        String v2 = uploadOk(change("Task", "update", "t1", v1, "{\"id\": \"t1\", \"title\": \"hub\"}")).get(0).get("etag").asText();
        JsonNode result = uploadOk(change("Task", "update", "t1", v1, "{\"id\": \"t1\", \"title\": \"stale\"}")).get(0);
        assertThat(result.get("outcome").asText()).isEqualTo("conflict");
        assertThat(result.at("/serverRecord/title").asText()).isEqualTo("hub");
        assertThat(result.get("etag").asText()).isEqualTo(v2);
        assertThat(stored("tasks", "t1").dataText()).contains("hub");
        // A stale delete loses too; a create over a live record is a conflict.
        assertThat(uploadOk(change("Task", "delete", "t1", v1, null)).get(0).get("outcome").asText()).isEqualTo("conflict");
        assertThat(uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\"}")).get(0).get("outcome").asText())
                .isEqualTo("conflict");
        assertThat(stored("tasks", "t1").deleted()).isFalse();
        List<ConflictRecord> recorded = hub.store.conflicts().list(null, "offline:Field/Task", 10);
        assertThat(recorded).hasSize(3).allSatisfy(c -> assertThat(c.decision()).isEqualTo("server"));
        // An update of a record the hub deleted: the conflict says so.
        uploadOk(change("Task", "delete", "t1", v2, null));
        JsonNode gone = uploadOk(change("Task", "update", "t1", v2, "{\"id\": \"t1\"}")).get(0);
        assertThat(gone.get("outcome").asText()).isEqualTo("conflict");
        assertThat(gone.get("serverDeleted").asBoolean()).isTrue();
    }

    @Test
    void anUploadWithAnUnknownFieldIsRefusedWholeAndNothingIsApplied() {
        String v1 = uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\", \"title\": \"a\"}")).get(0).get("etag").asText();
        uploadOk(change("Task", "update", "t1", v1, "{\"id\": \"t1\", \"title\": \"newer\"}"));
        // "verison" instead of "version": this must not become an update without a version.
        ObjectNode misspelt = change("Task", "update", "t1", null, "{\"id\": \"t1\", \"title\": \"old\"}");
        misspelt.put("verison", v1);
        Answer refused = upload("typo-1", "?SiteID=1", change("Task", "create", null, null, "{\"id\": \"t9\"}"), misspelt);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("unknown field 'verison' in change 1", "nothing was applied");
        assertThat(stored("tasks", "t1").dataText()).contains("newer");
        assertThat(hub.store.changeLog().get("tasks", "t9")).as("the good change of the batch neither").isEmpty();

        Answer extra = hub.post("/v1/services/Field/upload?SiteID=1", "{\"changes\": [" + change("Task", "create", null, null,
                "{\"id\": \"t9\"}") + "], \"atomic\": true}", "X-Request-Id", "typo-2");
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.text()).contains("unknown field 'atomic' in the upload");
        Answer badType = hub.post("/v1/services/Field/upload?SiteID=1",
                "{\"changes\": [{\"object\": \"Task\", \"op\": \"update\", \"id\": \"t1\", \"version\": {\"v\": 1}, \"data\": {\"id\": \"t1\"}}]}",
                "X-Request-Id", "typo-3");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.text()).contains("'version' of change 0");
        // A refused request id is not spent: the corrected request goes through under it.
        assertThat(upload("typo-1", "?SiteID=1", change("Task", "create", null, null, "{\"id\": \"t9\"}")).status()).isEqualTo(200);
    }

    @Test
    void anUpdateOrDeleteWithoutAVersionIsDecidedByThePolicyNeverABlindOverwrite() {
        // serverWins: not applied, the hub's record comes back.
        String v1 = uploadOk(change("Task", "create", null, null, "{\"id\": \"t1\", \"title\": \"hub\"}")).get(0).get("etag").asText();
        JsonNode update = uploadOk(change("Task", "update", "t1", null, "{\"id\": \"t1\", \"title\": \"blind\"}")).get(0);
        assertThat(update.get("outcome").asText()).isEqualTo("conflict");
        assertThat(update.get("etag").asText()).isEqualTo(v1);
        assertThat(uploadOk(change("Task", "delete", "t1", null, null)).get(0).get("outcome").asText()).isEqualTo("conflict");
        assertThat(stored("tasks", "t1").dataText()).contains("hub");
        assertThat(hub.store.conflicts().list(null, "offline:Field/Task", 10))
                .allSatisfy(c -> assertThat(c.detail()).contains("unknown version"));

        // clientWins: applied, and recorded as a conflict the client won.
        String note = uploadOk(change("Note", "create", "local-1", null, "{\"text\": \"a\"}")).get(0).get("id").asText();
        JsonNode noteUpdate = uploadOk(change("Note", "update", note, null, "{\"id\": \"" + note + "\", \"text\": \"b\"}")).get(0);
        assertThat(noteUpdate.get("outcome").asText()).isEqualTo("updated");
        assertThat(noteUpdate.get("conflict").asText()).isEqualTo("clientWins");

        // none: no versions are checked at all.
        uploadOk(change("Visit", "create", null, null, "{\"site\": \"s\", \"day\": \"1\", \"n\": 1}"));
        JsonNode visit = uploadOk(change("Visit", "update", "s~1", null, "{\"site\": \"s\", \"day\": \"1\", \"n\": 2}")).get(0);
        assertThat(visit.get("outcome").asText()).as(visit.toString()).isEqualTo("updated");
    }

    @Test
    void aCollectionAServiceUsesCannotBeDeletedAndAChangeToAGoneCollectionIsRejected() {
        Answer refused = hub.delete("/v1/collections/tasks");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.reason()).isEqualTo("collectionInUse");
        assertThat(refused.text()).contains("object service 'Field'");
        assertThat(hub.store.collections().get("tasks")).isPresent();

        // Gone anyway (deleted before this check existed): its changes are rejected, the others applied, never a 500.
        hub.store.collections().delete("tasks");
        ObjectNode a = change("Task", "create", null, null, "{\"id\": \"a\"}");
        ObjectNode note = change("Note", "create", "local-1", null, "{\"text\": \"b\"}");
        for (String requestId : List.of("gone-1", "gone-1")) {
            Answer answer = upload(requestId, "?SiteID=1", a, note, a);
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(answer.json().get("results")).extracting(r -> r.get("outcome").asText())
                    .containsExactly("rejected", "created", "rejected");
            assertThat(answer.json().at("/results/0/message").asText()).contains("collection 'tasks'", "no longer exists");
        }
        // Once the service stops using it, the collection can go.
        assertThat(hub.delete("/v1/services/Field").status()).isEqualTo(204);
        assertThat(hub.delete("/v1/collections/notes").status()).isEqualTo(204);
    }

    @Test
    void clientWinsAppliesTheChangeAndRecordsTheConflict() {
        JsonNode created = uploadOk(change("Note", "create", "local-1", null, "{\"text\": \"a\"}")).get(0);
        String id = created.get("id").asText();
        String v1 = created.get("etag").asText();
        uploadOk(change("Note", "update", id, v1, "{\"id\": \"" + id + "\", \"text\": \"hub\"}"));
        JsonNode result = uploadOk(change("Note", "update", id, v1, "{\"id\": \"" + id + "\", \"text\": \"client\"}")).get(0);
        assertThat(result.get("outcome").asText()).isEqualTo("updated");
        assertThat(result.get("conflict").asText()).isEqualTo("clientWins");
        assertThat(stored("notes", id).dataText()).contains("client");
        assertThat(hub.store.conflicts().list(null, "offline:Field/Note", 10)).singleElement()
                .satisfies(c -> assertThat(c.hubData()).contains("hub"));
    }

    @Test
    void noneIsLastWriteWinsWithoutConflicts() {
        String v1 = uploadOk(change("Visit", "create", null, null, "{\"site\": \"s\", \"day\": \"d\", \"n\": 1}")).get(0)
                .get("etag").asText();
        uploadOk(change("Visit", "update", "s~d", v1, "{\"site\": \"s\", \"day\": \"d\", \"n\": 2}"));
        JsonNode last = uploadOk(change("Visit", "update", "s~d", v1, "{\"site\": \"s\", \"day\": \"d\", \"n\": 3}")).get(0);
        assertThat(last.get("outcome").asText()).isEqualTo("updated");
        assertThat(last.has("conflict")).isFalse();
        assertThat(stored("visits", "s~d").dataText()).contains("\"n\":3");
        assertThat(hub.store.conflicts().list(null, null, 10)).isEmpty();
    }

    @Test
    void aCustomResolverMergesDecidesAndFailsSafely() {
        String v1 = uploadOk(change("Report", "create", null, null, "{\"id\": \"r1\", \"notes\": \"base\"}")).get(0)
                .get("etag").asText();
        String v2 = uploadOk(change("Report", "update", "r1", v1, "{\"id\": \"r1\", \"notes\": \"hub\"}")).get(0)
                .get("etag").asText();
        JsonNode merged = uploadOk(change("Report", "update", "r1", v1, "{\"id\": \"r1\", \"notes\": \"field\"}")).get(0);
        assertThat(merged.get("outcome").asText()).isEqualTo("updated");
        assertThat(merged.get("conflict").asText()).isEqualTo("custom:mergeNotes");
        assertThat(merged.at("/record/notes").asText()).isEqualTo("hub | field");
        assertThat(stored("reports", "r1").dataText()).contains("hub | field");

        JsonNode delete = uploadOk(change("Report", "delete", "r1", v2, null)).get(0);
        assertThat(delete.get("outcome").asText()).as("the resolver keeps a live record over a stale delete").isEqualTo("conflict");
        assertThat(delete.at("/serverRecord/notes").asText()).isEqualTo("hub | field");

        String before = stored("reports", "r1").etag();
        JsonNode failed = uploadOk(change("Report", "update", "r1", v1, "{\"id\": \"r1\", \"notes\": \"explode\"}")).get(0);
        assertThat(failed.get("outcome").asText()).isEqualTo("rejected");
        assertThat(failed.get("message").asText()).contains("cannot merge explosive notes");
        assertThat(stored("reports", "r1").etag()).isEqualTo(before);
    }

    @Test
    void aResentRequestGetsTheFirstAnswerAndAppliesNothingAgain() {
        ObjectNode create = change("Note", "create", "local-7", null, "{\"text\": \"once\"}");
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t1\"}");
        Answer first = upload("req-42", "?SiteID=1", create, task);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Request-Replayed")).isNull();
        java.util.Map<String, Long> head = hub.store.changeLog().heads();

        Answer again = upload("req-42", "?SiteID=1", create, task);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("X-Request-Replayed")).isEqualTo("true");
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(hub.store.changeLog().heads()).as("nothing applied again").isEqualTo(head);
        assertThat(hub.store.changeLog().read("notes", 0, Long.MAX_VALUE, 100, true).records()).hasSize(1);

        // The same id in another service is another request.
        assertThat(hub.put("/v1/services/Other", "{\"objects\": {\"Task\": {\"collection\": \"tasks2\", \"primaryKey\": [\"id\"]}}}")
                .status()).isEqualTo(201);
        Answer other = hub.post("/v1/services/Other/upload", "{\"changes\": [" + task + "]}", "X-Request-Id", "req-42");
        assertThat(other.header("X-Request-Replayed")).isNull();
        assertThat(other.json().at("/results/0/outcome").asText()).isEqualTo("created");
    }

    @Test
    void aClaimOfAnotherNodeIsWaitedForAsLongAsItsHeartbeatAllowsAndRetryAfterSaysHowLong() {
        // Another hub process on the same store claimed the request, then went silent (it died).
        try (var other = hub.backend.open(hub.clock)) {
            other.uploadCache().begin("Field", adminKey("busy-1"), null, Duration.ofHours(24), Duration.ofSeconds(15));
        }
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t1\"}");
        Answer busy = upload("busy-1", "?SiteID=1", task);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.reason()).isEqualTo("uploadInProgress");
        assertThat(busy.header("Retry-After")).as("the claim's heartbeat is fresh").isEqualTo("15");
        assertThat(hub.store.changeLog().get("tasks", "t1")).isEmpty();
        hub.clock.advance(Duration.ofSeconds(11));
        assertThat(upload("busy-1", "?SiteID=1", task).header("Retry-After")).isEqualTo("4");

        // Once its heartbeat is older than 15 s, a resend takes the claim over and finishes the work.
        hub.clock.advance(Duration.ofSeconds(4));
        Answer resumed = upload("busy-1", "?SiteID=1", task);
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.json().at("/results/0/outcome").asText()).isEqualTo("created");
    }

    @Test
    void aClaimThisProcessStoppedWorkingOnIsTakenOverAtOnce() {
        // A worker of this hub claimed the request and is still at it: resends are told to retry.
        hub.store.uploadCache().begin("Field", adminKey("busy-2"), null, Duration.ofHours(24), Duration.ofSeconds(15));
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t2\"}");
        Answer busy = upload("busy-2", "?SiteID=1", task);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.header("Retry-After")).isEqualTo("1");
        // The worker stopped without an answer (its thread failed): the next resend does the work, without waiting.
        hub.store.uploadCache().leave("Field", adminKey("busy-2"));
        Answer resumed = upload("busy-2", "?SiteID=1", task);
        assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
        assertThat(resumed.json().at("/results/0/outcome").asText()).isEqualTo("created");
    }

    @Test
    void aRequestIdReusedWithAnotherBodyIsRefusedAndAResendInAnotherSpellingIsAnswered() {
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t3\", \"a\": 1, \"b\": 2}");
        assertThat(upload("reuse", "?SiteID=1", task).status()).isEqualTo(200);

        Answer other = upload("reuse", "?SiteID=1", change("Task", "create", null, null, "{\"id\": \"t4\"}"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.reason()).isEqualTo("requestIdReused");
        assertThat(other.text()).contains("new request id");
        assertThat(upload("reuse", "?SiteID=2", task).status()).as("other parameters").isEqualTo(422);
        assertThat(hub.store.changeLog().get("tasks", "t4")).as("nothing of it applied").isEmpty();

        // The same request with keys in another order and other whitespace is a resend.
        String respelled = "{ \"changes\" : [ {\"data\": {\"b\": 2, \"id\": \"t3\", \"a\": 1}, \"op\": \"create\", \"object\": \"Task\"} ] }";
        Answer again = hub.post("/v1/services/Field/upload?SiteID=1", respelled, "X-Request-Id", "reuse");
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.header("X-Request-Replayed")).isEqualTo("true");
    }

    @Test
    void concurrentSendsOfOneRequestIdGetOneClaim() throws Exception {
        for (int trial = 0; trial < 12; trial++) {
            String requestId = "race-" + trial;
            String body = "{\"changes\": [" + change("Task", "create", null, null, "{\"id\": \"" + requestId + "\"}") + "]}";
            var start = new java.util.concurrent.CountDownLatch(1);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                List<java.util.concurrent.Future<Answer>> sends = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    sends.add(pool.submit(() -> {
                        start.await();
                        return hub.post("/v1/services/Field/upload?SiteID=1", body, "X-Request-Id", requestId);
                    }));
                }
                start.countDown();
                int applied = 0;
                for (var send : sends) {
                    Answer answer = send.get();
                    assertThat(answer.status()).as("trial %d: %s", trial, answer.text()).isIn(200, 409);
                    if (answer.status() == 409) {
                        assertThat(answer.reason()).isEqualTo("uploadInProgress");
                    } else if (answer.header("X-Request-Replayed") == null) {
                        applied++;
                    }
                }
                assertThat(applied).as("trial %d: sends that applied the request", trial).isLessThanOrEqualTo(1);
            } finally {
                pool.shutdown();
            }
            Answer settled = hub.post("/v1/services/Field/upload?SiteID=1", body, "X-Request-Id", requestId);
            assertThat(settled.status()).as(settled.text()).isEqualTo(200);
            assertThat(stored("tasks", requestId).version()).as("applied once").isEqualTo(1);
        }
    }

    @Test
    void aResumedRequestAppliesOnlyTheChangesWithoutAnOutcome() {
        // A request whose first change was applied (outcome stored) before the hub died.
        hub.store.uploadCache().begin("Field", adminKey("half"), null, Duration.ofHours(24), Duration.ofSeconds(15));
        hub.store.transact(tx -> {
            tx.apply("tasks", List.of(dev.tributary.store.RecordWrite.put("t1", "{\"id\":\"t1\",\"n\":1}")), "offline:x");
            tx.recordUploadOutcome("Field", adminKey("half"), 0, "{\"index\":0,\"outcome\":\"created\",\"id\":\"t1\"}");
            return null;
        });
        long head = hub.store.changeLog().head("tasks");
        hub.store.uploadCache().leave("Field", adminKey("half"));
        Answer answer = upload("half", "?SiteID=1", change("Task", "create", null, null, "{\"id\": \"t1\", \"n\": 1}"),
                change("Task", "create", null, null, "{\"id\": \"t2\"}"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("results")).extracting(r -> r.get("outcome").asText()).containsExactly("created", "created");
        assertThat(hub.store.changeLog().head("tasks")).as("only t2 was applied").isEqualTo(head + 1);
    }

    @Test
    void answersExpireAfterTheirTimeToLive() {
        ObjectNode task = change("Task", "create", null, null, "{\"id\": \"t1\"}");
        assertThat(upload("old", "?SiteID=1", task).status()).isEqualTo(200);
        hub.clock.advance(Duration.ofHours(25));
        assertThat(hub.store.uploadCache().purgeExpired()).isEqualTo(1);
        Answer late = upload("old", "?SiteID=1", task);
        assertThat(late.header("X-Request-Replayed")).isNull();
        assertThat(late.json().at("/results/0/outcome").asText()).as("a new request now").isEqualTo("conflict");
    }
}
