package dev.tributary.engine;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConfigType;
import dev.tributary.connector.config.ConnectorConfig;
import dev.tributary.connectors.memory.MemoryBackend;

/**
 * A test connector that can only sync — no search — over a {@link MemoryBackend}, like systems
 * whose only way to list everything is a sync from the beginning. A sync from {@code null}
 * delivers every object the backend holds now; a token older than the backend's journal is
 * refused, as a system with limited history would.
 */
public final class SyncOnlyConnector implements Connector, SyncOp {

    /** Registered through {@code META-INF/services} of the engine's tests as {@code syncOnly}. */
    public static final class Provider implements ConnectorProvider {
        @Override
        public String name() {
            return "syncOnly";
        }

        @Override
        public String description() {
            return "test connector: sync over a memory backend, no search";
        }

        @Override
        public Connector create() {
            return new SyncOnlyConnector();
        }
    }

    private MemoryBackend backend;
    private int pauseEvery;
    private int delivered;

    /** A slow system: pauses now and then, so a run's progress can be watched. */
    private void pace() {
        if (pauseEvery > 0 && ++delivered % pauseEvery == 0) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().required("backend", ConfigType.STRING, "name of the memory backend")
                .withDefault("pauseEvery", ConfigType.INT, 0, "pause 200 ms after every this many deltas (0: never)");
    }

    @Override
    public void init(ConnectorConfig config) {
        backend = MemoryBackend.named(config.getString("backend"));
        pauseEvery = config.getInt("pauseEvery");
    }

    @Override
    public void test() {
    }

    @Override
    public void dispose() {
    }

    @Override
    public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
        long head = backend.head();
        if (token == null) {
            for (ConnectorObject object : backend.all(objectClass)) {
                SyncDelta delta = SyncDelta.builder().type(SyncDeltaType.CREATE_OR_UPDATE).token(new SyncToken(head))
                        .objectClass(objectClass).uid(object.uid()).object(object).build();
                pace();
                if (!handler.handle(delta)) {
                    stopped(handler, delta);
                    return;
                }
            }
        } else {
            long after = (Long) token.value();
            if (!backend.keepsHistoryAfter(after)) {
                throw new InvalidSyncTokenException("no history after " + after);
            }
            for (MemoryBackend.Change change : backend.changesAfter(after)) {
                SyncDelta delta = SyncDelta.builder().type(change.type()).token(new SyncToken(change.position()))
                        .objectClass(change.objectClass()).uid(change.uid()).previousUid(change.previousUid())
                        .object(change.object()).build();
                if (!handler.handle(delta)) {
                    stopped(handler, delta);
                    return;
                }
            }
        }
        if (handler instanceof SyncTokenResultsHandler tokens) {
            tokens.handleResult(new SyncToken(head));
        }
    }

    private static void stopped(SyncResultsHandler handler, SyncDelta last) {
        if (handler instanceof SyncTokenResultsHandler tokens) {
            tokens.handleResult(last.token());
        }
    }

    @Override
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        return new SyncToken(backend.head());
    }
}
