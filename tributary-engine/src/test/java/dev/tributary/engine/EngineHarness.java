package dev.tributary.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.ChangePage;
import dev.tributary.store.ManualClock;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import dev.tributary.store.StoredRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A store, an engine with memory connectors, and helpers to look at both sides. */
final class EngineHarness implements AutoCloseable {

    static final ObjectClass ITEMS = new ObjectClass("items");

    final ManualClock clock = new ManualClock();
    final StoreBackend backend;
    Store store;
    SyncEngine engine;
    private final List<String> backends = new ArrayList<>();

    EngineHarness(StoreBackend backend) {
        this.backend = backend;
        this.store = backend.open(clock);
        this.engine = newEngine();
    }

    EngineHarness() {
        this(StoreBackend.sqlite());
    }

    private final java.util.concurrent.atomic.AtomicLong recordIds = new java.util.concurrent.atomic.AtomicLong();

    SyncEngine newEngine() {
        // Record ids from a counter, so a seeded simulation replays exactly.
        return new SyncEngine(store, ConnectorRegistry.load(), clock,
                SyncEngine.Settings.defaults().withSchedulerTick(Duration.ZERO).withBackoff(Duration.ofMillis(1),
                        Duration.ofMillis(5)).withContinuous(Duration.ofMillis(10), Duration.ofMillis(200),
                        Duration.ofMillis(50), Duration.ofMillis(400)), duration -> { }, () -> "r" + recordIds.incrementAndGet()).start();
    }

    /** Stops the engine and store and opens them again, as a hub restart would. */
    void restart() {
        engine.close();
        store.close();
        store = backend.open(clock);
        engine = newEngine();
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Definitions.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A memory endpoint over a fresh backend; returns the backend. */
    MemoryBackend memoryEndpoint(String name, String extraConfig, String modes) {
        String backendName = "engine-" + UUID.randomUUID();
        backends.add(backendName);
        engine.putEndpoint(name, json("{\"connector\":\"memory\",\"config\":{\"backend\":\"" + backendName + "\""
                + (extraConfig.isEmpty() ? "" : "," + extraConfig) + "}"
                + (modes == null ? "" : ",\"allowedRunModes\":" + modes) + "}"));
        return MemoryBackend.named(backendName);
    }

    MemoryBackend memoryEndpoint(String name) {
        return memoryEndpoint(name, "", null);
    }

    void link(String name, String endpoint, String collection, String extra) {
        engine.putLink(name, json("{\"endpoint\":\"" + endpoint + "\",\"objectClass\":\"items\",\"collection\":\""
                + collection + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}"));
    }

    /** Runs a link now and waits; returns the finished run. */
    RunRecord run(String link) {
        try {
            RunRecord started = engine.startRun(link, RunMode.MANUAL);
            return engine.await(started.id(), Duration.ofMinutes(2));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a link and asserts it succeeded; returns its stats. */
    JsonNode runOk(String link) {
        RunRecord run = run(link);
        if (!"succeeded".equals(run.state())) {
            throw new AssertionError("run of " + link + " ended " + run.state() + ": " + run.error());
        }
        return json(run.stats());
    }

    /** Live hub records of a collection, by id. */
    Map<String, JsonNode> hub(String collection) {
        Map<String, JsonNode> records = new HashMap<>();
        ChangePage page = store.changeLog().read(collection, 0, Long.MAX_VALUE, 100_000, false);
        for (StoredRecord record : page.records()) {
            records.put(record.id(), DataMapping.parse(record.data()));
        }
        return records;
    }

    /** Objects of a memory backend, as JSON data, by uid. */
    static Map<String, JsonNode> objects(MemoryBackend backend) {
        Map<String, JsonNode> objects = new HashMap<>();
        for (ConnectorObject object : backend.all(ITEMS)) {
            objects.put(object.uid().value(), new DataMapping(Map.of()).toHub(null, object.fields()));
        }
        return objects;
    }

    @Override
    public void close() {
        engine.close();
        store.close();
        backend.close();
        backends.forEach(MemoryBackend::drop);
    }
}
