package dev.tributary.connectors.connid;

import dev.tributary.connector.InvalidSyncTokenException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.identityconnectors.common.security.GuardedByteArray;
import org.identityconnectors.common.security.GuardedString;
import org.identityconnectors.framework.common.objects.SyncToken;

/**
 * Values between ConnId and Tributary: attribute values, sync tokens.
 *
 * <p>Attribute values: text, whole numbers, decimals, booleans, bytes and maps pass as they are;
 * {@code Character} becomes text, {@code Float}/{@code Double} a double, {@code ZonedDateTime} an
 * instant, a {@code GuardedString} its clear text (the hub stores what the system holds; protect
 * such fields with the link's field map if they must not travel), a {@code GuardedByteArray} its
 * bytes. Multi-valued attributes become lists.
 *
 * <p>Sync tokens keep their value type: Integer, Long and byte[] tokens are stored as such; every
 * other value is stored as text tagged with its type ({@code s:<text>} for a String,
 * {@code java.math.BigInteger:<digits>} …) and read back as that type.
 */
final class ConnIdValues {

    private ConnIdValues() {
    }

    // ---- attribute values

    static Object toTributary(Object value) {
        if (value == null || value instanceof String || value instanceof Integer || value instanceof Long
                || value instanceof Boolean || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof byte[]) {
            return value;
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (value instanceof Float f) {
            return (double) f;
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d.toString() : d;
        }
        if (value instanceof ZonedDateTime time) {
            return time.toInstant();
        }
        if (value instanceof GuardedString guarded) {
            StringBuilder clear = new StringBuilder();
            guarded.access(chars -> clear.append(chars));
            return clear.toString();
        }
        if (value instanceof GuardedByteArray guarded) {
            byte[][] clear = new byte[1][];
            guarded.access(bytes -> clear[0] = bytes.clone());
            return clear[0];
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), toTributary(v)));
            return copy;
        }
        return value.toString();
    }

    /** A field value as ConnId values of an attribute of type {@code type} (null when unknown). */
    static List<Object> toConnId(Object value, Class<?> type) {
        List<Object> values = new ArrayList<>();
        if (value instanceof Collection<?> many) {
            many.forEach(v -> values.add(single(v, type)));
        } else if (value != null) {
            values.add(single(value, type));
        }
        return values;
    }

    private static Object single(Object value, Class<?> type) {
        if (value == null) {
            return null;
        }
        if (type == GuardedString.class) {
            return new GuardedString(value.toString().toCharArray());
        }
        if (type == GuardedByteArray.class) {
            return new GuardedByteArray(value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (type == ZonedDateTime.class || (type == null && value instanceof Instant)) {
            return value instanceof Instant instant ? instant.atZone(ZoneOffset.UTC) : ZonedDateTime.parse(value.toString());
        }
        if (type == Long.class || type == long.class) {
            return value instanceof Number n ? n.longValue() : Long.valueOf(value.toString());
        }
        if (type == Integer.class || type == int.class) {
            return value instanceof Number n ? n.intValue() : Integer.valueOf(value.toString());
        }
        if (type == Boolean.class || type == boolean.class) {
            return value instanceof Boolean b ? b : Boolean.valueOf(value.toString());
        }
        if (type == Double.class || type == double.class) {
            return value instanceof Number n ? n.doubleValue() : Double.valueOf(value.toString());
        }
        if (type == BigDecimal.class) {
            return value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
        }
        if (type == BigInteger.class) {
            return value instanceof BigInteger i ? i : new BigInteger(value.toString());
        }
        if (type == String.class && !(value instanceof String)) {
            return value instanceof Instant || value instanceof LocalDate ? value.toString() : String.valueOf(value);
        }
        if (value instanceof LocalDate date) {
            return date.toString();
        }
        if (value instanceof Instant instant) {
            return instant.atZone(ZoneOffset.UTC);
        }
        return value;
    }

    // ---- sync tokens

    static dev.tributary.connector.SyncToken toTributary(SyncToken token) {
        if (token == null) {
            return null;
        }
        Object value = token.getValue();
        if (value instanceof Integer || value instanceof Long || value instanceof byte[]) {
            return new dev.tributary.connector.SyncToken(value);
        }
        if (value instanceof String text) {
            return new dev.tributary.connector.SyncToken("s:" + text);
        }
        if (value instanceof ZonedDateTime time) {
            return new dev.tributary.connector.SyncToken(ZonedDateTime.class.getName() + ":" + time);
        }
        return new dev.tributary.connector.SyncToken(value.getClass().getName() + ":" + value);
    }

    static SyncToken toConnId(dev.tributary.connector.SyncToken token) {
        if (token == null) {
            return null;
        }
        Object value = token.value();
        if (!(value instanceof String text)) {
            return new SyncToken(value);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new InvalidSyncTokenException("not a ConnId sync token: " + text);
        }
        String type = text.substring(0, colon);
        String rest = text.substring(colon + 1);
        try {
            return new SyncToken(switch (type) {
                case "s" -> rest;
                case "java.lang.Double" -> Double.valueOf(rest);
                case "java.lang.Float" -> Float.valueOf(rest);
                case "java.lang.Boolean" -> Boolean.valueOf(rest);
                case "java.lang.Character" -> rest.charAt(0);
                case "java.math.BigInteger" -> new BigInteger(rest);
                case "java.math.BigDecimal" -> new BigDecimal(rest);
                case "java.time.ZonedDateTime" -> ZonedDateTime.parse(rest);
                default -> throw new InvalidSyncTokenException("a ConnId sync token of type " + type + " cannot be restored");
            });
        } catch (RuntimeException e) {
            if (e instanceof InvalidSyncTokenException invalid) {
                throw invalid;
            }
            throw new InvalidSyncTokenException("a damaged ConnId sync token: " + text);
        }
    }
}
