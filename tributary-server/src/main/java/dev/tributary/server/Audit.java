package dev.tributary.server;

import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.store.AuditLog;
import dev.tributary.store.Store;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every successful administrative change in the store's audit log — who (the token),
 * what route, on what, with which answer — and serves the log at {@code GET /v1/audit} (admin).
 * Data traffic (records, batches, uploads, SData synchronization, the Helper API) is not audited:
 * the change log already says who changed each record.
 */
final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    /** The audited routes: every change of configuration, conflicts, runs. */
    static final List<String> ROUTES = List.of(
            "PUT /v1/collections/{c}", "DELETE /v1/collections/{c}",
            "PUT /v1/endpoints/{e}", "DELETE /v1/endpoints/{e}", "PUT /v1/endpoints/{e}/esa/parameters",
            "POST /v1/endpoints/{e}/trigger", "POST /v1/endpoints/{e}/deletions",
            "PUT /v1/links/{l}", "DELETE /v1/links/{l}", "POST /v1/links/{l}/runs", "POST /v1/links/{l}/resync", "POST /v1/runs/{r}/cancel",
            "POST /v1/conflicts/{id}/resolve", "POST /v1/tokens", "DELETE /v1/tokens/{id}",
            "PUT /v1/services/{svc}", "DELETE /v1/services/{svc}",
            "PUT /v1/sdata/resources/{resource}",
            "PUT /v1/sdata/links/{name}", "DELETE /v1/sdata/links/{name}", "POST /v1/sdata/links/{name}/runs");

    private record Route(String action, String method, Pattern path) {
    }

    private final Store store;
    private final List<Route> routes = new ArrayList<>();

    Audit(Store store) {
        this.store = store;
        for (String route : ROUTES) {
            String[] parts = route.split(" ", 2);
            routes.add(new Route(route, parts[0], Pattern.compile(parts[1].replaceAll("\\{[^}]+}", "[^/]+"))));
        }
    }

    void register(JavalinConfig config) {
        config.routes.after(this::record);
        config.routes.get("/v1/audit", this::list);
    }

    private void record(Context ctx) {
        int status = ctx.statusCode();
        if (status < 200 || status >= 300) {
            return;
        }
        String method = ctx.method().name();
        for (Route route : routes) {
            if (route.method().equals(method) && route.path().matcher(ctx.path()).matches()) {
                Principal principal = Authenticator.principalIfAny(ctx);
                String tokenId = principal == null ? null : principal.tokenId();
                String actor = tokenId == null ? "unknown"
                        : store.accessTokens().list().stream().filter(t -> t.id().equals(tokenId)).map(t -> t.name())
                                .findFirst().orElse(tokenId);
                try {
                    store.auditLog().record(tokenId, actor, route.action(), ctx.path(), status);
                } catch (RuntimeException e) {
                    // The change is made; losing its audit entry is logged loudly rather than failing the answer.
                    LOG.error("could not record {} {} by {} in the audit log", route.action(), ctx.path(), actor, e);
                }
                return;
            }
        }
    }

    private void list(Context ctx) {
        Authenticator.principal(ctx).require(dev.tributary.server.auth.Scope.ADMIN);
        int limit = 100;
        Long before = null;
        try {
            if (ctx.queryParam("limit") != null) {
                limit = Integer.parseInt(ctx.queryParam("limit"));
            }
            if (ctx.queryParam("before") != null) {
                before = Long.parseLong(ctx.queryParam("before"));
            }
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit and before are whole numbers");
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be from 1 to 1000");
        }
        int pageSize = limit;
        List<AuditLog.Entry> entries = store.auditLog().list(limit, before);
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#audit");
            json.writeArrayFieldStart("items");
            for (AuditLog.Entry entry : entries) {
                json.writeStartObject();
                json.writeNumberField("id", entry.id());
                json.writeStringField("at", entry.at().toString());
                json.writeStringField("tokenId", entry.tokenId());
                json.writeStringField("actor", entry.actor());
                json.writeStringField("action", entry.action());
                json.writeStringField("target", entry.target());
                json.writeNumberField("status", entry.status());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (entries.size() == pageSize) {
                json.writeStringField("next", "/v1/audit?limit=" + pageSize + "&before=" + entries.get(entries.size() - 1).id());
            }
            json.writeEndObject();
        });
    }
}
