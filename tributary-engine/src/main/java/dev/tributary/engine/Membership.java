package dev.tributary.engine;

import dev.tributary.store.Nodes;
import dev.tributary.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This hub process as one node of the store: registered at start, beating every {@link
 * Timing#heartbeat()} (which renews the leases it holds and marks failed the runs of nodes that
 * stopped beating), and stopped — its leases given back — when the engine closes. The engine
 * takes a lease on a link before it runs it and on a job before it does it, so one node at a
 * time owns each; see {@link Nodes} for how the store checks them.
 */
final class Membership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    /**
     * @param ttl how long a lease lasts without renewal: a dead node's work moves after this long
     * @param heartbeat how often a node renews (well below {@code ttl})
     */
    record Timing(Duration ttl, Duration heartbeat) {
        static Timing defaults() {
            return new Timing(Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private final Store store;
    private final Clock clock;
    private final Timing timing;
    /** The leases this node holds, with when (nanoTime) it took each. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    private record Held(Nodes.Lease lease, long takenAt) {
    }
    private volatile String node;
    private ScheduledExecutorService beat;

    Membership(Store store, Clock clock, Timing timing) {
        this.store = store;
        this.clock = clock;
        this.timing = timing;
    }

    /** Registers this node and starts its heartbeat; returns its id. */
    String start(String name) {
        node = store.nodes().register(name);
        beat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tributary-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = timing.heartbeat().toMillis();
        beat.scheduleWithFixedDelay(this::beatSafely, every, every, TimeUnit.MILLISECONDS);
        return node;
    }

    String node() {
        return node;
    }

    Timing timing() {
        return timing;
    }

    private void beatSafely() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("the heartbeat of node {} failed (its leases lapse if this goes on): {}", node, e.toString());
        }
    }

    /** Renews this node's leases, forgets those it lost, and fails the runs of dead nodes; public for tests. */
    void beat() {
        long began = System.nanoTime();
        List<Nodes.Lease> now = store.nodes().heartbeat(node, timing.ttl());
        // Forget what was lost; a lease taken while this beat ran is not in its answer and stays.
        held.values().removeIf(mine -> mine.takenAt() < began && now.stream().noneMatch(lease ->
                lease.name().equals(mine.lease().name()) && lease.fence() == mine.lease().fence()));
        int failed = store.runs().failOrphaned("the hub node running it lost the link's lease (it stopped or stopped"
                + " answering); the next run continues from the last durable checkpoint");
        if (failed > 0) {
            LOG.warn("{} run(s) whose hub node lost its lease were marked failed", failed);
        }
    }

    /** Takes a lease for this node; empty when another live node holds it. */
    Optional<Nodes.Lease> acquire(String name) {
        Optional<Nodes.Lease> lease = store.nodes().acquire(name, node, timing.ttl());
        lease.ifPresent(l -> held.put(name, new Held(l, System.nanoTime())));
        return lease;
    }

    /** Whether this node still holds {@code lease} (as of its last heartbeat). */
    boolean holds(Nodes.Lease lease) {
        Held now = held.get(lease.name());
        return now != null && now.lease().fence() == lease.fence();
    }

    /** Whether this node holds a lease by this name. */
    boolean holds(String name) {
        return held.containsKey(name);
    }

    void release(String name) {
        held.remove(name);
        store.nodes().release(name, node);
    }

    /** The node that holds a lease now, for messages; empty when none does. */
    Optional<String> holder(String name) {
        return store.nodes().leases().stream().filter(lease -> lease.name().equals(name)
                && lease.expiresAt().isAfter(clock.instant())).map(Nodes.Lease::owner).findFirst()
                .map(owner -> store.nodes().list().stream().filter(n -> n.id().equals(owner)).findFirst()
                        .map(n -> n.name() + " (" + n.id() + ")").orElse(owner));
    }

    /** How many nodes are live now (at least this one). */
    int liveNodes() {
        return (int) Math.max(1, store.nodes().list().stream().filter(n -> n.live(clock.instant(), timing.ttl())).count());
    }

    @Override
    public void close() {
        if (beat != null) {
            beat.shutdownNow();
        }
        if (node != null) {
            try {
                store.nodes().stop(node);
            } catch (RuntimeException e) {
                LOG.warn("node {} could not give its leases back (they lapse in {}): {}", node, timing.ttl(), e.toString());
            }
            held.clear();
        }
    }
}
