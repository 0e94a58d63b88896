package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresLeasesIT extends LeasesContract {

    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }

    /**
     * Several nodes write a PostgreSQL store at once, so a node's heartbeat and its work under a
     * lease run side by side: the heartbeat must not wait for that work, or a transaction longer
     * than the lease (a large batch, a slow disk) would lose the lease it runs under. (On SQLite
     * writers take turns, and one node uses the store.)
     */
    @Test
    void theOwnersHeartbeatRenewsWhileItsWorkUnderTheLeaseIsInATransaction() throws Exception {
        String a = store.nodes().register("a");
        Nodes.Lease lease = store.nodes().acquire("link:x", a, TTL).orElseThrow();
        CountDownLatch checked = new CountDownLatch(1);
        CountDownLatch renewed = new CountDownLatch(1);
        CompletableFuture<Boolean> work = CompletableFuture.supplyAsync(() -> store.underLease(lease, () ->
                store.transact(tx -> {
                    checked.countDown();
                    boolean sawRenewal;
                    try {
                        sawRenewal = renewed.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    tx.apply("items", List.of(RecordWrite.put("long", "{\"n\":1}")), "test");
                    return sawRenewal;
                })));
        assertThat(checked.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(8));
        List<Nodes.Lease> held = store.nodes().heartbeat(a, TTL);
        renewed.countDown();
        assertThat(work.get(30, TimeUnit.SECONDS)).as("the heartbeat returned while the transaction was open").isTrue();
        assertThat(held).singleElement().satisfies(renewal -> {
            assertThat(renewal.fence()).isEqualTo(lease.fence());
            assertThat(renewal.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        });
        clock.advance(Duration.ofSeconds(8));
        store.underLease(lease, () -> store.transact(tx -> tx.apply("items", List.of(RecordWrite.put("after", "{\"n\":1}")),
                "test")));
        assertThat(store.transact(tx -> tx.records("items", List.of("long", "after"))).keySet())
                .as("16 s after taking a 10 s lease, renewed once at 8 s, its work still writes")
                .containsExactlyInAnyOrder("long", "after");
    }
}
