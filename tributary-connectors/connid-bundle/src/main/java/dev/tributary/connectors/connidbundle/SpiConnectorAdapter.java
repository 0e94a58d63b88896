package dev.tributary.connectors.connidbundle;

import dev.tributary.connector.ChangeOrigin;
import dev.tributary.connector.ObjectClassInfo;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.config.ConnectorConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.identityconnectors.framework.common.exceptions.ConfigurationException;
import org.identityconnectors.framework.common.objects.Attribute;
import org.identityconnectors.framework.common.objects.ConnectorObject;
import org.identityconnectors.framework.common.objects.Name;
import org.identityconnectors.framework.common.objects.ObjectClass;
import org.identityconnectors.framework.common.objects.OperationOptions;
import org.identityconnectors.framework.common.objects.ResultsHandler;
import org.identityconnectors.framework.common.objects.Schema;
import org.identityconnectors.framework.common.objects.SchemaBuilder;
import org.identityconnectors.framework.common.objects.SyncDeltaBuilder;
import org.identityconnectors.framework.common.objects.SyncDeltaType;
import org.identityconnectors.framework.common.objects.SyncResultsHandler;
import org.identityconnectors.framework.common.objects.SyncToken;
import org.identityconnectors.framework.common.objects.Uid;
import org.identityconnectors.framework.common.objects.filter.EqualsFilter;
import org.identityconnectors.framework.common.objects.filter.Filter;
import org.identityconnectors.framework.common.objects.filter.FilterTranslator;
import org.identityconnectors.framework.spi.Configuration;
import org.identityconnectors.framework.spi.PoolableConnector;
import org.identityconnectors.framework.spi.SearchResultsHandler;
import org.identityconnectors.framework.spi.SyncTokenResultsHandler;
import org.identityconnectors.framework.spi.operations.CreateOp;
import org.identityconnectors.framework.spi.operations.DeleteOp;
import org.identityconnectors.framework.spi.operations.SchemaOp;
import org.identityconnectors.framework.spi.operations.SearchOp;
import org.identityconnectors.framework.spi.operations.SyncOp;
import org.identityconnectors.framework.spi.operations.TestOp;
import org.identityconnectors.framework.spi.operations.UpdateOp;

/**
 * A ConnId connector that runs one of Tributary's connectors: ConnId calls come in, are checked
 * and translated, and go to the Tributary connector's capabilities of the same name.
 *
 * <p>Implementation notes.
 * <ul>
 * <li>Sync passes tokens through with their value type, reports our deltas (CREATE_OR_UPDATE,
 * CREATE, UPDATE, DELETE with previous uid) and our final token through ConnId's
 * {@link SyncTokenResultsHandler}; a handler that returns false stops the sync.</li>
 * <li>Search answers equality on {@code __UID__} or {@code __NAME__} with a direct read; any other
 * filter is evaluated here, over the object class read page by page, so every ConnId filter works
 * (at the cost of a scan). ConnId paging (page size and cookie) maps to ours.</li>
 * <li>Writes take the uid's revision, when a client gives one, as the expected version, so a stale
 * write fails with {@code PreconditionFailedException} instead of overwriting.</li>
 * <li>ConnId pools instances of this class ({@link PoolableConnector}); one instance is used by
 * one thread at a time, as our connectors require.</li>
 * </ul>
 *
 * @param <C> the ConnId configuration class
 */
public abstract class SpiConnectorAdapter<C extends Configuration> implements PoolableConnector, SyncOp,
        SearchOp<Filter>, CreateOp, UpdateOp, DeleteOp, SchemaOp, TestOp {

    /** Rows per page when a search without a page size reads the whole object class. */
    private static final int SCAN_PAGE = 500;

    private C configuration;
    private dev.tributary.connector.Connector connector;
    private dev.tributary.connector.Schema schema;
    private Set<String> hidden;
    private boolean revisions;

    /** A new, uninitialized Tributary connector. */
    protected abstract dev.tributary.connector.Connector newConnector();

    /** The Tributary connector's settings (its configDef names) from the ConnId configuration. */
    protected abstract Map<String, Object> settings(C configuration);

    /** Fields not shown as attributes: those that are the uid (a key column). */
    protected abstract Set<String> hiddenFields(C configuration);

    /** Whether uids carry the object's version as their revision. */
    protected abstract boolean revisions(C configuration);

    @Override
    public C getConfiguration() {
        return configuration;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(Configuration given) {
        configuration = (C) given;
        dev.tributary.connector.Connector created = newConnector();
        ConnectorConfig settings = validate(created, settings(configuration));
        hidden = Set.copyOf(hiddenFields(configuration));
        revisions = revisions(configuration);
        call(null, () -> {
            created.init(settings);
            return null;
        });
        connector = created;
    }

    /** Validates settings against the connector's declaration, reporting every problem at once. */
    static ConnectorConfig validate(dev.tributary.connector.Connector connector, Map<String, Object> settings) {
        try {
            return connector.configDef().validate(settings);
        } catch (dev.tributary.connector.InvalidConfigurationException e) {
            throw new ConfigurationException("invalid configuration: " + String.join("; ", e.problems()), e);
        }
    }

    @Override
    public void dispose() {
        if (connector != null) {
            connector.dispose();
            connector = null;
        }
    }

    @Override
    public void checkAlive() {
        test();
    }

    @Override
    public void test() {
        call(null, () -> {
            connector.test();
            return null;
        });
    }

    // ---- schema

    @Override
    public Schema schema() {
        SchemaBuilder builder = new SchemaBuilder(getClass());
        for (ObjectClassInfo info : ourSchema().objectClasses()) {
            builder.defineObjectClass(ConnIdMapping.objectClassInfo(info, hidden));
        }
        return builder.build();
    }

    private dev.tributary.connector.Schema ourSchema() {
        if (schema == null) {
            schema = call(null, () -> capability(dev.tributary.connector.SchemaOp.class, "schema").schema());
        }
        return schema;
    }

    private ObjectClassInfo objectClass(ObjectClass objectClass) {
        if (objectClass == null) {
            throw new IllegalArgumentException("an object class is required");
        }
        return ourSchema().objectClasses().stream()
                .filter(info -> info.objectClass().name().equalsIgnoreCase(objectClass.getObjectClassValue()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown object class '"
                        + objectClass.getObjectClassValue() + "'; this connector has " + ourSchema().objectClasses()
                        .stream().map(o -> o.objectClass().name()).toList()));
    }

    // ---- sync

    @Override
    public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
        dev.tributary.connector.ObjectClass ours = objectClass != null && objectClass.is(ObjectClass.ALL_NAME)
                ? dev.tributary.connector.ObjectClass.ALL : objectClass(objectClass).objectClass();
        Set<String> wanted = ConnIdMapping.attributesToGet(options == null ? null : options.getAttributesToGet());
        dev.tributary.connector.SyncTokenResultsHandler bridge = new dev.tributary.connector.SyncTokenResultsHandler() {
            @Override
            public boolean handle(dev.tributary.connector.SyncDelta delta) {
                return handler.handle(delta(delta, wanted));
            }

            @Override
            public void handleResult(dev.tributary.connector.SyncToken finalToken) {
                if (handler instanceof SyncTokenResultsHandler tokens && finalToken != null) {
                    tokens.handleResult(ConnIdMapping.syncToken(finalToken));
                }
            }
        };
        call(objectClass, () -> {
            capability(dev.tributary.connector.SyncOp.class, "sync").sync(ours, ConnIdMapping.syncToken(token), bridge,
                    ourOptions(options));
            return null;
        });
    }

    private org.identityconnectors.framework.common.objects.SyncDelta delta(dev.tributary.connector.SyncDelta delta,
            Set<String> wanted) {
        SyncDeltaBuilder builder = new SyncDeltaBuilder()
                .setToken(ConnIdMapping.syncToken(delta.token()))
                .setDeltaType(SyncDeltaType.valueOf(delta.type().name()))
                .setObjectClass(new ObjectClass(delta.objectClass().name()));
        if (delta.object() != null) {
            ObjectClassInfo info = objectClass(new ObjectClass(delta.objectClass().name()));
            builder.setObject(ConnIdMapping.connectorObject(delta.object(), info, hidden, wanted, revisions));
        } else {
            builder.setUid(new Uid(delta.uid().value()));
        }
        if (delta.previousUid() != null) {
            builder.setPreviousUid(new Uid(delta.previousUid().value()));
        }
        return builder.build();
    }

    @Override
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        dev.tributary.connector.ObjectClass ours = objectClass != null && objectClass.is(ObjectClass.ALL_NAME)
                ? dev.tributary.connector.ObjectClass.ALL : objectClass(objectClass).objectClass();
        return call(objectClass, () -> ConnIdMapping.syncToken(
                capability(dev.tributary.connector.SyncOp.class, "sync").getLatestSyncToken(ours)));
    }

    // ---- search

    @Override
    public FilterTranslator<Filter> createFilterTranslator(ObjectClass objectClass, OperationOptions options) {
        // The whole filter travels as one query and is evaluated in executeQuery.
        return filter -> filter == null ? List.of() : List.of(filter);
    }

    @Override
    public void executeQuery(ObjectClass objectClass, Filter filter, ResultsHandler handler, OperationOptions options) {
        ObjectClassInfo info = objectClass(objectClass);
        Set<String> wanted = ConnIdMapping.attributesToGet(options == null ? null : options.getAttributesToGet());
        dev.tributary.connector.SearchOp search = capability(dev.tributary.connector.SearchOp.class, "search");
        String key = keyEquality(filter);
        if (key != null) {
            Optional<dev.tributary.connector.ConnectorObject> found = call(objectClass, () -> key.isBlank()
                    ? Optional.empty()
                    : search.get(info.objectClass(), new dev.tributary.connector.Uid(key), ourOptions(options)));
            if (found.isPresent()) {
                handler.handle(ConnIdMapping.connectorObject(found.get(), info, hidden, wanted, revisions));
            }
            if (options != null && options.getPageSize() != null) {
                finish(handler, null);
            }
            return;
        }
        Integer pageSize = options == null ? null : options.getPageSize();
        String cookie = options == null ? null : options.getPagedResultsCookie();
        int size = pageSize == null || pageSize < 1 ? SCAN_PAGE
                : Math.min(pageSize, dev.tributary.connector.OperationOptions.MAX_PAGE_SIZE);
        while (true) {
            dev.tributary.connector.OperationOptions page = ourOptions(options).withPageSize(size)
                    .withPagedResultsCookie(cookie);
            boolean[] stopped = {false};
            SearchResult result = call(objectClass, () -> search.search(info.objectClass(), object -> {
                ConnectorObject theirs = ConnIdMapping.connectorObject(object, info, hidden, null, revisions);
                if (filter != null && !filter.accept(theirs)) {
                    return true;
                }
                ConnectorObject shown = wanted == null ? theirs
                        : ConnIdMapping.connectorObject(object, info, hidden, wanted, revisions);
                if (!handler.handle(shown)) {
                    stopped[0] = true;
                    return false;
                }
                return true;
            }, page));
            cookie = result.pagedResultsCookie();
            if (pageSize != null) {
                finish(handler, stopped[0] ? null : cookie);
                return;
            }
            if (stopped[0] || cookie == null) {
                return;
            }
        }
    }

    /** The uid asked for when the filter is equality on {@code __UID__} or {@code __NAME__} with one value. */
    private static String keyEquality(Filter filter) {
        if (filter instanceof EqualsFilter equals) {
            Attribute attribute = equals.getAttribute();
            if ((attribute.is(Uid.NAME) || attribute.is(Name.NAME)) && attribute.getValue() != null
                    && attribute.getValue().size() == 1 && attribute.getValue().get(0) != null) {
                return attribute.getValue().get(0).toString();
            }
        }
        return null;
    }

    /**
     * Reports the page's cookie. Only paged searches report one: ConnId's facade hands a search
     * result to the client's handler, and a client that did not ask for pages may have passed a
     * plain ResultsHandler, which ConnId would then fail to cast.
     */
    private static void finish(ResultsHandler handler, String cookie) {
        if (handler instanceof SearchResultsHandler results) {
            results.handleResult(new org.identityconnectors.framework.common.objects.SearchResult(cookie, -1));
        }
    }

    // ---- writes

    @Override
    public Uid create(ObjectClass objectClass, Set<Attribute> attributes, OperationOptions options) {
        ObjectClassInfo info = objectClass(objectClass);
        Map<String, Object> fields = ConnIdMapping.fields(attributes, info, hidden, "create");
        VersionedUid created = call(objectClass, () -> capability(dev.tributary.connector.CreateOp.class, "create")
                .create(info.objectClass(), fields, ourOptions(options)));
        return ConnIdMapping.uid(created.uid().value(), created.version(), revisions);
    }

    @Override
    public Uid update(ObjectClass objectClass, Uid uid, Set<Attribute> replaceAttributes, OperationOptions options) {
        ObjectClassInfo info = objectClass(objectClass);
        requireUid(uid);
        Map<String, Object> fields = ConnIdMapping.fields(replaceAttributes, info, hidden, "update");
        VersionedUid updated = call(objectClass, () -> capability(dev.tributary.connector.UpdateOp.class, "update")
                .update(info.objectClass(), new dev.tributary.connector.Uid(uid.getUidValue()), uid.getRevision(), fields,
                        ourOptions(options)));
        return ConnIdMapping.uid(updated.uid().value(), updated.version(), revisions);
    }

    @Override
    public void delete(ObjectClass objectClass, Uid uid, OperationOptions options) {
        ObjectClassInfo info = objectClass(objectClass);
        requireUid(uid);
        call(objectClass, () -> {
            capability(dev.tributary.connector.DeleteOp.class, "delete").delete(info.objectClass(),
                    new dev.tributary.connector.Uid(uid.getUidValue()), uid.getRevision(), ourOptions(options));
            return null;
        });
    }

    private static void requireUid(Uid uid) {
        if (uid == null || uid.getUidValue() == null || uid.getUidValue().isBlank()) {
            throw new IllegalArgumentException("a uid is required");
        }
    }

    // ---- plumbing

    private static dev.tributary.connector.OperationOptions ourOptions(OperationOptions options) {
        dev.tributary.connector.OperationOptions ours = dev.tributary.connector.OperationOptions.DEFAULTS
                .withOrigin(new ChangeOrigin("connid", Map.of()));
        if (options == null) {
            return ours;
        }
        return new dev.tributary.connector.OperationOptions(ours.pageSize(), null,
                ConnIdMapping.attributesToGet(options.getAttributesToGet()), ours.origin());
    }

    private <T> T capability(Class<T> type, String operation) {
        if (!type.isInstance(connector)) {
            throw new UnsupportedOperationException("this connector cannot " + operation);
        }
        return type.cast(connector);
    }

    /** Runs a call into our connector, turning its failures into ConnId's. */
    private static <T> T call(ObjectClass objectClass, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw ConnIdMapping.failure(e, objectClass);
        }
    }
}
