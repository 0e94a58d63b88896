package dev.tributary.engine.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.store.RecordIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An object service: a named group of objects offline clients sync, each over a hub collection.
 *
 * <pre>
 * {"objects": {"Task": {"collection": "tasks", "primaryKey": ["id"], "keys": "client",
 *                       "conflictPolicy": "serverWins"}},
 *  "uploadParameters": [{"name": "LocationID", "required": true}]}
 * </pre>
 *
 * @param name the service's name
 * @param objects its objects by name
 * @param uploadParameters the upload parameters it accepts, by name, with whether each is required
 */
public record ObjectService(String name, Map<String, ObjectDefinition> objects, Map<String, Boolean> uploadParameters) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    public static final int MAX_PRIMARY_KEY_FIELDS = 5;

    /** How a new record's key is chosen. */
    public enum Keys { CLIENT, SERVER }

    /** How an upload conflict is decided. */
    public enum Policy {
        /** Last write wins: no conflict detection; the upload is applied. */
        NONE("none"),
        /** The conflict is detected and recorded, and the client's change is applied. */
        CLIENT_WINS("clientWins"),
        /** The hub's record stays; the client is sent it as a conflict. */
        SERVER_WINS("serverWins"),
        /** A {@link OfflineConflictResolver} decides. */
        CUSTOM("custom");

        final String label;

        Policy(String label) {
            this.label = label;
        }

        public static Policy parse(String text) {
            for (Policy policy : values()) {
                if (policy.label.equals(text)) {
                    return policy;
                }
            }
            return null;
        }
    }

    /**
     * One object of a service.
     *
     * @param name the object's name
     * @param collection the collection its records live in
     * @param primaryKey the data fields forming its key (one when keys are server-assigned)
     * @param keys who chooses a new record's key
     * @param policy how upload conflicts are decided
     * @param resolver the resolver's name, for {@code custom}
     */
    public record ObjectDefinition(String name, String collection, List<String> primaryKey, Keys keys, Policy policy,
            String resolver) {

        /** The record id for the primary-key values in {@code data}, or null with a reason in {@code problems}. */
        public String keyOf(ObjectNode data, List<String> problems) {
            List<String> parts = new ArrayList<>();
            for (String field : primaryKey) {
                JsonNode value = data.get(field);
                if (value == null || value.isNull()) {
                    problems.add("the primary key field '" + field + "' is missing or null");
                    return null;
                }
                String text = value.isTextual() ? value.textValue() : value.isIntegralNumber() ? value.asText() : null;
                if (text == null || !RecordIds.isValid(text) || text.contains("~")) {
                    problems.add("the primary key field '" + field + "' must be a whole number or text of 1 to 256 characters"
                            + " from A-Z a-z 0-9 . _ : @ -");
                    return null;
                }
                parts.add(text);
            }
            String id = String.join("~", parts);
            if (!RecordIds.isValid(id)) {
                problems.add("the primary key is too long");
                return null;
            }
            return id;
        }
    }

    /** Parses and validates a definition, reporting every problem at once. */
    public static ObjectService parse(String name, JsonNode body, Set<String> resolvers, List<String> problems) {
        if (!NAME.matcher(name).matches()) {
            problems.add("the service name must be 1 to 64 letters, digits or _, starting with a letter");
        }
        if (!(body instanceof ObjectNode object)) {
            problems.add("the definition must be a JSON object");
            return null;
        }
        object.fieldNames().forEachRemaining(field -> {
            if (!Set.of("objects", "uploadParameters", "name", "kind").contains(field)) {
                problems.add("unknown field '" + field + "'; a service has objects and uploadParameters");
            }
        });
        Map<String, ObjectDefinition> objects = new LinkedHashMap<>();
        JsonNode objectsNode = object.get("objects");
        if (objectsNode == null || !objectsNode.isObject() || objectsNode.isEmpty()) {
            problems.add("'objects' must map object names to their definitions (at least one)");
        } else if (objectsNode.size() > 100) {
            problems.add("a service has at most 100 objects");
        } else {
            objectsNode.fields().forEachRemaining(entry -> {
                ObjectDefinition definition = parseObject(entry.getKey(), entry.getValue(), resolvers, problems);
                if (definition != null) {
                    objects.put(entry.getKey(), definition);
                }
            });
        }
        Map<String, Boolean> parameters = new LinkedHashMap<>();
        JsonNode parametersNode = object.get("uploadParameters");
        if (parametersNode != null && !parametersNode.isNull()) {
            if (!parametersNode.isArray() || parametersNode.size() > 50) {
                problems.add("'uploadParameters' must be a list of at most 50 {\"name\": …, \"required\": true|false}");
            } else {
                for (JsonNode parameter : parametersNode) {
                    JsonNode parameterName = parameter.get("name");
                    if (parameterName == null || !parameterName.isTextual() || !NAME.matcher(parameterName.textValue()).matches()) {
                        problems.add("every upload parameter needs a name of letters, digits or _");
                        continue;
                    }
                    JsonNode required = parameter.get("required");
                    if (required != null && !required.isBoolean()) {
                        problems.add("upload parameter '" + parameterName.textValue() + "': 'required' must be true or false");
                    }
                    parameters.put(parameterName.textValue(), required != null && required.asBoolean());
                }
            }
        }
        return new ObjectService(name, objects, parameters);
    }

    private static ObjectDefinition parseObject(String name, JsonNode node, Set<String> resolvers, List<String> problems) {
        String where = "objects." + name + ": ";
        if (!NAME.matcher(name).matches()) {
            problems.add(where + "object names are 1 to 64 letters, digits or _, starting with a letter");
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            problems.add(where + "must be an object");
            return null;
        }
        object.fieldNames().forEachRemaining(field -> {
            if (!Set.of("collection", "primaryKey", "keys", "conflictPolicy", "resolver").contains(field)) {
                problems.add(where + "unknown field '" + field + "'");
            }
        });
        String collection = object.path("collection").asText(null);
        if (collection == null || !RecordIds.isValidCollection(collection)) {
            problems.add(where + "'collection' must name a collection (1 to 64 letters, digits, _ or -)");
        }
        List<String> primaryKey = new ArrayList<>();
        JsonNode keyNode = object.get("primaryKey");
        if (keyNode == null || !keyNode.isArray() || keyNode.isEmpty() || keyNode.size() > MAX_PRIMARY_KEY_FIELDS) {
            problems.add(where + "'primaryKey' must list 1 to " + MAX_PRIMARY_KEY_FIELDS + " field names");
        } else {
            for (JsonNode field : keyNode) {
                if (!field.isTextual() || !NAME.matcher(field.textValue()).matches()) {
                    problems.add(where + "'primaryKey' fields must be names of letters, digits or _");
                } else {
                    primaryKey.add(field.textValue());
                }
            }
        }
        Keys keys = Keys.CLIENT;
        String keysText = object.path("keys").asText("client");
        if (keysText.equals("server")) {
            keys = Keys.SERVER;
            if (primaryKey.size() > 1) {
                problems.add(where + "server-assigned keys need a primary key of one field");
            }
        } else if (!keysText.equals("client")) {
            problems.add(where + "'keys' must be client or server");
        }
        Policy policy = Policy.parse(object.path("conflictPolicy").asText("none"));
        if (policy == null) {
            problems.add(where + "'conflictPolicy' must be none, clientWins, serverWins or custom");
        }
        String resolver = object.path("resolver").asText(null);
        if (policy == Policy.CUSTOM && (resolver == null || !resolvers.contains(resolver))) {
            problems.add(where + "conflictPolicy custom needs 'resolver' naming an installed OfflineConflictResolver"
                    + (resolvers.isEmpty() ? " (none is installed)" : "; installed: " + String.join(", ", resolvers)));
        }
        return new ObjectDefinition(name, collection, primaryKey, keys, policy, resolver);
    }

    /** The definition as JSON, as clients fetch it. */
    public ObjectNode toJson() {
        ObjectNode json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        json.put("kind", "tributary#objectService");
        json.put("name", name);
        ObjectNode objectsJson = json.putObject("objects");
        objects.forEach((objectName, object) -> {
            ObjectNode o = objectsJson.putObject(objectName);
            o.put("collection", object.collection());
            ArrayNode key = o.putArray("primaryKey");
            object.primaryKey().forEach(key::add);
            o.put("keys", object.keys() == Keys.SERVER ? "server" : "client");
            o.put("conflictPolicy", object.policy().label);
            if (object.resolver() != null) {
                o.put("resolver", object.resolver());
            }
        });
        ArrayNode parameters = json.putArray("uploadParameters");
        uploadParameters.forEach((parameter, required) -> parameters.addObject().put("name", parameter).put("required", required));
        return json;
    }
}
