package dev.tributary.connectors.connid;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ConnectorIOException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.FieldInfo;
import dev.tributary.connector.FieldType;
import dev.tributary.connector.InvalidConfigurationException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.ObjectClassInfo;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.ResultsHandler;
import dev.tributary.connector.Schema;
import dev.tributary.connector.SchemaOp;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConfigKey;
import dev.tributary.connector.config.ConfigType;
import dev.tributary.connector.config.ConnectorConfig;
import dev.tributary.connector.config.Secret;
import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.identityconnectors.common.security.GuardedByteArray;
import org.identityconnectors.common.security.GuardedString;
import org.identityconnectors.framework.api.APIConfiguration;
import org.identityconnectors.framework.api.ConfigurationProperties;
import org.identityconnectors.framework.api.ConfigurationProperty;
import org.identityconnectors.framework.api.ConnectorFacade;
import org.identityconnectors.framework.api.ConnectorFacadeFactory;
import org.identityconnectors.framework.api.ConnectorInfo;
import org.identityconnectors.framework.api.operations.TestApiOp;
import org.identityconnectors.framework.common.objects.Attribute;
import org.identityconnectors.framework.common.objects.AttributeBuilder;
import org.identityconnectors.framework.common.objects.AttributeInfo;
import org.identityconnectors.framework.common.objects.OperationOptionsBuilder;

/**
 * One connector of a ConnId bundle, behind Tributary's SPI: the engine drives it like any other
 * connector, and the ConnId framework drives the bundle.
 *
 * <p>Mapping. An object's ConnId attributes become its fields under their ConnId names
 * ({@code __NAME__} included; {@code __UID__} is the uid); single-valued attributes become a
 * value, multi-valued ones (as the schema says) a list. Sync tokens keep their value type (see
 * {@link ConnIdValues}). The expected version of an update or delete travels as the ConnId uid's
 * revision: connectors that check revisions refuse stale writes
 * ({@code PreconditionFailedException} → {@link VersionConflictException}); those that do not
 * cannot detect a conflicting change at write time.
 *
 * <p>ConnId facades may return a null final token (DatabaseTable does): the last delivered
 * delta's token is then the final one, or the token the sync started from when nothing came.
 */
final class ConnIdConnector implements dev.tributary.connector.Connector, SyncOp, SearchOp, CreateOp, UpdateOp, DeleteOp,
        SchemaOp {

    /** Suffix of the case-folded entries of the attribute index (not a valid attribute name part). */
    private static final String CASE_FOLDED = "\u0000";

    private final ConnectorInfo info;
    private final Map<String, ConfigurationProperty> properties = new LinkedHashMap<>();
    private ConnectorFacade facade;
    private Map<String, Map<String, AttributeInfo>> attributes;

    ConnIdConnector(ConnectorInfo info) {
        this.info = info;
        ConfigurationProperties defaults = info.createDefaultAPIConfiguration().getConfigurationProperties();
        for (String name : defaults.getPropertyNames()) {
            properties.put(name, defaults.getProperty(name));
        }
    }

    // ---- configuration

    @Override
    public ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        for (ConfigurationProperty property : properties.values()) {
            Class<?> type = property.getType();
            boolean secret = property.isConfidential() || type == GuardedString.class || type == GuardedByteArray.class;
            Object defaultValue = secret ? null : defaultOf(property);
            String help = property.getHelpMessage(property.getDisplayName(property.getName()));
            String description = (help == null || help.isBlank() ? property.getName() : help.strip())
                    + " [ConnId type " + type.getSimpleName() + "]";
            def.add(new ConfigKey(property.getName(), configType(type), property.isRequired() && defaultValue == null, secret,
                    defaultValue, description, null));
        }
        return def;
    }

    private static ConfigType configType(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return ConfigType.INT;
        }
        if (type == long.class || type == Long.class) {
            return ConfigType.LONG;
        }
        if (type == boolean.class || type == Boolean.class) {
            return ConfigType.BOOLEAN;
        }
        if (type.isArray() && type != byte[].class) {
            return ConfigType.LIST;
        }
        return ConfigType.STRING;
    }

    private static Object defaultOf(ConfigurationProperty property) {
        Object value = property.getValue();
        if (value == null || value instanceof String text && text.isBlank()) {
            return null;
        }
        if (value instanceof Object[] array) {
            if (array.length == 0) {
                return null;
            }
            List<String> items = new ArrayList<>();
            for (Object item : array) {
                items.add(String.valueOf(item));
            }
            return String.join(",", items);
        }
        if (value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Boolean) {
            return value;
        }
        return value.toString();
    }

    @Override
    public void init(ConnectorConfig config) {
        APIConfiguration api = info.createDefaultAPIConfiguration();
        // The hub pages through searches itself and filters nothing: the framework's filtering
        // handler would refuse paged searches.
        api.getResultsHandlerConfiguration().setEnableFilteredResultsHandler(false);
        ConfigurationProperties target = api.getConfigurationProperties();
        List<String> problems = new ArrayList<>();
        for (ConfigurationProperty property : properties.values()) {
            String name = property.getName();
            if (!config.has(name)) {
                continue;
            }
            try {
                target.setPropertyValue(name, convert(config, name, property.getType()));
            } catch (RuntimeException e) {
                problems.add("'" + name + "' cannot be used as a " + property.getType().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        try {
            facade = ConnectorFacadeFactory.getInstance().newInstance(api);
        } catch (org.identityconnectors.framework.common.exceptions.ConfigurationException e) {
            throw new InvalidConfigurationException(List.of(e.getMessage()));
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static Object convert(ConnectorConfig config, String name, Class<?> type) {
        if (type == GuardedString.class) {
            Secret secret = config.getSecret(name);
            return new GuardedString(secret.reveal().toCharArray());
        }
        if (type == GuardedByteArray.class) {
            return new GuardedByteArray(config.getSecret(name).reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (type == int.class || type == Integer.class) {
            return config.getInt(name);
        }
        if (type == long.class || type == Long.class) {
            return config.getLong(name);
        }
        if (type == boolean.class || type == Boolean.class) {
            return config.getBoolean(name);
        }
        if (type == String[].class) {
            return config.getList(name).toArray(String[]::new);
        }
        String text = config.has(name) && isSecret(config, name) ? config.getSecret(name).reveal() : config.getString(name);
        if (type == String.class) {
            return text;
        }
        if (type == char.class || type == Character.class) {
            if (text.length() != 1) {
                throw new IllegalArgumentException("one character is needed");
            }
            return text.charAt(0);
        }
        if (type == double.class || type == Double.class) {
            return Double.valueOf(text);
        }
        if (type == float.class || type == Float.class) {
            return Float.valueOf(text);
        }
        if (type == File.class) {
            return new File(text);
        }
        if (type == URI.class) {
            return URI.create(text);
        }
        if (type == BigDecimal.class) {
            return new BigDecimal(text);
        }
        if (type == BigInteger.class) {
            return new BigInteger(text);
        }
        if (type == File[].class) {
            return config.getList(name).stream().map(File::new).toArray(File[]::new);
        }
        throw new IllegalArgumentException("settings of this type are not supported");
    }

    private static boolean isSecret(ConnectorConfig config, String name) {
        try {
            config.getSecret(name);
            return true;
        } catch (RuntimeException notASecret) {
            return false;
        }
    }

    private ConnectorFacade facade() {
        if (facade == null) {
            throw new IllegalStateException("the connector is not initialized");
        }
        return facade;
    }

    @Override
    public void test() {
        try {
            if (facade().getSupportedOperations().contains(TestApiOp.class)) {
                facade().test();
            } else {
                facade().validate();
            }
        } catch (IllegalArgumentException | org.identityconnectors.framework.common.exceptions.ConfigurationException e) {
            throw new InvalidConfigurationException(List.of(e.getMessage()));
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public void dispose() {
        facade = null;
    }

    // ---- schema

    @Override
    public Schema schema() {
        List<ObjectClassInfo> classes = new ArrayList<>();
        for (org.identityconnectors.framework.common.objects.ObjectClassInfo type : connIdSchema().getObjectClassInfo()) {
            List<FieldInfo> fields = new ArrayList<>();
            for (AttributeInfo attribute : type.getAttributeInfo()) {
                if (attribute.is(org.identityconnectors.framework.common.objects.Uid.NAME)) {
                    continue;
                }
                fields.add(new FieldInfo(attribute.getName(), fieldType(attribute.getType()), attribute.isRequired(),
                        attribute.isMultiValued(), !attribute.isCreateable() && !attribute.isUpdateable()));
            }
            classes.add(new ObjectClassInfo(new ObjectClass(type.getType()), fields, List.of()));
        }
        return new Schema(classes);
    }

    private org.identityconnectors.framework.common.objects.Schema connIdSchema() {
        try {
            return facade().schema();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static FieldType fieldType(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class || type == GuardedString.class) {
            return FieldType.STRING;
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == BigInteger.class) {
            return FieldType.INTEGER;
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class
                || type == BigDecimal.class) {
            return FieldType.DECIMAL;
        }
        if (type == Boolean.class || type == boolean.class) {
            return FieldType.BOOLEAN;
        }
        if (type == byte[].class || type == GuardedByteArray.class) {
            return FieldType.BINARY;
        }
        if (type == ZonedDateTime.class) {
            return FieldType.TIMESTAMP;
        }
        return FieldType.JSON;
    }

    /** Attribute infos by object class and name, from the schema (empty if the connector has none). */
    private Map<String, AttributeInfo> attributesOf(ObjectClass objectClass) {
        if (attributes == null) {
            Map<String, Map<String, AttributeInfo>> all = new HashMap<>();
            try {
                if (facade().getSupportedOperations().contains(org.identityconnectors.framework.api.operations.SchemaApiOp.class)) {
                    for (var type : connIdSchema().getObjectClassInfo()) {
                        Map<String, AttributeInfo> byName = new HashMap<>();
                        type.getAttributeInfo().forEach(a -> {
                            byName.put(a.getName(), a);
                            byName.putIfAbsent(a.getName().toLowerCase(java.util.Locale.ROOT) + CASE_FOLDED, a);
                        });
                        all.put(type.getType(), byName);
                    }
                }
            } catch (RuntimeException noSchema) {
                // Without a schema, values map by their own shape.
            }
            attributes = all;
        }
        return attributes.getOrDefault(objectClass.name(), Map.of());
    }

    // ---- objects

    private static org.identityconnectors.framework.common.objects.ObjectClass connId(ObjectClass objectClass) {
        return objectClass.isAll() ? org.identityconnectors.framework.common.objects.ObjectClass.ALL
                : new org.identityconnectors.framework.common.objects.ObjectClass(objectClass.name());
    }

    private ConnectorObject object(org.identityconnectors.framework.common.objects.ConnectorObject object) {
        ObjectClass objectClass = new ObjectClass(object.getObjectClass().getObjectClassValue());
        Map<String, AttributeInfo> schema = attributesOf(objectClass);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Attribute attribute : object.getAttributes()) {
            if (attribute.is(org.identityconnectors.framework.common.objects.Uid.NAME)) {
                continue;
            }
            List<Object> values = attribute.getValue() == null ? List.of() : attribute.getValue();
            // ConnId attribute names are case-insensitive, and some bundles (CSVDir) deliver
            // NAME for the schema's name: fields take the schema's spelling.
            AttributeInfo info = schema.get(attribute.getName());
            if (info == null) {
                info = schema.get(attribute.getName().toLowerCase(java.util.Locale.ROOT) + CASE_FOLDED);
            }
            String field = info == null ? attribute.getName() : info.getName();
            boolean many = info != null ? info.isMultiValued() : values.size() > 1;
            if (many) {
                List<Object> converted = new ArrayList<>();
                values.forEach(v -> converted.add(ConnIdValues.toTributary(v)));
                fields.put(field, converted);
            } else {
                fields.put(field, values.isEmpty() ? null : ConnIdValues.toTributary(values.get(0)));
            }
        }
        org.identityconnectors.framework.common.objects.Uid uid = object.getUid();
        return new ConnectorObject(objectClass, new Uid(uid.getUidValue()), uid.getRevision(), fields);
    }

    private Set<Attribute> attributes(ObjectClass objectClass, Map<String, Object> fields) {
        Map<String, AttributeInfo> schema = attributesOf(objectClass);
        Set<Attribute> attributes = new HashSet<>();
        fields.forEach((name, value) -> {
            AttributeInfo info = schema.getOrDefault(name, schema.get(name.toLowerCase(java.util.Locale.ROOT) + CASE_FOLDED));
            List<Object> values = ConnIdValues.toConnId(value, info == null ? null : info.getType());
            attributes.add(AttributeBuilder.build(name, values));
        });
        return attributes;
    }

    // ---- sync

    /**
     * Refuses an object class the connector's schema does not have, as the SPI says, before the
     * bundle sees it (bundles tend to throw IllegalArgumentException for those).
     */
    private void requireKnown(ObjectClass objectClass) {
        if (!objectClass.isAll() && attributes != null && !attributes.isEmpty() && !attributes.containsKey(objectClass.name())) {
            throw new UnsupportedOperationException("the connector has no object class " + objectClass + "; it has "
                    + new java.util.TreeSet<>(attributes.keySet()));
        }
    }

    /** A bundle's refusal of an object class (IllegalArgumentException) as the SPI's UnsupportedOperationException. */
    private static RuntimeException refusal(ObjectClass objectClass, RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return new UnsupportedOperationException("the connector cannot sync " + objectClass + ": " + e.getMessage(), e);
        }
        return translate(e);
    }

    @Override
    public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
        attributesOf(objectClass);
        requireKnown(objectClass);
        AtomicReference<SyncToken> last = new AtomicReference<>(token);
        AtomicBoolean stopped = new AtomicBoolean();
        org.identityconnectors.framework.common.objects.SyncToken finalToken;
        try {
            finalToken = facade().sync(connId(objectClass), ConnIdValues.toConnId(token), delta -> {
                if (stopped.get()) {
                    return false;
                }
                SyncDelta ours = delta(delta);
                last.set(ours.token());
                boolean more = handler.handle(ours);
                stopped.set(!more);
                return more;
            }, new OperationOptionsBuilder().setPageSize(options.pageSize()).build());
        } catch (RuntimeException e) {
            throw refusal(objectClass, e);
        }
        if (handler instanceof SyncTokenResultsHandler tokens) {
            // A facade's final token is only trusted when the whole sync was delivered.
            SyncToken result = !stopped.get() && finalToken != null ? ConnIdValues.toTributary(finalToken) : last.get();
            if (result != null) {
                tokens.handleResult(result);
            }
        }
    }

    private SyncDelta delta(org.identityconnectors.framework.common.objects.SyncDelta delta) {
        SyncDelta.Builder builder = SyncDelta.builder()
                .type(switch (delta.getDeltaType()) {
                    case CREATE -> SyncDeltaType.CREATE;
                    case UPDATE -> SyncDeltaType.UPDATE;
                    case DELETE -> SyncDeltaType.DELETE;
                    default -> SyncDeltaType.CREATE_OR_UPDATE;
                })
                .token(ConnIdValues.toTributary(delta.getToken()))
                .objectClass(new ObjectClass(delta.getObjectClass() != null ? delta.getObjectClass().getObjectClassValue()
                        : delta.getObject().getObjectClass().getObjectClassValue()))
                .uid(new Uid(delta.getUid().getUidValue()));
        if (delta.getPreviousUid() != null) {
            builder.previousUid(new Uid(delta.getPreviousUid().getUidValue()));
        }
        if (delta.getObject() != null && delta.getDeltaType() != org.identityconnectors.framework.common.objects.SyncDeltaType.DELETE) {
            builder.object(object(delta.getObject()));
        }
        return builder.build();
    }

    @Override
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        attributesOf(objectClass);
        requireKnown(objectClass);
        try {
            return ConnIdValues.toTributary(facade().getLatestSyncToken(connId(objectClass)));
        } catch (RuntimeException e) {
            throw refusal(objectClass, e);
        }
    }

    // ---- search

    @Override
    public SearchResult search(ObjectClass objectClass, ResultsHandler handler, OperationOptions options) {
        OperationOptionsBuilder connIdOptions = new OperationOptionsBuilder().setPageSize(options.pageSize());
        if (options.pagedResultsCookie() != null) {
            connIdOptions.setPagedResultsCookie(options.pagedResultsCookie());
        }
        if (options.fieldsToGet() != null) {
            connIdOptions.setAttributesToGet(options.fieldsToGet());
        }
        // A paged search must be handed a SearchResultsHandler: ConnId's facade passes the page's
        // result to the caller's handler and casts it to that type (a plain lambda fails there).
        String[] reported = {null};
        org.identityconnectors.framework.spi.SearchResultsHandler pages =
                new org.identityconnectors.framework.spi.SearchResultsHandler() {
                    @Override
                    public boolean handle(org.identityconnectors.framework.common.objects.ConnectorObject object) {
                        return handler.handle(object(object));
                    }

                    @Override
                    public void handleResult(org.identityconnectors.framework.common.objects.SearchResult result) {
                        reported[0] = result == null ? null : result.getPagedResultsCookie();
                    }
                };
        try {
            org.identityconnectors.framework.common.objects.SearchResult result = facade().search(connId(objectClass), null,
                    pages, connIdOptions.build());
            String cookie = result != null ? result.getPagedResultsCookie() : reported[0];
            return cookie == null ? SearchResult.LAST_PAGE : new SearchResult(cookie);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid, OperationOptions options) {
        try {
            var object = facade().getObject(connId(objectClass), new org.identityconnectors.framework.common.objects.Uid(uid.value()),
                    new OperationOptionsBuilder().build());
            return Optional.ofNullable(object).map(this::object);
        } catch (org.identityconnectors.framework.common.exceptions.UnknownUidException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    // ---- writes

    @Override
    public VersionedUid create(ObjectClass objectClass, Map<String, Object> fields, OperationOptions options) {
        try {
            var uid = facade().create(connId(objectClass), attributes(objectClass, fields), new OperationOptionsBuilder().build());
            return new VersionedUid(new Uid(uid.getUidValue()), uid.getRevision());
        } catch (org.identityconnectors.framework.common.exceptions.AlreadyExistsException e) {
            Object name = fields.get(org.identityconnectors.framework.common.objects.Name.NAME);
            throw new AlreadyExistsException(objectClass, new Uid(name == null ? "(unknown)" : name.toString()));
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion, Map<String, Object> fields,
            OperationOptions options) {
        try {
            var updated = facade().update(connId(objectClass), connIdUid(uid, expectedVersion), attributes(objectClass, fields),
                    new OperationOptionsBuilder().build());
            return new VersionedUid(new Uid(updated.getUidValue()), updated.getRevision());
        } catch (org.identityconnectors.framework.common.exceptions.PreconditionFailedException e) {
            throw new VersionConflictException(uid, expectedVersion, null);
        } catch (org.identityconnectors.framework.common.exceptions.UnknownUidException e) {
            throw new UnknownUidException(objectClass, uid);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public void delete(ObjectClass objectClass, Uid uid, String expectedVersion, OperationOptions options) {
        try {
            facade().delete(connId(objectClass), connIdUid(uid, expectedVersion), new OperationOptionsBuilder().build());
        } catch (org.identityconnectors.framework.common.exceptions.PreconditionFailedException e) {
            throw new VersionConflictException(uid, expectedVersion, null);
        } catch (org.identityconnectors.framework.common.exceptions.UnknownUidException e) {
            throw new UnknownUidException(objectClass, uid);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static org.identityconnectors.framework.common.objects.Uid connIdUid(Uid uid, String revision) {
        return revision == null ? new org.identityconnectors.framework.common.objects.Uid(uid.value())
                : new org.identityconnectors.framework.common.objects.Uid(uid.value(), revision);
    }

    /** ConnId's exceptions as ours: retryable ones stay retryable; unknown uids and conflicts keep their meaning. */
    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof ConnectorException || e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException) {
            return e;
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof org.identityconnectors.framework.common.exceptions.UnknownUidException) {
            return new ConnectorException("unknown uid: " + message, e);
        }
        if (e instanceof org.identityconnectors.framework.common.exceptions.AlreadyExistsException) {
            return new ConnectorException("already exists: " + message, e);
        }
        if (e instanceof org.identityconnectors.framework.common.exceptions.ConnectionFailedException
                || e instanceof org.identityconnectors.framework.common.exceptions.ConnectionBrokenException
                || e instanceof org.identityconnectors.framework.common.exceptions.OperationTimeoutException
                || e instanceof org.identityconnectors.framework.common.exceptions.RetryableException
                || e instanceof org.identityconnectors.framework.common.exceptions.ConnectorIOException) {
            return new ConnectorIOException(message, e);
        }
        if (e instanceof org.identityconnectors.framework.common.exceptions.ConfigurationException) {
            return new InvalidConfigurationException(List.of(message));
        }
        return new ConnectorException(message, e);
    }
}
