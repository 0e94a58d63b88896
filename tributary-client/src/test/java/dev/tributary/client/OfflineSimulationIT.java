package dev.tributary.client;

import static dev.tributary.client.OfflineHub.clientRecords;
import static dev.tributary.client.OfflineHub.sync;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.client.OfflineHub.Outcome;
import dev.tributary.store.RecordWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded simulation: five clients edit offline and sync at random moments, through a network
 * that loses some answers, while a writer changes the same records on the hub. When the network
 * heals and everyone syncs, every client holds exactly the hub's records.
 *
 * <p>Run with {@code -Dtributary.seed=<n>} to replay a failure; the seed is in every message.
 * (Which answers are lost also depends on the order of concurrent requests in parallel syncs, so
 * a replay follows the same edits and syncs but may lose other answers.)
 */
class OfflineSimulationIT {

    private static final int CLIENTS = 5;
    private static final int STEPS = 600;
    private static final int KEYS = 8;
    private static final Map<String, String> OBJECTS = Map.of("Task", "tasks", "Part", "parts", "Note", "notes");

    @TempDir
    Path dir;

    @Test
    void everyClientEndsEqualToTheHub() throws Exception {
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        try (OfflineHub hub = new OfflineHub(dir); FaultProxy proxy = new FaultProxy(hub.url())) {
            List<OfflineObjects> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(hub.client("client" + i, proxy.url(), List.of("Field", "Stock")));
            }
            Random network = new Random(seed + 1);
            proxy.dropAnswers(request -> lose(network, 8));
            int syncs = 0;
            int failed = 0;
            for (int step = 0; step < STEPS; step++) {
                int dice = random.nextInt(100);
                if (dice < 60) {
                    localEdit(clients.get(random.nextInt(CLIENTS)), random, step);
                } else if (dice < 80) {
                    Outcome outcome = sync(clients.get(random.nextInt(CLIENTS)), randomOptions(random), null);
                    syncs++;
                    if (!outcome.success()) {
                        failed++;
                    }
                } else {
                    hubEdit(hub, random, step);
                }
            }
            proxy.dropAnswers(request -> false);
            for (int round = 0; round < 2; round++) {
                for (OfflineObjects client : clients) {
                    Outcome outcome = sync(client, Map.of(), null);
                    assertThat(outcome.success()).as("seed %d: %s", seed, outcome.result()).isTrue();
                }
            }
            assertThat(syncs).as("seed %d", seed).isGreaterThan(50);
            assertThat(failed).as("seed %d: the network lost answers", seed).isGreaterThan(0);
            for (OfflineObjects client : clients) {
                assertThat(client.getPendingRecordsForUpload()).as("seed %d", seed).isEmpty();
                for (Map.Entry<String, String> object : OBJECTS.entrySet()) {
                    Map<String, JsonNode> expected = hub.hubRecords(object.getValue());
                    assertThat(clientRecords(client, object.getKey())).as("seed %d, %s", seed, object.getKey()).isEqualTo(expected);
                }
            }
            assertThat(hub.hubRecords("tasks")).as("seed %d: the simulation did something", seed).isNotEmpty();
        }
    }

    /** Whether the network loses this answer (called from the proxy's threads). */
    private static boolean lose(Random network, int percent) {
        synchronized (network) {
            return network.nextInt(100) < percent;
        }
    }

    private static void localEdit(OfflineObjects client, Random random, int step) {
        String object = List.of("Task", "Part", "Note").get(random.nextInt(3));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", step);
        data.put("value", random.nextInt(1000));
        if (object.equals("Note")) {
            List<Map<String, Object>> notes = client.query("Note", null);
            if (notes.isEmpty() || random.nextInt(4) == 0) {
                client.create("Note", data);
            } else {
                String key = (String) notes.get(random.nextInt(notes.size())).get("id");
                if (random.nextInt(4) == 0) {
                    client.delete("Note", key);
                } else {
                    client.update("Note", key, data);
                }
            }
            return;
        }
        String key = object.substring(0, 1).toLowerCase() + random.nextInt(KEYS);
        if (client.get(object, key).isEmpty()) {
            data.put("id", key);
            client.create(object, data);
        } else if (random.nextInt(4) == 0) {
            client.delete(object, key);
        } else {
            client.update(object, key, data);
        }
    }

    private static Map<String, Object> randomOptions(Random random) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("syncMode", random.nextBoolean() ? "parallel" : "sequential");
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("uploadBatchSize", 1 + random.nextInt(5));
        field.put("downloadBatchSize", 1 + random.nextInt(8));
        int type = random.nextInt(10);
        field.put("syncType", type < 6 ? "fullSync" : type < 8 ? "uploadOnly" : "downloadOnly");
        options.put("objectServicesOptions", Map.of("Field", field));
        return options;
    }

    private static void hubEdit(OfflineHub hub, Random random, int step) {
        String object = List.of("Task", "Part", "Note").get(random.nextInt(3));
        String collection = OBJECTS.get(object);
        String key;
        if (object.equals("Note")) {
            List<String> ids = new ArrayList<>(hub.hubRecords("notes").keySet());
            if (ids.isEmpty()) {
                return;
            }
            key = ids.get(random.nextInt(ids.size()));
        } else {
            key = object.substring(0, 1).toLowerCase() + random.nextInt(KEYS);
        }
        boolean live = hub.hubRecords(collection).containsKey(key);
        RecordWrite write = live && random.nextInt(4) == 0 ? RecordWrite.delete(key)
                : RecordWrite.put(key, "{\"id\":\"" + key + "\",\"step\":" + step + ",\"hub\":true}");
        hub.hub.store.changeLog().apply(collection, List.of(write), "hub-writer");
    }
}
