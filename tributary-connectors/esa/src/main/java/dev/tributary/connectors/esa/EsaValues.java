package dev.tributary.connectors.esa;

import dev.tributary.connector.ConnectorException;
import dev.tributary.esa.EsaField;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field values between their text on the wire and the hub's types, by the field's type from
 * {@code getFieldList}. Date and date-time values are data: they are never clock-shifted.
 */
final class EsaValues {

    private EsaValues() {
    }

    /** The longest number accepted, in characters: the limit of every way into the hub. */
    static final int MAX_NUMBER_LENGTH = 100;

    static Object parse(String text, EsaField field, String id) {
        if ((field.type().equals("decimal") || field.type().equals("integer")) && text.strip().length() > MAX_NUMBER_LENGTH) {
            throw new ConnectorException("record " + id + ": field '" + field.name() + "' holds a number of "
                    + text.strip().length() + " characters; the hub takes at most " + MAX_NUMBER_LENGTH);
        }
        try {
            return switch (field.type()) {
                case "integer" -> Long.parseLong(text.strip());
                case "decimal" -> new BigDecimal(text.strip());
                case "boolean" -> {
                    String value = text.strip();
                    if (value.equals("true") || value.equals("1")) {
                        yield true;
                    }
                    if (value.equals("false") || value.equals("0")) {
                        yield false;
                    }
                    throw new IllegalArgumentException(value);
                }
                case "date" -> LocalDate.parse(text.strip());
                case "datetime" -> Instant.parse(text.strip());
                case "binary" -> Base64.getDecoder().decode(text.strip());
                default -> text;
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new ConnectorException("record " + id + ": field '" + field.name() + "' is " + field.type()
                    + ", but the adapter sent '" + (text.length() > 100 ? text.substring(0, 100) + "…" : text) + "'");
        }
    }

    static Map<String, List<String>> format(Map<String, Object> values, List<EsaField> fields, String structure) {
        Map<String, List<String>> texts = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            EsaField field = fields.stream().filter(f -> f.name().equals(entry.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(structure + " has no field '" + entry.getKey()
                            + "'; it has " + fields.stream().map(EsaField::name).toList()));
            if (field.readOnly()) {
                throw new IllegalArgumentException("field '" + field.name() + "' of " + structure + " is read-only");
            }
            Object value = entry.getValue();
            if (value == null) {
                texts.put(field.name(), null);
            } else if (value instanceof List<?> list) {
                List<String> items = new ArrayList<>();
                for (Object item : list) {
                    items.add(text(item, field));
                }
                texts.put(field.name(), items);
            } else {
                texts.put(field.name(), List.of(text(value, field)));
            }
        }
        return texts;
    }

    private static String text(Object value, EsaField field) {
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Map || value instanceof List) {
            throw new IllegalArgumentException("field '" + field.name() + "' cannot hold a nested value");
        }
        return value.toString();
    }
}
