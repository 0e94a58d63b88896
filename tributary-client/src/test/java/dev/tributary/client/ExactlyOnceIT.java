package dev.tributary.client;

import static dev.tributary.client.OfflineHub.clientRecords;
import static dev.tributary.client.OfflineHub.sync;
import static dev.tributary.client.OfflineHub.syncOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.client.OfflineHub.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers lost on the way back from the hub: every change is applied exactly once. */
class ExactlyOnceIT {

    @TempDir
    Path dir;
    private OfflineHub hub;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        hub = new OfflineHub(dir);
        proxy = new FaultProxy(hub.url());
    }

    @AfterEach
    void stop() {
        proxy.close();
        hub.close();
    }

    /** Upload request ids the hub saw, with the record keys each one carried. */
    private final Map<String, Set<String>> requests = new ConcurrentHashMap<>();

    private void recordRequests() {
        // The proxy sees the request before the hub; the hub's upload cache holds what was applied.
        proxy.beforeForward(request -> {
            if (request.upload()) {
                requests.putIfAbsent(request.requestId(), ConcurrentHashMap.newKeySet());
            }
        });
    }

    @Test
    void lostAnswersNeverApplyAChangeTwice() {
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        recordRequests();
        // The app is set up first (setup reads the service definition once); then answers get lost.
        OfflineObjects app = hub.client("app", proxy.url(), List.of("Field"));
        proxy.dropAnswers(request -> random.nextInt(100) < (request.upload() ? 50 : 20));
        int notes = 0;
        int failedSyncs = 0;
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < 5; i++) {
                app.create("Note", Map.of("text", "round " + round + " note " + i));
                notes++;
            }
            for (int i = 0; i < 8; i++) {
                String key = "t" + random.nextInt(15);
                if (app.get("Task", key).isPresent()) {
                    app.update("Task", key, Map.of("title", "round " + round));
                } else {
                    app.create("Task", Map.of("id", key, "title", "round " + round));
                }
            }
            Outcome outcome = sync(app, Map.of("objectServicesOptions", Map.of("Field",
                    Map.of("uploadBatchSize", 1 + random.nextInt(6)))), null);
            if (!outcome.success()) {
                failedSyncs++;
                assertThat(outcome.service("Field")).as("seed %d", seed).containsEntry("error", "networkError");
            }
        }
        proxy.dropAnswers(request -> false);
        syncOk(app);
        syncOk(app);
        assertThat(app.getPendingRecordsForUpload()).as("seed %d", seed).isEmpty();
        assertThat(proxy.dropped.get()).as("seed %d", seed).isGreaterThan(5);
        assertThat(failedSyncs).as("seed %d", seed).isGreaterThan(0);

        // Each server-assigned create applied once: one note per note created.
        assertThat(hub.hubRecords("notes")).as("seed %d", seed).hasSize(notes);
        assertThat(clientRecords(app, "Note")).as("seed %d", seed).isEqualTo(hub.hubRecords("notes"));
        assertThat(clientRecords(app, "Task")).as("seed %d", seed).isEqualTo(hub.hubRecords("tasks"));
        // Each task's version counts the distinct requests that carried it, never a resend.
        Map<String, Integer> carried = new HashMap<>();
        for (String requestId : requests.keySet()) {
            JsonNode answer = answerOf(requestId);
            for (JsonNode result : answer.path("results")) {
                if (result.path("object").asText().equals("Task")
                        && Set.of("created", "updated").contains(result.path("outcome").asText())) {
                    carried.merge(result.path("id").asText(), 1, Integer::sum);
                }
            }
        }
        hub.hubRecords("tasks").forEach((id, data) ->
                assertThat(hub.stored("tasks", id).version()).as("seed %d, task %s", seed, id).isEqualTo((long) carried.get(id)));
    }

    /** The stored answer of an upload request (resending it through the hub returns it). */
    /** How the hub keys a request id: per caller, by the device token's id. */
    private String key(String requestId) {
        return hub.hub.store.accessTokens().authenticate(hub.token).orElseThrow().id() + "/" + requestId;
    }

    private JsonNode answerOf(String requestId) {
        var claim = hub.hub.store.uploadCache().begin("Field", key(requestId), null, Duration.ofHours(24), Duration.ofSeconds(15));
        assertThat(claim.state()).isEqualTo(dev.tributary.store.UploadCache.State.DONE);
        try {
            return HubClient.JSON.readTree(claim.answer());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLostAnswerIsResentWithTheSameIdAfterTheAppRestarts() {
        Path file = dir.resolve("restart.db");
        OfflineObjects app = OfflineObjects.open(file, proxy.url(), hub.token, List.of("Field"), Duration.ofSeconds(5));
        app.setup();
        app.create("Note", Map.of("text", "only once"));
        proxy.dropAnswers(FaultProxy.Request::upload);
        Outcome lost = sync(app);
        assertThat(lost.success()).isFalse();
        assertThat(hub.hubRecords("notes")).as("the hub applied it").hasSize(1);
        app.close();

        try (OfflineObjects again = OfflineObjects.open(file, hub.url(), hub.token, List.of("Field"))) {
            assertThat(again.getPendingRecordsForUpload().get("Note")).hasSize(1);
            syncOk(again);
            assertThat(hub.hubRecords("notes")).as("not applied again").hasSize(1);
            assertThat(clientRecords(again, "Note")).isEqualTo(hub.hubRecords("notes"));
            assertThat(again.getPendingRecordsForUpload()).isEmpty();
        }
    }

    @Test
    void aLateAnswerNeverOverwritesANewerDownloadedVersion() {
        OfflineObjects app = hub.client("app", proxy.url(), List.of("Field"));
        app.create("Task", Map.of("id", "t1", "title", "from the client"));
        proxy.dropAnswers(FaultProxy.Request::upload);
        assertThat(sync(app).success()).isFalse();
        proxy.dropAnswers(request -> false);
        // The hub changes the record after it applied the upload whose answer was lost.
        hub.hub.store.changeLog().apply("tasks", List.of(dev.tributary.store.RecordWrite.put("t1",
                "{\"id\":\"t1\",\"title\":\"changed on the hub\"}")), "hub");
        Outcome downloadOnly = sync(app, Map.of("objectServicesOptions", Map.of("Field", Map.of("syncType", "downloadOnly"))),
                null);
        assertThat(downloadOnly.success()).isTrue();
        syncOk(app);
        assertThat(app.get("Task", "t1").orElseThrow()).containsEntry("title", "changed on the hub");
        assertThat(clientRecords(app, "Task")).isEqualTo(hub.hubRecords("tasks"));
    }

    @Test
    void aChangeMadeWhileItsUploadIsInFlightStaysPending() {
        OfflineObjects app = hub.client("app", proxy.url(), List.of("Field"));
        app.create("Task", Map.of("id", "t1", "title", "v1"));
        String note = (String) app.create("Note", Map.of("text", "n1")).get("id");
        AtomicBoolean edited = new AtomicBoolean();
        proxy.beforeForward(request -> {
            if (request.upload() && edited.compareAndSet(false, true)) {
                app.update("Task", "t1", Map.of("title", "v2"));
                app.update("Note", note, Map.of("text", "n2"));
            }
        });
        java.util.concurrent.atomic.AtomicInteger uploads = new java.util.concurrent.atomic.AtomicInteger();
        proxy.dropAnswers(request -> {
            if (request.upload()) {
                uploads.incrementAndGet();
            }
            return false;
        });
        syncOk(app);
        // The answer to the first request confirmed v1 and n1; the newer edits stayed pending and
        // went up in a second request of the same sync, the note under the key the hub gave it.
        assertThat(uploads.get()).isEqualTo(2);
        assertThat(hub.stored("tasks", "t1").dataText()).contains("v2");
        assertThat(hub.stored("tasks", "t1").version()).isEqualTo(2);
        assertThat(hub.hubRecords("notes")).hasSize(1).allSatisfy((id, data) -> assertThat(data.get("text").asText()).isEqualTo("n2"));
        assertThat(clientRecords(app, "Task")).isEqualTo(hub.hubRecords("tasks"));
        assertThat(clientRecords(app, "Note")).isEqualTo(hub.hubRecords("notes"));
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
    }

    @Test
    void aResendWhileTheHubIsStillProcessingWaitsForTheAnswer() throws Exception {
        OfflineObjects app = hub.client("app", proxy.url(), List.of("Field"));
        app.create("Note", Map.of("text", "patience"));
        AtomicBoolean claimed = new AtomicBoolean();
        // The first time the request arrives, another worker "is processing" it for 700 ms.
        proxy.beforeForward(request -> {
            if (request.upload() && claimed.compareAndSet(false, true)) {
                hub.hub.store.uploadCache().begin("Field", key(request.requestId()), null, Duration.ofHours(24),
                        Duration.ofSeconds(15));
                CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS).execute(() -> {
                    hub.hub.store.uploadCache().release("Field", key(request.requestId()));
                    hub.hub.store.uploadCache().leave("Field", key(request.requestId()));
                });
            }
        });
        syncOk(app);
        assertThat(proxy.forwarded.get()).as("409s, then the answer").isGreaterThan(4);
        assertThat(hub.hubRecords("notes")).hasSize(1);
        assertThat(clientRecords(app, "Note")).isEqualTo(hub.hubRecords("notes"));
    }
}
