package dev.tributary.client;

import static dev.tributary.client.OfflineHub.clientRecords;
import static dev.tributary.client.OfflineHub.sync;
import static dev.tributary.client.OfflineHub.syncOk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.client.OfflineHub.Outcome;
import dev.tributary.store.RecordWrite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sync token the hub can no longer honor (410): the object is downloaded again, pending changes survive. */
class GoneRecoveryIT {

    @TempDir
    Path dir;
    private OfflineHub hub;

    @BeforeEach
    void start() {
        hub = new OfflineHub(dir);
        hub.hub.store.collections().put("tasks", Duration.ofDays(1));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private void hubWrite(RecordWrite... writes) {
        hub.hub.store.changeLog().apply("tasks", List.of(writes), "hub");
    }

    /** Deletes on the hub, then the tombstones are compacted away: older tokens get 410. */
    private void deleteAndCompact(String... ids) {
        List<RecordWrite> deletes = new ArrayList<>();
        for (String id : ids) {
            deletes.add(RecordWrite.delete(id));
        }
        hub.hub.store.changeLog().apply("tasks", deletes, "hub");
        hub.hub.clock.advance(Duration.ofDays(2));
        assertThat(hub.hub.store.compactor().compactAll()).containsKey("tasks");
    }

    private OfflineObjects syncedClient() {
        for (int i = 0; i < 20; i++) {
            hubWrite(RecordWrite.put("h" + i, "{\"id\":\"h" + i + "\",\"n\":" + i + "}"));
        }
        OfflineObjects app = hub.client("app", hub.url(), List.of("Field"));
        syncOk(app);
        assertThat(clientRecords(app, "Task")).hasSize(20);
        return app;
    }

    @Test
    void aFullSyncUploadsPendingChangesThenDownloadsEverythingAgain() {
        OfflineObjects app = syncedClient();
        app.create("Task", Map.of("id", "mine", "title", "made offline"));
        app.update("Task", "h1", Map.of("n", 100));
        deleteAndCompact("h5", "h6");
        // A change on the hub the client must see after the full download.
        hubWrite(RecordWrite.put("h2", "{\"id\":\"h2\",\"n\":-2}"));
        // Changes made during the sync, after the upload phase: the 410 path uploads them first.
        ProgressCallback lateEdits = event -> {
            if ("download".equals(event.get("phase")) && "started".equals(event.get("state"))) {
                app.update("Task", "h3", Map.of("n", 300));
            }
        };
        List<Map<String, Object>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Outcome outcome = sync(app, Map.of(), event -> {
            events.add(event);
            lateEdits.onProgress(event);
        });
        assertThat(outcome.success()).as("%s", outcome.result()).isTrue();
        assertThat(events.stream().filter(e -> "upload".equals(e.get("phase")) && "started".equals(e.get("state"))))
                .as("the 410 made the client upload again before downloading").hasSize(2);
        assertThat(hub.stored("tasks", "mine").dataText()).contains("made offline");
        assertThat(hub.stored("tasks", "h1").dataText()).contains("100");
        assertThat(hub.stored("tasks", "h3").dataText()).contains("300");
        assertThat(clientRecords(app, "Task")).isEqualTo(hub.hubRecords("tasks")).doesNotContainKeys("h5", "h6");
        assertThat(app.get("Task", "h2").orElseThrow()).containsEntry("n", -2);
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
    }

    @Test
    void aDownloadOnlySyncKeepsPendingChangesThroughTheFullDownload() {
        OfflineObjects app = syncedClient();
        app.create("Task", Map.of("id", "mine", "title", "made offline"));
        app.update("Task", "h1", Map.of("n", 100));
        app.delete("Task", "h4");
        deleteAndCompact("h5", "h6");

        Outcome outcome = sync(app, Map.of("objectServicesOptions", Map.of("Field", Map.of("syncType", "downloadOnly"))), null);
        assertThat(outcome.success()).as("%s", outcome.result()).isTrue();
        assertThat(outcome.service("Field")).containsEntry("uploaded", 0L);
        assertThat(app.get("Task", "mine").orElseThrow()).containsEntry("title", "made offline");
        assertThat(app.get("Task", "h1").orElseThrow()).containsEntry("n", 100);
        assertThat(app.get("Task", "h4")).isEmpty();
        assertThat(app.get("Task", "h5")).isEmpty();
        assertThat(app.getPendingRecordsForUpload().get("Task")).extracting(p -> p.get("key"))
                .containsExactlyInAnyOrder("mine", "h1", "h4");

        syncOk(app);
        assertThat(app.getPendingRecordsForUpload()).isEmpty();
        assertThat(clientRecords(app, "Task")).isEqualTo(hub.hubRecords("tasks")).containsKey("mine").doesNotContainKey("h4");
        assertThat(hub.stored("tasks", "h1").dataText()).contains("100");
    }
}
