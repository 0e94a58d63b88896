package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes and leases: one owner at a time, a fence raised on every takeover, renewals by
 * heartbeat, and — what makes them safe — a transaction under a lost lease writes nothing.
 */
abstract class LeasesContract {

    protected static final Duration TTL = Duration.ofSeconds(10);

    protected final ManualClock clock = new ManualClock();
    private StoreBackend backend;
    protected Store store;

    protected abstract StoreBackend backend();

    @BeforeEach
    void open() {
        backend = backend();
        store = backend.open(clock);
        store.collections().put("items", null);
    }

    @AfterEach
    void close() {
        store.close();
        backend.close();
    }

    private void write(String id) {
        store.transact(tx -> tx.apply("items", List.of(RecordWrite.put(id, "{\"n\":1}")), "test"));
    }

    private boolean holds(String id) {
        return store.transact(tx -> tx.records("items", List.of(id))).containsKey(id);
    }

    @Test
    void oneOwnerAtATimeAndEveryTakeoverRaisesTheFence() {
        String a = store.nodes().register("a");
        String b = store.nodes().register("b");
        Nodes.Lease first = store.nodes().acquire("link:x", a, TTL).orElseThrow();
        assertThat(store.nodes().acquire("link:x", b, TTL)).as("held by a").isEmpty();
        assertThat(store.nodes().acquire("link:x", a, TTL).orElseThrow().fence()).as("a again: same fence")
                .isEqualTo(first.fence());

        clock.advance(Duration.ofSeconds(8));
        assertThat(store.nodes().heartbeat(a, TTL)).extracting(Nodes.Lease::name).containsExactly("link:x");
        clock.advance(Duration.ofSeconds(8));
        assertThat(store.nodes().acquire("link:x", b, TTL)).as("renewed by a's heartbeat").isEmpty();

        clock.advance(Duration.ofSeconds(11));
        Nodes.Lease taken = store.nodes().acquire("link:x", b, TTL).orElseThrow();
        assertThat(taken.owner()).isEqualTo(b);
        assertThat(taken.fence()).isEqualTo(first.fence() + 1);
        assertThat(store.nodes().heartbeat(a, TTL)).as("a renews nothing it lost").isEmpty();

        store.nodes().release("link:x", a);
        assertThat(store.nodes().acquire("link:x", a, TTL)).as("a cannot give back what it lost").isEmpty();
        store.nodes().stop(b);
        assertThat(store.nodes().acquire("link:x", a, TTL).orElseThrow().fence()).as("b gave it back when it stopped")
                .isEqualTo(taken.fence() + 1);
        assertThat(store.nodes().list()).extracting(Nodes.Node::name).containsExactlyInAnyOrder("a", "b");
        assertThat(store.nodes().list()).filteredOn(node -> node.name().equals("b")).extracting(Nodes.Node::stoppedAt)
                .doesNotContainNull();
        // On SQLite (one process at a time) b's start ended a; on PostgreSQL a lives on.
        boolean shared = backend.kind() == StoreKind.POSTGRESQL;
        assertThat(store.nodes().list()).filteredOn(node -> node.name().equals("a"))
                .allMatch(node -> node.live(clock.instant(), TTL) == shared, shared ? "a is live" : "a stopped");
    }

    @Test
    void aTransactionUnderALostLeaseWritesNothing() {
        String a = store.nodes().register("a");
        String b = store.nodes().register("b");
        Nodes.Lease lease = store.nodes().acquire("link:x", a, TTL).orElseThrow();
        store.underLease(lease, () -> {
            write("while-held");
            return null;
        });
        assertThat(holds("while-held")).isTrue();

        // a pauses past its lease (GC, SIGSTOP); b takes the work over; a wakes up and writes.
        clock.advance(Duration.ofSeconds(11));
        store.nodes().acquire("link:x", b, TTL).orElseThrow();
        assertThatThrownBy(() -> store.underLease(lease, () -> {
            write("zombie");
            return null;
        })).isInstanceOf(Nodes.LeaseLostException.class).hasMessageContaining("took it over (fence " + (lease.fence() + 1));
        assertThat(holds("zombie")).as("the zombie's write").isFalse();

        // Expired but not taken: still refused, the lease must be renewed or taken again.
        Nodes.Lease other = store.nodes().acquire("link:y", a, TTL).orElseThrow();
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> store.underLease(other, () -> {
            write("late");
            return null;
        })).isInstanceOf(Nodes.LeaseLostException.class).hasMessageContaining("expired");
        assertThat(holds("late")).isFalse();
        write("without-a-lease");
        assertThat(holds("without-a-lease")).as("work under no lease is not checked").isTrue();
    }

    @Test
    void aTakeoverWaitsForATransactionThatCheckedTheLease() throws Exception {
        String a = store.nodes().register("a");
        String b = store.nodes().register("b");
        Nodes.Lease lease = store.nodes().acquire("link:x", a, TTL).orElseThrow();
        CountDownLatch checked = new CountDownLatch(1);
        CompletableFuture<Long> committed = CompletableFuture.supplyAsync(() -> store.underLease(lease, () -> {
            store.transact(tx -> {
                checked.countDown();
                sleep(700);
                tx.apply("items", List.of(RecordWrite.put("in-flight", "{\"n\":1}")), "test");
                return null;
            });
            return System.nanoTime();
        }));
        assertThat(checked.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(11));
        store.nodes().acquire("link:x", b, TTL).orElseThrow();
        long takenAt = System.nanoTime();
        assertThat(committed.get(10, TimeUnit.SECONDS)).as("the write that checked its lease committed before the takeover")
                .isLessThan(takenAt);
        assertThat(holds("in-flight")).isTrue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
