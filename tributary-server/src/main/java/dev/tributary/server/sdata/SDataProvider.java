package dev.tributary.server.sdata;

import dev.tributary.engine.sdata.HubDigests;
import dev.tributary.engine.sdata.LocalSide;
import dev.tributary.engine.sdata.SDataNames;
import dev.tributary.engine.sdata.SelectionBudget;
import dev.tributary.engine.sdata.SyncSourceSelector;
import dev.tributary.engine.sdata.SyncTargetApplier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.sdata.ConflictRule;
import dev.tributary.sdata.Diagnosis;
import dev.tributary.sdata.Digest;
import dev.tributary.sdata.Digests;
import dev.tributary.sdata.SDataException;
import dev.tributary.sdata.SDataXml;
import dev.tributary.sdata.SyncFeed;
import dev.tributary.sdata.SyncPass;
import dev.tributary.sdata.SyncState;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.SDataResources;
import dev.tributary.store.Store;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub as an SData synchronization provider: each collection exposed as a resource kind
 * answers {@code $syncDigest}, {@code $syncSource}, {@code $syncTarget} and {@code $syncResults}
 * under {@code /sdata/{app}/{contract}/-/{resource}}.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>Sync states.</b> A record version made at this hub has the state (this resource's
 * endpoint, the record's change-log position, its update time); a version applied from another
 * endpoint keeps that endpoint's state (stored per record and version). The hub's own digest
 * entry is the change log's head plus one.</li>
 * <li><b>$syncSource</b> selects, from a snapshot taken when the operation runs, every record
 * (tombstones included) whose state the target's digest has not absorbed (SData 2.5), sorted by
 * endpoint and tick, with complete payloads; pages are read with {@code startIndex} (from 1) and
 * {@code count}.</li>
 * <li><b>$syncTarget</b> checks the whole page before applying anything (a malformed entry, or in
 * immediate mode a tick that leaves a gap, is 400 with nothing applied), then decides each entry
 * with {@link ConflictRule} and applies it together with the digest update (SData 5.5), up to 200
 * entries per transaction (a chunk that fails is redone entry by entry, so only the failing entry
 * and those after it are lost). Outcomes: 201 created, 200 updated or deleted, 200 "not applied" when the target
 * already has a later version, 409 when a conflict is lost, and 500 for entries left unprocessed
 * after a failure. A catch-up page without a {@code next} link is the last: the digest then takes
 * the larger tick of each endpoint.</li>
 * </ul>
 */
public final class SDataProvider implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SDataProvider.class);
    private static final Pattern OPERATION = Pattern.compile("\\$(syncDigest|syncSource|syncTarget|syncResults)"
            + "(?:\\('([A-Za-z0-9._:-]{1,100})'\\))?");
    private static final Pattern TRACKING_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final int MAX_PAGE = 1000;

    /**
     * A selection: only the keys of the selected changes (id and sync state — measured at 166
     * bytes each with 40-character ids, counted as {@link SyncSourceSelector#bytesOf}); their data is read when a page
     * is served.
     */
    private record SourceResult(String resource, Digest digest, List<SyncSourceSelector.Selected> entries) {
    }

    /**
     * A selection as stored for the store's other nodes: its keys column by column, each endpoint
     * written once and referred to by position, stamps as epoch milliseconds (the store keeps them
     * to the millisecond). Written per selection before its first page is served, field by field as
     * objects with ISO timestamps it was three quarters of a 100,000-key selection's time.
     */
    record StoredSelection(String resource, Digest digest, List<String> endpoints, String[] ids, int[] endpointOf,
            long[] ticks, long[] stamps) {

        static StoredSelection of(SourceResult result) {
            List<SyncSourceSelector.Selected> entries = result.entries();
            int size = entries.size();
            Map<String, Integer> positions = new java.util.LinkedHashMap<>();
            String[] ids = new String[size];
            int[] endpointOf = new int[size];
            long[] ticks = new long[size];
            long[] stamps = new long[size];
            for (int i = 0; i < size; i++) {
                SyncSourceSelector.Selected selected = entries.get(i);
                SyncState state = selected.state();
                ids[i] = selected.id();
                endpointOf[i] = positions.computeIfAbsent(state.endpoint(), endpoint -> positions.size());
                ticks[i] = state.tick();
                stamps[i] = state.stamp().toEpochMilli();
            }
            return new StoredSelection(result.resource(), result.digest(), List.copyOf(positions.keySet()), ids,
                    endpointOf, ticks, stamps);
        }

        SourceResult result() {
            int size = ids.length;
            if (endpointOf.length != size || ticks.length != size || stamps.length != size) {
                throw new IllegalStateException("a stored selection's columns differ in length");
            }
            List<SyncSourceSelector.Selected> entries = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                entries.add(new SyncSourceSelector.Selected(ids[i], new SyncState(endpoints.get(endpointOf[i]), ticks[i],
                        java.time.Instant.ofEpochMilli(stamps[i]))));
            }
            return new SourceResult(resource, digest, List.copyOf(entries));
        }
    }


    /** Live $syncSource contexts one caller may hold at once (429 beyond). */
    static final int MAX_SOURCES_PER_CALLER = 4;

    /**
     * The memory held by all live selections' keys, bounded to a quarter of the heap (503 beyond);
     * the system property {@code tributary.sdata.selectionBytes} sets another bound.
     */
    private final Map<String, SelectionBudget.Reservation> reservations = new java.util.concurrent.ConcurrentHashMap<>();
    private final SelectionBudget budget = new SelectionBudget(Long.getLong("tributary.sdata.selectionBytes",
            Runtime.getRuntime().maxMemory() / 4));


    private record TargetResult(String resource, List<SyncFeed.Entry> outcomes) {
    }

    private final Store store;
    private final Duration idle;
    private final Clock clock;
    private final long maxBodyBytes;
    private final Supplier<String> baseUrl;
    private final java.util.function.Function<Context, String> linkBase;
    private final AsyncOperations<SourceResult> sources;
    private final AsyncOperations<TargetResult> targets;
    private final HubDigests digests;
    private final SyncTargetApplier applier;
    private final SyncSourceSelector selector;

    /** A hub node's id, and whether a node is live: so an operation another node runs can be followed here. */
    public record Nodes(Supplier<String> self, java.util.function.Predicate<String> live) {
        /** One node, alone on its store. */
        public static Nodes alone() {
            return new Nodes(() -> null, node -> true);
        }
    }

    private final Nodes nodes;

    /**
     * @param workers where asynchronous operations run: the engine's request workers
     * @param nodes this node and the liveness of others, for operations shared through the store
     * @param baseUrl the hub's base URL, in this hub's endpoint URLs (its identity in digests)
     * @param linkBase the base URL of the links in an answer to a request (an operation's
     *     {@code Location}, a page's {@code next}): where the client reached the hub
     */
    public SDataProvider(Store store, Clock clock, long maxBodyBytes, Supplier<String> baseUrl,
            java.util.function.Function<Context, String> linkBase, Duration idle,
            java.util.concurrent.ExecutorService workers, Nodes nodes) {
        this.nodes = nodes;
        this.store = store;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.baseUrl = baseUrl;
        this.linkBase = linkBase;
        this.sources = new AsyncOperations<>(clock, () -> idle, workers);
        // An ended selection (deleted, dropped, or the hub closing) gives its keys back.
        this.sources.onEnd(operation -> {
            SelectionBudget.Reservation reservation = reservations.remove(operation.id);
            if (reservation != null) {
                reservation.close();
            }
            endShared(operation.id);
        });
        this.targets = new AsyncOperations<>(clock, () -> idle, workers);
        this.targets.onEnd(operation -> endShared(operation.id));
        this.idle = idle;
        this.digests = new HubDigests(store, clock);
        this.applier = new SyncTargetApplier(store, clock, baseUrl, digests);
        this.selector = new SyncSourceSelector(store, digests);
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/sdata/resources", this::listResources);
        config.routes.put("/v1/sdata/resources/{resource}", this::putResource);
        config.routes.get("/sdata/{app}/{contract}/-/{resource}/{operation}", ctx -> handle(ctx, "GET"));
        config.routes.post("/sdata/{app}/{contract}/-/{resource}/{operation}", ctx -> handle(ctx, "POST"));
        config.routes.delete("/sdata/{app}/{contract}/-/{resource}/{operation}", ctx -> handle(ctx, "DELETE"));
    }

    @Override
    public void close() {
        sources.close();
        targets.close();
    }

    // ---- admin: resource kinds

    private void listResources(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        List<JsonNode> items = new ArrayList<>();
        store.sdata().list().forEach(r -> items.add(json(r)));
        ObjectNode body = Json.MAPPER.createObjectNode().put("kind", "tributary#sdataResources");
        body.putArray("items").addAll(items);
        Json.respond(ctx, 200, json -> Json.MAPPER.writeTree(json, body));
    }

    private void putResource(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        String resource = ctx.pathParam("resource");
        ObjectNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        List<String> problems = new ArrayList<>();
        if (!resource.matches("[A-Za-z][A-Za-z0-9_]{0,63}")) {
            problems.add("the resource name must be letters, digits and _ (up to 64), starting with a letter");
        }
        String collection = body.path("collection").asText("");
        if (store.collections().get(collection).isEmpty()) {
            problems.add("'collection' must name an existing collection, not '" + collection + "'");
        }
        String app = body.path("app").asText("tributary");
        String contract = body.path("contract").asText("records");
        if (!app.matches("[A-Za-z][A-Za-z0-9_-]{0,63}") || !contract.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
            problems.add("'app' and 'contract' must be letters, digits, _ and - (up to 64)");
        }
        int priority = body.path("conflictPriority").asInt(5);
        if (!body.path("conflictPriority").isMissingNode() && (!body.get("conflictPriority").isInt() || priority < 1
                || priority > 9)) {
            problems.add("'conflictPriority' must be a whole number from 1 (wins conflicts) to 9");
        }
        String endpoint = body.path("endpoint").asText(baseUrl.get() + "/sdata/" + app + "/" + contract + "/-/" + resource);
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            problems.add("'endpoint' must be an http(s) URL: this hub's identity in digests");
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "badRequest", "the resource kind is not valid", problems);
        }
        boolean created = store.sdata().put(new SDataResources.Resource(resource, collection, app, contract, endpoint,
                priority));
        JsonNode shown = json(store.sdata().get(resource).orElseThrow());
        Json.respond(ctx, created ? 201 : 200, json -> Json.MAPPER.writeTree(json, shown));
    }

    private static ObjectNode json(SDataResources.Resource r) {
        return Json.MAPPER.createObjectNode().put("resource", r.resource()).put("collection", r.collection())
                .put("app", r.app()).put("contract", r.contract()).put("endpoint", r.endpoint())
                .put("conflictPriority", r.conflictPriority());
    }

    // ---- the SData URLs

    private void handle(Context ctx, String method) {
        try {
            SDataResources.Resource resource = resource(ctx);
            String segment = URLDecoder.decode(ctx.pathParam("operation"), StandardCharsets.UTF_8);
            Matcher operation = OPERATION.matcher(segment);
            if (!operation.matches()) {
                throw new SDataException(404, "unknown operation '" + segment
                        + "'; use $syncDigest, $syncSource, $syncTarget or $syncResults");
            }
            String name = operation.group(1);
            String id = operation.group(2);
            Principal principal = Authenticator.principal(ctx);
            // The digest, a source's feed and the results name or carry the collection's data:
            // they need read. A target changes it: it needs write.
            principal.require(name.equals("syncTarget") ? Scope.write(resource.collection())
                    : Scope.read(resource.collection()));
            switch (method + " " + name + (id == null ? "" : "()")) {
                case "GET syncDigest" -> xml(ctx, 200, Digests.document(digests.digest(resource)), "application/xml");
                case "POST syncSource" -> startSource(ctx, resource, principal);
                case "GET syncSource()" -> readSource(ctx, resource, id, scoped(resource, principal, id));
                case "DELETE syncSource()" -> end(ctx, deleted(sources, scoped(resource, principal, id)), id);
                case "POST syncTarget" -> startTarget(ctx, resource, principal);
                case "GET syncTarget()" -> readTarget(ctx, resource, id, scoped(resource, principal, id));
                case "DELETE syncTarget()" -> end(ctx, deleted(targets, scoped(resource, principal, id)), id);
                case "POST syncResults" -> {
                    byte[] body = body(ctx);
                    SyncFeed results = SyncFeed.read(SDataXml.parse(body, (int) maxBodyBytes));
                    LOG.info("SData results for {}: {} entries", resource.resource(), results.entries().size());
                    ctx.status(200);
                }
                default -> throw new SDataException(405, method + " is not allowed on $" + name
                        + (id == null ? "" : "('" + id + "')"));
            }
        } catch (SDataException e) {
            if ((e.status() == 503 || e.status() == 429) && ctx.res().getHeader("Retry-After") == null) {
                ctx.header("Retry-After", "30");
            }
            xml(ctx, e.status(), Diagnosis.document(e.status(), e.getMessage()), "application/xml");
        } catch (AsyncOperations.GoneException e) {
            xml(ctx, 410, Diagnosis.document(410, e.getMessage()), "application/xml");
        }
    }

    private SDataResources.Resource resource(Context ctx) {
        String name = ctx.pathParam("resource");
        SDataResources.Resource resource = store.sdata().get(name)
                .orElseThrow(() -> new SDataException(404, "no resource kind '" + name + "'"));
        if (!resource.app().equals(ctx.pathParam("app")) || !resource.contract().equals(ctx.pathParam("contract"))) {
            throw new SDataException(404, "resource kind '" + name + "' is served at /sdata/" + resource.app() + "/"
                    + resource.contract() + "/-/" + name);
        }
        return resource;
    }

    private byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw new SDataException(413, "the request is larger than " + maxBodyBytes + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw SDataException.badRequest("cannot read the request: " + e.getMessage());
        }
    }

    private static void xml(Context ctx, int status, byte[] body, String type) {
        ctx.status(status).contentType(type + "; charset=utf-8").result(body);
    }

    private void end(Context ctx, boolean deleted, String id) {
        if (!deleted) {
            throw new SDataException(404, "no operation '" + id + "'");
        }
        ctx.status(200);
    }

    private static String trackingId(Context ctx) {
        String id = ctx.queryParam("trackingID");
        if (id == null) {
            id = ctx.queryParam("trackingId");
        }
        if (id == null) {
            return UUID.randomUUID().toString();
        }
        if (!TRACKING_ID.matcher(id).matches()) {
            throw SDataException.badRequest("trackingID must be 1 to 100 letters, digits, '.', '_', ':' or '-'");
        }
        return id;
    }

    /** This hub's resource kind as a side of a pass, in process (an SData link's local end). */
    SyncPass.Side local(SDataResources.Resource resource) {
        return new LocalSide(resource, digests, selector, applier, budget, baseUrl.get() + path(resource, ""));
    }

    /** An operation's URL in an answer to {@code ctx}. */
    private String url(Context ctx, SDataResources.Resource resource, String operation) {
        return linkBase.apply(ctx) + path(resource, operation);
    }

    private static String path(SDataResources.Resource resource, String operation) {
        return "/sdata/" + resource.app() + "/" + resource.contract() + "/-/" + resource.resource()
                + (operation.isEmpty() ? "" : "/" + operation);
    }

    private void accepted(Context ctx, AsyncOperations.Operation<?> operation, String location) {
        ctx.header("Location", location);
        xml(ctx, 202, operation.tracking(clock.instant()).write(), "application/xml");
    }

    // ---- digest and states






    // ---- operations shared with the store's other hub nodes

    /** Results as stored for other nodes: records of plain values, instants as ISO-8601 text. */
    private static final com.fasterxml.jackson.databind.ObjectMapper RESULTS = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(java.time.Instant.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
                    .addDeserializer(java.time.Instant.class, new com.fasterxml.jackson.databind.JsonDeserializer<>() {
                        @Override
                        public java.time.Instant deserialize(com.fasterxml.jackson.core.JsonParser parser,
                                com.fasterxml.jackson.databind.DeserializationContext context) throws IOException {
                            return java.time.Instant.parse(parser.getValueAsString());
                        }
                    }));

    /** Runs an operation's work and stores its result (or failure), in the form {@code stored} gives, for the other nodes. */
    private <R> R shared(String key, java.util.concurrent.Callable<R> work,
            java.util.function.Function<R, Object> stored) throws Exception {
        try {
            R result = work.call();
            store.sdataOperations().finished(key, RESULTS.writeValueAsString(stored.apply(result)));
            return result;
        } catch (Exception | Error e) {
            store.sdataOperations().failed(key, e instanceof SDataException sdata ? sdata.status() + " " + e.getMessage()
                    : "the operation failed on the hub node that ran it");
            throw e;
        }
    }

    private final java.util.concurrent.atomic.AtomicLong lastPurge = new java.util.concurrent.atomic.AtomicLong();

    /** Records an operation this node starts; at most once a minute forgets long untouched ones. */
    private void startShared(String key, String kind, SDataResources.Resource resource) {
        store.sdataOperations().started(key, kind, resource.resource(), nodes.self().get());
        long now = clock.millis();
        long last = lastPurge.get();
        if (now - last > 60_000 && lastPurge.compareAndSet(last, now)) {
            store.sdataOperations().purge(clock.instant().minus(idle.multipliedBy(10)));
        }
    }

    private void endShared(String key) {
        try {
            store.sdataOperations().end(key);
        } catch (RuntimeException e) {
            LOG.warn("could not record that an SData operation ended: {}", e.toString());
        }
    }

    /** A client ended this node's operation through another node: it ends here too. */
    private void goneIfEndedElsewhere(AsyncOperations<?> operations, String key, String id) {
        if (store.sdataOperations().ended(key)) {
            operations.delete(key);
            throw new AsyncOperations.GoneException("the operation '" + id + "' has ended");
        }
    }

    /**
     * Ends here the matching operations of this node that a client ended through another node
     * (they would count against the caller's limit until they expired).
     */
    private void endedElsewhere(AsyncOperations<?> operations, java.util.function.Predicate<String> keys) {
        for (String key : operations.ids(keys)) {
            if (store.sdataOperations().ended(key)) {
                operations.delete(key);
            }
        }
    }

    /**
     * A replayed POST that reaches another node than the one running its operation finds that
     * operation (it is not started twice); answers it and returns true. Nothing stored: false.
     */
    private boolean startedElsewhere(Context ctx, String key, String kind, SDataResources.Resource resource, String id,
            String location) {
        if ((kind.equals("source") ? sources.count(k -> k.equals(key)) : targets.count(k -> k.equals(key))) > 0) {
            return false; // this node runs it: the local replay rule answers
        }
        var stored = store.sdataOperations().get(key).filter(op -> op.kind().equals(kind)
                && op.touchedAt().isAfter(clock.instant().minus(idle.multipliedBy(10))));
        if (stored.isEmpty()) {
            return false;
        }
        if (stored.get().state().equals("ended")) {
            throw new AsyncOperations.GoneException("tracking id '" + id + "' was used by an operation that has ended");
        }
        if (elsewhere(ctx, key, kind, resource, id, location, Object.class) != null) {
            ctx.header("Location", location);
            xml(ctx, 202, new dev.tributary.sdata.Tracking("Completion", "done; GET the Location for the result", 1, 0, 0, 50)
                    .write(), "application/xml");
        }
        return true;
    }

    /** Deletes an operation here, or — run by another node — in the store (that node's copy then answers Gone). */
    private boolean deleted(AsyncOperations<?> operations, String key) {
        if (operations.delete(key)) {
            return true;
        }
        return store.sdataOperations().end(key);
    }

    /**
     * An operation another hub node of the store runs or ran: its result when done; else answers
     * here (202 while it runs, an error when it failed or its node died) and returns null.
     */
    private <R> R elsewhere(Context ctx, String key, String kind, SDataResources.Resource resource, String id, String location,
            Class<R> type) {
        var found = store.sdataOperations().get(key).filter(op -> op.kind().equals(kind)
                && op.resource().equals(resource.resource())
                && op.touchedAt().isAfter(clock.instant().minus(idle.multipliedBy(10))));
        if (found.isEmpty()) {
            throw new SDataException(404, "no $sync" + (kind.equals("source") ? "Source" : "Target") + " operation '" + id + "'");
        }
        var operation = found.get();
        switch (operation.state()) {
            case "ended" -> throw new AsyncOperations.GoneException("the operation '" + id + "' has ended");
            case "failed" -> throw new SDataException(500, "the operation failed: " + operation.error());
            case "done" -> {
                try {
                    return RESULTS.readValue(operation.result(), type);
                } catch (IOException e) {
                    throw new SDataException(500, "the operation's stored result cannot be read: " + e.getMessage());
                }
            }
            default -> {
                if (operation.node() != null && !nodes.live().test(operation.node())) {
                    store.sdataOperations().failed(key, "the hub node running it stopped");
                    throw new AsyncOperations.GoneException("the hub node running operation '" + id + "' stopped before"
                            + " it finished; start it again");
                }
                ctx.header("Location", location);
                long elapsed = java.time.Duration.between(operation.startedAt(), clock.instant()).toSeconds();
                xml(ctx, 202, new dev.tributary.sdata.Tracking("Running", "on another hub node of this store", 0.5,
                        elapsed, 1, 50).write(), "application/xml");
                return null;
            }
        }
    }

    // ---- $syncSource

    /**
     * The key of a tracking id: ids are the caller's own, per resource kind — another token, or
     * the same id on another kind, is another operation (it cannot read, end or take over this one).
     */
    private static String scoped(SDataResources.Resource resource, Principal principal, String id) {
        return resource.resource() + "/" + principal.tokenId() + "/" + id;
    }

    private void startSource(Context ctx, SDataResources.Resource resource, Principal principal) {
        String id = trackingId(ctx);
        Digest target = Digests.find(SDataXml.parse(body(ctx), (int) maxBodyBytes));
        String key = scoped(resource, principal, id);
        if (startedElsewhere(ctx, key, "source", resource, id, url(ctx, resource, "$syncSource('" + id + "')"))) {
            return;
        }
        String caller = "/" + principal.tokenId() + "/";
        if (sources.count(k -> k.equals(key)) == 0) {
            if (sources.count(k -> k.contains(caller)) >= MAX_SOURCES_PER_CALLER) {
                endedElsewhere(sources, k -> k.contains(caller));
            }
            if (sources.count(k -> k.contains(caller)) >= MAX_SOURCES_PER_CALLER) {
                ctx.header("Retry-After", "10");
                throw new SDataException(429, "this caller already has " + MAX_SOURCES_PER_CALLER + " $syncSource"
                        + " contexts open; DELETE those it has read before starting another");
            }
            if (budget.used() >= budget.total()) {
                endedElsewhere(sources, k -> true);
            }
            if (budget.used() >= budget.total()) {
                ctx.header("Retry-After", "30");
                throw new SDataException(503, "the hub holds as many selected changes as it may now; retry later");
            }
        }
        SelectionBudget.Reservation reservation = reservations.computeIfAbsent(key, k -> budget.new Reservation());
        AsyncOperations.Operation<SourceResult> operation;
        try {
            // Recorded for the other nodes before the work starts: a quick selection's result is then
            // never overwritten by a late "running" that nothing would end.
            operation = sources.start(key, resource.resource(), () -> startShared(key, "source", resource),
                    op -> shared(key, () -> {
                        SyncSourceSelector.Selection selection = selector.select(resource, target, op::report, reservation);
                        return new SourceResult(resource.resource(), selection.digest(), selection.entries());
                    }, StoredSelection::of));
        } catch (RuntimeException e) {
            reservations.remove(key, reservation);
            reservation.close();
            throw e;
        }
        accepted(ctx, operation, url(ctx, resource, "$syncSource('" + id + "')"));
    }




    private void readSource(Context ctx, SDataResources.Resource resource, String id, String key) {
        AsyncOperations.Operation<SourceResult> operation = sources.get(key);
        String location = url(ctx, resource, "$syncSource('" + id + "')");
        SourceResult result;
        if (operation == null) {
            StoredSelection stored = elsewhere(ctx, key, "source", resource, id, location, StoredSelection.class);
            if (stored == null) {
                return;
            }
            result = stored.result();
        } else {
            if (!operation.owner.equals(resource.resource())) {
                throw new SDataException(404, "no $syncSource operation '" + id + "'");
            }
            goneIfEndedElsewhere(sources, key, id);
            if (!settled(operation)) {
                accepted(ctx, operation, location);
                return;
            }
            result = finished(operation);
        }
        int start = intParam(ctx, "startIndex", 1, 1, Integer.MAX_VALUE);
        int count = intParam(ctx, "count", 100, 1, MAX_PAGE);
        int from = Math.min(result.entries().size(), start - 1);
        int to = Math.min(result.entries().size(), from + count);
        String next = to < result.entries().size() ? location + "?startIndex=" + (to + 1) + "&count=" + count : null;
        SyncFeed page = new SyncFeed(location, "Synchronization feed " + id, true, result.digest(),
                selector.entries(resource, result.entries().subList(from, to)), next);
        xml(ctx, 200, page.write(SDataNames.contractNamespace(resource), SDataNames.element(resource), location + "?startIndex=" + start
                + "&count=" + count), "application/atom+xml; type=feed");
    }

    /**
     * Whether the operation is done, waiting up to a second for it: a poll answers as soon as the
     * result is ready instead of after the client's next polling interval.
     */
    private static boolean settled(AsyncOperations.Operation<?> operation) {
        try {
            operation.future.get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        }
        return true;
    }

    private static <R> R finished(AsyncOperations.Operation<R> operation) {
        try {
            return operation.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SDataException(500, "interrupted");
        } catch (java.util.concurrent.CancellationException e) {
            throw new AsyncOperations.GoneException("the operation was cancelled");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SDataException sdata) {
                throw sdata;
            }
            LOG.error("an SData operation failed", e.getCause());
            throw new SDataException(500, "the operation failed; the hub's log says why");
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw SDataException.badRequest(name + " must be from " + min + " to " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw SDataException.badRequest(name + " must be a whole number, not '" + value + "'");
        }
    }


    // ---- $syncTarget

    private void startTarget(Context ctx, SDataResources.Resource resource, Principal principal) {
        String id = trackingId(ctx);
        String key = scoped(resource, principal, id);
        AsyncOperations.Operation<TargetResult> existing = targets.get(key);
        if (existing != null) {
            // A replayed POST finds the operation it started; the feed is not applied twice.
            accepted(ctx, existing, url(ctx, resource, "$syncTarget('" + id + "')"));
            return;
        }
        if (startedElsewhere(ctx, key, "target", resource, id, url(ctx, resource, "$syncTarget('" + id + "')"))) {
            return;
        }
        SyncFeed feed = SyncFeed.read(SDataXml.parse(body(ctx), (int) maxBodyBytes));
        applier.check(resource, feed);
        AsyncOperations.Operation<TargetResult> operation = targets.start(key, resource.resource(),
                () -> startShared(key, "target", resource),
                op -> shared(key, () -> new TargetResult(resource.resource(), applier.apply(resource, feed, op::report)),
                        result -> result));
        accepted(ctx, operation, url(ctx, resource, "$syncTarget('" + id + "')"));
    }









    private void readTarget(Context ctx, SDataResources.Resource resource, String id, String key) {
        AsyncOperations.Operation<TargetResult> operation = targets.get(key);
        String location = url(ctx, resource, "$syncTarget('" + id + "')");
        TargetResult result;
        if (operation == null) {
            result = elsewhere(ctx, key, "target", resource, id, location, TargetResult.class);
            if (result == null) {
                return;
            }
        } else {
            if (!operation.owner.equals(resource.resource())) {
                throw new SDataException(404, "no $syncTarget operation '" + id + "'");
            }
            goneIfEndedElsewhere(targets, key, id);
            if (!settled(operation)) {
                accepted(ctx, operation, location);
                return;
            }
            result = finished(operation);
        }
        SyncFeed feed = new SyncFeed(location, "Synchronization results " + id, true, null, result.outcomes(), null);
        xml(ctx, 200, feed.write(SDataNames.contractNamespace(resource), SDataNames.element(resource), location),
                "application/atom+xml; type=feed");
    }
}
