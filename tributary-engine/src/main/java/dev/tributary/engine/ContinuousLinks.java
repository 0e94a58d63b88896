package dev.tributary.engine;

import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.store.LinkRecord;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine's continuous links live: one session per link ({@code "mode": "continuous"},
 * not paused), from hub start until the link is paused, changed or deleted, or the hub stops.
 *
 * <p>A session is one run in the history (mode {@code continuous}) whose stats add up over the
 * session, and one thread that loops: a pass (inbound, deletions, outbound — the same parts a
 * run uses, so the same acked-prefix, no-echo and conflict rules), then a wait until something
 * wakes it or its interval ends.
 * <ul>
 *   <li><b>Wake-ups.</b> Outbound: every commit to the link's collection (the store's wake
 *       listeners: this process's commits, and other processes' heard through PostgreSQL
 *       {@code NOTIFY}). Inbound: the connector's change notifications where it has them
 *       ({@link dev.tributary.connector.ChangeNotificationOp}); elsewhere the session polls, every
 *       {@link Timing#pollMin()} after a pass that read something, doubling up to {@link
 *       Timing#pollMax()} while idle. A link that is woken for both ways still passes every
 *       {@link Timing#quietCheck()}, in case a wake-up was lost: a wake-up only says "look", the
 *       token and checkpoint decide what is read.</li>
 *   <li><b>Micro-batches.</b> Changes that arrive while a pass runs are taken by the next one;
 *       a pass writes at most a page ({@link LinkRunPart#OUTBOUND_PAGE}) per transaction, and a
 *       pass that read a full batch is followed by the next at once (state {@code catching-up}).</li>
 *   <li><b>States</b> (the run's phase): {@code catching-up} until a pass reads less than a
 *       batch, then {@code live}; {@code degraded} after a failed pass, with the error, while the
 *       session backs off ({@link Timing#firstBackoff()} doubling to {@link Timing#maxBackoff()},
 *       with jitter) and tries again — it recovers by itself. Paused links have no session.</li>
 *   <li><b>Full checks.</b> Deletion detection by {@code enumerate} or {@code countRange}, and an
 *       out link's full comparison, run at a session's start and then every {@link
 *       Timing#fullCheck()}, not every pass.</li>
 *   <li>A manual run or resync of a continuous link ends its session first; the session starts
 *       again when that run ends.</li>
 * </ul>
 * Each session has its own thread, so an endpoint that hangs holds only its own link.
 */
final class ContinuousLinks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContinuousLinks.class);

    /** The run mode a session is recorded with. */
    static final String MODE = "continuous";

    /**
     * How sessions pace themselves.
     *
     * @param pollMin interval of an inbound poll after a pass that read something
     * @param pollMax longest interval of an inbound poll while idle
     * @param quietCheck longest wait of a session that is woken by notifications both ways
     * @param firstBackoff wait after a first failed pass (doubling, with jitter)
     * @param maxBackoff longest wait between failed passes
     * @param fullCheck how often full deletion detection and an out link's full comparison run
     * @param statsEvery how often a session's stats are saved while it moves changes
     */
    record Timing(Duration pollMin, Duration pollMax, Duration quietCheck, Duration firstBackoff, Duration maxBackoff,
            Duration fullCheck, Duration statsEvery) {

        static Timing defaults() {
            return new Timing(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1),
                    Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(1));
        }
    }

    private final SyncEngine engine;
    private final Store store;
    private final Timing timing;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Links whose session stands aside for a run someone started, or for their deletion. */
    private final Set<String> yielding = ConcurrentHashMap.newKeySet();
    private final Consumer<String> wakeListener = this::committed;
    private volatile boolean started;
    private volatile boolean closed;

    ContinuousLinks(SyncEngine engine, Store store, Timing timing) {
        this.engine = engine;
        this.store = store;
        this.timing = timing;
    }

    void start() {
        store.addWakeListener(wakeListener);
        started = true;
        reconcile();
    }

    private void committed(String collection) {
        for (Session session : sessions.values()) {
            if (session.link.direction().outbound()
                    && (collection.equals("*") || collection.equals(session.link.collection()))) {
                session.wake();
            }
        }
    }

    /**
     * Starts a session for every continuous link that should have one and ends those that should
     * not (paused, deleted, changed, no longer continuous). Called at start, on every scheduler
     * tick, and after a link changes.
     */
    synchronized void reconcile() {
        if (!started || closed) {
            return;
        }
        Map<String, LinkRecord> records = new java.util.HashMap<>();
        Map<String, Definitions.Link> links = new java.util.HashMap<>();
        for (LinkRecord record : store.links().list()) {
            records.put(record.name(), record);
            try {
                links.put(record.name(), SyncEngine.parseLink(record));
            } catch (EngineException e) {
                LOG.debug("link {} is not kept live: {}", record.name(), e.getMessage());
            }
        }
        if (sessions.isEmpty() && links.values().stream().noneMatch(Definitions.Link::continuous)) {
            return; // nothing to keep live: a tick costs one read
        }
        Map<String, Definitions.Endpoint> endpoints = new java.util.HashMap<>();
        store.endpoints().list().forEach(record -> {
            try {
                endpoints.put(record.name(), SyncEngine.endpoint(record));
            } catch (EngineException e) {
                LOG.debug("endpoint {} is unreadable: {}", record.name(), e.getMessage());
            }
        });
        long wanted = records.values().stream().filter(record -> record.pausedAt() == null && links.containsKey(record.name())
                && links.get(record.name()).continuous()).count();
        int nodes = engine.membership().liveNodes();
        // This node's fair share of the continuous links; one more while the split is uneven.
        long share = (wanted + nodes - 1) / nodes;
        for (Session session : sessions.values()) {
            LinkRecord record = records.get(session.link.name());
            String why = record == null ? "the link was deleted"
                    : record.pausedAt() != null ? "paused"
                    : !session.link.equals(links.get(record.name())) ? "the link changed"
                    : !session.endpoint.equals(endpoints.get(session.link.endpoint())) ? "the endpoint changed"
                    : !engine.membership().holds(session.lease) ? "this node lost its lease"
                    : session.ended() ? "ended" : null;
            if (why == null && sessions.size() > share) {
                why = "handed over to another hub node (" + nodes + " share the links)";
            }
            if (why != null) {
                stop(session, why);
            }
        }
        Set<String> ownedElsewhere = new java.util.HashSet<>();
        Instant now = engine.clock().instant();
        for (dev.tributary.store.Nodes.Lease lease : store.nodes().leases()) {
            if (!lease.owner().equals(engine.node()) && lease.expiresAt().isAfter(now)) {
                ownedElsewhere.add(lease.name());
            }
        }
        for (LinkRecord record : records.values()) {
            if (sessions.size() >= share) {
                break;
            }
            if (ownedElsewhere.contains(SyncEngine.leaseOf(record.name()))) {
                continue; // another live node keeps it live (or runs it)
            }
            if (record.pausedAt() != null || sessions.containsKey(record.name()) || yielding.contains(record.name())) {
                continue;
            }
            Definitions.Link link = links.get(record.name());
            if (link == null || !link.continuous()) {
                continue;
            }
            Definitions.Endpoint endpoint = endpoints.get(link.endpoint());
            if (endpoint == null) {
                continue;
            }
            SyncEngine.Leased leased = engine.leaseSession(link.name()).orElse(null);
            if (leased == null) {
                continue; // another node keeps it live, or a run someone started goes; looked at again next tick
            }
            Session session = new Session(link, endpoint, leased.run(), leased.lease());
            sessions.put(link.name(), session);
            session.thread.start();
        }
    }

    private void stop(Session session, String why) {
        session.stop(why);
        sessions.remove(session.link.name(), session);
    }

    /** Ends a link's session (if it has one) and keeps it from starting until {@link #release}. */
    void hold(String name, String why) {
        yielding.add(name);
        synchronized (this) {
            Session session = sessions.get(name);
            if (session != null) {
                stop(session, why);
            }
        }
    }

    /** Lets a held link's session start again (at once, if it should run). */
    void release(String name) {
        if (yielding.remove(name)) {
            reconcile();
        }
    }

    /** Ends a link's session now, e.g. as it is paused; it starts again at the next reconcile if it should. */
    synchronized void end(String name, String why) {
        Session session = sessions.get(name);
        if (session != null) {
            stop(session, why);
        }
    }

    /** Asks a link's session to look now (an endpoint's external trigger); false without a session here. */
    boolean wake(String name) {
        Session session = sessions.get(name);
        if (session != null) {
            session.wake();
        }
        return session != null;
    }

    /** When the last successful pass of a link's session on this node began; empty without a session here. */
    Optional<Instant> lastPass(String name) {
        return Optional.ofNullable(sessions.get(name)).map(session -> session.lastPass);
    }

    @Override
    public void close() {
        closed = true;
        store.removeWakeListener(wakeListener);
        synchronized (this) {
            sessions.values().forEach(session -> session.signal("the hub stopped")); // all at once, then wait for each
            sessions.values().forEach(session -> session.stop("the hub stopped"));
            sessions.clear();
        }
    }

    /** One link kept live: its run in the history and the thread that passes. */
    private final class Session {
        final Definitions.Link link;
        final Definitions.Endpoint endpoint;
        final RunRecord run;
        final dev.tributary.store.Nodes.Lease lease;
        final Thread thread;
        private final RunStats stats = new RunStats();
        private final SyncEngine.Reporter reporter;
        private final Object monitor = new Object();
        private boolean woken;
        private volatile boolean stopping;
        private volatile String stopReason;
        private volatile boolean finished;
        volatile Instant lastPass;
        private String phase;
        private String error;
        private long savedAt;
        private long savedActivity;

        Session(Definitions.Link link, Definitions.Endpoint endpoint, RunRecord run, dev.tributary.store.Nodes.Lease lease) {
            this.link = link;
            this.endpoint = endpoint;
            this.run = run;
            this.lease = lease;
            this.reporter = engine.reporter(run, stats);
            this.thread = new Thread(() -> {
                try {
                    store.underLease(lease, () -> {
                        loop();
                        return null;
                    });
                } finally {
                    engine.releaseAfter(lease.name(), link.name());
                }
            }, "tributary-live-" + link.name());
            thread.setDaemon(true);
        }

        boolean ended() {
            return finished;
        }

        void wake() {
            synchronized (monitor) {
                woken = true;
                monitor.notifyAll();
            }
        }

        /** Asks the session to end after the change it is on. */
        void signal(String why) {
            if (stopReason == null) {
                stopReason = why;
            }
            stopping = true;
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }

        /** Ends the session and waits (up to 30 s) until it has. */
        void stop(String why) {
            signal(why);
            if (Thread.currentThread() == thread) {
                return;
            }
            try {
                thread.join(30_000);
                if (thread.isAlive()) {
                    LOG.warn("link {}: its session did not stop within 30 s (an endpoint call hangs?); it ends when that"
                            + " call returns", link.name());
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void loop() {
            GuardedConnector connector = null;
            AutoCloseable listening = null;
            long interval = timing.pollMin().toMillis();
            int failures = 0;
            Instant lastFull = null;
            try {
                reporter.state(RunState.RUNNING, "catching-up", 0, null);
                phase = "catching-up";
                while (!stopping) {
                    Instant began = engine.clock().instant();
                    long before = activity();
                    boolean full = lastFull == null
                            || !began.isBefore(lastFull.plus(timing.fullCheck()));
                    try {
                        if (connector == null) {
                            connector = engine.registry().open(endpoint.connector(), endpoint.config());
                            engine.checkSchema(link, connector);
                            if (link.direction().inbound()) {
                                listening = connector.onChanges(link.objectClass(), this::wake).orElse(null);
                            }
                        }
                        pass(connector, full);
                    } catch (RuntimeException e) {
                        if (stopping) {
                            break;
                        }
                        if (e instanceof dev.tributary.store.Nodes.LeaseLostException) {
                            stopReason = "this node lost its lease: " + e.getMessage();
                            LOG.warn("link {}: {}", link.name(), stopReason);
                            break;
                        }
                        failures++;
                        closeQuietly(listening);
                        listening = null;
                        closeQuietly(connector);
                        connector = null;
                        error = SyncEngine.describe(e);
                        LOG.warn("link {}: a continuous pass failed ({} in a row), trying again: {}", link.name(), failures,
                                error);
                        report("degraded", true);
                        long backoff = Math.min(timing.maxBackoff().toMillis(),
                                timing.firstBackoff().toMillis() << Math.min(20, failures - 1));
                        pause(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), false);
                        continue;
                    }
                    if (full) {
                        lastFull = began;
                    }
                    failures = 0;
                    error = null;
                    lastPass = began;
                    long moved = activity() - before;
                    boolean behind = moved >= LinkRunPart.INBOUND_BATCH;
                    report(behind ? "catching-up" : "live", false);
                    if (behind) {
                        continue;
                    }
                    interval = moved > 0 ? timing.pollMin().toMillis() : Math.min(timing.pollMax().toMillis(), interval * 2);
                    boolean polled = link.direction().inbound() && listening == null;
                    pause(polled ? interval : timing.quietCheck().toMillis(), true);
                }
            } catch (RuntimeException | Error e) {
                error = SyncEngine.describe(e);
                LOG.warn("link {}: its session ended by an error: {}", link.name(), error);
            } finally {
                closeQuietly(listening);
                closeQuietly(connector);
                finish();
            }
        }

        /** One pass, and the extra ones the connector asks for (a bounded number). */
        private void pass(GuardedConnector connector, boolean full) {
            for (int pass = 0; ; pass++) {
                LinkRun linkRun = new LinkRun(store, engine.clock(), link, endpoint, connector, stats,
                        (ignoredPhase, ignoredProgress) -> saveStatsIfDue(), () -> stopping, engine.recordIds());
                linkRun.measureClockShift();
                if (link.direction().inbound()) {
                    linkRun.inbound();
                    if (full || link.deletionDetection() == DeletionDetection.NATIVE
                            || link.deletionDetection() == DeletionDetection.TRACKED) {
                        linkRun.detectDeletions();
                    }
                }
                if (link.direction().outbound() && !stopping) {
                    boolean compare = full && link.direction() == Direction.OUT
                            && link.deletionDetection() == DeletionDetection.ENUMERATE;
                    if (compare) {
                        linkRun.resyncOutbound();
                    } else {
                        linkRun.outbound();
                    }
                }
                if (stopping || pass >= engine.maxSyncAgain() || !connector.needSyncAgain(link.objectClass())) {
                    return;
                }
                stats.syncAgain.incrementAndGet();
            }
        }

        /** What the session has read and done so far, as one number that grows with any of it. */
        private long activity() {
            return stats.inbound.read.get() + stats.outbound.read.get() + stats.inbound.changes() + stats.outbound.changes()
                    + stats.inbound.conflicts.get() + stats.outbound.conflicts.get();
        }

        /** Saves the state now when it changed, else the stats when they changed and are due. */
        private void report(String newPhase, boolean force) {
            boolean changed = force || !newPhase.equals(phase);
            phase = newPhase;
            if (changed) {
                save();
            } else {
                saveStatsIfDue();
            }
        }

        private void saveStatsIfDue() {
            if (activity() != savedActivity && System.nanoTime() - savedAt >= timing.statsEvery().toNanos()) {
                save();
            }
        }

        private void save() {
            savedAt = System.nanoTime();
            savedActivity = activity();
            reporter.live(phase, error);
        }

        /** Waits {@code millis}, or less when woken ({@code wakeable}) or stopped; stats due meanwhile are saved. */
        private void pause(long millis, boolean wakeable) {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            synchronized (monitor) {
                while (!stopping && !(wakeable && woken)) {
                    long left = deadline - System.nanoTime();
                    if (activity() != savedActivity) {
                        left = Math.min(left, savedAt + timing.statsEvery().toNanos() - System.nanoTime());
                    }
                    if (left <= 0) {
                        break;
                    }
                    try {
                        monitor.wait(Math.max(1, left / 1_000_000L));
                    } catch (InterruptedException e) {
                        stopping = true;
                        Thread.currentThread().interrupt();
                    }
                }
                if (wakeable) {
                    woken = false;
                }
            }
            if (activity() != savedActivity && System.nanoTime() - savedAt >= timing.statsEvery().toNanos()) {
                save();
            }
        }

        private void finish() {
            try {
                String why = stopReason == null ? "ended" : stopReason;
                if (error != null) {
                    reporter.state(RunState.FAILED, "degraded", 0, error + " (session ended: " + why + ")");
                } else {
                    reporter.state(RunState.SUCCEEDED, "ended: " + why, 1, null);
                }
            } catch (RuntimeException e) {
                LOG.warn("link {}: the end of its session could not be recorded: {}", link.name(), e.toString());
            } finally {
                finished = true;
            }
        }

        private void closeQuietly(AutoCloseable closeable) {
            if (closeable == null) {
                return;
            }
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("link {}: closing failed: {}", link.name(), e.toString());
            }
        }
    }
}
