package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.ManualClock;
import dev.tributary.store.Nodes;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two hub nodes on one PostgreSQL store: a link has one owner at a time, the other node refuses
 * to run it meanwhile, and when the owner pauses past its lease the other takes the link over
 * with a higher fence while the old owner stops writing.
 */
class TwoNodesIT {

    private final ManualClock clock = new ManualClock();
    private final StoreBackend backend = StoreBackend.postgres();
    private final Store storeA = backend.open(clock);
    private final Store storeB = backend.open(clock);
    private final SyncEngine a = engine(storeA, "a");
    private final SyncEngine b = engine(storeB, "b");
    private final String crmName = "nodes-" + UUID.randomUUID();
    private final String erpName = "nodes-" + UUID.randomUUID();

    private SyncEngine engine(Store store, String name) {
        return new SyncEngine(store, ConnectorRegistry.load(), clock,
                SyncEngine.Settings.defaults().withSchedulerTick(Duration.ZERO).withContinuous(Duration.ofMillis(10),
                        Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(400))
                        // Leases run on the manual clock: the test beats for the nodes itself. A
                        // real-time heartbeat would renew a's lease at an arbitrary moment after the
                        // clock moves past it, before or after b's takeover attempt.
                        .withLeases(Duration.ofSeconds(10), Duration.ofHours(1)), d -> { },
                () -> UUID.randomUUID().toString());
    }

    @AfterEach
    void close() {
        b.close();
        a.close();
        storeB.close();
        storeA.close();
        backend.close();
        MemoryBackend.drop(crmName);
        MemoryBackend.drop(erpName);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<String> names(MemoryBackend backend, String field) {
        return EngineHarness.objects(backend).values().stream().map(d -> d.path(field).asText()).sorted().toList();
    }

    private int hubSize() {
        return storeA.changeLog().read("people", 0, Long.MAX_VALUE, 1000, false).records().size();
    }

    private Nodes.Lease lease(String link) {
        return storeA.nodes().leases().stream().filter(l -> l.name().equals("link:" + link)).findFirst().orElseThrow();
    }

    @Test
    void oneOwnerPerLinkAndATakeoverWhenTheOwnerPausesPastItsLease() {
        a.start("node a");
        b.start("node b");
        a.putEndpoint("crm", EngineHarness.json("{\"connector\":\"memory\",\"config\":{\"backend\":\"" + crmName + "\"}}"));
        a.putEndpoint("erp", EngineHarness.json("{\"connector\":\"memory\",\"config\":{\"backend\":\"" + erpName + "\"}}"));
        MemoryBackend crm = MemoryBackend.named(crmName);
        MemoryBackend erp = MemoryBackend.named(erpName);
        // Created on a: a keeps it live; b, ticking, finds the lease taken and leaves it.
        a.putLink("crm", EngineHarness.json("{\"endpoint\":\"crm\",\"objectClass\":\"items\",\"collection\":\"people\","
                + "\"mode\":\"continuous\",\"fieldMap\":{\"name\":\"full_name\"}}"));
        a.putLink("erp", EngineHarness.json("{\"endpoint\":\"erp\",\"objectClass\":\"items\",\"collection\":\"people\","
                + "\"direction\":\"out\",\"fieldMap\":{\"name\":\"name\"}}"));
        await("crm live on a", () -> a.activity("crm").orElseThrow().status().equals("live"));
        b.tick();
        Nodes.Lease first = lease("crm");
        assertThat(first.owner()).isEqualTo(a.node());
        assertThat(a.nodes()).extracting(SyncEngine.NodeView::name).containsExactly("node a", "node b");
        assertThat(a.nodes().get(0).leases()).extracting(Nodes.Lease::name).contains("link:crm");
        assertThatThrownBy(() -> b.startRun("crm", RunMode.MANUAL)).isInstanceOf(LinkBusyException.class)
                .hasMessageContaining("owned by another hub node right now (node a");

        crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Ada"));
        await("Ada in the hub through a", () -> hubSize() == 1);

        // a pauses past its lease: b takes the link over with the next fence; a stops writing.
        String sessionOnA = a.activity("crm").orElseThrow().run();
        clock.advance(Duration.ofSeconds(11));
        b.tick();
        // The lease row may be between owners for a moment: not there yet is "not yet", not a failure.
        await("b keeps crm live", () -> storeA.nodes().leases().stream()
                .anyMatch(l -> l.name().equals("link:crm") && b.node().equals(l.owner())));
        assertThat(lease("crm").fence()).isEqualTo(first.fence() + 1);
        a.membership().beat();
        a.tick();
        await("a's session ended", () -> !storeA.runs().get(sessionOnA).orElseThrow().state().equals("running"));
        // Ended by b's takeover, or by a itself when its write found the lease gone — whichever came first.
        RunRecord ended = storeA.runs().get(sessionOnA).orElseThrow();
        assertThat(String.valueOf(ended.error()) + " " + ended.phase())
                .containsAnyOf("another node took the link over", "this node lost its lease");
        a.tick();
        assertThat(lease("crm").owner()).as("a does not take it back while b holds it").isEqualTo(b.node());

        crm.create(EngineHarness.ITEMS, null, Map.of("full_name", "Grace"));
        await("Grace in the hub through b", () -> hubSize() == 2);
        assertThat(storeA.runs().list("crm", "running", 10)).hasSize(1);
        assertThat(erp.head()).as("the batch link was not run by anyone").isZero();
    }
}
