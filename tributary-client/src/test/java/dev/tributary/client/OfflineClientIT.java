package dev.tributary.client;

import static dev.tributary.client.OfflineHub.clientRecords;
import static dev.tributary.client.OfflineHub.sync;
import static dev.tributary.client.OfflineHub.syncOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.client.OfflineHub.Outcome;
import dev.tributary.store.RecordWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline SDK against a real hub in-process. */
class OfflineClientIT {

    @TempDir
    Path dir;
    private OfflineHub hub;

    private OfflineHub hub() {
        if (hub == null) {
            hub = new OfflineHub(dir);
        }
        return hub;
    }

    @AfterEach
    void close() {
        if (hub != null) {
            hub.close();
        }
    }

    private void hubWrites(String collection, int count, String prefix) {
        List<RecordWrite> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(RecordWrite.put(prefix + i, "{\"id\":\"" + prefix + i + "\",\"n\":" + i + ",\"even\":" + (i % 2 == 0) + "}"));
        }
        for (int from = 0; from < writes.size(); from += 1000) {
            hub().hub.store.changeLog().apply(collection, writes.subList(from, Math.min(writes.size(), from + 1000)), "test");
        }
    }

    private static Map<String, Object> service(String name, Map<String, Object> options) {
        return Map.of("objectServicesOptions", Map.of(name, options));
    }

    @Test
    void localCrudRecordsPendingChangesAndRefusesKeyChanges() {
        OfflineObjects app = hub().client("app");
        app.create("Task", Map.of("id", "t1", "title", "pump", "done", false));
        app.create("Task", Map.of("id", "t2", "title", "valve", "done", true));
        app.create("Part", Map.of("id", 7, "name", "bolt", "stock", 12));
        assertThat(app.get("Task", "t1")).get().extracting(r -> r.get("title")).isEqualTo("pump");
        assertThat(app.get("Part", "7")).isPresent();
        assertThat(app.query("Task", "done eq false")).extracting(r -> r.get("id")).containsExactly("t1");
        assertThat(app.query("Part", "stock gt 10 and name eq 'bolt'")).hasSize(1);
        assertThat(app.query("Task", null)).hasSize(2);
        assertThatThrownBy(() -> app.query("Task", "done ==")).isInstanceOf(IllegalArgumentException.class);

        app.update("Task", "t1", Map.of("title", "pump 2", "done", false));
        assertThat(app.get("Task", "t1").orElseThrow()).containsEntry("id", "t1").containsEntry("title", "pump 2");
        assertThatThrownBy(() -> app.update("Task", "t1", Map.of("id", "t9"))).hasMessageContaining("cannot change");
        assertThatThrownBy(() -> app.create("Task", Map.of("title", "no key"))).hasMessageContaining("primary key field 'id'");
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put("id", null);
        assertThatThrownBy(() -> app.create("Task", nullKey)).hasMessageContaining("primary key field 'id'");
        assertThatThrownBy(() -> app.create("Task", Map.of("id", "t1"))).hasMessageContaining("exists already");
        assertThatThrownBy(() -> app.update("Task", "nope", Map.of())).hasMessageContaining("no Task 'nope'");
        assertThatThrownBy(() -> app.create("Ghost", Map.of("id", "g"))).hasMessageContaining("no object 'Ghost'");

        Map<String, List<Map<String, Object>>> pending = app.getPendingRecordsForUpload();
        assertThat(pending.get("Task")).extracting(p -> p.get("key")).containsExactly("t2", "t1");
        assertThat(pending.get("Task")).extracting(p -> p.get("change")).containsOnly("create");
        assertThat(pending.get("Part")).hasSize(1);

        // A record created and deleted before any sync leaves nothing to upload.
        app.delete("Part", "7");
        assertThat(app.get("Part", "7")).isEmpty();
        assertThat(app.getPendingRecordsForUpload()).doesNotContainKey("Part");

        // Rollback of one key, then of all: back to the last synced state (nothing, here).
        assertThat(app.rollback("Task", List.of("t2"))).isEqualTo(1);
        assertThat(app.get("Task", "t2")).isEmpty();
        assertThat(app.rollback("Task", null)).isEqualTo(1);
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
    }

    @Test
    void rollbackRestoresTheLastSyncedVersion() {
        OfflineObjects app = hub().client("app");
        app.create("Task", Map.of("id", "t1", "title", "synced"));
        app.create("Task", Map.of("id", "t2", "title", "synced"));
        syncOk(app);
        app.update("Task", "t1", Map.of("title", "local edit"));
        app.delete("Task", "t2");
        assertThat(app.getPendingRecordsForUpload().get("Task")).extracting(p -> p.get("change"))
                .containsExactly("update", "delete");
        assertThat(app.rollback("Task", null)).isEqualTo(2);
        assertThat(app.get("Task", "t1").orElseThrow()).containsEntry("title", "synced");
        assertThat(app.get("Task", "t2")).isPresent();
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
    }

    @Test
    void changesTravelBetweenClientsThroughTheHub() {
        OfflineObjects a = hub().client("a");
        OfflineObjects b = hub().client("b");
        a.create("Task", Map.of("id", "t1", "title", "from a"));
        a.create("Part", Map.of("id", "p1", "stock", 3));
        Map<String, Object> resultA = syncOk(a).service("Field");
        assertThat(resultA).containsEntry("status", "success").containsEntry("uploaded", 1L);
        assertThat(hub.stored("tasks", "t1").dataText()).contains("from a");

        syncOk(b);
        assertThat(b.get("Task", "t1").orElseThrow()).containsEntry("title", "from a");
        assertThat(b.get("Part", "p1")).isPresent();
        b.update("Task", "t1", Map.of("title", "edited by b"));
        b.delete("Part", "p1");
        syncOk(b);
        assertThat(b.getPendingRecordsForUpload()).isEmpty();

        syncOk(a);
        assertThat(a.get("Task", "t1").orElseThrow()).containsEntry("title", "edited by b");
        assertThat(a.get("Part", "p1")).isEmpty();
        assertThat(clientRecords(a, "Task")).isEqualTo(hub.hubRecords("tasks"));
        assertThat(clientRecords(b, "Task")).isEqualTo(clientRecords(a, "Task"));
    }

    @Test
    void syncTypesUploadOnlyDownloadOnlyAndFull() {
        OfflineObjects app = hub().client("app");
        hubWrites("tasks", 3, "h");
        app.create("Task", Map.of("id", "mine", "title", "x"));

        Outcome uploadOnly = sync(app, service("Field", Map.of("syncType", "uploadOnly")), null);
        assertThat(uploadOnly.success()).isTrue();
        assertThat(uploadOnly.service("Field")).containsEntry("uploaded", 1L).containsEntry("downloaded", 0L);
        assertThat(app.get("Task", "h0")).as("nothing downloaded").isEmpty();
        assertThat(hub.hubRecords("tasks")).containsKey("mine");

        app.update("Task", "mine", Map.of("title", "y"));
        Outcome downloadOnly = sync(app, service("Field", Map.of("syncType", "downloadOnly")), null);
        assertThat(downloadOnly.service("Field")).containsEntry("uploaded", 0L).containsEntry("downloaded", 4L);
        assertThat(app.get("Task", "h2")).isPresent();
        assertThat(app.get("Task", "mine").orElseThrow()).as("the pending edit stays").containsEntry("title", "y");
        assertThat(hub.stored("tasks", "mine").dataText()).as("and was not sent").contains("\"x\"");

        Outcome full = sync(app, service("Field", Map.of("syncType", "fullSync")), null);
        assertThat(full.service("Field")).containsEntry("uploaded", 1L);
        assertThat(hub.stored("tasks", "mine").dataText()).contains("\"y\"");
    }

    @Test
    void downloadFiltersSelectRecordsPerObject() {
        OfflineObjects app = hub().client("app");
        hubWrites("tasks", 10, "t");
        hubWrites("parts", 4, "p");
        Outcome outcome = sync(app, Map.of("objectServicesOptions", Map.of(
                "Field", Map.of("filter", Map.of("Task", "even eq true and n lt 6")))), null);
        assertThat(outcome.success()).isTrue();
        assertThat(clientRecords(app, "Task")).containsOnlyKeys("t0", "t2", "t4");
        assertThat(clientRecords(app, "Part")).as("no filter: everything").hasSize(4);
    }

    @Test
    void batchSizesSetTheNumberOfRequests() {
        OfflineObjects app = hub().client("app", hub().url(), List.of("Field"));
        hubWrites("tasks", 950, "h");
        long before = app.requestCount();
        sync(app, service("Field", Map.of("downloadBatchSize", 100, "syncType", "downloadOnly")), null);
        // Task: 10 pages; Note and Report: one (empty) page each.
        assertThat(app.requestCount() - before).isEqualTo(12);
        assertThat(clientRecords(app, "Task")).hasSize(950);

        for (int i = 0; i < 120; i++) {
            app.create("Task", Map.of("id", "c" + i, "n", i));
        }
        before = app.requestCount();
        sync(app, service("Field", Map.of("uploadBatchSize", "50", "syncType", "uploadOnly")), null);
        assertThat(app.requestCount() - before).as("120 changes in batches of 50").isEqualTo(3);
        assertThat(hub.hubRecords("tasks")).hasSize(1070);

        for (int i = 0; i < 60; i++) {
            app.update("Task", "c" + i, Map.of("n", -i));
        }
        before = app.requestCount();
        sync(app, service("Field", Map.of("uploadBatchSize", 0, "syncType", "uploadOnly")), null);
        assertThat(app.requestCount() - before).as("0 means the default of 50").isEqualTo(2);

        before = app.requestCount();
        sync(app, service("Field", Map.of("downloadBatchSize", 0, "syncType", "downloadOnly")), null);
        assertThat(app.requestCount() - before).as("0 means everything in one page per object").isEqualTo(3);
    }

    @Test
    void progressEventsComeInTheDocumentedOrderWithRunningTotals() {
        OfflineObjects app = hub().client("app");
        hubWrites("tasks", 25, "h");
        for (int i = 0; i < 5; i++) {
            app.create("Task", Map.of("id", "c" + i));
        }
        app.create("Part", Map.of("id", "p"));
        List<Map<String, Object>> events = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        Outcome outcome = sync(app, Map.of("syncMode", "sequential", "objectServicesOptions", Map.of(
                "Field", Map.of("uploadBatchSize", 2, "downloadBatchSize", 10))), event -> {
                    events.add(event);
                    threads.add(Thread.currentThread().getName());
                });
        assertThat(outcome.success()).isTrue();
        assertThat(threads).as("the sync's blocking I/O runs on the client's own threads, not the common pool")
                .allSatisfy(name -> assertThat(name).startsWith("tributary-offline-sync-"));
        List<String> shape = events.stream().map(e -> e.get("phase") + "/" + e.get("state")
                + (e.containsKey("service") ? " " + e.get("service") : "")
                + (e.containsKey("object") ? "." + e.get("object") : "")
                + (e.containsKey("batch") ? " #" + e.get("batch") + ":" + e.get("records") : "")).toList();
        assertThat(shape).containsExactly(
                "sync/started",
                "upload/started Field",
                "upload/inProgress Field #1:2", "upload/inProgress Field #2:2", "upload/inProgress Field #3:1",
                "upload/ended Field",
                "download/started Field",
                "download/inProgress Field.Task #1:10", "download/inProgress Field.Task #2:10",
                "download/inProgress Field.Task #3:10",
                "download/inProgress Field.Note #4:0", "download/inProgress Field.Report #5:0",
                "download/ended Field",
                "upload/started Stock", "upload/inProgress Stock #1:1", "upload/ended Stock",
                "download/started Stock", "download/inProgress Stock.Part #1:1", "download/ended Stock",
                "sync/ended");
        long lastUp = -1;
        long lastDown = -1;
        for (Map<String, Object> event : events) {
            long up = (Long) event.get("totalUploaded");
            long down = (Long) event.get("totalDownloaded");
            assertThat(up).isGreaterThanOrEqualTo(lastUp);
            assertThat(down).isGreaterThanOrEqualTo(lastDown);
            lastUp = up;
            lastDown = down;
        }
        assertThat(events.get(events.size() - 1)).containsEntry("totalUploaded", 6L).containsEntry("totalDownloaded", 31L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsCarryTimesAndBatchesWhoseSumsAreTheTotals() {
        OfflineObjects app = hub().client("app");
        hubWrites("tasks", 33, "h");
        for (int i = 0; i < 7; i++) {
            app.create("Task", Map.of("id", "c" + i));
        }
        Outcome outcome = sync(app, service("Field", Map.of("getSyncStats", "true", "uploadBatchSize", 3,
                "downloadBatchSize", 10)), null);
        Map<String, Object> stats = (Map<String, Object>) outcome.service("Field").get("stats");
        assertThat(stats).containsKeys("startTime", "elapsedMs");
        assertThat(stats.get("recordsUploaded")).isEqualTo(7L);
        assertThat(stats.get("recordsDownloaded")).isEqualTo(40L);
        List<Map<String, Object>> batches = (List<Map<String, Object>>) stats.get("batches");
        assertThat(batches.stream().filter(b -> b.get("phase").equals("upload")).mapToInt(b -> (Integer) b.get("records")).sum())
                .isEqualTo(7);
        assertThat(batches.stream().filter(b -> b.get("phase").equals("download")).mapToInt(b -> (Integer) b.get("records")).sum())
                .isEqualTo(40);
        assertThat(batches.stream().filter(b -> b.get("phase").equals("upload"))).hasSize(3);
        assertThat(batches).allSatisfy(b -> assertThat(b).containsKeys("startTime", "elapsedMs", "batch"));
        assertThat(outcome.service("Stock")).doesNotContainKey("stats");
    }

    @Test
    void parallelModeSyncsServicesOnSeveralThreadsAndSequentialOnOne() {
        OfflineObjects app = hub().client("app");
        hubWrites("tasks", 20, "t");
        hubWrites("parts", 20, "p");
        Map<String, Set<String>> threads = new ConcurrentHashMap<>();
        ProgressCallback recordThreads = event -> {
            if (event.containsKey("service")) {
                threads.computeIfAbsent((String) event.get("service"), s -> ConcurrentHashMap.newKeySet())
                        .add(Thread.currentThread().getName());
            }
        };
        assertThat(sync(app, SyncOptions.builder().mode(SyncOptions.Mode.PARALLEL).build(), recordThreads).success()).isTrue();
        assertThat(threads.get("Field")).hasSize(1);
        assertThat(threads.get("Stock")).hasSize(1).doesNotContainAnyElementsOf(threads.get("Field"));
        assertThat(clientRecords(app, "Task")).hasSize(20);
        assertThat(clientRecords(app, "Part")).hasSize(20);

        threads.clear();
        hubWrites("parts", 25, "p");
        assertThat(sync(app, Map.of("syncMode", "sequential"), recordThreads).success()).isTrue();
        assertThat(threads.get("Field")).isEqualTo(threads.get("Stock"));
        assertThat(clientRecords(app, "Part")).hasSize(25);
    }

    @Test
    void unknownOptionsFailBeforeAnythingIsSent() {
        OfflineObjects app = hub().client("app");
        app.create("Task", Map.of("id", "t1"));
        long before = app.requestCount();
        for (Map<String, Object> options : List.<Map<String, Object>>of(
                Map.of("syncMode", "turbo"),
                service("Field", Map.of("syncType", "sometimes")),
                service("Nowhere", Map.of()),
                service("Field", Map.of("colour", "red")),
                service("Field", Map.of("downloadBatchSize", "many")),
                service("Field", Map.of("filter", Map.of("Ghost", "a eq 1"))),
                service("Field", Map.of("filter", Map.of("Task", "a ==="))),
                Map.of("syncmode", "parallel"))) {
            Outcome outcome = sync(app, options, null);
            assertThat(outcome.success()).as("%s", options).isFalse();
            assertThat(outcome.failures()).containsKey("*");
            assertThat(outcome.failures().get("*").toString()).contains("invalidOptions");
        }
        Outcome mode = sync(app, Map.of("syncMode", "turbo"), null);
        assertThat(mode.failures().get("*").toString()).contains("unknown syncMode 'turbo'; use parallel or sequential");
        assertThat(sync(app, service("Field", Map.of("syncType", "sometimes")), null).failures().get("*").toString())
                .contains("unknown syncType 'sometimes'");
        assertThat(sync(app, service("Nowhere", Map.of()), null).failures().get("*").toString())
                .contains("unknown object service 'Nowhere'");
        assertThat(app.requestCount()).as("nothing sent").isEqualTo(before);
        assertThat(app.getPendingRecordsForUpload()).containsKey("Task");
        assertThatThrownBy(() -> SyncOptions.builder().service("Field", s -> s.uploadBatchSize(5000)).build())
                .hasMessageContaining("uploadBatchSize must be at most 1000");
    }

    @Test
    void oneFailingServiceDoesNotHideTheOthers() {
        OfflineHub offline = hub();
        // A token that may read everything but write only parts: Field's upload is refused.
        String token = offline.hub.token("read:tasks", "read:notes", "read:reports", "read:parts", "write:parts");
        try (OfflineObjects app = OfflineObjects.open(dir.resolve("limited.db"), offline.url(), token, List.of("Field", "Stock"))) {
            app.setup();
            app.create("Task", Map.of("id", "t1"));
            app.create("Part", Map.of("id", "p1"));
            Outcome outcome = sync(app);
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.service("Stock")).containsEntry("status", "success").containsEntry("uploaded", 1L);
            assertThat(outcome.failures()).containsOnlyKeys("Field");
            assertThat(outcome.service("Field")).containsEntry("status", "failure").containsEntry("error", "syncError");
            assertThat(outcome.service("Field").get("message").toString()).contains("403");
            assertThat(app.getPendingRecordsForUpload()).as("the refused change waits").containsOnlyKeys("Task");
        }
    }

    @Test
    void uploadParametersTravelWithEveryUpload() {
        OfflineObjects app = hub().client("app");
        app.create("Task", Map.of("id", "t1"));
        Outcome outcome = sync(app, service("Field", Map.of("uploadRequestQueryParams", Map.of("SiteID", "north-7"))), null);
        assertThat(outcome.success()).isTrue();
        assertThat(hub.stored("tasks", "t1").origin()).endsWith("?SiteID=north-7");
        app.create("Task", Map.of("id", "t2"));
        Outcome refused = sync(app, service("Field", Map.of("uploadRequestQueryParams", Map.of("Colour", "red"))), null);
        assertThat(refused.service("Field").get("message").toString()).contains("unknown upload parameter 'Colour'");
    }

    @Test
    void serverAssignedKeysReplaceLocalOnesEvenWhenEditedMeanwhile() {
        OfflineObjects app = hub().client("app");
        Map<String, Object> note = app.create("Note", Map.of("text", "first"));
        String localKey = (String) note.get("id");
        assertThat(localKey).startsWith("local-");
        Map<String, Object> second = app.create("Note", Map.of("text", "second"));
        syncOk(app);
        assertThat(app.get("Note", localKey)).isEmpty();
        Map<String, JsonNode> notes = clientRecords(app, "Note");
        assertThat(notes).hasSize(2).allSatisfy((key, data) -> {
            assertThat(key).doesNotStartWith("local-");
            assertThat(data.get("id").asText()).isEqualTo(key);
        });
        assertThat(notes).isEqualTo(hub.hubRecords("notes"));
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
        assertThat(app.get("Note", (String) second.get("id"))).isEmpty();
    }

    @Test
    void serverWinsReplacesTheStaleLocalChangeWithTheHubsRecord() {
        OfflineObjects a = hub().client("a");
        OfflineObjects b = hub().client("b");
        a.create("Task", Map.of("id", "t1", "title", "v1"));
        syncOk(a);
        syncOk(b);
        a.update("Task", "t1", Map.of("title", "a wins the race"));
        b.update("Task", "t1", Map.of("title", "b is late"));
        syncOk(a);
        Outcome late = syncOk(b);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> conflicts = (List<Map<String, Object>>) late.service("Field").get("conflicts");
        assertThat(conflicts).singleElement().satisfies(c -> assertThat(c).containsEntry("outcome", "conflict"));
        assertThat(b.get("Task", "t1").orElseThrow()).containsEntry("title", "a wins the race");
        assertThat(b.getPendingRecordsForUpload()).isEmpty();
        assertThat(hub.stored("tasks", "t1").dataText()).contains("a wins the race");
    }

    @Test
    void clientWinsAppliesTheLateChangeEverywhere() {
        OfflineObjects a = hub().client("a");
        OfflineObjects b = hub().client("b");
        String key = (String) a.create("Note", Map.of("text", "v1")).get("id");
        syncOk(a);
        String id = clientRecords(a, "Note").keySet().iterator().next();
        assertThat(id).isNotEqualTo(key);
        syncOk(b);
        a.update("Note", id, Map.of("text", "a first"));
        b.update("Note", id, Map.of("text", "b last"));
        syncOk(a);
        syncOk(b);
        syncOk(a);
        assertThat(a.get("Note", id).orElseThrow()).containsEntry("text", "b last");
        assertThat(hub.stored("notes", id).dataText()).contains("b last");
        assertThat(hub.hub.store.conflicts().list(null, "offline:Field/Note", 10)).hasSize(1);
    }

    @Test
    void noneIsLastWriterWinsAndCustomMerges() {
        OfflineObjects a = hub().client("a");
        OfflineObjects b = hub().client("b");
        a.create("Part", Map.of("id", "p1", "stock", 1));
        a.create("Report", Map.of("id", "r1", "notes", "base"));
        syncOk(a);
        syncOk(b);
        a.update("Part", "p1", Map.of("stock", 2));
        b.update("Part", "p1", Map.of("stock", 3));
        a.update("Report", "r1", Map.of("notes", "from a"));
        b.update("Report", "r1", Map.of("notes", "from b"));
        syncOk(a);
        syncOk(b);
        syncOk(a);
        assertThat(a.get("Part", "p1").orElseThrow()).containsEntry("stock", 3);
        assertThat(hub.hub.store.conflicts().list(null, "offline:Stock/Part", 10)).isEmpty();
        assertThat(a.get("Report", "r1").orElseThrow()).containsEntry("notes", "from a | from b");
        assertThat(b.get("Report", "r1").orElseThrow()).containsEntry("notes", "from a | from b");
    }

    @Test
    void resetWipesAndRefetchesAndDropRemovesTheFile() {
        OfflineObjects app = hub().client("app");
        hubWrites("tasks", 5, "t");
        syncOk(app);
        app.create("Task", Map.of("id", "mine"));
        app.reset();
        assertThat(clientRecords(app, "Task")).isEmpty();
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
        syncOk(app);
        assertThat(clientRecords(app, "Task")).as("downloaded in full again").hasSize(5);
        app.drop();
        assertThat(dir.resolve("app.db")).doesNotExist();
    }
}
