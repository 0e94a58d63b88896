package dev.tributary.server.sdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.config.Secret;
import dev.tributary.engine.Direction;
import dev.tributary.engine.LinkKind;
import dev.tributary.engine.sdata.SDataLinkKind;
import dev.tributary.engine.RunMode;
import dev.tributary.engine.SyncEngine;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Runs;
import dev.tributary.store.SDataResources;
import dev.tributary.store.Store;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of SData links (define, list, delete, run now). The links themselves run in the sync
 * engine as an {@link SDataLinkKind}, like every link: one run per link at a time, on request or
 * every {@code every} (the engine's scheduler; a link's next turn follows from its last run, so a
 * restart keeps the rhythm), retried, cancellable, recorded under the link name
 * {@code sdata:<name>} with state, phase, progress and stats, and measured.
 */
public final class SDataLinks {

    private static final Logger LOG = LoggerFactory.getLogger(SDataLinks.class);
    private static final String NAME = "[A-Za-z][A-Za-z0-9_-]{0,63}";

    private final Store store;
    private final SyncEngine engine;
    private final long maxBodyBytes;
    private final LinkKind kind;

    public SDataLinks(Store store, SyncEngine engine, long maxBodyBytes, SDataProvider provider) {
        this.store = store;
        this.engine = engine;
        this.maxBodyBytes = maxBodyBytes;
        this.kind = new SDataLinkKind(store, provider::local);
    }

    /** The engine's kind for these links; registered by the hub server. */
    public LinkKind kind() {
        return kind;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/sdata/links", this::list);
        config.routes.get("/v1/sdata/links/{name}", this::get);
        config.routes.put("/v1/sdata/links/{name}", this::put);
        config.routes.delete("/v1/sdata/links/{name}", this::delete);
        config.routes.post("/v1/sdata/links/{name}/runs", this::start);
    }

    private static ObjectNode json(SDataResources.Link link) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("name", link.name()).put("resource", link.resource())
                .put("direction", link.direction());
        if (link.every() != null) {
            node.put("every", link.every().toString());
        }
        ObjectNode remote = node.putObject("remote").put("url", link.remoteUrl());
        if (link.remoteToken() != null) {
            remote.put("token", Secret.MASK);
        }
        return node;
    }

    private SDataResources.Link link(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        String name = ctx.pathParam("name");
        return store.sdata().link(name).orElseThrow(() -> ApiException.notFound("no SData link '" + name + "'"));
    }

    private void list(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        ObjectNode body = Json.MAPPER.createObjectNode().put("kind", "tributary#sdataLinks");
        store.sdata().links().forEach(l -> body.withArray("items").add(json(l)));
        Json.respond(ctx, 200, json -> Json.MAPPER.writeTree(json, body));
    }

    private void get(Context ctx) {
        ObjectNode body = json(link(ctx));
        Json.respond(ctx, 200, json -> Json.MAPPER.writeTree(json, body));
    }

    private void put(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        String name = ctx.pathParam("name");
        ObjectNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        List<String> problems = new ArrayList<>();
        if (!name.matches(NAME)) {
            problems.add("the link name must be letters, digits, _ and - (up to 64), starting with a letter");
        }
        String resource = body.path("resource").asText("");
        if (store.sdata().get(resource).isEmpty()) {
            problems.add("'resource' must name one of this hub's SData resource kinds, not '" + resource + "'");
        }
        JsonNode remote = body.path("remote");
        String url = remote.path("url").asText("");
        if (!url.matches("https?://[^\\s]+/sdata/[^/\\s]+/[^/\\s]+/-/[^/\\s]+")) {
            problems.add("'remote.url' must be a resource kind's URL, http(s)://host/sdata/{app}/{contract}/-/{resource}");
        }
        String direction = body.path("direction").asText("both");
        if (Direction.parse(direction) == null) {
            problems.add("'direction' must be in, out or both, not '" + direction + "'");
        }
        Duration every = null;
        if (body.has("every") && !body.get("every").isNull()) {
            try {
                every = Duration.parse(body.get("every").asText());
                if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                    problems.add("'every' must be at least PT1S");
                }
            } catch (java.time.format.DateTimeParseException e) {
                problems.add("'every' must be an ISO-8601 duration such as PT5M, not '" + body.get("every").asText() + "'");
            }
        }
        String token = remote.path("token").isTextual() ? remote.get("token").asText() : null;
        if (Secret.MASK.equals(token)) {
            // The mask keeps the stored token — only while it still goes to the same provider.
            var stored = store.sdata().link(name);
            if (stored.isPresent() && !stored.get().remoteUrl().equals(remote.path("url").asText())) {
                problems.add("'remote.token' must be sent again: the stored token is only kept while 'remote.url' is unchanged");
            }
            token = stored.map(SDataResources.Link::remoteToken).orElse(null);
        }
        for (java.util.Iterator<String> fields = body.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!List.of("resource", "remote", "direction", "every").contains(field)) {
                problems.add("unknown field '" + field + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "badRequest", "the SData link is not valid", problems);
        }
        boolean created = store.sdata().putLink(new SDataResources.Link(name, resource, url, token, direction, every));
        engine.rescheduled(kind, name);
        ObjectNode shown = json(store.sdata().link(name).orElseThrow());
        Json.respond(ctx, created ? 201 : 200, json -> Json.MAPPER.writeTree(json, shown));
    }

    private void delete(Context ctx) {
        SDataResources.Link link = link(ctx);
        store.sdata().deleteLink(link.name());
        ctx.status(204);
    }

    private void start(Context ctx) {
        SDataResources.Link link = link(ctx);
        RunRecord run;
        try {
            run = engine.startRun(kind, link.name(), RunMode.MANUAL);
        } catch (Runs.AlreadyActiveException e) {
            throw ApiException.conflict("SData link '" + link.name() + "' is already running");
        }
        ObjectNode body = Json.MAPPER.createObjectNode().put("kind", "tributary#run").put("id", run.id())
                .put("link", run.link()).put("state", run.state());
        ctx.header("Location", "/v1/runs/" + run.id());
        Json.respond(ctx, 202, json -> Json.MAPPER.writeTree(json, body));
    }
}
