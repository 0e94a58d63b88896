package dev.tributary.connector.runtime;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ChangeNotificationOp;
import dev.tributary.connector.BatchWriteOp;
import dev.tributary.connector.ClockOp;
import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.FieldValues;
import dev.tributary.connector.ObjectClass;
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
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.config.ConnectorConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the engine calls instead of a connector. It validates arguments, normalizes options and
 * checks capabilities before the connector sees anything, so connectors stay simple — in the
 * manner of ConnId's {@code SyncImpl}.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>A missing object class or handler is an {@link IllegalArgumentException};
 *       {@link ObjectClass#ALL} is accepted only where it means something (sync, latest token);
 *       an operation the connector does not implement is an {@link UnsupportedOperationException}
 *       naming the capability.</li>
 *   <li>Sync: the handler is wrapped so that, once it returns false, further deltas from a
 *       misbehaving connector are dropped (and counted in {@link #droppedAfterStop()}) instead of
 *       reaching the engine; deltas for another class than the one asked for are refused. The
 *       final token is the connector's reported one — unless the handler stopped early, in which
 *       case it is the token of the delta it stopped at (a connector's "latest" token would skip
 *       the deltas not delivered); without a reported token it is the last delta's token, and
 *       without deltas the token passed in.</li>
 *   <li>Writes: field maps are checked by {@link FieldValues}.</li>
 * </ul>
 */
public final class GuardedConnector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GuardedConnector.class.getName());

    private final Connector connector;
    private final String name;
    private final AtomicInteger droppedAfterStop = new AtomicInteger();
    private boolean closed;

    private GuardedConnector(Connector connector, String name) {
        this.connector = connector;
        this.name = name;
    }

    /**
     * Validates {@code settings} against the connector's declaration and initializes it.
     *
     * @throws dev.tributary.connector.InvalidConfigurationException listing every problem
     */
    public static GuardedConnector open(Connector connector, Map<String, ?> settings) {
        Objects.requireNonNull(connector, "connector");
        ConnectorConfig config = connector.configDef().validate(settings);
        connector.init(config);
        return new GuardedConnector(connector, connector.getClass().getSimpleName());
    }

    /** The connector behind this guard, for tests and tools. */
    public Connector connector() {
        return connector;
    }

    /** Whether the connector has a capability, e.g. {@code supports(SyncOp.class)}. */
    public boolean supports(Class<?> capability) {
        return capability.isInstance(connector);
    }

    private <T> T capability(Class<T> type, String what) {
        if (closed) {
            throw new IllegalStateException("connector " + name + " was closed");
        }
        if (!type.isInstance(connector)) {
            throw new UnsupportedOperationException("connector " + name + " cannot " + what
                    + " (it does not implement " + type.getSimpleName() + ")");
        }
        return type.cast(connector);
    }

    private static ObjectClass concrete(ObjectClass objectClass) {
        if (objectClass == null) {
            throw new IllegalArgumentException("an object class is required");
        }
        if (objectClass.isAll()) {
            throw new IllegalArgumentException(ObjectClass.ALL + " is only for sync; name a concrete object class");
        }
        return objectClass;
    }

    private static Uid uid(Uid uid) {
        if (uid == null) {
            throw new IllegalArgumentException("a uid is required");
        }
        return uid;
    }

    private static OperationOptions options(OperationOptions options) {
        return options == null ? OperationOptions.DEFAULTS : options;
    }

    public void test() {
        if (closed) {
            throw new IllegalStateException("connector " + name + " was closed");
        }
        connector.test();
    }

    /**
     * Syncs changes after {@code token} (all when null) into {@code handler}.
     *
     * @return the token to resume from next time
     */
    public SyncToken sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler,
            OperationOptions options) {
        if (objectClass == null) {
            throw new IllegalArgumentException("an object class is required (ObjectClass.ALL for every class)");
        }
        if (handler == null) {
            throw new IllegalArgumentException("a results handler is required");
        }
        SyncOp sync = capability(SyncOp.class, "sync");
        StoppingHandler guarded = new StoppingHandler(objectClass, handler);
        sync.sync(objectClass, token, guarded, options(options));
        if (guarded.stoppedAt != null) {
            return guarded.stoppedAt;
        }
        if (guarded.reported != null) {
            return guarded.reported;
        }
        return guarded.last != null ? guarded.last : token;
    }

    /** The token of the most recent change (null when there is none). */
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        if (objectClass == null) {
            throw new IllegalArgumentException("an object class is required (ObjectClass.ALL for every class)");
        }
        return capability(SyncOp.class, "sync").getLatestSyncToken(objectClass);
    }

    public SearchResult search(ObjectClass objectClass, ResultsHandler handler, OperationOptions options) {
        concrete(objectClass);
        if (handler == null) {
            throw new IllegalArgumentException("a results handler is required");
        }
        return capability(SearchOp.class, "search").search(objectClass, handler, options(options));
    }

    public Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid, OperationOptions options) {
        concrete(objectClass);
        uid(uid);
        return capability(SearchOp.class, "read objects").get(objectClass, uid, options(options));
    }

    public VersionedUid create(ObjectClass objectClass, Map<String, ?> fields, OperationOptions options) {
        concrete(objectClass);
        return capability(CreateOp.class, "create objects")
                .create(objectClass, FieldValues.copyOf(fields), options(options));
    }

    public VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion, Map<String, ?> fields,
            OperationOptions options) {
        concrete(objectClass);
        uid(uid);
        return capability(UpdateOp.class, "update objects")
                .update(objectClass, uid, expectedVersion, FieldValues.copyOf(fields), options(options));
    }

    public void delete(ObjectClass objectClass, Uid uid, String expectedVersion, OperationOptions options) {
        concrete(objectClass);
        uid(uid);
        capability(DeleteOp.class, "delete objects").delete(objectClass, uid, expectedVersion, options(options));
    }

    /** Most writes in one batch. */
    public static final int MAX_BATCH = 10_000;

    /**
     * Writes a batch: through the connector's {@link BatchWriteOp} when it has one, else one write
     * at a time through its single-write capabilities. Each write gets its own outcome.
     */
    public List<WriteOutcome> write(ObjectClass objectClass, List<Write> writes, OperationOptions options) {
        concrete(objectClass);
        if (writes == null || writes.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("writes must be a list without nulls");
        }
        if (writes.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " writes per batch, not " + writes.size());
        }
        if (writes.isEmpty()) {
            return List.of();
        }
        if (connector instanceof BatchWriteOp batch) {
            List<WriteOutcome> outcomes = batch.write(objectClass, List.copyOf(writes), options(options));
            if (outcomes.size() != writes.size()) {
                throw new IllegalStateException("connector " + name + " answered " + outcomes.size()
                        + " outcomes for " + writes.size() + " writes");
            }
            return outcomes;
        }
        return BatchWriteOp.oneAtATime(objectClass, List.copyOf(writes), options(options),
                connector instanceof CreateOp c ? c : null, connector instanceof UpdateOp u ? u : null,
                connector instanceof DeleteOp d ? d : null);
    }

    /** How many objects have numeric uids in {@code [fromInclusive, toExclusive)}. */
    public long countRange(ObjectClass objectClass, long fromInclusive, long toExclusive) {
        concrete(objectClass);
        if (fromInclusive > toExclusive) {
            throw new IllegalArgumentException("an empty range: " + fromInclusive + " > " + toExclusive);
        }
        return capability(RangeCountOp.class, "count uid ranges").countRange(objectClass, fromInclusive, toExclusive);
    }

    /**
     * Listens for the connector's notice that objects of a class may have changed (see {@link
     * ChangeNotificationOp}); empty when the connector cannot tell, and the caller polls.
     */
    public Optional<AutoCloseable> onChanges(ObjectClass objectClass, Runnable listener) {
        concrete(objectClass);
        Objects.requireNonNull(listener, "listener");
        if (!(connector instanceof ChangeNotificationOp)) {
            return Optional.empty();
        }
        return Optional.ofNullable(capability(ChangeNotificationOp.class, "notify changes").onChanges(objectClass, listener));
    }

    /** Whether the connector asks for another run (false when it cannot ask). */
    public boolean needSyncAgain(ObjectClass objectClass) {
        return connector instanceof SyncAgainOp again && again.needSyncAgain(objectClass);
    }

    public Schema schema() {
        return capability(SchemaOp.class, "describe its schema").schema();
    }

    public Instant currentTime() {
        return capability(ClockOp.class, "tell its time").currentTime();
    }

    /** Deltas a connector delivered after the handler asked it to stop (a connector bug), since opening. */
    public int droppedAfterStop() {
        return droppedAfterStop.get();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            connector.dispose();
        }
    }

    /** Enforces stop-after-false and the requested object class; captures the final token. */
    private final class StoppingHandler implements SyncTokenResultsHandler {
        private final ObjectClass requested;
        private final SyncResultsHandler target;
        private SyncToken stoppedAt;
        private SyncToken reported;
        private SyncToken last;

        StoppingHandler(ObjectClass requested, SyncResultsHandler target) {
            this.requested = requested;
            this.target = target;
        }

        @Override
        public boolean handle(SyncDelta delta) {
            if (delta == null) {
                throw new IllegalStateException("connector " + name + " delivered a null delta");
            }
            if (stoppedAt != null) {
                droppedAfterStop.incrementAndGet();
                LOG.log(Level.WARNING, "connector {0} delivered a delta after the handler stopped; dropped", name);
                return false;
            }
            if (!requested.isAll() && !delta.objectClass().equals(requested)) {
                throw new IllegalStateException("connector " + name + " delivered a " + delta.objectClass()
                        + " delta to a sync of " + requested);
            }
            last = delta.token();
            boolean more = target.handle(delta);
            if (!more) {
                stoppedAt = delta.token();
            }
            return more;
        }

        @Override
        public void handleResult(SyncToken finalToken) {
            reported = finalToken;
            if (target instanceof SyncTokenResultsHandler tokens) {
                tokens.handleResult(stoppedAt != null ? stoppedAt : finalToken);
            }
        }
    }
}
