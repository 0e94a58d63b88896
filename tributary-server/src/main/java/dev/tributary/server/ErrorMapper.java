package dev.tributary.server;

import dev.tributary.store.StoreException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP answers, always with the body
 * {@code {"error": {"code": …, "reason": "…", "message": "…"}}}.
 */
final class ErrorMapper {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "badRequest"), Map.entry(401, "unauthorized"),
            Map.entry(403, "forbidden"), Map.entry(404, "notFound"),
            Map.entry(405, "methodNotAllowed"), Map.entry(409, "conflict"),
            Map.entry(410, "fullSyncRequired"), Map.entry(412, "conditionNotMet"),
            Map.entry(413, "payloadTooLarge"), Map.entry(414, "uriTooLong"), Map.entry(415, "unsupportedMediaType"),
            Map.entry(431, "headersTooLarge"), Map.entry(500, "internalError"), Map.entry(503, "unavailable"));

    /** The reason word of an HTTP status in error answers. */
    static String reason(int status) {
        return REASONS.getOrDefault(status, status >= 500 ? "internalError" : "badRequest");
    }

    private final Consumer<ApiException> rejected;

    ErrorMapper(Consumer<ApiException> rejected) {
        this.rejected = rejected;
    }

    void register(JavalinConfig config) {
        config.routes.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() >= 0) {
                ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            }
            write(ctx, e);
        });
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            String message = status == 404 ? "no such endpoint: " + ctx.method() + " " + ctx.path()
                    : status == 405 ? "method " + ctx.method() + " is not allowed on " + ctx.path()
                    : e.getMessage();
            write(ctx, new ApiException(status, REASONS.getOrDefault(status, "error"), message));
        });
        config.routes.exception(dev.tributary.engine.InvalidDefinitionException.class, (e, ctx) -> write(ctx,
                new ApiException(400, "badRequest", e.getMessage(), e.problems())));
        config.routes.exception(dev.tributary.engine.NotFoundException.class, (e, ctx) ->
                write(ctx, ApiException.notFound(e.getMessage())));
        config.routes.exception(dev.tributary.engine.RunNotAllowedException.class, (e, ctx) ->
                write(ctx, ApiException.forbidden(e.getMessage())));
        config.routes.exception(dev.tributary.store.Runs.AlreadyActiveException.class, (e, ctx) ->
                write(ctx, ApiException.conflict(e.getMessage())));
        config.routes.exception(dev.tributary.engine.EngineException.class, (e, ctx) ->
                write(ctx, ApiException.conflict(e.getMessage())));
        config.routes.exception(StoreException.class, (e, ctx) -> {
            if (e.retryable()) {
                LOG.warn("store unavailable for {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                write(ctx, new ApiException(503, "unavailable",
                        "the store is temporarily unavailable; retry shortly"));
            } else {
                LOG.error("store failure for {} {}", ctx.method(), ctx.path(), e);
                write(ctx, new ApiException(500, "internalError",
                        "the hub failed to complete the request; see its log"));
            }
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure for {} {}", ctx.method(), ctx.path(), e);
            write(ctx, new ApiException(500, "internalError",
                    "the hub failed to complete the request; see its log"));
        });
    }

    void write(Context ctx, ApiException e) {
        if (e.status() < 500) {
            rejected.accept(e);
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tributary\"");
        }
        if (e.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        Json.respond(ctx, e.status(), json -> {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeNumberField("code", e.status());
            json.writeStringField("reason", e.reason());
            json.writeStringField("message", e.getMessage());
            if (!e.problems().isEmpty()) {
                json.writeArrayFieldStart("problems");
                for (String problem : e.problems()) {
                    json.writeString(problem);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }
}
