package dev.tributary.server.changes;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tributary.engine.watch.WatchService;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.WatchChannels.Channel;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Watch channels over HTTP, as Google Calendar's: {@code POST /v1/collections/{c}/watch} opens one
 * (scope read of the collection), {@code POST /v1/channels/stop} stops one (its opener or an
 * admin), {@code GET /v1/channels} lists them (an admin all, others their own). The rules live in
 * {@link WatchService}.
 */
public final class WatchApi {

    private final WatchService watches;
    private final long maxBodyBytes;
    private final Supplier<String> baseUrl;

    public WatchApi(WatchService watches, long maxBodyBytes, Supplier<String> baseUrl) {
        this.watches = watches;
        this.maxBodyBytes = Math.min(maxBodyBytes, 64 * 1024);
        this.baseUrl = baseUrl;
    }

    /** Adds the routes. */
    public void register(JavalinConfig config) {
        config.routes.post("/v1/collections/{c}/watch", this::watch);
        config.routes.post("/v1/channels/stop", this::stop);
        config.routes.get("/v1/channels", this::list);
    }

    private void watch(Context ctx) {
        String collection = RecordsApi.collectionName(ctx);
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.read(collection));
        Channel channel = watches.open(collection, Json.readObject(Json.readBody(ctx, maxBodyBytes)), principal.tokenId(),
                baseUrl.get() + "/v1/collections/" + collection + "/records");
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#channel");
            json.writeStringField("id", channel.id());
            json.writeStringField("resourceId", channel.resourceId());
            json.writeStringField("resourceUri", channel.resourceUri());
            if (channel.token() != null) {
                json.writeStringField("token", channel.token());
            }
            json.writeStringField("expiration", Long.toString(channel.expiration().toEpochMilli()));
            if (channel.signingSecret() != null) {
                // Shown this once: notifications are signed with it (Standard Webhooks).
                json.writeStringField("secret", channel.signingSecret());
            }
            json.writeEndObject();
        });
    }

    private void stop(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        var body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        String id = body.path("id").isTextual() ? body.get("id").asText() : null;
        String resourceId = body.path("resourceId").isTextual() ? body.get("resourceId").asText() : null;
        if (id == null || resourceId == null) {
            throw ApiException.badRequest("send {\"id\": \"…\", \"resourceId\": \"…\"} as the channel was opened with");
        }
        boolean admin = principal.has(Scope.ADMIN);
        if (!watches.stop(id, resourceId, channel -> admin || principal.tokenId().equals(channel.createdBy()))) {
            throw ApiException.notFound("no channel '" + id + "' with that resourceId (that this token opened)");
        }
        ctx.status(204);
    }

    private void list(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        var channels = watches.list(principal.has(Scope.ADMIN) ? null : principal.tokenId());
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#channels");
            json.writeArrayFieldStart("items");
            for (Channel channel : channels) {
                write(json, channel);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void write(JsonGenerator json, Channel channel) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "tributary#channel");
        json.writeStringField("id", channel.id());
        json.writeStringField("resourceId", channel.resourceId());
        json.writeStringField("resourceUri", channel.resourceUri());
        json.writeStringField("collection", channel.collection());
        json.writeStringField("address", channel.address());
        json.writeStringField("expiration", Long.toString(channel.expiration().toEpochMilli()));
        json.writeStringField("state", channel.state().name().toLowerCase(java.util.Locale.ROOT));
        json.writeBooleanField("signed", channel.signingSecret() != null);
        if (channel.reason() != null) {
            json.writeStringField("reason", channel.reason());
        }
        json.writeNumberField("messagesDelivered", channel.delivered());
        instant(json, "lastDeliveredAt", channel.lastDeliveredAt());
        if (channel.pending() != null) {
            json.writeObjectFieldStart("pending");
            json.writeStringField("resourceState", channel.pending().header());
            json.writeNumberField("messageNumber", channel.pendingNumber());
            json.writeNumberField("failedAttempts", channel.attempts());
            instant(json, "nextAttemptAt", channel.nextAttemptAt());
            json.writeEndObject();
        }
        if (channel.lastError() != null) {
            json.writeStringField("lastError", channel.lastError());
        }
        instant(json, "createdAt", channel.createdAt());
        json.writeEndObject();
    }

    private static void instant(JsonGenerator json, String field, Instant value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value.toString());
        }
    }
}
