package dev.tributary.connector.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.InvalidConfigurationException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConfigType;
import dev.tributary.connector.config.ConnectorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardedConnectorTest {

    private static final ObjectClass ITEMS = new ObjectClass("items");

    /** A sync-only connector that misbehaves on demand. */
    static final class Careless implements Connector, SyncOp {
        int deltas = 5;
        boolean ignoreStop;
        SyncToken reported = new SyncToken(99L);
        ObjectClass deliverAs = ITEMS;
        boolean disposed;

        @Override
        public ConfigDef configDef() {
            return new ConfigDef().required("name", ConfigType.STRING, "a name");
        }

        @Override
        public void init(ConnectorConfig config) {
        }

        @Override
        public void test() {
        }

        @Override
        public void dispose() {
            disposed = true;
        }

        @Override
        public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
            for (long i = 1; i <= deltas; i++) {
                boolean more = handler.handle(SyncDelta.builder().type(SyncDeltaType.CREATE).token(new SyncToken(i))
                        .object(new ConnectorObject(deliverAs, new Uid("u" + i), null, Map.of())).build());
                if (!more && !ignoreStop) {
                    break;
                }
            }
            if (reported != null && handler instanceof SyncTokenResultsHandler tokens) {
                tokens.handleResult(reported);
            }
        }

        @Override
        public SyncToken getLatestSyncToken(ObjectClass objectClass) {
            return reported;
        }
    }

    private static GuardedConnector open(Careless connector) {
        return GuardedConnector.open(connector, Map.of("name", "x"));
    }

    @Test
    void deltasAfterAStopAreDroppedAndTheTokenIsTheStopPoint() {
        Careless careless = new Careless();
        careless.ignoreStop = true;
        GuardedConnector guarded = open(careless);
        List<SyncDelta> seen = new ArrayList<>();
        SyncToken end = guarded.sync(ITEMS, null, d -> {
            seen.add(d);
            return seen.size() < 2;
        }, null);
        assertThat(seen).hasSize(2);
        assertThat(guarded.droppedAfterStop()).isEqualTo(3);
        assertThat(end).as("not the connector's 'latest' 99, which would skip deltas 3-5").isEqualTo(new SyncToken(2L));
    }

    @Test
    void theFinalTokenIsTheReportedOneElseTheLastDeltasElseTheOneGiven() {
        Careless careless = new Careless();
        GuardedConnector guarded = open(careless);
        assertThat(guarded.sync(ITEMS, null, d -> true, null)).isEqualTo(new SyncToken(99L));
        careless.reported = null;
        assertThat(guarded.sync(ITEMS, null, d -> true, null)).isEqualTo(new SyncToken(5L));
        careless.deltas = 0;
        assertThat(guarded.sync(ITEMS, new SyncToken(42L), d -> true, null)).isEqualTo(new SyncToken(42L));
    }

    @Test
    void argumentsCapabilitiesAndConfigurationAreChecked() {
        Careless careless = new Careless();
        GuardedConnector guarded = open(careless);
        assertThatThrownBy(() -> guarded.sync(null, null, d -> true, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> guarded.sync(ITEMS, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> guarded.search(ITEMS, o -> true, null))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("SearchOp");
        assertThatThrownBy(() -> guarded.create(ObjectClass.ALL, Map.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> guarded.get(ITEMS, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuardedConnector.open(new Careless(), Map.of()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("'name' is required");

        careless.deliverAs = new ObjectClass("others");
        assertThatThrownBy(() -> guarded.sync(ITEMS, null, d -> true, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("others");
        guarded.close();
        assertThat(careless.disposed).isTrue();
        assertThatThrownBy(() -> guarded.sync(ITEMS, null, d -> true, null)).isInstanceOf(IllegalStateException.class);
    }
}
