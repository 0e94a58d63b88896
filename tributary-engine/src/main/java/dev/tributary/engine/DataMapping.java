package dev.tributary.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hub record data (JSON) to endpoint fields and back, through a link's field map ({@code hub
 * field → endpoint field}; empty means every field under its own name).
 *
 * <p>Inbound, an object's mapped fields replace those fields of the hub record and leave the
 * others alone, so several endpoints can each own part of a record. Values: JSON numbers become
 * {@code Long}/{@code BigDecimal}, text {@code String}; back to JSON, timestamps and dates become
 * ISO-8601 text and binary values base64 text.
 */
final class DataMapping {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, String> hubToEndpoint;

    DataMapping(Map<String, String> fieldMap) {
        this.hubToEndpoint = fieldMap;
    }

    /** The hub data after taking an endpoint object's fields into {@code existing} (which may be null). */
    ObjectNode toHub(ObjectNode existing, Map<String, Object> fields) {
        ObjectNode data = existing == null ? NODES.objectNode() : existing.deepCopy();
        if (hubToEndpoint.isEmpty()) {
            fields.forEach((name, value) -> data.set(name, json(value)));
        } else {
            hubToEndpoint.forEach((hub, endpoint) -> {
                if (fields.containsKey(endpoint)) {
                    data.set(hub, json(fields.get(endpoint)));
                }
            });
        }
        return data;
    }

    /** The endpoint fields for hub data. */
    Map<String, Object> toEndpoint(ObjectNode data) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (hubToEndpoint.isEmpty()) {
            data.fields().forEachRemaining(field -> fields.put(field.getKey(), value(field.getValue())));
        } else {
            hubToEndpoint.forEach((hub, endpoint) -> {
                if (data.has(hub)) {
                    fields.put(endpoint, value(data.get(hub)));
                }
            });
        }
        return fields;
    }

    /** Whether an endpoint object already holds what the hub data maps to. */
    boolean sameOnEndpoint(ObjectNode data, Map<String, Object> endpointFields) {
        return same(toHub(data, endpointFields), data);
    }

    static ObjectNode parse(byte[] data) {
        try {
            return (ObjectNode) Definitions.JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalStateException("stored record data is not a JSON object", e);
        }
    }

    static String text(JsonNode node) {
        return node == null ? null : node.toString();
    }

    static JsonNode json(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i.longValue());
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof BigInteger b) {
            return NODES.numberNode(b);
        }
        if (value instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(BigDecimal.valueOf(d));
        }
        if (value instanceof Instant || value instanceof LocalDate) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(json(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((key, item) -> object.set(String.valueOf(key), json(item)));
            return object;
        }
        return NODES.textNode(value.toString());
    }

    static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(value(item)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), value(field.getValue())));
        return map;
    }

    /** A text form equal for values {@link #same} finds equal: numbers by value, objects by sorted keys. */
    static String canonical(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isNumber()) {
            BigDecimal value = node.decimalValue();
            return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
        }
        if (node.isObject()) {
            StringBuilder text = new StringBuilder("{");
            new java.util.TreeSet<>(iterable(node.fieldNames())).forEach(field -> text.append(NODES.textNode(field))
                    .append(':').append(canonical(node.get(field))).append(','));
            return text.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder text = new StringBuilder("[");
            node.forEach(item -> text.append(canonical(item)).append(','));
            return text.append(']').toString();
        }
        return node.toString();
    }

    private static <T> List<T> iterable(Iterator<T> items) {
        List<T> list = new ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }

    /** JSON equality with numbers compared by value (1 equals 1.0). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = a.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!same(field.getValue(), b.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** The time in an endpoint field: an instant, ISO-8601 text or epoch milliseconds; null if none. */
    static Instant time(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Number number) {
            return Instant.ofEpochMilli(number.longValue());
        }
        if (value instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                try {
                    return java.time.LocalDateTime.parse(text.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
                } catch (DateTimeParseException ignored) {
                    return null;
                }
            }
        }
        return null;
    }
}
