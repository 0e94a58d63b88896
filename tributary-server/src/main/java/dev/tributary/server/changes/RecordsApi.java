package dev.tributary.server.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.AppliedWrite;
import dev.tributary.store.ChangeLog;
import dev.tributary.store.CollectionCatalog;
import dev.tributary.store.CollectionInfo;
import dev.tributary.store.CollectionNotFoundException;
import dev.tributary.store.RecordIds;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.Store;
import dev.tributary.store.StoredRecord;
import dev.tributary.store.WriteRejectedException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collections and records over HTTP: CRUD with ETag preconditions, atomic batches, and the
 * listing and incremental sync of {@link ChangeFeed}.
 */
public final class RecordsApi {

    private static final String RECORD = "/v1/collections/{c}/records/{id}";

    private final Store store;
    private final ChangeFeed feed;
    private final long maxBodyBytes;
    private final Function<String, List<String>> usersOf;

    /** Wakes long-polls and change streams; removed when the server closes (the store may outlive it). */
    private final java.util.function.Consumer<String> wake;

    /** Stops hearing the store's wake-ups. */
    public void close() {
        store.removeWakeListener(wake);
    }

    /** The node is stopping: long-polls answer now, change streams end telling their readers to reconnect. */
    public void drain() {
        feed.drain();
    }

    /**
     * @param usersOf what uses a collection (links, object services, SData resources), described
     *     for an error message; a collection in use cannot be deleted
     * @param workers where woken long-polls and change streams read: the engine's request workers
     */
    public RecordsApi(Store store, long maxBodyBytes, Function<String, List<String>> usersOf,
            java.util.concurrent.Executor workers) {
        this.store = store;
        FeedWaiters waiters = new FeedWaiters();
        this.feed = new ChangeFeed(store, waiters, workers);
        this.wake = collection -> {
            feed.woken();
            waiters.wake(collection);
            feed.wakeStreams(collection);
        };
        store.addWakeListener(wake);
        this.maxBodyBytes = maxBodyBytes;
        this.usersOf = usersOf;
    }

    /** Adds this API's routes. */
    public void register(JavalinConfig config) {
        config.routes.get("/v1/collections", this::listCollections);
        config.routes.get("/v1/collections/{c}", this::getCollection);
        config.routes.put("/v1/collections/{c}", this::putCollection);
        config.routes.delete("/v1/collections/{c}", this::deleteCollection);
        config.routes.get("/v1/collections/{c}/records", feed::list);
        config.routes.before("/v1/collections/{c}/changes", feed::checkStream);
        config.routes.sse("/v1/collections/{c}/changes", feed::stream);
        config.routes.post("/v1/collections/{c}/records", this::create);
        config.routes.get(RECORD, this::get);
        config.routes.put(RECORD, this::put);
        config.routes.delete(RECORD, this::delete);
        config.routes.post("/v1/collections/{c}/batch", this::batch);
    }

    // ---- collections

    private void listCollections(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        List<CollectionInfo> visible = store.collections().list().stream()
                .filter(c -> principal.has(Scope.read(c.name())) || principal.has(Scope.write(c.name())))
                .toList();
        String countsParam = ctx.queryParam("counts");
        if (countsParam != null && !countsParam.equals("true") && !countsParam.equals("false")) {
            throw ApiException.badRequest("counts must be true or false");
        }
        boolean counts = "true".equals(countsParam);
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#collections");
            json.writeArrayFieldStart("items");
            for (CollectionInfo collection : visible) {
                writeCollection(json, collection, false,
                        counts ? store.collections().counts(collection, Duration.ofHours(1)) : null);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void getCollection(Context ctx) {
        String name = collectionName(ctx);
        Principal principal = Authenticator.principal(ctx);
        if (!principal.has(Scope.read(name)) && !principal.has(Scope.write(name))) {
            principal.require(Scope.read(name));
        }
        CollectionInfo collection = existing(name);
        Json.respond(ctx, 200, json -> writeCollection(json, collection, true, null));
    }

    private void putCollection(Context ctx) {
        String name = collectionName(ctx);
        Authenticator.principal(ctx).require(Scope.ADMIN);
        byte[] body = Json.readBody(ctx, maxBodyBytes);
        Duration retention = null;
        if (body.length > 0) {
            ObjectNode settings = Json.readObject(body);
            for (var names = settings.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!field.equals("retentionDays") && !field.equals("name") && !field.equals("kind")) {
                    throw ApiException.badRequest("unknown collection setting '" + field
                            + "'; the only setting is retentionDays");
                }
            }
            JsonNode days = settings.get("retentionDays");
            if (days != null) {
                if (!days.canConvertToExactIntegral() || days.asLong() < 1
                        || days.asLong() > CollectionCatalog.MAX_RETENTION.toDays()) {
                    throw ApiException.badRequest("retentionDays must be a whole number from 1 to "
                            + CollectionCatalog.MAX_RETENTION.toDays() + ", not " + days);
                }
                retention = Duration.ofDays(days.asLong());
            }
        }
        CollectionCatalog.PutResult result = store.collections().put(name, retention);
        Json.respond(ctx, result.created() ? 201 : 200,
                json -> writeCollection(json, result.collection(), true, null));
    }

    private void deleteCollection(Context ctx) {
        String name = collectionName(ctx);
        Authenticator.principal(ctx).require(Scope.ADMIN);
        if (ctx.path().endsWith("/")) {
            // A record path whose id a client normalized away ("records/..") arrives like this.
            throw ApiException.badRequest("to delete a collection, send DELETE /v1/collections/" + name
                    + " with no trailing slash");
        }
        List<String> users = usersOf.apply(name);
        if (!users.isEmpty() && store.collections().get(name).isPresent()) {
            throw new ApiException(409, "collectionInUse", "collection '" + name + "' is used by " + String.join(", ", users)
                    + "; change or delete those first, then delete the collection", users);
        }
        if (!store.collections().delete(name)) {
            throw ApiException.notFound("collection '" + name + "' does not exist");
        }
        ctx.status(204);
    }

    private static void writeCollection(com.fasterxml.jackson.core.JsonGenerator json,
            CollectionInfo collection, boolean withKind, dev.tributary.store.CollectionCatalog.Counts counts)
            throws java.io.IOException {
        json.writeStartObject();
        if (withKind) {
            json.writeStringField("kind", "tributary#collection");
        }
        json.writeStringField("name", collection.name());
        json.writeNumberField("retentionDays", collection.retention().toDays());
        json.writeStringField("created", collection.createdAt().toString());
        if (counts != null) {
            json.writeNumberField("records", counts.records());
            json.writeNumberField("changedLastHour", counts.changedSince());
        }
        json.writeEndObject();
    }

    // ---- records

    private void get(Context ctx) {
        String collection = collectionName(ctx);
        Authenticator.principal(ctx).require(Scope.read(collection));
        String id = recordId(ctx);
        StoredRecord record = live(collection, id);
        ctx.header("ETag", quote(record.etag()));
        Json.respond(ctx, 200, json -> RecordJson.write(json, record, false, "tributary#record"));
    }

    private void put(Context ctx) {
        String collection = collectionName(ctx);
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.write(collection));
        String id = recordId(ctx);
        String data = RecordJson.dataOf(Json.readObject(Json.readBody(ctx, maxBodyBytes)), id, "the body");
        String ifMatch = ifMatch(ctx);
        boolean ifNoneMatch = ifNoneMatch(ctx);
        if (ifMatch != null && ifNoneMatch) {
            throw ApiException.badRequest("send If-Match or If-None-Match, not both");
        }
        AppliedWrite applied = applyOne(collection,
                new RecordWrite(RecordWrite.Op.PUT, id, ifMatch, ifNoneMatch, data), principal);
        respondWritten(ctx, applied, applied.outcome() == AppliedWrite.Outcome.CREATED ? 201 : 200);
    }

    private void create(Context ctx) {
        String collection = collectionName(ctx);
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.write(collection));
        String data = RecordJson.dataOf(Json.readObject(Json.readBody(ctx, maxBodyBytes)), null, "the body");
        if (ctx.header("If-Match") != null) {
            throw ApiException.badRequest("If-Match makes no sense when creating a record with a new id");
        }
        String id = dev.tributary.store.RecordIds.newId();
        AppliedWrite applied = applyOne(collection,
                new RecordWrite(RecordWrite.Op.PUT, id, null, true, data), principal);
        ctx.header("Location", "/v1/collections/" + collection + "/records/" + id);
        respondWritten(ctx, applied, 201);
    }

    private void delete(Context ctx) {
        String collection = collectionName(ctx);
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.write(collection));
        String id = recordId(ctx);
        if (ctx.header("If-None-Match") != null) {
            throw ApiException.badRequest("If-None-Match makes no sense on DELETE");
        }
        applyOne(collection, new RecordWrite(RecordWrite.Op.DELETE, id, ifMatch(ctx), false, null), principal);
        ctx.status(204);
    }

    private void batch(Context ctx) {
        String collection = collectionName(ctx);
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.write(collection));
        ObjectNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("writes")) {
                throw ApiException.badRequest("unknown field '" + field + "'; a batch is {\"writes\": [...]}");
            }
        }
        JsonNode writesNode = body.get("writes");
        if (!(writesNode instanceof ArrayNode writes)) {
            throw ApiException.badRequest("a batch needs \"writes\": an array of writes");
        }
        if (writes.isEmpty() || writes.size() > ChangeLog.MAX_BATCH) {
            throw ApiException.badRequest("a batch holds 1 to " + ChangeLog.MAX_BATCH + " writes, not "
                    + writes.size());
        }
        List<RecordWrite> parsed = new ArrayList<>(writes.size());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < writes.size(); i++) {
            RecordWrite write = parseWrite(writes.get(i), "write " + i);
            if (!ids.add(write.id())) {
                throw ApiException.badRequest("write " + i + ": record '" + write.id()
                        + "' is already written earlier in this batch; send one write per record");
            }
            parsed.add(write);
        }
        List<AppliedWrite> applied;
        try {
            applied = store.changeLog().apply(collection, parsed, principal.origin());
        } catch (WriteRejectedException e) {
            throw rejected(e, "write " + e.index() + ": ", "; nothing in the batch was applied");
        } catch (CollectionNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        }
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#batchResult");
            json.writeArrayFieldStart("results");
            for (AppliedWrite write : applied) {
                json.writeStartObject();
                json.writeStringField("outcome", write.outcome().name().toLowerCase(java.util.Locale.ROOT));
                json.writeFieldName("record");
                RecordJson.write(json, write.record(), false, null);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static RecordWrite parseWrite(JsonNode node, String where) {
        if (!(node instanceof ObjectNode write)) {
            throw ApiException.badRequest(where + " must be an object, not " + Json.describe(node));
        }
        for (var names = write.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!List.of("op", "id", "ifMatch", "ifNoneMatch", "data").contains(field)) {
                throw ApiException.badRequest(where + " has an unknown field '" + field
                        + "'; a write has op, id, ifMatch, ifNoneMatch and data");
            }
        }
        String op = text(write, "op", where);
        String id = text(write, "id", where);
        if (!RecordIds.isValid(id)) {
            throw ApiException.badRequest(where + ": invalid record id; use 1 to "
                    + RecordIds.MAX_ID_LENGTH + " characters from A-Z a-z 0-9 . _ ~ : @ -, not only dots");
        }
        String ifMatch = write.has("ifMatch") ? stripQuotes(text(write, "ifMatch", where)) : null;
        boolean ifNoneMatch = false;
        if (write.has("ifNoneMatch")) {
            if (!"*".equals(text(write, "ifNoneMatch", where))) {
                throw ApiException.badRequest(where + ": ifNoneMatch can only be \"*\" (create only)");
            }
            ifNoneMatch = true;
        }
        switch (op) {
            case "put" -> {
                if (ifMatch != null && ifNoneMatch) {
                    throw ApiException.badRequest(where + ": give ifMatch or ifNoneMatch, not both");
                }
                ObjectNode envelope = Json.MAPPER.createObjectNode();
                if (write.has("data")) {
                    envelope.set("data", write.get("data"));
                }
                return new RecordWrite(RecordWrite.Op.PUT, id, ifMatch, ifNoneMatch,
                        RecordJson.dataOf(envelope, id, where));
            }
            case "delete" -> {
                if (write.has("data") || ifNoneMatch) {
                    throw ApiException.badRequest(where + ": a delete takes neither data nor ifNoneMatch");
                }
                return new RecordWrite(RecordWrite.Op.DELETE, id, ifMatch, false, null);
            }
            default -> throw ApiException.badRequest(where + ": op must be \"put\" or \"delete\", not \"" + op + "\"");
        }
    }

    private static String text(ObjectNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw ApiException.badRequest(where + ": \"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private AppliedWrite applyOne(String collection, RecordWrite write, Principal principal) {
        try {
            return store.changeLog().apply(collection, List.of(write), principal.origin()).get(0);
        } catch (WriteRejectedException e) {
            throw rejected(e, "", "");
        } catch (CollectionNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        }
    }

    private static ApiException rejected(WriteRejectedException e, String prefix, String suffix) {
        return e.reason() == WriteRejectedException.Reason.NOT_FOUND
                ? ApiException.notFound(prefix + e.getMessage() + suffix)
                : ApiException.conditionNotMet(prefix + e.getMessage() + suffix);
    }

    private static void respondWritten(Context ctx, AppliedWrite applied, int status) {
        ctx.header("ETag", quote(applied.record().etag()));
        Json.respond(ctx, status, json -> RecordJson.write(json, applied.record(), false, "tributary#record"));
    }

    private StoredRecord live(String collection, String id) {
        try {
            return store.changeLog().get(collection, id).filter(r -> !r.deleted())
                    .orElseThrow(() -> ApiException.notFound("record '" + id + "' does not exist in '"
                            + collection + "'"));
        } catch (CollectionNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        }
    }

    private CollectionInfo existing(String name) {
        return store.collections().get(name).orElseThrow(() -> ApiException.notFound(
                "collection '" + name + "' does not exist; create it with PUT /v1/collections/" + name));
    }

    static String collectionName(Context ctx) {
        String name = ctx.pathParam("c");
        if (!RecordIds.isValidCollection(name)) {
            throw ApiException.badRequest("invalid collection name; use 1 to 64 characters from "
                    + "A-Z a-z 0-9 _ -, starting with a letter or digit");
        }
        return name;
    }

    private static String recordId(Context ctx) {
        String id = ctx.pathParam("id");
        if (!RecordIds.isValid(id)) {
            throw ApiException.badRequest("invalid record id; use 1 to " + RecordIds.MAX_ID_LENGTH
                    + " characters from A-Z a-z 0-9 . _ ~ : @ -, not only dots");
        }
        return id;
    }

    private static String ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
        if (header == null) {
            return null;
        }
        if (header.contains(",")) {
            throw ApiException.badRequest("If-Match takes one etag (or *)");
        }
        return stripQuotes(header.strip());
    }

    private static boolean ifNoneMatch(Context ctx) {
        String header = ctx.header("If-None-Match");
        if (header == null) {
            return false;
        }
        if (!header.strip().equals("*")) {
            throw ApiException.badRequest("If-None-Match supports only * (create only) on writes");
        }
        return true;
    }

    private static String stripQuotes(String etag) {
        String value = etag.startsWith("W/") ? etag.substring(2) : etag;
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String quote(String etag) {
        return "\"" + etag + "\"";
    }
}
