package dev.tributary.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.filter.Filter;
import dev.tributary.filter.FilterParser;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An app's offline copy of its object services: work with records locally, offline or not, and
 * call {@link #startSync} when the hub can be reached.
 *
 * <pre>{@code
 * try (OfflineObjects app = OfflineObjects.open(Path.of("inspections.db"), URI.create("http://hub:8080"),
 *         token, List.of("Inspections"))) {
 *     app.setup();
 *     app.create("Task", Map.of("id", "t1", "title", "Check the pump", "done", false));
 *     app.startSync(Map.of("syncMode", "sequential"), callback, progress);
 * }
 * }</pre>
 *
 * <p>Objects are named by their name ({@code Task}) or, when two services have one of the same
 * name, as {@code Service.Object}. A record's key is its primary-key values joined by {@code ~};
 * records of objects whose keys the hub assigns get a temporary {@code local-…} key until they
 * are uploaded.
 *
 * <p>Implementation notes. Every local change is recorded as pending in the local store. An
 * upload request is written to the local upload cache, with its rows marked, before it is sent,
 * and forgotten only in the transaction that applies its answer; requests whose answer was lost
 * are sent again first, with the same request id, so the hub applies each change exactly once
 * however often the network drops. Downloads use the hub's change feed; a sync token is stored
 * only after the last page; a 410 makes the client upload first, then drop the object's synced
 * rows and download it in full — pending local changes are never lost.
 */
public final class OfflineObjects implements AutoCloseable {

    /** Where {@link #startSync} runs: blocking network I/O has its own threads, not the common fork-join pool's. */
    private final ExecutorService syncs = Executors.newCachedThreadPool(daemon("tributary-offline-sync"));

    /** How long one sync waits for an upload the hub is still processing before it fails (and retries next sync). */
    static final Duration MAX_IN_PROGRESS_WAIT = Duration.ofSeconds(45);

    private final Path file;
    final HubClient hub;
    private final List<String> serviceNames;
    final LocalStore local;
    volatile Map<String, JsonNode> services = Map.of();

    private OfflineObjects(Path file, URI hubUrl, String token, List<String> services, Duration timeout) {
        this.file = file;
        this.hub = new HubClient(hubUrl, token, timeout);
        this.serviceNames = List.copyOf(services);
        this.local = new LocalStore(file);
        this.services = local.services();
    }

    /**
     * Opens (or creates) the local store of an app.
     *
     * @param file the app's SQLite file
     * @param hubUrl the hub's base URL
     * @param token a token with read and write scopes on the services' collections
     * @param services the object services the app uses
     */
    public static OfflineObjects open(Path file, URI hubUrl, String token, List<String> services) {
        return open(file, hubUrl, token, services, Duration.ofSeconds(60));
    }

    /** As {@link #open(Path, URI, String, List)}, with a timeout for each request to the hub. */
    public static OfflineObjects open(Path file, URI hubUrl, String token, List<String> services, Duration timeout) {
        if (services.isEmpty()) {
            throw new IllegalArgumentException("name at least one object service");
        }
        return new OfflineObjects(file, hubUrl, token, services, timeout);
    }

    /** Fetches the services' definitions from the hub and creates the local tables. */
    public void setup() {
        Map<String, JsonNode> fetched = new LinkedHashMap<>();
        for (String name : serviceNames) {
            JsonNode definition = hub.service(name);
            local.saveService(name, definition);
            fetched.put(name, definition);
        }
        services = Collections.unmodifiableMap(fetched);
    }

    /** Whether {@link #setup()} has fetched every service this app uses (kept in the local store). */
    public boolean isSetUp() {
        return services.keySet().containsAll(serviceNames);
    }

    /** Wipes every local record, token and pending change, and fetches the definitions again. */
    public void reset() {
        local.wipe();
        services = Map.of();
        setup();
    }

    /** Closes the store and deletes the app's file: nothing of this app remains on the device. */
    public void drop() {
        local.close();
        try {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        } catch (java.io.IOException e) {
            throw new OfflineException("cannot delete " + file + ": " + e.getMessage(), e, false);
        }
    }

    /** The local store (for tests). */
    LocalStore local() {
        return local;
    }

    /** HTTP requests sent to the hub so far. */
    public long requestCount() {
        return hub.requests();
    }

    // =====================================================================================
    // Objects

    /** A resolved object: its service, its name, its definition. */
    record Target(String service, String object, JsonNode definition) {
        List<String> keyFields() {
            List<String> fields = new ArrayList<>();
            definition.path("primaryKey").forEach(field -> fields.add(field.asText()));
            return fields;
        }

        boolean serverKeys() {
            return definition.path("keys").asText().equals("server");
        }

        String collection() {
            return definition.path("collection").asText();
        }
    }

    Target target(String name) {
        if (services.isEmpty()) {
            throw new OfflineException("call setup() first: the object services are not known yet");
        }
        int dot = name.indexOf('.');
        List<Target> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : services.entrySet()) {
            JsonNode objects = service.getValue().path("objects");
            String object = dot > 0 ? name.substring(dot + 1) : name;
            if ((dot < 0 || service.getKey().equals(name.substring(0, dot))) && objects.has(object)) {
                found.add(new Target(service.getKey(), object, objects.get(object)));
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no object '" + name + "' in the services " + services.keySet());
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("object '" + name + "' is in several services; name it as Service." + name);
        }
        return found.get(0);
    }

    private static ObjectNode json(Map<String, ?> data) {
        return HubClient.JSON.valueToTree(data);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(ObjectNode data) {
        return HubClient.JSON.convertValue(data, LinkedHashMap.class);
    }

    private static String keyOf(Target target, ObjectNode data) {
        List<String> parts = new ArrayList<>();
        for (String field : target.keyFields()) {
            JsonNode value = data.get(field);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException(target.object() + " needs a value for its primary key field '" + field + "'");
            }
            parts.add(value.asText());
        }
        return String.join("~", parts);
    }

    /** Creates a record locally; returns it with its key field(s) (a temporary key when the hub assigns keys). */
    public Map<String, Object> create(String object, Map<String, ?> data) {
        Target target = target(object);
        ObjectNode record = json(data);
        String id;
        if (target.serverKeys()) {
            id = "local-" + UUID.randomUUID();
            record.put(target.keyFields().get(0), id);
        } else {
            id = keyOf(target, record);
        }
        if (local.row(target.service(), target.object(), id).filter(r -> r.data() != null).isPresent()) {
            throw new IllegalArgumentException(target.object() + " '" + id + "' exists already; update it instead");
        }
        local.change(target.service(), target.object(), id, record, "created");
        return map(record);
    }

    /** Replaces a record's data locally; its primary key cannot change. */
    public Map<String, Object> update(String object, String key, Map<String, ?> data) {
        Target target = target(object);
        LocalStore.Row row = local.row(target.service(), target.object(), key).filter(r -> r.data() != null)
                .orElseThrow(() -> new IllegalArgumentException("no " + target.object() + " '" + key + "'"));
        ObjectNode record = json(data);
        for (String field : target.keyFields()) {
            JsonNode given = record.get(field);
            if (given == null) {
                record.set(field, row.data().get(field));
            } else if (!given.asText().equals(row.data().path(field).asText())) {
                throw new IllegalArgumentException("the primary key field '" + field + "' of " + target.object()
                        + " cannot change; delete the record and create another");
            }
        }
        local.change(target.service(), target.object(), key, record, "updated");
        return map(record);
    }

    /** Deletes a record locally. */
    public void delete(String object, String key) {
        Target target = target(object);
        local.row(target.service(), target.object(), key).filter(r -> r.data() != null)
                .orElseThrow(() -> new IllegalArgumentException("no " + target.object() + " '" + key + "'"));
        local.change(target.service(), target.object(), key, null, "deleted");
    }

    /** A record, as the app last wrote or downloaded it. */
    public Optional<Map<String, Object>> get(String object, String key) {
        Target target = target(object);
        return local.row(target.service(), target.object(), key).filter(r -> r.data() != null).map(r -> map(r.data()));
    }

    /** Records matching a filter (the hub's filter language; null for all), by key. */
    public List<Map<String, Object>> query(String object, String filter) {
        Target target = target(object);
        Filter parsed;
        try {
            parsed = filter == null ? null : FilterParser.parse(filter);
        } catch (FilterParser.FilterSyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (LocalStore.Row row : local.liveRows(target.service(), target.object())) {
            if (parsed == null || parsed.matches(field -> plain(row.data().get(field)))) {
                result.add(map(row.data()));
            }
        }
        return result;
    }

    private static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node;
    }

    /**
     * Local changes waiting for upload, by object: each with its {@code key}, {@code change}
     * (create, update, delete) and {@code data}.
     */
    public Map<String, List<Map<String, Object>>> getPendingRecordsForUpload() {
        Map<String, List<Map<String, Object>>> pending = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> service : services.entrySet()) {
            for (var objects = service.getValue().path("objects").fieldNames(); objects.hasNext(); ) {
                String object = objects.next();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (LocalStore.Row row : local.pendingRows(service.getKey(), object, false, Integer.MAX_VALUE)) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("key", row.id());
                    entry.put("change", change(row));
                    entry.put("data", row.data() == null ? null : map(row.data()));
                    rows.add(entry);
                }
                if (!rows.isEmpty()) {
                    pending.put(object, rows);
                }
            }
        }
        return pending;
    }

    static String change(LocalStore.Row row) {
        return switch (row.state()) {
            case "created" -> "create";
            case "deleted" -> "delete";
            default -> "update";
        };
    }

    /** Undoes local changes, back to the last synced state: of the given keys, or all of the object when null. */
    public int rollback(String object, List<String> keys) {
        Target target = target(object);
        return local.rollback(target.service(), target.object(), keys);
    }

    // =====================================================================================
    // Sync

    /**
     * Syncs every object service with the hub, in the background, with options in the map shape
     * of the Volt MX offline-objects API (see {@link SyncOptions#fromMap}).
     */
    public CompletableFuture<Map<String, Object>> startSync(Map<String, ?> options, SyncCallback callback,
            ProgressCallback progress) {
        SyncOptions parsed;
        try {
            parsed = SyncOptions.fromMap(options);
        } catch (IllegalArgumentException e) {
            return refuse(callback, e.getMessage());
        }
        return startSync(parsed, callback, progress);
    }

    /** Syncs every object service with the hub, in the background. */
    public CompletableFuture<Map<String, Object>> startSync(SyncOptions options, SyncCallback callback,
            ProgressCallback progress) {
        for (String service : options.services().keySet()) {
            if (!services.containsKey(service)) {
                return refuse(callback, "unknown object service '" + service + "'; this app syncs " + services.keySet()
                        + (services.isEmpty() ? " (call setup() first)" : ""));
            }
        }
        for (Map.Entry<String, SyncOptions.ServiceOptions> entry : options.services().entrySet()) {
            for (Map.Entry<String, String> filter : entry.getValue().filters().entrySet()) {
                if (!services.get(entry.getKey()).path("objects").has(filter.getKey())) {
                    return refuse(callback, "service '" + entry.getKey() + "' has no object '" + filter.getKey() + "' to filter");
                }
                try {
                    FilterParser.parse(filter.getValue());
                } catch (FilterParser.FilterSyntaxException e) {
                    return refuse(callback, "service '" + entry.getKey() + "', object '" + filter.getKey() + "': " + e.getMessage());
                }
            }
        }
        if (services.isEmpty()) {
            return refuse(callback, "call setup() first: the object services are not known yet");
        }
        ProgressCallback events = progress == null ? event -> { } : progress;
        return CompletableFuture.supplyAsync(() -> run(options, events), syncs).whenComplete((result, error) -> {
            if (error != null) {
                Map<String, Object> failure = new LinkedHashMap<>();
                failure.put("successResponse", Map.of());
                failure.put("failureResponse", Map.of("*", Map.of("error", "syncFailed", "message", String.valueOf(error))));
                callback.onFailure(failure);
            } else if (result.containsKey("failureResponse")) {
                callback.onFailure(result);
            } else {
                callback.onSuccess(result);
            }
        });
    }

    /** How long each of {@link #watch}'s requests waits on the hub. */
    static final Duration WATCH_WAIT = Duration.ofSeconds(25);
    /** The longest pause of {@link #watch} after failures. */
    static final Duration WATCH_MAX_PAUSE = Duration.ofSeconds(30);

    /**
     * Keeps this device's copy fresh without polling: holds a long-poll on the hub for each
     * object's changes (from the object's download token, with its filter) and runs
     * {@code startSync(options)} whenever the hub has something for one of them — a change made on
     * another device shows up here within moments. Objects never downloaded are synced first.
     * Failures (the hub unreachable, a refused token) are told to {@code listener} and retried
     * with a pause that doubles up to 30 s. Close the answer to stop watching.
     */
    public AutoCloseable watch(SyncOptions options, WatchListener listener) {
        if (services.isEmpty()) {
            throw new OfflineException("call setup() first: the object services are not known yet");
        }
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Future<?> loop = syncs.submit(() -> watchLoop(options, listener, stopped));
        return () -> {
            stopped.set(true);
            loop.cancel(true);
        };
    }

    /** One object's long-poll in flight: from which token. */
    private record Waiting(String token, CompletableFuture<java.net.http.HttpResponse<String>> answer) {
    }

    private void watchLoop(SyncOptions options, WatchListener listener, java.util.concurrent.atomic.AtomicBoolean stopped) {
        Map<String, Waiting> waiting = new LinkedHashMap<>();
        Duration pause = Duration.ZERO;
        while (!stopped.get() && !Thread.currentThread().isInterrupted()) {
            try {
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
                boolean sync = false;
                // One request per object, kept across rounds while its token stays the same.
                for (Map.Entry<String, JsonNode> service : services.entrySet()) {
                    for (Iterator<String> objects = service.getValue().path("objects").fieldNames(); objects.hasNext(); ) {
                        String object = objects.next();
                        String key = service.getKey() + "." + object;
                        String token = local.token(service.getKey(), object);
                        if (token == null) {
                            sync = true;
                            continue;
                        }
                        Waiting current = waiting.get(key);
                        if (current == null || !current.token().equals(token)) {
                            String collection = service.getValue().path("objects").path(object).path("collection").asText();
                            waiting.put(key, new Waiting(token, hub.waitForChanges(collection, token,
                                    options.of(service.getKey()).filters().get(object), WATCH_WAIT)));
                        }
                    }
                }
                if (!sync) {
                    CompletableFuture.anyOf(waiting.values().stream().map(Waiting::answer).toArray(CompletableFuture[]::new))
                            .get();
                    for (Iterator<Waiting> each = waiting.values().iterator(); each.hasNext(); ) {
                        Waiting done = each.next();
                        if (!done.answer().isDone()) {
                            continue;
                        }
                        each.remove();
                        var response = done.answer().join();
                        int status = response.statusCode();
                        if (status == 410 || (status == 200 && HubClient.JSON.readTree(response.body()).path("items").size() > 0)) {
                            sync = true;
                        } else if (status == 429 || status == 503) {
                            pause = Duration.ofSeconds(response.headers().firstValueAsLong("Retry-After").orElse(5));
                        } else if (status != 200) {
                            throw new OfflineException("waiting for changes failed: the hub answered " + status + " "
                                    + response.body(), null, status >= 500);
                        }
                    }
                }
                if (sync) {
                    Map<String, Object> result = startSync(options, new SyncCallback() {
                        @Override
                        public void onSuccess(Map<String, Object> ignored) {
                        }

                        @Override
                        public void onFailure(Map<String, Object> ignored) {
                        }
                    }, null).get();
                    listener.onSync(result);
                    pause = result.containsKey("failureResponse") ? nextPause(pause) : Duration.ZERO;
                } else if (pause.compareTo(WATCH_MAX_PAUSE) > 0) {
                    pause = WATCH_MAX_PAUSE;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                waiting.clear();
                if (!stopped.get()) {
                    listener.onError(cause instanceof OfflineException offline ? offline
                            : new OfflineException("waiting for changes failed: " + cause, cause, true));
                }
                pause = nextPause(pause);
            }
        }
    }

    private static Duration nextPause(Duration pause) {
        Duration next = pause.isZero() ? Duration.ofSeconds(1) : pause.multipliedBy(2);
        return next.compareTo(WATCH_MAX_PAUSE) > 0 ? WATCH_MAX_PAUSE : next;
    }

    private static CompletableFuture<Map<String, Object>> refuse(SyncCallback callback, String message) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("successResponse", Map.of());
        failure.put("failureResponse", Map.of("*", Map.of("error", "invalidOptions", "message", message)));
        callback.onFailure(failure);
        return CompletableFuture.completedFuture(failure);
    }

    /** Running totals of one sync, shared by its services. */
    static final class Totals {
        final AtomicLong uploaded = new AtomicLong();
        final AtomicLong downloaded = new AtomicLong();
    }

    private Map<String, Object> run(SyncOptions options, ProgressCallback progress) {
        Totals totals = new Totals();
        progress.onProgress(event("sync", "started", null, null, 0, 0, totals));
        Map<String, Object> successes = Collections.synchronizedMap(new LinkedHashMap<>());
        Map<String, Object> failures = Collections.synchronizedMap(new LinkedHashMap<>());
        List<String> names = new ArrayList<>(services.keySet());
        if (options.mode() == SyncOptions.Mode.SEQUENTIAL || names.size() == 1) {
            for (String service : names) {
                syncService(service, options.of(service), progress, totals, successes, failures);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(names.size(), 4), daemon("tributary-offline-service"));
            try {
                List<Future<?>> running = new ArrayList<>();
                for (String service : names) {
                    running.add(pool.submit(() -> syncService(service, options.of(service), progress, totals, successes, failures)));
                }
                for (Future<?> future : running) {
                    future.get();
                }
            } catch (Exception e) {
                failures.put("*", Map.of("error", "syncFailed", "message", String.valueOf(e)));
            } finally {
                pool.shutdown();
            }
        }
        progress.onProgress(event("sync", "ended", null, null, 0, 0, totals));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("successResponse", new LinkedHashMap<>(successes));
        if (!failures.isEmpty()) {
            result.put("failureResponse", new LinkedHashMap<>(failures));
        }
        return result;
    }

    static Map<String, Object> event(String phase, String state, String service, String object, int batch,
            int records, Totals totals) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("phase", phase);
        event.put("state", state);
        if (service != null) {
            event.put("service", service);
        }
        if (object != null) {
            event.put("object", object);
        }
        if (batch > 0) {
            event.put("batch", batch);
            event.put("records", records);
        }
        event.put("totalUploaded", totals.uploaded.get());
        event.put("totalDownloaded", totals.downloaded.get());
        return event;
    }

    private void syncService(String service, SyncOptions.ServiceOptions options, ProgressCallback progress, Totals totals,
            Map<String, Object> successes, Map<String, Object> failures) {
        ServiceRun run = new ServiceRun(this, service, options, progress, totals);
        try {
            if (options.syncType() != SyncOptions.SyncType.DOWNLOAD_ONLY) {
                run.upload();
            } else {
                // Requests a previous sync left unanswered are settled before downloading, or their
                // late answers could overwrite newer downloaded versions. No new changes go up.
                run.resendUnanswered(0);
            }
            if (options.syncType() != SyncOptions.SyncType.UPLOAD_ONLY) {
                run.download();
            }
            successes.put(service, run.result("success"));
        } catch (RuntimeException e) {
            Map<String, Object> failure = run.result("failure");
            failure.put("error", e instanceof OfflineException o && o.retryable() ? "networkError" : "syncError");
            failure.put("message", e.getMessage());
            failures.put(service, failure);
        }
    }


    static JsonNode parse(String json) {
        try {
            return HubClient.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new OfflineException("a cached upload is damaged: " + e.getMessage(), e, false);
        }
    }

    /** The request body without the local sequence numbers (kept locally to tell newer changes). */
    static String stripSeq(String body) {
        ObjectNode copy = (ObjectNode) parse(body);
        copy.path("changes").forEach(change -> ((ObjectNode) change).remove("seq"));
        return copy.toString();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OfflineException("interrupted while waiting for the hub", e, true);
        }
    }

    @Override
    public void close() {
        syncs.shutdown();
        local.close();
    }

    /** Threads for syncs that block on the network: never the common fork-join pool, never keeping the JVM alive. */
    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
