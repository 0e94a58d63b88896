package dev.tributary.connectors.memory;

import dev.tributary.connector.ClockOp;
import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.ObjectClassInfo;
import dev.tributary.connector.RangeCountOp;
import dev.tributary.connector.SyncAgainOp;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.ResultsHandler;
import dev.tributary.connector.Schema;
import dev.tributary.connector.SchemaOp;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConfigType;
import dev.tributary.connector.config.ConnectorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reference connector, over a {@link MemoryBackend}. It implements every capability, as
 * simply as each can be done right, and is the example the connector author's guide walks
 * through.
 *
 * <p>Sync tokens are journal positions ({@code Long}); a token from before a truncated journal is
 * an {@link InvalidSyncTokenException}. Versions are the positions of objects' latest changes.
 * Search pages are ordered by uid; the cookie is the last uid of a page.
 */
public final class MemoryConnector implements Connector, SyncOp, SearchOp, CreateOp, UpdateOp, DeleteOp,
        SchemaOp, ClockOp, RangeCountOp, SyncAgainOp {

    static final String BACKEND = "backend";
    static final String OBJECT_CLASSES = "objectClasses";
    static final String CLOCK_OFFSET = "clockOffset";
    static final String KEY_FIELD = "keyField";
    static final String REPORT_DELETIONS = "reportDeletions";

    private MemoryBackend backend;
    private Set<ObjectClass> objectClasses;
    private Duration clockOffset;
    private String keyField;
    private boolean reportDeletions;

    @Override
    public ConfigDef configDef() {
        return new ConfigDef()
                .required(BACKEND, ConfigType.STRING,
                        "name of the in-memory system to use; connectors with the same name share it",
                        value -> ((String) value).isBlank() ? "must not be blank" : null)
                .withDefault(OBJECT_CLASSES, ConfigType.LIST, "items",
                        "the object classes the system holds, comma-separated",
                        value -> checkClasses((List<?>) value))
                .withDefault(CLOCK_OFFSET, ConfigType.DURATION, "PT0S",
                        "how far the system's clock is ahead of the real one (negative: behind)")
                .optional(KEY_FIELD, ConfigType.STRING,
                        "a field whose value, when a create gives it, becomes the new object's uid")
                .withDefault(REPORT_DELETIONS, ConfigType.BOOLEAN, true,
                        "whether sync reports deletions; false imitates systems that cannot");
    }

    private static String checkClasses(List<?> names) {
        if (names.isEmpty()) {
            return "must name at least one object class";
        }
        for (Object name : names) {
            try {
                new ObjectClass((String) name);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    @Override
    public void init(ConnectorConfig config) {
        backend = MemoryBackend.named(config.getString(BACKEND));
        objectClasses = Set.copyOf(config.getList(OBJECT_CLASSES).stream().map(ObjectClass::new).toList());
        clockOffset = config.getDuration(CLOCK_OFFSET);
        keyField = config.getString(KEY_FIELD);
        reportDeletions = config.getBoolean(REPORT_DELETIONS);
    }

    /** The backend this connector works on. */
    public MemoryBackend backend() {
        return backend;
    }

    @Override
    public void test() {
        backend.faults().enter("test");
    }

    @Override
    public void dispose() {
        backend = null;
    }

    private ObjectClass known(ObjectClass objectClass) {
        if (!objectClasses.contains(objectClass)) {
            throw new UnsupportedOperationException("the memory system '" + backend.name() + "' has no object class "
                    + objectClass + "; it has " + objectClasses);
        }
        return objectClass;
    }

    // ---- SyncOp

    @Override
    public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
        backend.faults().enter("sync");
        if (!objectClass.isAll()) {
            known(objectClass);
        }
        long after = position(token);
        long head = backend.head();
        if (!backend.keepsHistoryAfter(after)) {
            throw new InvalidSyncTokenException("the memory system '" + backend.name()
                    + "' no longer keeps changes after position " + after);
        }
        int delivered = 0;
        for (MemoryBackend.Change change : backend.changesAfter(after)) {
            if (change.position() > head) {
                break;
            }
            if (!objectClass.isAll() && !change.objectClass().equals(objectClass)
                    || !objectClasses.contains(change.objectClass())
                    || !reportDeletions && change.type() == dev.tributary.connector.SyncDeltaType.DELETE) {
                continue;
            }
            backend.faults().beforeDelta(delivered);
            SyncDelta delta = SyncDelta.builder()
                    .type(change.type())
                    .token(new SyncToken(change.position()))
                    .objectClass(change.objectClass())
                    .uid(change.uid())
                    .previousUid(change.previousUid())
                    .object(change.object())
                    .build();
            delivered++;
            if (!handler.handle(delta)) {
                // Stopped: the final token is this delta's, as the guard also enforces.
                if (handler instanceof SyncTokenResultsHandler tokens && !backend.faults().dropsFinalToken()) {
                    tokens.handleResult(delta.token());
                }
                return;
            }
        }
        if (handler instanceof SyncTokenResultsHandler tokens && !backend.faults().dropsFinalToken()) {
            tokens.handleResult(new SyncToken(Math.max(head, after)));
        }
    }

    private static long position(SyncToken token) {
        if (token == null) {
            return 0;
        }
        if (!(token.value() instanceof Long position) || position < 0) {
            throw new InvalidSyncTokenException("a memory sync token is a non-negative Long, not " + token);
        }
        return position;
    }

    @Override
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        backend.faults().enter("getLatestSyncToken");
        if (!objectClass.isAll()) {
            known(objectClass);
        }
        return new SyncToken(backend.head());
    }

    // ---- SearchOp

    @Override
    public SearchResult search(ObjectClass objectClass, ResultsHandler handler, OperationOptions options) {
        backend.faults().enter("search");
        List<ConnectorObject> page = backend.list(known(objectClass), options.pagedResultsCookie(),
                options.pageSize() + 1);
        boolean more = page.size() > options.pageSize();
        List<ConnectorObject> shown = more ? page.subList(0, options.pageSize()) : page;
        for (ConnectorObject object : shown) {
            if (!handler.handle(project(object, options))) {
                return new SearchResult(object.uid().value());
            }
        }
        return more ? new SearchResult(shown.get(shown.size() - 1).uid().value()) : SearchResult.LAST_PAGE;
    }

    @Override
    public Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid, OperationOptions options) {
        backend.faults().enter("get");
        return backend.get(known(objectClass), uid).map(object -> project(object, options));
    }

    private static ConnectorObject project(ConnectorObject object, OperationOptions options) {
        if (options.fieldsToGet() == null) {
            return object;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        object.fields().forEach((name, value) -> {
            if (options.fieldsToGet().contains(name)) {
                fields.put(name, value);
            }
        });
        return new ConnectorObject(object.objectClass(), object.uid(), object.version(), fields);
    }

    // ---- writes

    @Override
    public VersionedUid create(ObjectClass objectClass, Map<String, Object> fields, OperationOptions options) {
        backend.faults().enter("create");
        VersionedUid created;
        if (keyField != null && fields.get(keyField) != null) {
            Map<String, Object> rest = new LinkedHashMap<>(fields);
            Object uid = rest.remove(keyField);
            created = backend.create(known(objectClass), uid.toString(), rest);
        } else {
            created = backend.create(known(objectClass), null, fields);
        }
        backend.noteOrigin(objectClass, created.uid().value(), options.origin());
        return created;
    }

    @Override
    public VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion, Map<String, Object> fields,
            OperationOptions options) {
        backend.faults().enter("update");
        VersionedUid updated = backend.update(known(objectClass), uid, expectedVersion, fields);
        backend.noteOrigin(objectClass, uid.value(), options.origin());
        return updated;
    }

    @Override
    public void delete(ObjectClass objectClass, Uid uid, String expectedVersion, OperationOptions options) {
        backend.faults().enter("delete");
        backend.delete(known(objectClass), uid, expectedVersion);
        backend.noteOrigin(objectClass, uid.value(), options.origin());
    }

    // ---- RangeCountOp, SyncAgainOp

    @Override
    public long countRange(ObjectClass objectClass, long fromInclusive, long toExclusive) {
        backend.faults().enter("countRange");
        return backend.all(known(objectClass)).stream().filter(object -> {
            try {
                long uid = Long.parseLong(object.uid().value());
                return uid >= fromInclusive && uid < toExclusive;
            } catch (NumberFormatException e) {
                return false;
            }
        }).count();
    }

    @Override
    public boolean needSyncAgain(ObjectClass objectClass) {
        return backend.faults().takeSyncAgain();
    }

    // ---- SchemaOp, ClockOp

    @Override
    public Schema schema() {
        backend.faults().enter("schema");
        return new Schema(objectClasses.stream()
                .sorted(java.util.Comparator.comparing(ObjectClass::name))
                .map(c -> new ObjectClassInfo(c, List.of(), List.of())).toList());
    }

    @Override
    public Instant currentTime() {
        backend.faults().enter("currentTime");
        return backend.clock().instant().plus(clockOffset);
    }
}
