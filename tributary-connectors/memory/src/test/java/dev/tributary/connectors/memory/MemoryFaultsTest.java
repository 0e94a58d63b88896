package dev.tributary.connectors.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.ConnectorIOException;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.runtime.GuardedConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryFaultsTest {

    private static final ObjectClass ITEMS = new ObjectClass("items");
    private final String name = "faults-" + UUID.randomUUID();
    private final MemoryBackend backend = MemoryBackend.named(name);
    private final GuardedConnector connector = GuardedConnector.open(new MemoryConnector(), Map.of("backend", name));

    @AfterEach
    void drop() {
        connector.close();
        MemoryBackend.drop(name);
    }

    @Test
    void theNthCallFailsOnce() {
        backend.faults().failCall("create", 2, new ConnectorIOException("network down"));
        connector.create(ITEMS, Map.of("n", 1), null);
        assertThatThrownBy(() -> connector.create(ITEMS, Map.of("n", 2), null)).isInstanceOf(ConnectorIOException.class);
        connector.create(ITEMS, Map.of("n", 3), null);
        assertThat(backend.all(ITEMS)).hasSize(2);
    }

    @Test
    void aSyncCanFailHalfwayAndResumeFromTheLastDeltaHandled() {
        for (int i = 0; i < 5; i++) {
            backend.create(ITEMS, null, Map.of("n", i));
        }
        backend.faults().failSyncAfter(3, new ConnectorIOException("connection reset"));
        List<SyncDelta> seen = new ArrayList<>();
        assertThatThrownBy(() -> connector.sync(ITEMS, null, seen::add, null)).isInstanceOf(ConnectorIOException.class);
        assertThat(seen).hasSize(3);
        List<SyncDelta> rest = new ArrayList<>();
        connector.sync(ITEMS, seen.get(2).token(), rest::add, null);
        assertThat(rest).hasSize(2);
    }

    @Test
    void theFinalTokenCanBeLeftOutAndDelaysSlowCallsDown() {
        backend.create(ITEMS, null, Map.of("n", 1));
        backend.faults().dropFinalToken(true).delay("getLatestSyncToken", Duration.ofMillis(50));
        List<SyncToken> finals = new ArrayList<>();
        ((MemoryConnector) connector.connector()).sync(ITEMS, null, new SyncTokenResultsHandler() {
            @Override
            public boolean handle(SyncDelta delta) {
                return true;
            }

            @Override
            public void handleResult(SyncToken finalToken) {
                finals.add(finalToken);
            }
        }, dev.tributary.connector.OperationOptions.DEFAULTS);
        assertThat(finals).isEmpty();
        assertThat(connector.sync(ITEMS, null, d -> true, null)).as("the guard falls back to the last delta's token")
                .isEqualTo(new SyncToken(1L));
        long start = System.nanoTime();
        connector.getLatestSyncToken(ITEMS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        backend.faults().clear();
    }

    @Test
    void aTruncatedJournalRefusesOldTokens() {
        backend.create(ITEMS, null, Map.of("n", 1));
        backend.truncateJournal();
        backend.create(ITEMS, null, Map.of("n", 2));
        assertThatThrownBy(() -> connector.sync(ITEMS, null, d -> true, null)).isInstanceOf(InvalidSyncTokenException.class);
        List<SyncDelta> recent = new ArrayList<>();
        connector.sync(ITEMS, new SyncToken(1L), recent::add, null);
        assertThat(recent).hasSize(1);
    }
}
