package dev.tributary.connectors.connidbundle;

import dev.tributary.connector.FieldInfo;
import dev.tributary.connector.FieldType;
import dev.tributary.connector.ObjectClassInfo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.identityconnectors.common.security.GuardedByteArray;
import org.identityconnectors.common.security.GuardedString;
import org.identityconnectors.framework.common.exceptions.AlreadyExistsException;
import org.identityconnectors.framework.common.exceptions.ConfigurationException;
import org.identityconnectors.framework.common.exceptions.ConnectorException;
import org.identityconnectors.framework.common.exceptions.ConnectorIOException;
import org.identityconnectors.framework.common.exceptions.InvalidAttributeValueException;
import org.identityconnectors.framework.common.exceptions.PreconditionFailedException;
import org.identityconnectors.framework.common.exceptions.RetryableException;
import org.identityconnectors.framework.common.exceptions.UnknownUidException;
import org.identityconnectors.framework.common.objects.Attribute;
import org.identityconnectors.framework.common.objects.AttributeBuilder;
import org.identityconnectors.framework.common.objects.AttributeInfoBuilder;
import org.identityconnectors.framework.common.objects.ConnectorObject;
import org.identityconnectors.framework.common.objects.ConnectorObjectBuilder;
import org.identityconnectors.framework.common.objects.Name;
import org.identityconnectors.framework.common.objects.ObjectClass;
import org.identityconnectors.framework.common.objects.ObjectClassInfoBuilder;
import org.identityconnectors.framework.common.objects.SyncToken;
import org.identityconnectors.framework.common.objects.Uid;

/**
 * Translation between Tributary's connector SPI and ConnId's, for connectors of ours that run
 * inside a ConnId host.
 *
 * <p>Implementation notes. Every object of ours becomes a ConnId object whose {@code __UID__} and
 * {@code __NAME__} are both our uid (ConnId insists on a name; ours have none of their own).
 * Field types map one way and back without loss: INTEGER is {@code Long}, DECIMAL is
 * {@code BigDecimal}, TIMESTAMP is a UTC {@code ZonedDateTime}, DATE is ISO text (ConnId has no
 * date type), JSON is its text, a list is a multi-valued attribute. Values ConnId sends are
 * converted to the field's declared type before our connector sees them, so a client's
 * {@code Integer} for a {@code Long} attribute is accepted and an unparseable date is refused with
 * the attribute's name.
 */
final class ConnIdMapping {

    private ConnIdMapping() {
    }

    // ---- schema

    /** The ConnId Java type of one of our field types. */
    static Class<?> attributeType(FieldType type) {
        return switch (type) {
            case INTEGER -> Long.class;
            case DECIMAL -> BigDecimal.class;
            case BOOLEAN -> Boolean.class;
            case TIMESTAMP -> ZonedDateTime.class;
            case BINARY -> byte[].class;
            case STRING, DATE, JSON -> String.class;
        };
    }

    /** One of our object classes as ConnId describes it; {@code hidden} fields (such as the key) are left out. */
    static org.identityconnectors.framework.common.objects.ObjectClassInfo objectClassInfo(ObjectClassInfo ours,
            Set<String> hidden) {
        ObjectClassInfoBuilder builder = new ObjectClassInfoBuilder().setType(ours.objectClass().name());
        // The name mirrors the uid, which the external system assigns: it can be read, never written.
        builder.addAttributeInfo(AttributeInfoBuilder.define(Name.NAME).setType(String.class).setRequired(false)
                .setCreateable(false).setUpdateable(false).build());
        for (FieldInfo field : ours.fields()) {
            if (isHidden(field.name(), hidden)) {
                continue;
            }
            builder.addAttributeInfo(AttributeInfoBuilder.define(field.name()).setType(attributeType(field.type()))
                    .setRequired(field.required()).setMultiValued(field.multiValued())
                    .setCreateable(!field.readOnly()).setUpdateable(!field.readOnly()).build());
        }
        return builder.build();
    }

    static boolean isHidden(String field, Set<String> hidden) {
        for (String name : hidden) {
            if (name.equalsIgnoreCase(field)) {
                return true;
            }
        }
        return false;
    }

    // ---- objects and values

    /**
     * One of our objects as a ConnId object.
     *
     * @param attributesToGet the attributes asked for, or null for all
     * @param revisions whether the uid carries the object's version as its revision
     */
    static ConnectorObject connectorObject(dev.tributary.connector.ConnectorObject ours, ObjectClassInfo info,
            Set<String> hidden, Set<String> attributesToGet, boolean revisions) {
        ConnectorObjectBuilder builder = new ConnectorObjectBuilder()
                .setObjectClass(new ObjectClass(ours.objectClass().name()))
                .setUid(uid(ours.uid().value(), ours.version(), revisions))
                .setName(ours.uid().value());
        for (Map.Entry<String, Object> field : ours.fields().entrySet()) {
            String name = field.getKey();
            if (isHidden(name, hidden) || (attributesToGet != null && !containsIgnoreCase(attributesToGet, name))) {
                continue;
            }
            FieldType type = info.field(name).map(FieldInfo::type).orElse(FieldType.STRING);
            builder.addAttribute(AttributeBuilder.build(name, attributeValues(field.getValue(), type, name)));
        }
        return builder.build();
    }

    static Uid uid(String value, String version, boolean revisions) {
        return revisions && version != null && !version.isBlank() ? new Uid(value, version) : new Uid(value);
    }

    private static boolean containsIgnoreCase(Set<String> names, String name) {
        for (String candidate : names) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** A field value of ours as the values of a ConnId attribute (empty for null). */
    static List<Object> attributeValues(Object value, FieldType type, String field) {
        List<Object> values = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item != null) {
                    values.add(attributeValue(item, type, field));
                }
            }
        } else if (value != null) {
            values.add(attributeValue(value, type, field));
        }
        return values;
    }

    private static Object attributeValue(Object value, FieldType type, String field) {
        switch (type) {
            case INTEGER:
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                if (value instanceof BigInteger big && big.bitLength() < 64) {
                    return big.longValue();
                }
                break;
            case DECIMAL:
                if (value instanceof BigDecimal) {
                    return value;
                }
                if (value instanceof Double || value instanceof Float) {
                    return BigDecimal.valueOf(((Number) value).doubleValue());
                }
                if (value instanceof Long || value instanceof Integer) {
                    return BigDecimal.valueOf(((Number) value).longValue());
                }
                if (value instanceof BigInteger big) {
                    return new BigDecimal(big);
                }
                break;
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                break;
            case TIMESTAMP:
                if (value instanceof Instant instant) {
                    return instant.atZone(ZoneOffset.UTC);
                }
                break;
            case BINARY:
                if (value instanceof byte[]) {
                    return value;
                }
                break;
            case DATE:
                if (value instanceof LocalDate) {
                    return value.toString();
                }
                break;
            default:
                break;
        }
        if (value instanceof Map || value instanceof List || value instanceof byte[]) {
            throw new ConnectorException("field '" + field + "' holds a " + value.getClass().getSimpleName()
                    + " that a " + type + " attribute cannot carry");
        }
        // STRING and JSON, and any scalar whose type differs from the declared one, travel as text.
        return value.toString();
    }

    /**
     * ConnId attributes as our fields, checked against the object class: unknown attributes,
     * read-only ones, the uid and the name are refused, as is more than one value for a
     * single-valued field.
     */
    static Map<String, Object> fields(Set<Attribute> attributes, ObjectClassInfo info, Set<String> hidden,
            String operation) {
        if (attributes == null) {
            throw new InvalidAttributeValueException("the attribute set must not be null");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Attribute attribute : attributes) {
            String name = attribute.getName();
            if (attribute.is(Uid.NAME) || attribute.is(Name.NAME)) {
                throw new InvalidAttributeValueException("'" + name + "' is the row's key, which the database assigns;"
                        + " it cannot be given to " + operation);
            }
            FieldInfo field = info.fields().stream()
                    .filter(f -> f.name().equalsIgnoreCase(name) && !isHidden(f.name(), hidden)).findFirst()
                    .orElseThrow(() -> new InvalidAttributeValueException("object class " + info.objectClass().name()
                            + " has no attribute '" + name + "'; it has " + attributeNames(info, hidden)));
            if (field.readOnly()) {
                throw new InvalidAttributeValueException("attribute '" + field.name() + "' is read-only");
            }
            if (!seen.add(field.name().toLowerCase(Locale.ROOT))) {
                throw new InvalidAttributeValueException("attribute '" + field.name() + "' is given twice");
            }
            fields.put(field.name(), fieldValue(attribute.getValue(), field));
        }
        return fields;
    }

    private static List<String> attributeNames(ObjectClassInfo info, Set<String> hidden) {
        return info.fields().stream().map(FieldInfo::name).filter(n -> !isHidden(n, hidden)).toList();
    }

    private static Object fieldValue(List<Object> values, FieldInfo field) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (field.multiValued()) {
            List<Object> list = new ArrayList<>(values.size());
            for (Object value : values) {
                list.add(fieldValue(value, field));
            }
            return list;
        }
        if (values.size() > 1) {
            throw new InvalidAttributeValueException("attribute '" + field.name() + "' takes one value, not "
                    + values.size());
        }
        return fieldValue(values.get(0), field);
    }

    private static Object fieldValue(Object value, FieldInfo field) {
        if (value == null) {
            return null;
        }
        Object plain = plain(value);
        try {
            switch (field.type()) {
                case INTEGER:
                    if (plain instanceof Long || plain instanceof Integer || plain instanceof BigInteger) {
                        return plain;
                    }
                    if (plain instanceof Short || plain instanceof Byte) {
                        return ((Number) plain).longValue();
                    }
                    if (plain instanceof String text) {
                        return Long.parseLong(text.strip());
                    }
                    break;
                case DECIMAL:
                    if (plain instanceof BigDecimal || plain instanceof Double || plain instanceof Long
                            || plain instanceof Integer || plain instanceof BigInteger) {
                        return plain;
                    }
                    if (plain instanceof Float f) {
                        return new BigDecimal(f.toString());
                    }
                    if (plain instanceof String text) {
                        return new BigDecimal(text.strip());
                    }
                    break;
                case BOOLEAN:
                    if (plain instanceof Boolean) {
                        return plain;
                    }
                    if (plain instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                        return Boolean.parseBoolean(text);
                    }
                    break;
                case TIMESTAMP:
                    if (plain instanceof ZonedDateTime time) {
                        return time.toInstant();
                    }
                    if (plain instanceof String text) {
                        return Instant.parse(text.strip());
                    }
                    break;
                case DATE:
                    if (plain instanceof String text) {
                        return LocalDate.parse(text.strip());
                    }
                    break;
                case BINARY:
                    if (plain instanceof byte[]) {
                        return plain;
                    }
                    break;
                case STRING:
                case JSON:
                    if (plain instanceof String || plain instanceof Number || plain instanceof Boolean) {
                        return plain.toString();
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new InvalidAttributeValueException("attribute '" + field.name() + "' must be "
                    + describe(field.type()) + ", not '" + plain + "'");
        }
        throw new InvalidAttributeValueException("attribute '" + field.name() + "' must be " + describe(field.type())
                + ", not a " + plain.getClass().getSimpleName());
    }

    private static String describe(FieldType type) {
        return switch (type) {
            case INTEGER -> "a whole number (Long)";
            case DECIMAL -> "a number (BigDecimal)";
            case BOOLEAN -> "true or false";
            case TIMESTAMP -> "a point in time (ZonedDateTime)";
            case DATE -> "an ISO date such as 2024-02-29";
            case BINARY -> "bytes";
            case STRING, JSON -> "text";
        };
    }

    /** Unwraps ConnId's guarded and character values into plain ones. */
    private static Object plain(Object value) {
        if (value instanceof GuardedString guarded) {
            StringBuilder text = new StringBuilder();
            guarded.access(chars -> text.append(chars));
            return text.toString();
        }
        if (value instanceof GuardedByteArray guarded) {
            byte[][] bytes = new byte[1][];
            guarded.access(b -> bytes[0] = b.clone());
            return bytes[0];
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        return value;
    }

    // ---- tokens

    static SyncToken syncToken(dev.tributary.connector.SyncToken ours) {
        return ours == null ? null : new SyncToken(ours.value());
    }

    static dev.tributary.connector.SyncToken syncToken(SyncToken theirs) {
        if (theirs == null) {
            return null;
        }
        Object value = theirs.getValue();
        if (value instanceof String || value instanceof Long || value instanceof Integer || value instanceof byte[]) {
            return new dev.tributary.connector.SyncToken(value);
        }
        throw new IllegalArgumentException("this connector's sync tokens are text, whole numbers or bytes, not "
                + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    // ---- failures

    /** Our connector's failure as the ConnId exception a ConnId client expects. */
    static RuntimeException failure(RuntimeException e, ObjectClass objectClass) {
        if (e instanceof ConnectorException) {
            return e;
        }
        if (e instanceof dev.tributary.connector.UnknownUidException unknown) {
            return new UnknownUidException(new Uid(unknown.uid().value()), objectClass);
        }
        if (e instanceof dev.tributary.connector.VersionConflictException) {
            return new PreconditionFailedException(e.getMessage(), e);
        }
        if (e instanceof dev.tributary.connector.AlreadyExistsException) {
            return new AlreadyExistsException(e.getMessage(), e);
        }
        if (e instanceof dev.tributary.connector.InvalidConfigurationException) {
            return new ConfigurationException(e.getMessage(), e);
        }
        if (e instanceof dev.tributary.connector.InvalidSyncTokenException) {
            return new IllegalArgumentException(e.getMessage(), e);
        }
        if (e instanceof dev.tributary.connector.ConnectorIOException) {
            return new ConnectorIOException(e.getMessage(), e);
        }
        if (e instanceof dev.tributary.connector.RetryableException) {
            return RetryableException.wrap(e.getMessage(), e);
        }
        if (e instanceof dev.tributary.connector.ConnectorException) {
            return new ConnectorException(e.getMessage(), e);
        }
        if (e instanceof IllegalArgumentException) {
            return new InvalidAttributeValueException(e.getMessage(), e);
        }
        return e;
    }

    /** Attribute names asked for, without ConnId's special ones, or null for all. */
    static Set<String> attributesToGet(String[] names) {
        if (names == null) {
            return null;
        }
        Set<String> wanted = new HashSet<>();
        for (String name : names) {
            if (!name.startsWith("__")) {
                wanted.add(name);
            }
        }
        return wanted;
    }
}
