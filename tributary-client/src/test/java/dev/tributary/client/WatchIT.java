package dev.tributary.client;

import static dev.tributary.client.OfflineHub.syncOk;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OfflineObjects#watch}: a device picks up another device's change by itself, without a manual sync. */
class WatchIT {

    @TempDir
    Path dir;

    @Test
    void aWatchingDevicePicksUpAnothersChangeWithoutASyncCall() throws Exception {
        try (OfflineHub hub = new OfflineHub(dir)) {
            OfflineObjects writer = hub.client("writer");
            OfflineObjects watcher = hub.client("watcher");
            syncOk(writer);
            List<Map<String, Object>> syncs = new CopyOnWriteArrayList<>();
            List<OfflineException> errors = new CopyOnWriteArrayList<>();
            try (AutoCloseable watch = watcher.watch(SyncOptions.builder().build(), new WatchListener() {
                @Override
                public void onSync(Map<String, Object> result) {
                    syncs.add(result);
                }

                @Override
                public void onError(OfflineException error) {
                    errors.add(error);
                }
            })) {
                // Never synced: the watch syncs first, then waits on the hub.
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> syncs.size() == 1);
                long requests = watcher.requestCount();
                Thread.sleep(1500);
                assertThat(watcher.requestCount() - requests).as("it waits on the hub, it does not poll").isLessThanOrEqualTo(0);

                writer.create("Task", Map.of("id", "t1", "title", "pump"));
                syncOk(writer);
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> watcher.get("Task", "t1").isPresent());
                assertThat(watcher.get("Task", "t1").orElseThrow()).containsEntry("title", "pump");
                assertThat(syncs).hasSize(2);
                assertThat(syncs.get(1)).doesNotContainKey("failureResponse");

                writer.update("Task", "t1", Map.of("title", "pump 2"));
                syncOk(writer);
                Awaitility.await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> "pump 2".equals(watcher.get("Task", "t1").orElseThrow().get("title")));
            }
            assertThat(errors).isEmpty();
            int seen = syncs.size();
            writer.update("Task", "t1", Map.of("title", "pump 3"));
            syncOk(writer);
            Thread.sleep(1500);
            assertThat(syncs).as("a closed watch syncs no more").hasSize(seen);
            assertThat(watcher.get("Task", "t1").orElseThrow()).containsEntry("title", "pump 2");
        }
    }
}
