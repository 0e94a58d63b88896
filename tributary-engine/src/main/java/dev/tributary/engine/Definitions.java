package dev.tributary.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.BatchWriteOp;
import dev.tributary.connector.Connector;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.InvalidConfigurationException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.RangeCountOp;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.config.ConfigKey;
import dev.tributary.store.RecordIds;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Endpoint and link definitions: parsed from JSON (the admin API and the hub's configuration
 * file), validated with every problem reported at once, and written back as JSON.
 */
public final class Definitions {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** How secret settings are shown; sent back unchanged, it keeps the stored secret. */
    public static final String MASK = dev.tributary.connector.config.Secret.MASK;

    private Definitions() {
    }

    /** An endpoint: an external system reached through a connector. */
    public record Endpoint(String name, String connector, Map<String, Object> config, Set<RunMode> allowedRunModes) {
    }

    /**
     * A link between an endpoint's object class and a collection.
     *
     * @param continuous whether the engine keeps it live ({@code "mode": "continuous"}) rather than
     *     running it when asked or scheduled ({@code "batch"}, the default)
     */
    public record Link(String name, String endpoint, ObjectClass objectClass, String collection, Direction direction,
            Map<String, String> fieldMap, ConflictPolicy conflictPolicy, Duration schedule,
            DeletionDetection deletionDetection, String keyField, String timestampField, boolean recordIdsFromKeys,
            boolean continuous) {

        /** Whether the link keeps each record as last in sync: its conflicts wait for a person, who compares with it. */
        public boolean keepsSyncedCopies() {
            return conflictPolicy == ConflictPolicy.MANUAL;
        }
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Parses and validates an endpoint.
     *
     * @param previous the stored settings, whose secrets a masked value keeps; or null
     */
    public static Endpoint endpoint(String name, JsonNode body, ConnectorRegistry registry, Map<String, Object> previous) {
        List<String> problems = new ArrayList<>();
        if (!validName(name)) {
            problems.add("the endpoint name must be 1 to 64 letters, digits, _ or -, starting with a letter or digit");
        }
        if (!(body instanceof ObjectNode object)) {
            throw new InvalidDefinitionException("endpoint '" + name + "'", List.of("the definition must be a JSON object"));
        }
        unknownFields(object, Set.of("connector", "config", "allowedRunModes", "name"), problems);
        String connector = text(object, "connector", problems, true);
        Map<String, Object> config = new LinkedHashMap<>();
        JsonNode configNode = object.get("config");
        if (configNode != null && !configNode.isObject()) {
            problems.add("'config' must be an object of settings");
        } else if (configNode != null) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = configNode.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                Object value = settingValue(field.getValue());
                if (MASK.equals(value) && previous != null && previous.containsKey(field.getKey())) {
                    String moved = movedSetting(configNode, previous);
                    if (moved != null) {
                        problems.add("'" + field.getKey() + "' must be sent again: the stored secret is only kept while '"
                                + moved + "' is unchanged (it would go to another place)");
                    }
                    value = previous.get(field.getKey());
                }
                config.put(field.getKey(), value);
            }
        }
        Set<RunMode> modes = EnumSet.allOf(RunMode.class);
        JsonNode modesNode = object.get("allowedRunModes");
        if (modesNode != null) {
            modes = EnumSet.noneOf(RunMode.class);
            if (!modesNode.isArray()) {
                problems.add("'allowedRunModes' must be a list of manual, scheduled, external");
            } else {
                for (JsonNode mode : modesNode) {
                    RunMode parsed = RunMode.parse(mode.asText());
                    if (parsed == null) {
                        problems.add("'allowedRunModes' has '" + mode.asText() + "'; use manual, scheduled, external");
                    } else {
                        modes.add(parsed);
                    }
                }
            }
        }
        if (connector != null) {
            if (registry.provider(connector).isEmpty()) {
                problems.add("'connector' is '" + connector + "', which is not a known connector type; known: "
                        + String.join(", ", registry.names()));
            } else {
                try {
                    registry.prototype(connector).configDef().validate(config);
                } catch (InvalidConfigurationException e) {
                    e.problems().forEach(problem -> problems.add("config: " + problem));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException("endpoint '" + name + "'", problems);
        }
        return new Endpoint(name, connector, config, modes);
    }

    private static Object settingValue(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isTextual() ? item.textValue() : item.toString()));
            return items;
        }
        return value.isNull() ? null : value.toString();
    }

    /** An endpoint as JSON, with secret settings masked unless {@code withSecrets}. */
    /** Settings that say where a connector connects; a stored secret follows them only while they stay. */
    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile(
            "(?i).*(url|uri|host|port|server|address|endpoint|database|user).*");

    /** The first setting naming where the secrets go that differs from the stored one, or null. */
    private static String movedSetting(JsonNode config, Map<String, Object> previous) {
        java.util.Set<String> names = new java.util.TreeSet<>(previous.keySet());
        config.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (LOCATION.matcher(name).matches()) {
                Object before = previous.get(name);
                JsonNode now = config.get(name);
                Object after = now == null ? null : settingValue(now);
                if (!java.util.Objects.equals(before == null ? null : String.valueOf(before),
                        after == null ? null : String.valueOf(after))) {
                    return name;
                }
            }
        }
        return null;
    }

    public static ObjectNode toJson(Endpoint endpoint, ConnectorRegistry registry, boolean withSecrets) {
        ObjectNode json = JSON.createObjectNode();
        json.put("name", endpoint.name());
        json.put("connector", endpoint.connector());
        Set<String> secrets = new java.util.HashSet<>();
        registry.provider(endpoint.connector()).ifPresent(p -> p.create().configDef().keys().stream()
                .filter(ConfigKey::secret).forEach(key -> secrets.add(key.name())));
        ObjectNode config = json.putObject("config");
        endpoint.config().forEach((key, value) -> {
            if (!withSecrets && secrets.contains(key) && value != null) {
                config.put(key, MASK);
            } else {
                config.set(key, JSON.valueToTree(value));
            }
        });
        ArrayNode modes = json.putArray("allowedRunModes");
        endpoint.allowedRunModes().stream().sorted().forEach(mode -> modes.add(mode.label()));
        return json;
    }

    /** Parses and validates a link. */
    public static Link link(String name, JsonNode body, java.util.function.Function<String, Endpoint> endpoints,
            ConnectorRegistry registry) {
        List<String> problems = new ArrayList<>();
        if (!validName(name)) {
            problems.add("the link name must be 1 to 64 letters, digits, _ or -, starting with a letter or digit");
        }
        if (!(body instanceof ObjectNode object)) {
            throw new InvalidDefinitionException("link '" + name + "'", List.of("the definition must be a JSON object"));
        }
        unknownFields(object, Set.of("endpoint", "objectClass", "collection", "direction", "fieldMap", "conflictPolicy",
                "schedule", "deletionDetection", "keyField", "timestampField", "recordIds", "mode", "name"), problems);
        String endpointName = text(object, "endpoint", problems, true);
        String objectClassName = text(object, "objectClass", problems, true);
        String collection = text(object, "collection", problems, true);
        ObjectClass objectClass = null;
        if (objectClassName != null) {
            try {
                objectClass = new ObjectClass(objectClassName);
                if (objectClass.isAll()) {
                    problems.add("'objectClass' must name one object class, not " + ObjectClass.ALL);
                }
            } catch (IllegalArgumentException e) {
                problems.add("'objectClass': " + e.getMessage());
            }
        }
        if (collection != null && !RecordIds.isValidCollection(collection)) {
            problems.add("'collection' must be 1 to 64 letters, digits, _ or -, starting with a letter or digit");
        }
        Direction direction = Direction.BOTH;
        String directionText = text(object, "direction", problems, false);
        if (directionText != null && (direction = Direction.parse(directionText)) == null) {
            problems.add("'direction' is '" + directionText + "'; use in, out or both");
        }
        ConflictPolicy policy = ConflictPolicy.MANUAL;
        String policyText = text(object, "conflictPolicy", problems, false);
        if (policyText != null && (policy = ConflictPolicy.parse(policyText)) == null) {
            problems.add("'conflictPolicy' is '" + policyText + "'; use hubWins, endpointWins, lastWriterWins or manual");
        }
        DeletionDetection deletion = DeletionDetection.NATIVE;
        String deletionText = text(object, "deletionDetection", problems, false);
        if (deletionText != null && (deletion = DeletionDetection.parse(deletionText)) == null) {
            problems.add("'deletionDetection' is '" + deletionText + "'; use native, tracked, enumerate or countRange");
        }
        Duration schedule = null;
        String scheduleText = text(object, "schedule", problems, false);
        if (scheduleText != null) {
            try {
                schedule = Duration.parse(scheduleText);
                if (schedule.compareTo(Duration.ofSeconds(1)) < 0) {
                    problems.add("'schedule' must be at least PT1S");
                }
            } catch (DateTimeParseException e) {
                problems.add("'schedule' must be an ISO-8601 duration such as PT5M, not '" + scheduleText + "'");
            }
        }
        String mode = text(object, "mode", problems, false);
        if (mode != null && !mode.equals("batch") && !mode.equals("continuous")) {
            problems.add("'mode' is '" + mode + "'; use batch (runs when asked or scheduled, the default) or continuous"
                    + " (kept live by the hub)");
        }
        boolean continuous = "continuous".equals(mode);
        if (continuous && scheduleText != null) {
            problems.add("'schedule' does not go with mode continuous: a continuous link runs all the time; remove one");
        }
        Map<String, String> fieldMap = new LinkedHashMap<>();
        JsonNode mapNode = object.get("fieldMap");
        if (mapNode != null && !mapNode.isNull()) {
            if (!mapNode.isObject()) {
                problems.add("'fieldMap' must map hub fields to endpoint fields: {\"hubField\": \"endpointField\"}");
            } else {
                Set<String> targets = new java.util.HashSet<>();
                mapNode.fields().forEachRemaining(entry -> {
                    if (!entry.getValue().isTextual() || entry.getValue().textValue().isBlank()) {
                        problems.add("'fieldMap." + entry.getKey() + "' must name an endpoint field");
                    } else if (!targets.add(entry.getValue().textValue())) {
                        problems.add("'fieldMap' maps two hub fields to endpoint field '" + entry.getValue().textValue() + "'");
                    } else {
                        fieldMap.put(entry.getKey(), entry.getValue().textValue());
                    }
                });
            }
        }
        String keyField = text(object, "keyField", problems, false);
        String timestampField = text(object, "timestampField", problems, false);
        String recordIds = text(object, "recordIds", problems, false);
        if (recordIds != null && !recordIds.equals("generated") && !recordIds.equals("endpointKey")) {
            problems.add("'recordIds' is '" + recordIds + "'; use generated (new ids, the default) or endpointKey "
                    + "(the endpoint object's key becomes the hub record's id)");
        }
        if ("endpointKey".equals(recordIds) && direction != null && !direction.inbound()) {
            problems.add("'recordIds' endpointKey names where inbound records get their ids; an 'out' link brings none in");
        }
        if (policy == ConflictPolicy.LAST_WRITER_WINS && timestampField == null) {
            problems.add("'timestampField' is required with conflictPolicy lastWriterWins: the endpoint field holding "
                    + "each object's last-modified time");
        }
        if (endpointName != null) {
            Endpoint endpoint = endpoints.apply(endpointName);
            if (endpoint != null && continuous && !endpoint.allowedRunModes().contains(RunMode.SCHEDULED)) {
                problems.add("'mode' continuous needs an endpoint that allows scheduled runs (the hub runs the link by"
                        + " itself); endpoint '" + endpointName + "' allows " + endpoint.allowedRunModes().stream()
                        .map(RunMode::label).sorted().toList());
            }
            if (endpoint == null) {
                problems.add("'endpoint' is '" + endpointName + "', which does not exist; create it first");
            } else if (registry.provider(endpoint.connector()).isPresent()) {
                Connector prototype = registry.prototype(endpoint.connector());
                if (direction != null && direction.inbound() && !(prototype instanceof SyncOp)) {
                    problems.add("'direction' " + direction.label() + " needs a connector that can sync; "
                            + endpoint.connector() + " cannot");
                }
                if (direction != null && direction.outbound() && !(prototype instanceof BatchWriteOp)
                        && !(prototype instanceof CreateOp && prototype instanceof UpdateOp && prototype instanceof DeleteOp)) {
                    problems.add("'direction' " + direction.label() + " needs a connector that can write; "
                            + endpoint.connector() + " cannot");
                }
                if (deletion == DeletionDetection.ENUMERATE && !(prototype instanceof SearchOp)) {
                    problems.add("'deletionDetection' enumerate needs a connector that can list objects; "
                            + endpoint.connector() + " cannot");
                }
                if (deletion == DeletionDetection.COUNT_RANGE && !(prototype instanceof RangeCountOp)) {
                    problems.add("'deletionDetection' countRange needs a connector that can count uid ranges; "
                            + endpoint.connector() + " cannot");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException("link '" + name + "'", problems);
        }
        return new Link(name, endpointName, objectClass, collection, direction, fieldMap, policy, schedule, deletion,
                keyField, timestampField, "endpointKey".equals(recordIds), continuous);
    }

    /** A link as JSON. */
    public static ObjectNode toJson(Link link) {
        ObjectNode json = JSON.createObjectNode();
        json.put("name", link.name());
        json.put("endpoint", link.endpoint());
        json.put("objectClass", link.objectClass().name());
        json.put("collection", link.collection());
        json.put("direction", link.direction().label());
        ObjectNode map = json.putObject("fieldMap");
        link.fieldMap().forEach(map::put);
        json.put("conflictPolicy", link.conflictPolicy().label());
        if (link.schedule() != null) {
            json.put("schedule", link.schedule().toString());
        }
        json.put("deletionDetection", link.deletionDetection().label());
        if (link.keyField() != null) {
            json.put("keyField", link.keyField());
        }
        if (link.timestampField() != null) {
            json.put("timestampField", link.timestampField());
        }
        json.put("recordIds", link.recordIdsFromKeys() ? "endpointKey" : "generated");
        json.put("mode", link.continuous() ? "continuous" : "batch");
        return json;
    }

    private static void unknownFields(ObjectNode object, Set<String> known, List<String> problems) {
        object.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                problems.add("unknown field '" + field + "'; known: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        });
    }

    private static String text(ObjectNode object, String field, List<String> problems, boolean required) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            problems.add("'" + field + "' must be a non-empty string");
            return null;
        }
        return value.textValue();
    }
}
