package dev.tributary.server.admin;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.engine.Definitions;
import dev.tributary.engine.RunMode;
import dev.tributary.engine.SyncEngine;
import dev.tributary.server.ApiException;
import dev.tributary.server.EndpointHooks;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.ConflictState;
import dev.tributary.store.RunRecord;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The admin API of the sync engine: endpoints, links, runs (with server-sent progress events),
 * conflicts and reported deletions. Every route needs the {@code admin} scope, except that an
 * external system holding {@code trigger:<endpoint>} may ask for runs of that endpoint and report
 * its deletions.
 */
public final class AdminApi {

    private static final Set<String> RUN_STATES = Set.of("queued", "running", "succeeded", "failed", "cancelled");

    private final SyncEngine engine;
    private final long maxBodyBytes;
    private final EndpointHooks hooks;

    public AdminApi(SyncEngine engine, long maxBodyBytes) {
        this(engine, maxBodyBytes, null);
    }

    /** An admin API that also configures External System Adapters as their endpoints are put. */
    public AdminApi(SyncEngine engine, long maxBodyBytes, EndpointHooks hooks) {
        this.hooks = hooks;
        this.engine = engine;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/connectors", this::listConnectors);
        config.routes.get("/v1/endpoints", this::listEndpoints);
        config.routes.get("/v1/endpoints/{e}", this::getEndpoint);
        config.routes.put("/v1/endpoints/{e}", this::putEndpoint);
        config.routes.delete("/v1/endpoints/{e}", this::deleteEndpoint);
        config.routes.post("/v1/endpoints/{e}/trigger", this::trigger);
        config.routes.post("/v1/endpoints/{e}/test", this::testEndpoint);
        config.routes.post("/v1/endpoints/{e}/deletions", this::reportDeletions);
        config.routes.get("/v1/links", this::listLinks);
        config.routes.get("/v1/links/{l}", this::getLink);
        config.routes.put("/v1/links/{l}", this::putLink);
        config.routes.delete("/v1/links/{l}", this::deleteLink);
        config.routes.post("/v1/links/{l}/runs", this::startRun);
        config.routes.post("/v1/links/{l}/resync", this::startResync);
        config.routes.post("/v1/links/{l}/pause", this::pauseLink);
        config.routes.post("/v1/links/{l}/resume", this::resumeLink);
        config.routes.get("/v1/runs", this::listRuns);
        config.routes.get("/v1/runs/{r}", this::getRun);
        config.routes.post("/v1/runs/{r}/cancel", this::cancelRun);
        // An event stream's status is sent before its handler runs: check scope and existence
        // first, so a refused or unknown stream answers 403/404 instead of 200 with an error.
        config.routes.before("/v1/runs/{r}/events", ctx -> {
            admin(ctx);
            existingRun(ctx.pathParam("r"));
        });
        config.routes.sse("/v1/runs/{r}/events", this::runEvents);
        config.routes.get("/v1/nodes", this::listNodes);
        config.routes.get("/v1/conflicts", this::listConflicts);
        config.routes.get("/v1/conflicts/{id}", this::getConflict);
        config.routes.post("/v1/conflicts/{id}/resolve", this::resolve);
    }

    private static void admin(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
    }

    private JsonNode body(Context ctx) {
        return Json.readObject(Json.readBody(ctx, maxBodyBytes));
    }

    // ---- connector types

    /** Every connector type with its declared settings: what an endpoint form asks for. */
    private void listConnectors(Context ctx) {
        admin(ctx);
        List<ObjectNode> items = new ArrayList<>();
        for (dev.tributary.connector.ConnectorProvider provider : engine.registry().providers()) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("kind", "tributary#connector");
            json.put("name", provider.name());
            json.put("description", provider.description());
            var settings = json.putArray("settings");
            for (dev.tributary.connector.config.ConfigKey key : provider.create().configDef().keys()) {
                ObjectNode setting = settings.addObject();
                setting.put("name", key.name());
                setting.put("type", key.type().name().toLowerCase(java.util.Locale.ROOT));
                setting.put("required", key.required() && key.defaultValue() == null);
                setting.put("secret", key.secret());
                if (key.defaultValue() != null && !key.secret()) {
                    setting.putPOJO("default", key.defaultValue());
                }
                setting.put("description", key.description());
            }
            items.add(json);
        }
        respondList(ctx, "tributary#connectors", items);
    }

    // ---- endpoints

    private void listEndpoints(Context ctx) {
        admin(ctx);
        List<ObjectNode> items = engine.endpoints().stream()
                .map(e -> Definitions.toJson(e, engine.registry(), false)).toList();
        respondList(ctx, "tributary#endpoints", items);
    }

    private void getEndpoint(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("e");
        Definitions.Endpoint endpoint = engine.endpoint(name)
                .orElseThrow(() -> ApiException.notFound("endpoint '" + name + "' does not exist"));
        respond(ctx, 200, Definitions.toJson(endpoint, engine.registry(), false));
    }

    private void putEndpoint(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("e");
        JsonNode body = body(ctx);
        Runnable afterSave = null;
        if (body instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            // The definition is checked first (a bad one must not reach a hook — an ESA adapter
            // with a new helper secret), then the hooks run: if one refuses, nothing is stored.
            engine.checkEndpoint(name, body);
            afterSave = hooks.beforeSave(name, object, engine.endpoint(name).isPresent());
        }
        boolean created = engine.putEndpoint(name, body);
        if (afterSave != null) {
            afterSave.run();
        }
        ObjectNode answer = Definitions.toJson(engine.endpoint(name).orElseThrow(), engine.registry(), false);
        if (!"false".equals(ctx.queryParam("test"))) {
            // Saved either way; the answer says whether the hub can reach it with these settings.
            answer.set("test", testJson(engine.testEndpoint(name)));
        }
        respond(ctx, created ? 201 : 200, answer);
    }

    private static ObjectNode testJson(String failure) {
        ObjectNode test = Json.MAPPER.createObjectNode();
        test.put("ok", failure == null);
        if (failure != null) {
            test.put("error", failure);
        }
        return test;
    }

    private void testEndpoint(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("e");
        ObjectNode answer = testJson(engine.testEndpoint(name));
        answer.put("kind", "tributary#endpointTest");
        answer.put("endpoint", name);
        respond(ctx, 200, answer);
    }

    private void deleteEndpoint(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("e");
        if (!engine.deleteEndpoint(name)) {
            throw ApiException.notFound("endpoint '" + name + "' does not exist");
        }
        hooks.deleted(name);
        ctx.status(204);
    }

    private static void requireTrigger(Context ctx, String endpoint) {
        Principal principal = Authenticator.principal(ctx);
        if (!principal.has(Scope.trigger(endpoint))) {
            principal.require(Scope.ADMIN);
        }
    }

    private void trigger(Context ctx) {
        String name = ctx.pathParam("e");
        requireTrigger(ctx, name);
        List<RunRecord> runs = engine.trigger(name);
        List<ObjectNode> items = new ArrayList<>();
        runs.forEach(run -> items.add(runJson(run)));
        ctx.status(202);
        respondList(ctx, 202, "tributary#runs", items);
    }

    private void reportDeletions(Context ctx) {
        String name = ctx.pathParam("e");
        requireTrigger(ctx, name);
        JsonNode body = body(ctx);
        JsonNode objectClass = body.get("objectClass");
        JsonNode uids = body.get("uids");
        if (objectClass == null || !objectClass.isTextual() || uids == null || !uids.isArray() || uids.isEmpty()
                || uids.size() > 10_000) {
            throw ApiException.badRequest("send {\"objectClass\": \"…\", \"uids\": [\"…\", …]} with 1 to 10000 uids");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode uid : uids) {
            if (!uid.isTextual() || uid.textValue().isBlank()) {
                throw ApiException.badRequest("every uid must be a non-empty string");
            }
            list.add(uid.textValue());
        }
        try {
            engine.reportDeletions(name, objectClass.textValue(), list);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ctx.status(202);
    }

    // ---- nodes

    private void listNodes(Context ctx) {
        admin(ctx);
        List<ObjectNode> items = engine.nodes().stream().map(node -> {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("id", node.id());
            json.put("name", node.name());
            json.put("self", node.self());
            json.put("live", node.live());
            json.put("startedAt", node.startedAt().toString());
            json.put("heartbeatAt", node.heartbeatAt().toString());
            if (node.stoppedAt() != null) {
                json.put("stoppedAt", node.stoppedAt().toString());
            }
            var leases = json.putArray("leases");
            node.leases().forEach(lease -> leases.addObject().put("name", lease.name()).put("fence", lease.fence())
                    .put("expiresAt", lease.expiresAt().toString()));
            return json;
        }).toList();
        respondList(ctx, "tributary#nodes", items);
    }

    // ---- links

    private void listLinks(Context ctx) {
        admin(ctx);
        respondList(ctx, "tributary#links", engine.links().stream().map(this::linkJson).toList());
    }

    private ObjectNode linkJson(Definitions.Link link) {
        ObjectNode json = Definitions.toJson(link);
        engine.linkState(link.name()).ifPresent(state -> {
            ObjectNode sync = json.putObject("state");
            sync.put("outboundCheckpoint", state.outboundCheckpoint());
            sync.put("hasInboundToken", state.inboundToken() != null);
            sync.put("paused", state.pausedAt() != null);
            if (state.pausedAt() != null) {
                sync.put("pausedAt", state.pausedAt().toString());
            }
            if (state.nextRunAt() != null) {
                sync.put("nextRunAt", state.nextRunAt().toString());
            }
            engine.activity(link.name()).ifPresent(activity -> {
                sync.put("status", activity.status());
                if (activity.error() != null) {
                    sync.put("lastError", activity.error());
                }
                if (activity.run() != null) {
                    sync.put("run", activity.run());
                }
            });
        });
        engine.lag(link.name()).ifPresent(lag -> {
            ObjectNode behind = json.putObject("lag");
            lagJson(behind, "inbound", lag.inbound());
            lagJson(behind, "outbound", lag.outbound());
        });
        return json;
    }

    private static void lagJson(ObjectNode lag, String direction, SyncEngine.Behind behind) {
        if (behind == null) {
            return;
        }
        ObjectNode json = lag.putObject(direction);
        json.put("seconds", behind.seconds());
        if (behind.changes() == null) {
            json.putNull("changes");
        } else {
            json.put("changes", behind.changes());
        }
    }

    private void getLink(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("l");
        Definitions.Link link = engine.link(name).orElseThrow(() -> ApiException.notFound("link '" + name + "' does not exist"));
        respond(ctx, 200, linkJson(link));
    }

    private void putLink(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("l");
        boolean created = engine.putLink(name, body(ctx));
        respond(ctx, created ? 201 : 200, linkJson(engine.link(name).orElseThrow()));
    }

    private void pauseLink(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("l");
        engine.pause(name);
        respond(ctx, 200, linkJson(engine.link(name).orElseThrow()));
    }

    private void resumeLink(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("l");
        engine.resume(name);
        respond(ctx, 200, linkJson(engine.link(name).orElseThrow()));
    }

    private void deleteLink(Context ctx) {
        admin(ctx);
        String name = ctx.pathParam("l");
        if (!engine.deleteLink(name)) {
            throw ApiException.notFound("link '" + name + "' does not exist");
        }
        ctx.status(204);
    }

    // ---- runs

    private void startRun(Context ctx) {
        admin(ctx);
        RunRecord run = engine.startRun(ctx.pathParam("l"), RunMode.MANUAL);
        ctx.header("Location", "/v1/runs/" + run.id());
        respond(ctx, 202, runJson(run));
    }

    private void startResync(Context ctx) {
        admin(ctx);
        RunRecord run = engine.startResync(ctx.pathParam("l"));
        ctx.header("Location", "/v1/runs/" + run.id());
        respond(ctx, 202, runJson(run));
    }

    private void listRuns(Context ctx) {
        admin(ctx);
        String state = ctx.queryParam("state");
        if (state != null && !RUN_STATES.contains(state)) {
            throw ApiException.badRequest("state must be one of " + RUN_STATES);
        }
        int limit = limit(ctx);
        respondList(ctx, "tributary#runs", engine.runs(ctx.queryParam("link"), state, limit).stream().map(AdminApi::runJson).toList());
    }

    private static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return 100;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= 1000) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("limit must be a whole number from 1 to 1000");
    }

    private RunRecord existingRun(String id) {
        return engine.run(id).orElseThrow(() -> ApiException.notFound("run '" + id + "' does not exist"));
    }

    private void getRun(Context ctx) {
        admin(ctx);
        respond(ctx, 200, runJson(existingRun(ctx.pathParam("r"))));
    }

    private void cancelRun(Context ctx) {
        admin(ctx);
        RunRecord run = existingRun(ctx.pathParam("r"));
        if (!engine.cancel(run.id())) {
            throw ApiException.conflict("run " + run.id() + " is not active on this hub (state " + run.state() + ")");
        }
        respond(ctx, 202, runJson(existingRun(run.id())));
    }

    /**
     * Streams a run's events: its current state at once, then every change until it ends. Events
     * go out one at a time and in order: the current state is sent only if no event came first
     * (the run thread may report before it is read), and nothing after the end.
     */
    private void runEvents(SseClient client) {
        Context ctx = client.ctx();
        admin(ctx);
        String id = ctx.pathParam("r");
        RunRecord run = existingRun(id);
        AtomicReference<AutoCloseable> subscription = new AtomicReference<>();
        Object order = new Object();
        boolean[] sent = new boolean[2]; // [0]: an event went out; [1]: the end went out
        client.keepAlive();
        client.onClose(() -> closeQuietly(subscription.get()));
        subscription.set(engine.subscribe(id, event -> {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("id", event.runId());
            json.put("link", event.link());
            json.put("state", event.state().label());
            json.put("phase", event.phase());
            json.put("progress", event.progress());
            json.set("stats", event.stats().toJson());
            if (event.error() != null) {
                json.put("error", event.error());
            }
            synchronized (order) {
                if (sent[1]) {
                    return;
                }
                sent[0] = true;
                sent[1] = event.state().finished();
                client.sendEvent(sent[1] ? "end" : "progress", json.toString());
            }
            if (event.state().finished()) {
                client.close();
            }
        }));
        RunRecord now = engine.run(id).orElse(run);
        synchronized (order) {
            if (sent[0]) {
                return; // the run reported already: its events are newer than what was read
            }
            sent[0] = true;
            sent[1] = isFinished(now);
            client.sendEvent(sent[1] ? "end" : "progress", runJson(now).toString());
        }
        if (isFinished(now)) {
            client.close();
        }
    }

    private static boolean isFinished(RunRecord run) {
        return Set.of("succeeded", "failed", "cancelled").contains(run.state());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // the listener is gone either way
        }
    }

    static ObjectNode runJson(RunRecord run) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("kind", "tributary#run");
        json.put("id", run.id());
        json.put("link", run.link());
        json.put("mode", run.mode());
        json.put("state", run.state());
        json.put("phase", run.phase());
        json.put("progress", run.progress());
        try {
            json.set("stats", Json.MAPPER.readTree(run.stats()));
        } catch (IOException e) {
            json.putObject("stats");
        }
        json.put("error", run.error());
        putTime(json, "created", run.createdAt());
        putTime(json, "started", run.startedAt());
        putTime(json, "finished", run.finishedAt());
        return json;
    }

    private static void putTime(ObjectNode json, String field, Instant time) {
        if (time != null) {
            json.put(field, time.toString());
        }
    }

    // ---- conflicts

    private void listConflicts(Context ctx) {
        admin(ctx);
        String state = ctx.queryParam("state") == null ? ConflictState.OPEN.label() : ctx.queryParam("state");
        ConflictState wanted = ConflictState.parse(state);
        if (wanted == null && !state.equals("all")) {
            throw ApiException.badRequest("state must be open (the default), resolved, rejected or all");
        }
        respondList(ctx, "tributary#conflicts", engine.conflicts(wanted,
                ctx.queryParam("link"), limit(ctx)).stream().map(AdminApi::conflictJson).toList());
    }

    private void getConflict(Context ctx) {
        admin(ctx);
        String id = ctx.pathParam("id");
        respond(ctx, 200, conflictJson(engine.conflict(id)
                .orElseThrow(() -> ApiException.notFound("conflict '" + id + "' does not exist"))));
    }

    private void resolve(Context ctx) {
        admin(ctx);
        JsonNode body = body(ctx);
        JsonNode take = body.get("take");
        JsonNode data = body.get("data");
        if (take == null || !take.isTextual()) {
            throw ApiException.badRequest("send {\"take\": \"hub\" | \"endpoint\" | \"merged\", \"data\": {…} (for merged)}");
        }
        if (data != null && !data.isObject()) {
            throw ApiException.badRequest("\"data\" must be an object");
        }
        respond(ctx, 200, conflictJson(engine.resolve(ctx.pathParam("id"), take.textValue(), (ObjectNode) data)));
    }

    static ObjectNode conflictJson(ConflictRecord conflict) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("kind", "tributary#conflict");
        json.put("id", conflict.id());
        json.put("link", conflict.link());
        json.put("recordId", conflict.recordId());
        json.put("uid", conflict.uid());
        json.put("state", conflict.state().label());
        json.put("policy", conflict.policy());
        json.put("decision", conflict.decision());
        json.set("hub", parse(conflict.hubData()));
        json.set("endpoint", parse(conflict.endpointData()));
        json.set("base", parse(conflict.baseData()));
        json.put("endpointVersion", conflict.endpointVersion());
        json.put("detail", conflict.detail());
        putTime(json, "created", conflict.createdAt());
        putTime(json, "resolved", conflict.resolvedAt());
        return json;
    }

    private static JsonNode parse(String data) {
        try {
            return data == null ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(data);
        }
    }

    // ---- responses

    private static void respond(Context ctx, int status, JsonNode body) {
        Json.respond(ctx, status, json -> Json.MAPPER.writeTree(json, body));
    }

    private static void respondList(Context ctx, String kind, List<? extends JsonNode> items) {
        respondList(ctx, 200, kind, items);
    }

    private static void respondList(Context ctx, int status, String kind, List<? extends JsonNode> items) {
        Json.respond(ctx, status, json -> {
            json.writeStartObject();
            json.writeStringField("kind", kind);
            json.writeArrayFieldStart("items");
            for (JsonNode item : items) {
                Json.MAPPER.writeTree(json, item);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }
}
