package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change feed over HTTP against a real hub; run on SQLite and PostgreSQL by subclasses. */
abstract class ChangeFeedContract {

    protected TestHub hub;

    protected abstract StoreBackend backend();

    @BeforeEach
    void startHub() {
        hub = new TestHub(backend());
        assertThat(hub.put("/v1/collections/tasks", "{\"retentionDays\": 1}").status()).isEqualTo(201);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    /** The result of paging through one sync to its end. */
    record Sync(List<JsonNode> items, String nextSyncToken, int pages) {
        List<String> ids() {
            return items.stream().map(i -> i.get("id").asText()).toList();
        }

        JsonNode item(String id) {
            return items.stream().filter(i -> i.get("id").asText().equals(id)).findFirst().orElseThrow();
        }
    }

    Sync sync(String query) {
        List<JsonNode> items = new ArrayList<>();
        String pageToken = null;
        int pages = 0;
        while (true) {
            String path = "/v1/collections/tasks/records?" + query
                    + (pageToken == null ? "" : "&pageToken=" + TestHub.encode(pageToken));
            Answer page = hub.get(path);
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            assertThat(page.json().get("kind").asText()).isEqualTo("tributary#records");
            pages++;
            page.json().get("items").forEach(items::add);
            boolean hasNextPage = page.json().has("nextPageToken");
            assertThat(page.json().has("nextSyncToken")).as("nextSyncToken only on the last page")
                    .isEqualTo(!hasNextPage);
            if (!hasNextPage) {
                return new Sync(items, page.json().get("nextSyncToken").asText(), pages);
            }
            pageToken = page.json().get("nextPageToken").asText();
        }
    }

    Sync incremental(String token, String more) {
        return sync("syncToken=" + TestHub.encode(token) + more);
    }

    void putRecord(String id, String data) {
        Answer answer = hub.put("/v1/collections/tasks/records/" + id, "{\"data\":" + data + "}");
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
    }

    void deleteRecord(String id) {
        assertThat(hub.delete("/v1/collections/tasks/records/" + id).status()).isEqualTo(204);
    }

    /**
     * Ids made only of dots do not survive URL normalization: {@code DELETE …/records/..} becomes
     * {@code DELETE /v1/collections/tasks/} in curl and most clients. They are refused, and a
     * collection is never deleted through a path with a trailing slash.
     */
    @Test
    void idsThatPathNormalizationManglesAreRefusedAndNoRecordPathDeletesTheCollection() {
        putRecord("a", "{\"title\":\"keep me\"}");
        for (String id : List.of(".", "..", "...")) {
            Answer put = hub.put("/v1/collections/tasks/records/" + TestHub.encode(id), "{\"data\":{}}");
            assertThat(put.status()).as("PUT id %s: %s", id, put.text()).isEqualTo(400);
            Answer batch = hub.post("/v1/collections/tasks/batch",
                    "{\"writes\":[{\"op\":\"put\",\"id\":\"" + id + "\",\"data\":{}}]}");
            assertThat(batch.status()).as("batch id %s: %s", id, batch.text()).isEqualTo(400);
        }
        Answer normalized = hub.delete("/v1/collections/tasks/");
        assertThat(normalized.status()).as(normalized.text()).isEqualTo(400);
        assertThat(normalized.text()).contains("trailing slash");
        assertThat(hub.get("/v1/collections/tasks/records/a").status()).as("the collection and its records stay")
                .isEqualTo(200);
        assertThat(hub.delete("/v1/collections/tasks").status()).as("the exact path still deletes").isEqualTo(204);
    }

    @Test
    void aFullSyncPagesThroughEveryRecordOnce() {
        for (int i = 0; i < 23; i++) {
            putRecord(String.format("r%02d", i), "{\"n\":" + i + "}");
        }
        Sync full = sync("maxResults=5");
        assertThat(full.pages()).isEqualTo(5);
        assertThat(full.ids()).hasSize(23).doesNotHaveDuplicates();
        JsonNode first = full.item("r00");
        assertThat(first.get("data").get("n").asInt()).isEqualTo(0);
        assertThat(first.get("etag").asText()).isEqualTo("1");
        assertThat(first.get("deleted").asBoolean()).isFalse();
        assertThat(first.get("updated").asText()).isEqualTo(hub.clock.instant().toString());

        assertThat(incremental(full.nextSyncToken(), "").items()).isEmpty();
    }

    @Test
    void theDefaultPageIs250AndMoreThan2500IsRefused() {
        List<String> writes = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            writes.add("{\"op\":\"put\",\"id\":\"r" + i + "\",\"data\":{}}");
        }
        assertThat(hub.post("/v1/collections/tasks/batch", "{\"writes\":[" + String.join(",", writes) + "]}")
                .status()).isEqualTo(200);
        Answer first = hub.get("/v1/collections/tasks/records");
        assertThat(first.json().get("items").size()).isEqualTo(250);
        assertThat(first.json().has("nextPageToken")).isTrue();
        assertThat(hub.get("/v1/collections/tasks/records?maxResults=2500").json().get("items").size()).isEqualTo(260);
        Answer tooMany = hub.get("/v1/collections/tasks/records?maxResults=2501");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.reason()).isEqualTo("badRequest");
        assertThat(hub.get("/v1/collections/tasks/records?maxResults=abc").status()).isEqualTo(400);
        assertThat(hub.get("/v1/collections/tasks/records?maxResult=5").status()).isEqualTo(400);
    }

    @Test
    void anIncrementalSyncReturnsEachChangedRecordOnceInChangeOrderWithDeletions() {
        putRecord("a", "{\"v\":1}");
        putRecord("b", "{\"v\":1}");
        putRecord("c", "{\"v\":1}");
        String token = sync("").nextSyncToken();

        putRecord("b", "{\"v\":2}");
        deleteRecord("c");
        putRecord("d", "{\"v\":1}");
        putRecord("b", "{\"v\":3}");

        Sync changes = incremental(token, "&maxResults=2");
        assertThat(changes.ids()).containsExactly("c", "d", "b");
        assertThat(changes.pages()).isEqualTo(2);
        assertThat(changes.item("c").get("deleted").asBoolean()).isTrue();
        assertThat(changes.item("c").has("data")).isFalse();
        assertThat(changes.item("b").get("data").get("v").asInt()).isEqualTo(3);
        assertThat(changes.item("b").get("etag").asText()).isEqualTo("3");

        assertThat(incremental(changes.nextSyncToken(), "").items()).isEmpty();
        assertThat(incremental(token, "").ids()).as("a sync token can be reused").containsExactly("c", "d", "b");
    }

    @Test
    void changesMadeWhileAClientPagesReachItsNextIncrementalSync() {
        for (int i = 0; i < 6; i++) {
            putRecord("r" + i, "{\"v\":0}");
        }
        Answer first = hub.get("/v1/collections/tasks/records?maxResults=2");
        String pageToken = first.json().get("nextPageToken").asText();
        putRecord("r0", "{\"v\":1}");   // already delivered
        deleteRecord("r5");             // not delivered yet
        putRecord("new", "{\"v\":1}");  // created mid-sync

        List<String> ids = new ArrayList<>();
        first.json().get("items").forEach(i -> ids.add(i.get("id").asText()));
        String syncToken = null;
        while (syncToken == null) {
            Answer page = hub.get("/v1/collections/tasks/records?maxResults=2&pageToken=" + TestHub.encode(pageToken));
            page.json().get("items").forEach(i -> ids.add(i.get("id").asText()));
            if (page.json().has("nextSyncToken")) {
                syncToken = page.json().get("nextSyncToken").asText();
            } else {
                pageToken = page.json().get("nextPageToken").asText();
            }
        }
        assertThat(ids).doesNotHaveDuplicates().doesNotContain("new");

        Sync next = incremental(syncToken, "");
        assertThat(next.ids()).containsExactly("r0", "r5", "new");
        assertThat(next.item("r5").get("deleted").asBoolean()).isTrue();
        assertThat(next.item("r0").get("data").get("v").asInt()).isEqualTo(1);
    }

    @Test
    void aPageTokenIsValidOnlyWithTheSameQuery() {
        for (int i = 0; i < 5; i++) {
            putRecord("r" + i, "{\"status\":\"open\"}");
        }
        String pageToken = TestHub.encode(hub.get("/v1/collections/tasks/records?maxResults=2")
                .json().get("nextPageToken").asText());
        assertThat(hub.get("/v1/collections/tasks/records?maxResults=2&pageToken=" + pageToken).status()).isEqualTo(200);
        for (String changed : List.of("maxResults=3", "maxResults=2&showDeleted=true",
                "maxResults=2&filter=" + TestHub.encode("status eq 'open'"))) {
            Answer answer = hub.get("/v1/collections/tasks/records?" + changed + "&pageToken=" + pageToken);
            assertThat(answer.status()).as(changed).isEqualTo(400);
            assertThat(answer.reason()).isEqualTo("badRequest");
            assertThat(answer.json().at("/error/message").asText()).contains("different query");
        }
        String syncToken = TestHub.encode(sync("").nextSyncToken());
        Answer withSyncToken = hub.get("/v1/collections/tasks/records?maxResults=2&pageToken=" + pageToken
                + "&syncToken=" + syncToken);
        assertThat(withSyncToken.status()).isEqualTo(400);
    }

    @Test
    void forgedOrMangledTokensAreInvalid() {
        putRecord("a", "{}");
        putRecord("b", "{}");
        String pageToken = hub.get("/v1/collections/tasks/records?maxResults=1").json().get("nextPageToken").asText();
        String syncToken = sync("").nextSyncToken();
        // Flip a character inside the positions, past the epoch and collection name.
        int at = syncToken.length() - 40;
        String tampered = syncToken.substring(0, at) + (syncToken.charAt(at) == 'A' ? 'B' : 'A')
                + syncToken.substring(at + 1);

        for (String bad : List.of("garbage", "!!!", tampered, "", "A".repeat(2000), pageToken)) {
            Answer answer = hub.get("/v1/collections/tasks/records?syncToken=" + TestHub.encode(bad));
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.reason()).as(bad).isEqualTo("invalidSyncToken");
        }
        assertThat(hub.get("/v1/collections/tasks/records?maxResults=1&pageToken=garbage").reason())
                .isEqualTo("invalidSyncToken");
        assertThat(hub.get("/v1/collections/tasks/records?maxResults=1&pageToken=" + TestHub.encode(syncToken))
                .reason()).isEqualTo("invalidSyncToken");

        hub.put("/v1/collections/other", "");
        Answer otherCollection = hub.get("/v1/collections/other/records?syncToken=" + TestHub.encode(syncToken));
        assertThat(otherCollection.status()).isEqualTo(400);
        assertThat(otherCollection.reason()).isEqualTo("invalidSyncToken");
    }

    @Test
    void aTokenBehindTheRetentionHorizonNeedsAFullSync() {
        putRecord("a", "{}");
        putRecord("b", "{}");
        String before = sync("").nextSyncToken();
        deleteRecord("a");
        String after = sync("").nextSyncToken();
        hub.clock.advance(Duration.ofDays(2));
        assertThat(hub.store.compactor().compactAll()).containsEntry("tasks", 1);

        Answer stale = hub.get("/v1/collections/tasks/records?syncToken=" + TestHub.encode(before));
        assertThat(stale.status()).isEqualTo(410);
        assertThat(stale.reason()).isEqualTo("fullSyncRequired");
        assertThat(incremental(after, "").items()).isEmpty();
        Sync full = sync("");
        assertThat(full.ids()).containsExactly("b");
    }

    @Test
    void tokensOfARecreatedCollectionOrAResetStoreNeedAFullSync() {
        putRecord("a", "{}");
        String token = sync("").nextSyncToken();
        try (TestHub other = new TestHub(StoreBackend.sqlite())) {
            other.put("/v1/collections/tasks", "");
            Answer fromOtherStore = other.get("/v1/collections/tasks/records?syncToken=" + TestHub.encode(token));
            assertThat(fromOtherStore.status()).as(fromOtherStore.text()).isEqualTo(410);
            assertThat(fromOtherStore.reason()).isEqualTo("fullSyncRequired");
        }
        assertThat(hub.delete("/v1/collections/tasks").status()).isEqualTo(204);
        assertThat(hub.put("/v1/collections/tasks", "").status()).isEqualTo(201);
        Answer recreated = hub.get("/v1/collections/tasks/records?syncToken=" + TestHub.encode(token));
        assertThat(recreated.status()).isEqualTo(410);
        assertThat(recreated.reason()).isEqualTo("fullSyncRequired");
    }

    @Test
    void aRecordThatLeavesTheFilterComesBackAsRemoved() {
        putRecord("a", "{\"status\":\"open\",\"age\":20}");
        putRecord("b", "{\"status\":\"closed\",\"age\":30}");
        putRecord("c", "{\"status\":\"open\",\"age\":15}");
        String filter = "&filter=" + TestHub.encode("status eq 'open' and not (age lt 18)");
        Sync full = sync("maxResults=1" + filter);
        assertThat(full.ids()).containsExactly("a");

        putRecord("a", "{\"status\":\"closed\",\"age\":20}");
        putRecord("c", "{\"status\":\"open\",\"age\":18}");
        Sync changes = incremental(full.nextSyncToken(), filter);
        assertThat(changes.ids()).containsExactly("a", "c");
        assertThat(changes.item("a").get("deleted").asBoolean()).isTrue();
        assertThat(changes.item("a").get("removed").asText()).isEqualTo("filter");
        assertThat(changes.item("a").has("data")).isFalse();
        assertThat(changes.item("c").get("data").get("age").asInt()).isEqualTo(18);

        Answer withoutFilter = hub.get("/v1/collections/tasks/records?syncToken=" + TestHub.encode(full.nextSyncToken()));
        assertThat(withoutFilter.status()).isEqualTo(400);
        assertThat(withoutFilter.json().at("/error/message").asText()).contains("different filter");
        Answer reformatted = hub.get("/v1/collections/tasks/records?syncToken=" + TestHub.encode(full.nextSyncToken())
                + "&filter=" + TestHub.encode("(status eq 'open')   and not(age lt 18)"));
        assertThat(reformatted.status()).as("the same filter, spelled differently").isEqualTo(200);

        Answer syntax = hub.get("/v1/collections/tasks/records?filter=" + TestHub.encode("status eq"));
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.json().at("/error/message").asText()).contains("position 10");
    }

    @Test
    void recordsHonorIfMatchAndIfNoneMatch() {
        Answer created = hub.put("/v1/collections/tasks/records/a", "{\"data\":{\"v\":1}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        Answer fetched = hub.get("/v1/collections/tasks/records/a");
        assertThat(fetched.header("ETag")).isEqualTo("\"1\"");
        assertThat(fetched.json().get("data").get("v").asInt()).isEqualTo(1);

        Answer stale = hub.put("/v1/collections/tasks/records/a", "{\"data\":{\"v\":2}}", "If-Match", "\"7\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.reason()).isEqualTo("conditionNotMet");
        Answer exists = hub.put("/v1/collections/tasks/records/a", "{\"data\":{\"v\":2}}", "If-None-Match", "*");
        assertThat(exists.status()).isEqualTo(412);
        assertThat(hub.get("/v1/collections/tasks/records/a").json().get("data").get("v").asInt()).isEqualTo(1);

        Answer replaced = hub.put("/v1/collections/tasks/records/a", "{\"data\":{\"v\":2}}", "If-Match", "\"1\"");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("etag").asText()).isEqualTo("2");
        assertThat(hub.delete("/v1/collections/tasks/records/a", "If-Match", "\"1\"").status()).isEqualTo(412);
        assertThat(hub.delete("/v1/collections/tasks/records/a", "If-Match", "\"2\"").status()).isEqualTo(204);
        assertThat(hub.get("/v1/collections/tasks/records/a").status()).isEqualTo(404);
        assertThat(hub.delete("/v1/collections/tasks/records/a").status()).isEqualTo(404);

        Answer posted = hub.post("/v1/collections/tasks/records", "{\"data\":{\"v\":9}}");
        assertThat(posted.status()).isEqualTo(201);
        assertThat(hub.get(posted.header("Location")).json().get("data").get("v").asInt()).isEqualTo(9);
    }

    @Test
    void aBatchIsAppliedWhollyOrNotAtAll() {
        putRecord("a", "{\"v\":1}");
        String failing = "{\"writes\":[{\"op\":\"put\",\"id\":\"x\",\"data\":{\"v\":1}},"
                + "{\"op\":\"delete\",\"id\":\"a\"},"
                + "{\"op\":\"put\",\"id\":\"y\",\"ifMatch\":\"5\",\"data\":{}}]}";
        String before = sync("").nextSyncToken();
        Answer refused = hub.post("/v1/collections/tasks/batch", failing);
        assertThat(refused.status()).isEqualTo(412);
        assertThat(refused.json().at("/error/message").asText()).contains("write 2").contains("nothing");
        assertThat(incremental(before, "").items()).isEmpty();
        assertThat(hub.get("/v1/collections/tasks/records/a").status()).isEqualTo(200);

        Answer applied = hub.post("/v1/collections/tasks/batch", "{\"writes\":["
                + "{\"op\":\"put\",\"id\":\"x\",\"data\":{\"v\":1}},"
                + "{\"op\":\"delete\",\"id\":\"a\",\"ifMatch\":\"1\"},"
                + "{\"op\":\"put\",\"id\":\"y\",\"ifNoneMatch\":\"*\",\"data\":{}}]}");
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        assertThat(applied.json().get("results")).hasSize(3);
        assertThat(applied.json().at("/results/1/outcome").asText()).isEqualTo("deleted");
        assertThat(incremental(before, "").ids()).containsExactly("x", "a", "y");

        Answer duplicate = hub.post("/v1/collections/tasks/batch", "{\"writes\":["
                + "{\"op\":\"put\",\"id\":\"q\",\"data\":{}},{\"op\":\"put\",\"id\":\"q\",\"data\":{}}]}");
        assertThat(duplicate.status()).isEqualTo(400);
        Answer badOp = hub.post("/v1/collections/tasks/batch", "{\"writes\":[{\"op\":\"patch\",\"id\":\"q\"}]}");
        assertThat(badOp.status()).isEqualTo(400);
    }

    @Test
    void everyEndpointButHealthNeedsAnAuthorizedToken() {
        Answer health = hub.send("GET", "/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("up");
        assertThat(health.json().get("store").asText()).isEqualTo(hub.store.kind().label());

        Answer none = hub.send("GET", "/v1/collections/tasks/records", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.reason()).isEqualTo("unauthorized");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(hub.send("GET", "/v1/collections", null, "trb_unknown").status()).isEqualTo(401);
        assertThat(hub.send("GET", "/metrics", null, null).status()).isEqualTo(401);

        String reader = hub.token("read:tasks");
        assertThat(hub.send("GET", "/v1/collections/tasks/records", null, reader).status()).isEqualTo(200);
        Answer write = hub.send("PUT", "/v1/collections/tasks/records/a", "{\"data\":{}}", reader);
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.reason()).isEqualTo("forbidden");
        assertThat(hub.send("GET", "/metrics", null, reader).status()).isEqualTo(403);
        assertThat(hub.send("PUT", "/v1/collections/more", "", reader).status()).isEqualTo(403);
        String writer = hub.token("write:*");
        assertThat(hub.send("PUT", "/v1/collections/tasks/records/a", "{\"data\":{}}", writer).status()).isEqualTo(201);
        assertThat(hub.send("GET", "/v1/collections/tasks/records", null, writer).status()).isEqualTo(403);
        String otherReader = hub.token("read:other");
        assertThat(hub.send("GET", "/v1/collections/tasks/records/a", null, otherReader).status()).isEqualTo(403);
        assertThat(hub.send("GET", "/v1/collections", null, otherReader).json().get("items")).isEmpty();

        Answer metrics = hub.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("tributary_http_requests_seconds_count")
                .contains("tributary_changelog_head").contains("tributary_http_rejected_total");
    }

    @Test
    void malformedOrInvalidBodiesAreRefusedAndWriteNothing() {
        String before = sync("").nextSyncToken();
        Answer malformed = hub.put("/v1/collections/tasks/records/a", "{\"data\": {\"v\": 1,}}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.reason()).isEqualTo("badRequest");
        assertThat(malformed.json().at("/error/message").asText()).contains("line 1, column");
        assertThat(hub.put("/v1/collections/tasks/records/a", "[1,2]").status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/tasks/records/a", "{\"data\": 5}").status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/tasks/records/a", "{\"data\": {}, \"extra\": 1}").status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/tasks/records/a", "{\"data\": {\"k\":1,\"k\":2}}").status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/tasks/records/a", "").status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/tasks/records/a", "{\"data\":" + "[".repeat(300) + "]".repeat(300) + "}")
                .status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/tasks/records/" + "x".repeat(300), "{\"data\":{}}").status()).isEqualTo(400);
        assertThat(hub.put("/v1/collections/missing/records/a", "{\"data\":{}}").status()).isEqualTo(404);
        Answer route = hub.get("/v1/nothing-here");
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.reason()).isEqualTo("notFound");
        assertThat(incremental(before, "").items()).isEmpty();
    }

    @Test
    void bodiesOverTheLimitAreRefusedWith413() {
        try (TestHub small = new TestHub(StoreBackend.sqlite(), 2048)) {
            small.put("/v1/collections/tasks", "");
            String big = "{\"data\":{\"text\":\"" + "x".repeat(4096) + "\"}}";
            Answer answer = small.put("/v1/collections/tasks/records/a", big);
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.reason()).isEqualTo("payloadTooLarge");
            assertThat(small.get("/v1/collections/tasks/records/a").status()).isEqualTo(404);
            assertThat(small.put("/v1/collections/tasks/records/a", "{\"data\":{\"text\":\"small\"}}").status())
                    .isEqualTo(201);
        }
    }
}
