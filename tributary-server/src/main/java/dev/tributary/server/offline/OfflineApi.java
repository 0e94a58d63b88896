package dev.tributary.server.offline;

import dev.tributary.engine.offline.ObjectService;
import dev.tributary.engine.offline.OfflineChanges;
import dev.tributary.engine.offline.OfflineConflictResolver;
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
import dev.tributary.store.Store;
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
    /** The resolvers as the offline apply sees them (filled with {@link #resolvers}). */
    private final Map<String, OfflineConflictResolver> adapted = new TreeMap<>();
    private final OfflineChanges changes = new OfflineChanges(adapted);

    public OfflineApi(Store store, long maxBodyBytes, Duration keepAnswers, Duration staleClaim) {
        this.store = store;
        this.maxBodyBytes = maxBodyBytes;
        this.keepAnswers = keepAnswers;
        this.staleClaim = staleClaim;
        for (ConflictResolver resolver : ServiceLoader.load(ConflictResolver.class)) {
            resolvers.put(resolver.name(), resolver);
            adapted.put(resolver.name(), resolver);
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
                    List<ObjectNode> applied = changes.applyBatch(tx, service, key, todo, list, origin);
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
                    results[index] = store.transact(tx -> changes.applyAndRecord(tx, service, key, index, list.get(index), origin));
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

    static JsonNode parse(String json) {
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













    /** The installed resolvers by name (for tests and tools). */
    public Map<String, ConflictResolver> resolvers() {
        return new LinkedHashMap<>(resolvers);
    }
}
