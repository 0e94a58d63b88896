package dev.tributary.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.TestHub;
import dev.tributary.store.StoreBackend;
import dev.tributary.store.StoredRecord;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real hub in-process with two object services, and offline clients of it.
 *
 * <ul>
 *   <li>{@code Field}: {@code Task} (client keys, serverWins), {@code Note} (server keys,
 *       clientWins), {@code Report} (custom: mergeNotes); upload parameter {@code SiteID}.
 *   <li>{@code Stock}: {@code Part} (client keys, none).
 * </ul>
 */
final class OfflineHub implements AutoCloseable {

    static final String FIELD = """
            {"objects": {
               "Task":   {"collection": "tasks", "primaryKey": ["id"], "conflictPolicy": "serverWins"},
               "Note":   {"collection": "notes", "primaryKey": ["id"], "keys": "server", "conflictPolicy": "clientWins"},
               "Report": {"collection": "reports", "primaryKey": ["id"], "conflictPolicy": "custom", "resolver": "mergeNotes"}},
             "uploadParameters": [{"name": "SiteID"}]}
            """;
    static final String STOCK = """
            {"objects": {"Part": {"collection": "parts", "primaryKey": ["id"], "conflictPolicy": "none"}}}
            """;
    static final List<String> COLLECTIONS = List.of("tasks", "notes", "reports", "parts");

    final TestHub hub;
    final String token;
    private final Path dir;
    private final List<OfflineObjects> clients = new ArrayList<>();

    OfflineHub(Path dir) {
        this(dir, StoreBackend.sqlite());
    }

    OfflineHub(Path dir, StoreBackend backend) {
        this.dir = dir;
        this.hub = new TestHub(backend);
        assertThat(hub.put("/v1/services/Field", FIELD).status()).isEqualTo(201);
        assertThat(hub.put("/v1/services/Stock", STOCK).status()).isEqualTo(201);
        List<String> scopes = new ArrayList<>();
        COLLECTIONS.forEach(c -> {
            scopes.add("read:" + c);
            scopes.add("write:" + c);
        });
        this.token = hub.token(scopes.toArray(String[]::new));
    }

    URI url() {
        return URI.create(hub.server.baseUrl());
    }

    /** A new client of both services, set up. */
    OfflineObjects client(String name) {
        return client(name, url(), List.of("Field", "Stock"));
    }

    OfflineObjects client(String name, URI url, List<String> services) {
        OfflineObjects client = OfflineObjects.open(dir.resolve(name + ".db"), url, token, services, Duration.ofSeconds(5));
        client.setup();
        clients.add(client);
        return client;
    }

    /** The result of a sync, waiting for it; records which callback was called. */
    record Outcome(boolean success, Map<String, Object> result) {
        @SuppressWarnings("unchecked")
        Map<String, Object> service(String name) {
            Map<String, Object> successes = (Map<String, Object>) result.get("successResponse");
            if (successes.containsKey(name)) {
                return (Map<String, Object>) successes.get(name);
            }
            return (Map<String, Object>) ((Map<String, Object>) result.get("failureResponse")).get(name);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> failures() {
            return (Map<String, Object>) result.getOrDefault("failureResponse", Map.of());
        }
    }

    static Outcome sync(OfflineObjects client, Object options, ProgressCallback progress) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        SyncCallback callback = new SyncCallback() {
            @Override
            public void onSuccess(Map<String, Object> result) {
                done.complete(new Outcome(true, result));
            }

            @Override
            public void onFailure(Map<String, Object> error) {
                done.complete(new Outcome(false, error));
            }
        };
        @SuppressWarnings("unchecked")
        CompletableFuture<Map<String, Object>> future = options instanceof SyncOptions typed
                ? client.startSync(typed, callback, progress)
                : client.startSync((Map<String, Object>) options, callback, progress);
        try {
            Outcome outcome = done.get(120, TimeUnit.SECONDS);
            assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo(outcome.result());
            return outcome;
        } catch (Exception e) {
            throw new AssertionError("the sync did not end", e);
        }
    }

    static Outcome sync(OfflineObjects client) {
        return sync(client, Map.of(), null);
    }

    static Outcome syncOk(OfflineObjects client) {
        Outcome outcome = sync(client);
        assertThat(outcome.success()).as("sync: %s", outcome.result()).isTrue();
        return outcome;
    }

    /** The hub's live records of a collection: id → data. */
    Map<String, JsonNode> hubRecords(String collection) {
        Map<String, JsonNode> records = new TreeMap<>();
        for (StoredRecord record : hub.store.changeLog().read(collection, 0, Long.MAX_VALUE, 100_000, false).records()) {
            if (!record.deleted()) {
                try {
                    records.put(record.id(), HubClient.JSON.readTree(record.dataText()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return records;
    }

    /** A client's records of an object: key → data. */
    static Map<String, JsonNode> clientRecords(OfflineObjects client, String object) {
        Map<String, JsonNode> records = new TreeMap<>();
        for (LocalStore.Row row : client.local().liveRows(client.target(object).service(), client.target(object).object())) {
            records.put(row.id(), row.data());
        }
        return records;
    }

    StoredRecord stored(String collection, String id) {
        return hub.store.changeLog().get(collection, id).orElseThrow(() -> new AssertionError("no " + collection + "/" + id));
    }

    @Override
    public void close() {
        clients.forEach(OfflineObjects::close);
        hub.close();
    }
}
