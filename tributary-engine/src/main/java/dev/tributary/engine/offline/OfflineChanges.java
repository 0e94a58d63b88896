package dev.tributary.engine.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.store.AppliedWrite;
import dev.tributary.store.ConflictState;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline uploads applied to the hub under each object's conflict policy ({@code clientWins},
 * {@code serverWins}, a custom resolver): one change at a time or a batch with its records read
 * and written together, each outcome recorded with the upload so a resend answers the same. Every
 * decision a policy makes is kept in the conflicts history. No HTTP here: the upload route hands
 * it the parsed changes inside its store transaction.
 */
public final class OfflineChanges {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OfflineChanges.class);

    private final Map<String, OfflineConflictResolver> resolvers;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Stored record data as JSON (decimals exact). */
    static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public OfflineChanges(Map<String, OfflineConflictResolver> resolvers) {
        this.resolvers = resolvers;
    }

    public ObjectNode applyAndRecord(StoreTransaction tx, ObjectService service, String requestId, int index, JsonNode change,
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
            RecordWrite write = data == null ? RecordWrite.delete(id) : RecordWrite.put(id, data.toString());
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

        public Batched(StoreTransaction tx, Map<String, List<String>> ids) {
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
                    .add(record == null ? RecordWrite.delete(id) : RecordWrite.put(id, record.toString()));
            results.computeIfAbsent(object.collection(), c -> new ArrayList<>()).add(result);
            data.computeIfAbsent(object.collection(), c -> new ArrayList<>()).add(record);
            return result;
        }

        public void flush(String origin) {
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
    public List<ObjectNode> applyBatch(StoreTransaction tx, ObjectService service, String requestId, List<Integer> indexes,
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
        // The collections this batch may touch, locked up front in name order: two uploads touching
        // the same collections in different orders cannot then wait for each other.
        java.util.Set<String> collections = new java.util.TreeSet<>();
        for (int index : indexes) {
            ObjectService.ObjectDefinition object = service.objects().get(list.get(index).path("object").asText());
            if (object != null) {
                collections.add(object.collection());
            }
        }
        tx.lock(collections);
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
        ObjectNode result = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
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
                id = dev.tributary.store.RecordIds.newId();
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
                OfflineConflictResolver.Resolution resolution;
                try {
                    resolution = resolvers.get(object.resolver())
                            .resolve(new OfflineConflictResolver.Conflict(service.name(), object.name(), id,
                                    server == null ? null : server.deepCopy(), data == null ? null : data.deepCopy()));
                } catch (RuntimeException e) {
                    LOG.error("conflict resolver {} failed on {} {}", object.resolver(), object.name(), id, e);
                    return rejected(result, "the conflict resolver " + object.resolver() + " failed: " + e.getMessage());
                }
                if (resolution == null || resolution.take() == null
                        || resolution.take() == OfflineConflictResolver.Take.MERGED && resolution.merged() == null) {
                    return rejected(result, "the conflict resolver " + object.resolver() + " gave no decision");
                }
                tx.recordConflict(link, id, null, ConflictState.RESOLVED, "custom:" + object.resolver(),
                        resolution.take().name().toLowerCase(java.util.Locale.ROOT), text(server),
                        text(resolution.take() == OfflineConflictResolver.Take.MERGED ? resolution.merged() : data), version,
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
}
