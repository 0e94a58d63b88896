package dev.tributary.server.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.ConflictState;
import dev.tributary.store.AppliedWrite;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.Store;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import dev.tributary.store.UploadCache;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Object services for offline clients: their definitions, and uploads of the changes clients
 * made offline. Downloads use the change feed of each object's collection.
 *
 * <p>Implementation notes. An upload is a batch of changes, each applied atomically together
 * with its stored outcome, so a batch is never half-applied within a change. The batch normally
 * runs in one store transaction (it is much faster than one per change); if that transaction fails,
 * the changes are applied again one transaction each, so one failing change does not block the
 * others. Rejections and conflicts are outcomes, not failures. The
 * request id makes the whole request exactly-once: see {@link UploadCache}. Conflicts — a change
 * based on a version the hub has since replaced — are decided by the object's policy, and every
 * decision except under {@code none} is recorded with the other conflicts.
 */
public final class OfflineApi {

    /** Most changes in one upload. */
    public static final int MAX_CHANGES = 1000;
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OfflineApi.class);

    private final Store store;
    private final long maxBodyBytes;
    /** Writes JSON with object keys sorted, for digests. */
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Duration keepAnswers;
    private final Duration staleClaim;
    private final Map<String, ConflictResolver> resolvers = new TreeMap<>();

    public OfflineApi(Store store, long maxBodyBytes, Duration keepAnswers, Duration staleClaim) {
        this.store = store;
        this.maxBodyBytes = maxBodyBytes;
        this.keepAnswers = keepAnswers;
        this.staleClaim = staleClaim;
        for (ConflictResolver resolver : ServiceLoader.load(ConflictResolver.class)) {
            resolvers.put(resolver.name(), resolver);
        }
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/services", this::list);
        config.routes.get("/v1/services/{svc}", this::get);
        config.routes.put("/v1/services/{svc}", this::put);
        config.routes.delete("/v1/services/{svc}", this::delete);
        config.routes.post("/v1/services/{svc}/upload", this::upload);
    }

    private ObjectService load(String name) {
        ObjectService service = store.objectServices().get(name).map(entry -> {
            try {
                List<String> problems = new ArrayList<>();
                return ObjectService.parse(entry.name(), Json.MAPPER.readTree(entry.definition()), resolvers.keySet(), problems);
            } catch (IOException e) {
                throw new IllegalStateException("stored service " + name + " is unreadable", e);
            }
        }).orElse(null);
        if (service == null) {
            throw ApiException.notFound("object service '" + name + "' does not exist");
        }
        return service;
    }

    private static void requireRead(Principal principal, ObjectService service) {
        for (ObjectService.ObjectDefinition object : service.objects().values()) {
            principal.require(Scope.read(object.collection()));
        }
    }

    private void list(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        List<JsonNode> items = new ArrayList<>();
        for (var entry : store.objectServices().list()) {
            ObjectService service = load(entry.name());
            if (service.objects().values().stream().allMatch(o -> principal.has(Scope.read(o.collection())))) {
                items.add(service.toJson());
            }
        }
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#objectServices");
            json.writeArrayFieldStart("items");
            for (JsonNode item : items) {
                Json.MAPPER.writeTree(json, item);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void get(Context ctx) {
        ObjectService service = load(ctx.pathParam("svc"));
        requireRead(Authenticator.principal(ctx), service);
        Json.respond(ctx, 200, json -> Json.MAPPER.writeTree(json, service.toJson()));
    }

    private void put(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        String name = ctx.pathParam("svc");
        JsonNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        List<String> problems = new ArrayList<>();
        ObjectService service = ObjectService.parse(name, body, resolvers.keySet(), problems);
        if (!problems.isEmpty()) {
            throw new ApiException(400, "badRequest", "object service '" + name + "' is invalid: "
                    + String.join("; ", problems), problems);
        }
        service.objects().values().forEach(object -> store.collections().put(object.collection(), null));
        ObjectNode definition = service.toJson();
        definition.remove("kind");
        definition.remove("name");
        boolean created = store.objectServices().put(name, definition.toString());
        Json.respond(ctx, created ? 201 : 200, json -> Json.MAPPER.writeTree(json, service.toJson()));
    }

    private void delete(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        if (!store.objectServices().delete(ctx.pathParam("svc"))) {
            throw ApiException.notFound("object service '" + ctx.pathParam("svc") + "' does not exist");
        }
        ctx.status(204);
    }

    // ---- upload

    private void upload(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        ObjectService service = load(ctx.pathParam("svc"));
        String requestId = ctx.header("X-Request-Id");
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw ApiException.badRequest("an upload needs an X-Request-Id header of 1 to 128 characters from"
                    + " A-Z a-z 0-9 . _ : - (the same id when it is sent again)");
        }
        Map<String, String> parameters = parameters(ctx, service);
        JsonNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        JsonNode changes = body.get("changes");
        if (!(changes instanceof ArrayNode list) || list.isEmpty() || list.size() > MAX_CHANGES) {
            throw ApiException.badRequest("an upload is {\"changes\": [...]} with 1 to " + MAX_CHANGES + " changes");
        }
        checkShape(body, list);
        for (JsonNode change : list) {
            ObjectService.ObjectDefinition object = service.objects().get(change.path("object").asText());
            if (object != null) {
                principal.require(Scope.write(object.collection()));
            } else if (service.objects().values().stream().noneMatch(o -> principal.has(Scope.write(o.collection())))) {
                // An unknown object is answered "rejected"; a caller that may write none of the
                // service's collections gets no answer at all.
                principal.require(Scope.write(service.objects().values().iterator().next().collection()));
            }
        }
        // Request ids belong to their caller: the same id from another token is another request,
        // so a stored answer only ever goes back to the token that made it.
        String key = principal.tokenId() + "/" + requestId;
        UploadCache.Claim claim = store.uploadCache().begin(service.name(), key, digest(parameters, body), keepAnswers, staleClaim);
        switch (claim.state()) {
            case DONE -> {
                ctx.header("X-Request-Replayed", "true");
                ctx.status(claim.status()).contentType("application/json; charset=utf-8").result(claim.answer());
                return;
            }
            case IN_PROGRESS -> {
                ctx.header("Retry-After", Integer.toString(claim.retryAfterSeconds()));
                throw new ApiException(409, "uploadInProgress", "upload request " + requestId
                        + " is being processed; send it again in " + claim.retryAfterSeconds() + " s to get its answer");
            }
            case MISMATCH -> throw new ApiException(422, "requestIdReused", "upload request id " + requestId
                    + " was already used for an upload with other changes or parameters; a resend must repeat the"
                    + " original request exactly, and each new upload needs a new request id (unique per device)");
            default -> { }
        }
        try {
            apply(ctx, principal, service, requestId, key, list, parameters, claim);
        } finally {
            store.uploadCache().leave(service.name(), key);
        }
    }

    /** The fields a change may have; anything else is a mistake the client must hear about. */
    private static final java.util.Set<String> CHANGE_FIELDS = java.util.Set.of("object", "op", "id", "version", "data");

    /**
     * Refuses (400, before anything is applied) an upload body with fields it does not know — a
     * misspelt {@code "verison"} must not turn a guarded update into a blind one — or with fields
     * of the wrong type.
     */
    private static void checkShape(JsonNode body, ArrayNode list) {
        List<String> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("changes")) {
                problems.add("unknown field '" + name + "' in the upload; it has only \"changes\"");
            }
        });
        for (int index = 0; index < list.size() && problems.size() < 20; index++) {
            JsonNode change = list.get(index);
            if (!(change instanceof ObjectNode)) {
                problems.add("change " + index + " is not a JSON object");
                continue;
            }
            int at = index;
            change.fieldNames().forEachRemaining(name -> {
                if (!CHANGE_FIELDS.contains(name)) {
                    problems.add("unknown field '" + name + "' in change " + at + "; a change has object, op, id, version"
                            + " and data");
                }
            });
            for (String name : List.of("object", "op", "id")) {
                if (change.has(name) && !change.get(name).isTextual()) {
                    problems.add("'" + name + "' of change " + index + " must be a string");
                }
            }
            JsonNode version = change.get("version");
            if (version != null && !version.isNull() && !version.isTextual() && !version.isIntegralNumber()) {
                problems.add("'version' of change " + index + " must be the record's etag, a string");
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "badRequest", "the upload was refused, nothing was applied: "
                    + String.join("; ", problems), problems);
        }
    }

    /**
     * A digest of what an upload asks for — its parameters and changes, independent of key order
     * and whitespace — so a resend can be told apart from another request under the same id.
     */
    private static String digest(Map<String, String> parameters, JsonNode body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(CANONICAL.writeValueAsBytes(parameters));
            sha.update((byte) 0);
            sha.update(CANONICAL.writeValueAsBytes(CANONICAL.convertValue(body, Object.class)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void apply(Context ctx, Principal principal, ObjectService service, String requestId, String key, ArrayNode list,
            Map<String, String> parameters, UploadCache.Claim claim) {
        String origin = origin(principal, parameters);
        JsonNode[] results = new JsonNode[list.size()];
        List<Integer> todo = new ArrayList<>();
        for (int index = 0; index < list.size(); index++) {
            String recorded = claim.outcomes().get(index);
            if (recorded != null) {
                results[index] = parse(recorded);
            } else {
                todo.add(index);
            }
        }
        ObjectNode answer;
        try {
            try {
                // Usually the whole batch in one transaction, with the answer: each change is
                // applied with its outcome, and the request is done when it commits.
                answer = store.transact(tx -> {
                    List<ObjectNode> applied = applyBatch(tx, service, key, todo, list, origin);
                    JsonNode[] all = results.clone();
                    for (int i = 0; i < todo.size(); i++) {
                        all[todo.get(i)] = applied.get(i);
                    }
                    ObjectNode done = answer(requestId, all, service, principal);
                    tx.finishUpload(service.name(), key, 200, done.toString());
                    return done;
                });
            } catch (RuntimeException batchFailed) {
                // Something failed: apply the changes one transaction each, so the others still go through.
                LOG.warn("upload {} of service {}: the batch transaction failed ({}); applying its changes one by one",
                        requestId, service.name(), batchFailed.toString());
                for (int index : todo) {
                    results[index] = store.transact(tx -> applyAndRecord(tx, service, key, index, list.get(index), origin));
                }
                answer = answer(requestId, results, service, principal);
                store.uploadCache().finish(service.name(), key, 200, answer.toString());
            }
        } catch (RuntimeException e) {
            // The changes applied so far keep their outcomes; a resend applies only the rest.
            store.uploadCache().release(service.name(), key);
            throw e;
        }
        ObjectNode done = answer;
        Json.respond(ctx, 200, json -> Json.MAPPER.writeTree(json, done));
    }

    /**
     * The answer to an upload. A conflict shows the hub's record only to a caller that may read
     * its collection: a write-only caller learns that there was a conflict (and the etag to retry
     * with), not what the record holds — {@code serverRecord} is null and {@code serverRecordHidden}
     * true.
     */
    private static ObjectNode answer(String requestId, JsonNode[] results, ObjectService service, Principal principal) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("kind", "tributary#uploadResult");
        answer.put("requestId", requestId);
        ArrayNode list = answer.putArray("results");
        for (JsonNode result : results) {
            if (result instanceof ObjectNode outcome && outcome.hasNonNull("serverRecord")) {
                ObjectService.ObjectDefinition object = service.objects().get(outcome.path("object").asText());
                if (object == null || !principal.has(Scope.read(object.collection()))) {
                    outcome = outcome.deepCopy();
                    outcome.putNull("serverRecord");
                    outcome.put("serverRecordHidden", true);
                    result = outcome;
                }
            }
            list.add(result);
        }
        return answer;
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parameters(Context ctx, ObjectService service) {
        Map<String, String> parameters = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        ctx.queryParamMap().forEach((name, values) -> {
            if (!service.uploadParameters().containsKey(name)) {
                problems.add("unknown upload parameter '" + name + "'; this service takes "
                        + (service.uploadParameters().isEmpty() ? "none" : String.join(", ", service.uploadParameters().keySet())));
            } else if (values.size() != 1 || values.get(0).length() > 1000) {
                problems.add("upload parameter '" + name + "' must be given once, at most 1000 characters");
            } else {
                parameters.put(name, values.get(0));
            }
        });
        service.uploadParameters().forEach((name, required) -> {
            if (required && !parameters.containsKey(name)) {
                problems.add("the upload parameter '" + name + "' is required");
            }
        });
        if (!problems.isEmpty()) {
            throw new ApiException(400, "badRequest", String.join("; ", problems), problems);
        }
        return parameters;
    }

    /** The origin of the changes: the token, and the upload parameters, for outbound connectors to use. */
    private static String origin(Principal principal, Map<String, String> parameters) {
        StringBuilder origin = new StringBuilder("offline:").append(principal.tokenId());
        String separator = "?";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            origin.append(separator).append(parameter.getKey()).append('=')
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = "&";
        }
        return origin.toString();
    }

    private ObjectNode applyAndRecord(StoreTransaction tx, ObjectService service, String requestId, int index, JsonNode change,
            String origin) {
        ObjectNode result = apply(new Immediate(tx, origin), service, index, change);
        tx.recordUploadOutcome(service.name(), requestId, index, result.toString());
        return result;
    }

    /** What applying a change needs from the store: the current record, and a way to write. */
    private interface Access {
        StoreTransaction tx();

        StoredRecord current(ObjectService.ObjectDefinition object, String id);

        /** Whether the object's collection exists (it may have been deleted since the service was defined). */
        boolean exists(ObjectService.ObjectDefinition object);

        /** Writes (or queues) a put or delete; {@code result} gets its outcome, etag and record. */
        ObjectNode write(ObjectService.ObjectDefinition object, ObjectNode result, String id, ObjectNode data);
    }

    /** Reads and writes one change at a time. */
    private record Immediate(StoreTransaction tx, String origin) implements Access {
        @Override
        public StoredRecord current(ObjectService.ObjectDefinition object, String id) {
            return tx.records(object.collection(), List.of(id)).get(id);
        }

        @Override
        public boolean exists(ObjectService.ObjectDefinition object) {
            return tx.collection(object.collection()).isPresent();
        }

        @Override
        public ObjectNode write(ObjectService.ObjectDefinition object, ObjectNode result, String id, ObjectNode data) {
            RecordWrite write = data == null ? RecordWrite.delete(id) : RecordWrite.put(id, Json.compact(data));
            complete(result, tx.apply(object.collection(), List.of(write), origin).get(0), data);
            return result;
        }
    }

    /**
     * Reads every record of the batch in one query per collection and writes them in one call per
     * collection. Valid only when no record appears twice in the batch.
     */
    private static final class Batched implements Access {
        private final StoreTransaction tx;
        private final Map<String, Map<String, StoredRecord>> current = new java.util.HashMap<>();
        private final Map<String, List<RecordWrite>> writes = new LinkedHashMap<>();
        private final Map<String, List<ObjectNode>> results = new java.util.HashMap<>();
        private final Map<String, List<ObjectNode>> data = new java.util.HashMap<>();
        private final Map<String, Boolean> exists = new java.util.HashMap<>();

        Batched(StoreTransaction tx, Map<String, List<String>> ids) {
            this.tx = tx;
            ids.forEach((collection, list) -> {
                exists.put(collection, tx.collection(collection).isPresent());
                if (exists.get(collection)) {
                    current.put(collection, tx.records(collection, list));
                }
            });
        }

        @Override
        public StoreTransaction tx() {
            return tx;
        }

        @Override
        public StoredRecord current(ObjectService.ObjectDefinition object, String id) {
            return current.getOrDefault(object.collection(), Map.of()).get(id);
        }

        @Override
        public boolean exists(ObjectService.ObjectDefinition object) {
            return exists.computeIfAbsent(object.collection(), collection -> tx.collection(collection).isPresent());
        }

        @Override
        public ObjectNode write(ObjectService.ObjectDefinition object, ObjectNode result, String id, ObjectNode record) {
            writes.computeIfAbsent(object.collection(), c -> new ArrayList<>())
                    .add(record == null ? RecordWrite.delete(id) : RecordWrite.put(id, Json.compact(record)));
            results.computeIfAbsent(object.collection(), c -> new ArrayList<>()).add(result);
            data.computeIfAbsent(object.collection(), c -> new ArrayList<>()).add(record);
            return result;
        }

        void flush(String origin) {
            writes.forEach((collection, list) -> {
                List<AppliedWrite> applied = tx.apply(collection, list, origin);
                for (int i = 0; i < applied.size(); i++) {
                    complete(results.get(collection).get(i), applied.get(i), data.get(collection).get(i));
                }
            });
        }
    }

    /**
     * Applies the changes at {@code indexes} and stores their outcomes: batched when no record
     * appears twice, else one after the other (still in this transaction).
     */
    private List<ObjectNode> applyBatch(StoreTransaction tx, ObjectService service, String requestId, List<Integer> indexes,
            ArrayNode list, String origin) {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        boolean unique = true;
        for (int index : indexes) {
            JsonNode change = list.get(index);
            ObjectService.ObjectDefinition object = service.objects().get(change.path("object").asText());
            String id = object == null ? null : candidateId(object, change);
            if (id != null) {
                unique &= seen.add(object.collection() + "/" + id);
                ids.computeIfAbsent(object.collection(), c -> new ArrayList<>()).add(id);
            }
        }
        List<ObjectNode> outcomes = new ArrayList<>();
        if (!unique) {
            for (int index : indexes) {
                outcomes.add(applyAndRecord(tx, service, requestId, index, list.get(index), origin));
            }
            return outcomes;
        }
        Batched batched = new Batched(tx, ids);
        for (int index : indexes) {
            outcomes.add(apply(batched, service, index, list.get(index)));
        }
        batched.flush(origin);
        Map<Integer, String> recorded = new LinkedHashMap<>();
        for (int i = 0; i < indexes.size(); i++) {
            recorded.put(indexes.get(i), outcomes.get(i).toString());
        }
        tx.recordUploadOutcomes(service.name(), requestId, recorded);
        return outcomes;
    }

    /** The record id a change will touch, as far as it can be told before validation (null if none). */
    private static String candidateId(ObjectService.ObjectDefinition object, JsonNode change) {
        if (change.hasNonNull("id") && !(change.path("op").asText().equals("create") && object.keys() == ObjectService.Keys.SERVER)) {
            return change.get("id").asText();
        }
        if (change.path("op").asText().equals("create") && object.keys() == ObjectService.Keys.CLIENT
                && change.get("data") instanceof ObjectNode data) {
            return object.keyOf(data, new ArrayList<>());
        }
        return null;
    }

    /** Applies one change; its outcome. */
    private ObjectNode apply(Access access, ObjectService service, int index, JsonNode change) {
        StoreTransaction tx = access.tx();
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("index", index);
        String objectName = change.path("object").asText(null);
        String op = change.path("op").asText(null);
        result.put("object", objectName);
        result.put("op", op);
        ObjectService.ObjectDefinition object = objectName == null ? null : service.objects().get(objectName);
        if (object == null) {
            return rejected(result, "unknown object '" + objectName + "'; this service has "
                    + String.join(", ", service.objects().keySet()));
        }
        if (!(change instanceof ObjectNode) || op == null || !List.of("create", "update", "delete").contains(op)) {
            return rejected(result, "a change needs \"op\": create, update or delete");
        }
        JsonNode dataNode = change.get("data");
        if (!op.equals("delete") && !(dataNode instanceof ObjectNode)) {
            return rejected(result, "a " + op + " needs \"data\": the full record");
        }
        ObjectNode data = op.equals("delete") ? null : ((ObjectNode) dataNode).deepCopy();
        String version = change.hasNonNull("version") ? change.get("version").asText() : null;
        String id = change.hasNonNull("id") ? change.get("id").asText() : null;
        List<String> problems = new ArrayList<>();
        if (op.equals("create")) {
            if (object.keys() == ObjectService.Keys.SERVER) {
                if (id != null) {
                    result.put("localId", id);
                }
                id = UUID.randomUUID().toString();
                data.put(object.primaryKey().get(0), id);
            } else {
                String key = object.keyOf(data, problems);
                if (key == null) {
                    return rejected(result, String.join("; ", problems));
                }
                if (id != null && !id.equals(key)) {
                    return rejected(result, "the change's id '" + id + "' differs from its primary key '" + key + "'");
                }
                id = key;
            }
        } else {
            if (id == null || !dev.tributary.store.RecordIds.isValid(id)) {
                return rejected(result, "an " + op + " needs the record's \"id\"");
            }
            if (data != null) {
                String key = object.keyOf(data, problems);
                if (key == null) {
                    return rejected(result, String.join("; ", problems));
                }
                if (!key.equals(id)) {
                    return rejected(result, "a primary key cannot change: the record is '" + id + "', the data says '" + key + "'");
                }
            }
        }
        result.put("id", id);
        if (!access.exists(object)) {
            return rejected(result, "the collection '" + object.collection() + "' of object '" + object.name()
                    + "' no longer exists; an administrator must create it again (or change the object service)");
        }
        StoredRecord current = access.current(object, id);
        boolean live = current != null && !current.deleted();
        boolean conflict = switch (op) {
            case "create" -> live;
            // An update or delete without a version was based on an unknown version: the policy decides.
            case "update" -> !live || version == null || !version.equals(current.etag());
            default -> live && (version == null || !version.equals(current.etag()));
        };
        if (op.equals("delete") && !live) {
            result.put("outcome", "deleted");
            result.putNull("record");
            return result;
        }
        if (!conflict) {
            return access.write(object, result, id, data);
        }
        ObjectNode server = live ? (ObjectNode) parse(current.dataText()) : null;
        String link = "offline:" + service.name() + "/" + object.name();
        switch (object.policy()) {
            case NONE -> {
                return access.write(object, result, id, data);
            }
            case CLIENT_WINS -> {
                tx.recordConflict(link, id, null, ConflictState.RESOLVED, "clientWins", "client", text(server), text(data), version,
                        "an offline " + op + " based on " + based(version) + " met version "
                                + (live ? current.etag() : "deleted") + "; the client wins");
                result.put("conflict", "clientWins");
                return access.write(object, result, id, data);
            }
            case SERVER_WINS -> {
                tx.recordConflict(link, id, null, ConflictState.RESOLVED, "serverWins", "server", text(server), text(data), version,
                        "an offline " + op + " based on " + based(version) + " met version "
                                + (live ? current.etag() : "deleted") + "; the server wins");
                return conflict(result, current, server);
            }
            default -> {
                ConflictResolver.Resolution resolution;
                try {
                    resolution = resolvers.get(object.resolver())
                            .resolve(new ConflictResolver.Conflict(service.name(), object.name(), id,
                                    server == null ? null : server.deepCopy(), data == null ? null : data.deepCopy()));
                } catch (RuntimeException e) {
                    LOG.error("conflict resolver {} failed on {} {}", object.resolver(), object.name(), id, e);
                    return rejected(result, "the conflict resolver " + object.resolver() + " failed: " + e.getMessage());
                }
                if (resolution == null || resolution.take() == null
                        || resolution.take() == ConflictResolver.Take.MERGED && resolution.merged() == null) {
                    return rejected(result, "the conflict resolver " + object.resolver() + " gave no decision");
                }
                tx.recordConflict(link, id, null, ConflictState.RESOLVED, "custom:" + object.resolver(),
                        resolution.take().name().toLowerCase(java.util.Locale.ROOT), text(server),
                        text(resolution.take() == ConflictResolver.Take.MERGED ? resolution.merged() : data), version,
                        "decided by the resolver " + object.resolver());
                result.put("conflict", "custom:" + object.resolver());
                return switch (resolution.take()) {
                    case SERVER -> conflict(result, current, server);
                    case CLIENT -> access.write(object, result, id, data);
                    case MERGED -> {
                        ObjectNode merged = resolution.merged().deepCopy();
                        for (int i = 0; i < object.primaryKey().size(); i++) {
                            merged.set(object.primaryKey().get(i), data != null ? data.get(object.primaryKey().get(i))
                                    : server.get(object.primaryKey().get(i)));
                        }
                        yield access.write(object, result, id, merged);
                    }
                };
            }
        }
    }

    private static String based(String version) {
        return version == null ? "an unknown version (the change gave none)" : "version " + version;
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.toString();
    }

    private static ObjectNode conflict(ObjectNode result, StoredRecord current, ObjectNode server) {
        result.put("outcome", "conflict");
        if (server == null) {
            result.putNull("serverRecord");
            result.put("serverDeleted", true);
        } else {
            result.set("serverRecord", server);
            result.put("etag", current.etag());
        }
        return result;
    }

    /** Fills in a written change's outcome, etag and record. */
    private static void complete(ObjectNode result, AppliedWrite applied, ObjectNode data) {
        result.put("outcome", switch (applied.outcome()) {
            case CREATED -> "created";
            case UPDATED -> "updated";
            default -> "deleted";
        });
        result.put("etag", applied.record().etag());
        if (data == null) {
            result.putNull("record");
        } else {
            result.set("record", data);
        }
    }

    private static ObjectNode rejected(ObjectNode result, String message) {
        result.put("outcome", "rejected");
        result.put("message", message);
        return result;
    }

    /** The installed resolvers by name (for tests and tools). */
    public Map<String, ConflictResolver> resolvers() {
        return new LinkedHashMap<>(resolvers);
    }
}
