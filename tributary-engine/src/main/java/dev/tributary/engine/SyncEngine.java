package dev.tributary.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.ConflictState;
import dev.tributary.store.EndpointRecord;
import dev.tributary.store.IdMapping;
import dev.tributary.store.LinkRecord;
import dev.tributary.store.RunRecord;
import dev.tributary.store.Runs;
import dev.tributary.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync engine: endpoints and links, runs (manual, scheduled, external), conflicts and
 * reported deletions. Everything it knows lives in the store, so a restarted hub knows its links,
 * their checkpoints, run history and schedules.
 *
 * <p>Implementation notes. Runs execute on a small pool; the store's unique index on active runs
 * enforces one run per link at a time, also across hub nodes sharing a database. A run opens its
 * own connector, runs a {@link LinkRun} (inbound, deletions, outbound, each retried from durable
 * state on retryable failures), and asks the connector whether to run again — at most {@link
 * Settings#maxSyncAgain()} times. A hub that stops mid-run marks such runs failed when it starts
 * again; their checkpoints are at the last durable point and the next run continues there.
 *
 * <p>Why this class is long (about 800 lines): it is the one entry point of the one run system —
 * the operations the API and the CLI call on definitions, runs, other link kinds, jobs, schedules
 * and conflicts, each short. The work they start lives elsewhere: a pass in {@link LinkRun}'s
 * parts, a person's conflict decision in {@link ConflictResolver}, definitions' validation in
 * {@link Definitions}.
 */
public final class SyncEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    /**
     * How the engine runs.
     *
     * @param workers runs executed at once
     * @param retryAttempts attempts of a phase before a run fails
     * @param firstBackoff wait after the first failed attempt (doubling up to {@code maxBackoff})
     * @param maxBackoff longest wait between attempts
     * @param maxSyncAgain extra passes a connector may ask for in one run
     * @param schedulerTick how often schedules are checked; zero turns the scheduler off
     * @param runRetention how long finished runs are kept in the history
     */
    public record Settings(int workers, int retryAttempts, Duration firstBackoff, Duration maxBackoff, int maxSyncAgain,
            Duration schedulerTick, Duration runRetention, ContinuousLinks.Timing continuous, Membership.Timing membership) {

        public static Settings defaults() {
            return new Settings(4, 5, Duration.ofMillis(200), Duration.ofSeconds(10), 3, Duration.ofSeconds(1),
                    Duration.ofDays(30), ContinuousLinks.Timing.defaults(), Membership.Timing.defaults());
        }

        public Settings withSchedulerTick(Duration tick) {
            return new Settings(workers, retryAttempts, firstBackoff, maxBackoff, maxSyncAgain, tick, runRetention, continuous,
                    membership);
        }

        public Settings withBackoff(Duration first, Duration max) {
            return new Settings(workers, retryAttempts, first, max, maxSyncAgain, schedulerTick, runRetention, continuous,
                    membership);
        }

        public Settings withRunRetention(Duration retention) {
            return new Settings(workers, retryAttempts, firstBackoff, maxBackoff, maxSyncAgain, schedulerTick, retention,
                    continuous, membership);
        }

        /**
         * Continuous links' pacing: inbound polls between {@code pollMin} and {@code pollMax}, and
         * the wait after a failed pass from {@code failedFirst} up to {@code failedMax}.
         */
        public Settings withContinuous(Duration pollMin, Duration pollMax, Duration failedFirst, Duration failedMax) {
            ContinuousLinks.Timing timing = new ContinuousLinks.Timing(pollMin, pollMax, continuous.quietCheck(), failedFirst,
                    failedMax, continuous.fullCheck(), continuous.statsEvery());
            return new Settings(workers, retryAttempts, firstBackoff, maxBackoff, maxSyncAgain, schedulerTick, runRetention,
                    timing, membership);
        }

        /**
         * How this node takes part with others on the store: a lease lasts {@code ttl} without
         * renewal (a dead node's work moves after that long), renewed every {@code heartbeat}.
         */
        public Settings withLeases(Duration ttl, Duration heartbeat) {
            return new Settings(workers, retryAttempts, firstBackoff, maxBackoff, maxSyncAgain, schedulerTick, runRetention,
                    continuous, new Membership.Timing(ttl, heartbeat));
        }
    }

    private final Store store;
    private final ConnectorRegistry registry;
    private final Clock clock;
    private final Settings settings;
    private final Retry retry;
    private final ExecutorService workers;
    /** Threads for work clients request and wait for (SData's asynchronous operations), apart from the runs'. */
    private final ExecutorService requests = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "tributary-request");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledExecutorService scheduler;
    private final Map<String, List<Consumer<RunEvent>>> listeners = new ConcurrentHashMap<>();
    private final List<Consumer<RunEvent>> globalListeners = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicBoolean> cancellations = new ConcurrentHashMap<>();
    private final java.util.function.Supplier<String> recordIds;
    private volatile Instant lastPurge;
    /** Changes in one run from which the store's statistics are refreshed after it. */
    static final long BULK_CHANGES = 10_000;
    private final Map<String, LinkKind> kinds = new ConcurrentHashMap<>();
    private final Map<String, Instant> kindNextRun = new ConcurrentHashMap<>();
    private final List<Job> jobs = new CopyOnWriteArrayList<>();
    /** Per link, the last scheduled run that found nothing to do: the next such run replaces it in the history. */
    private final Map<String, String> lastQuietRun = new ConcurrentHashMap<>();
    private final ContinuousLinks continuous;
    private final Membership membership;

    public SyncEngine(Store store, ConnectorRegistry registry, Clock clock, Settings settings) {
        this(store, registry, clock, settings, duration -> Thread.sleep(duration.toMillis()),
                () -> dev.tributary.store.RecordIds.newId());
    }

    /** For tests: how to wait between retries, and how to name new records. */
    SyncEngine(Store store, ConnectorRegistry registry, Clock clock, Settings settings, Retry.Sleeper sleeper,
            java.util.function.Supplier<String> recordIds) {
        this.recordIds = recordIds;
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.settings = settings;
        this.retry = new Retry(settings.retryAttempts(), settings.firstBackoff(), settings.maxBackoff(), sleeper);
        this.workers = Executors.newFixedThreadPool(settings.workers(), runnable -> {
            Thread thread = new Thread(runnable, "tributary-run");
            thread.setDaemon(true);
            return thread;
        });
        this.membership = new Membership(store, clock, settings.membership());
        this.continuous = new ContinuousLinks(this, store, settings.continuous());
    }

    /**
     * Registers this hub as a node of the store, marks failed the runs that nodes which stopped
     * left active, starts the continuous links and the scheduler.
     */
    public SyncEngine start() {
        return start(defaultNodeName());
    }

    /** As {@link #start()}, naming this node for people (e.g. host and port). */
    public SyncEngine start(String nodeName) {
        String node = membership.start(nodeName);
        LOG.info("this hub is node {} ({}) of its store", node, nodeName);
        int interrupted = store.runs().failOrphaned("the hub stopped while this run was active; the next run continues"
                + " from the last durable checkpoint");
        if (interrupted > 0) {
            LOG.warn("{} run(s) were interrupted by a hub stop; marked failed", interrupted);
        }
        if (!settings.schedulerTick().isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "tributary-scheduler");
                thread.setDaemon(true);
                return thread;
            });
            long tick = settings.schedulerTick().toMillis();
            scheduler.scheduleWithFixedDelay(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
        }
        continuous.start();
        return this;
    }

    public ConnectorRegistry registry() {
        return registry;
    }

    private static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + " pid " + ProcessHandle.current().pid();
    }

    /** This hub's node id in the store (after {@link #start()}). */
    public String node() {
        return membership.node();
    }

    /** How long a lease lasts without renewal: a node that stops answering is considered dead after this. */
    public Duration leaseTtl() {
        return membership.timing().ttl();
    }

    Membership membership() {
        return membership;
    }

    /**
     * A hub node sharing the store, as people see it.
     *
     * @param live whether it beat within the lease time and has not stopped
     * @param self whether it is this node
     * @param leases the work it owns now: {@code link:<name>}, {@code job:<name>}
     */
    public record NodeView(String id, String name, Instant startedAt, Instant heartbeatAt, Instant stoppedAt, boolean live,
            boolean self, List<dev.tributary.store.Nodes.Lease> leases) {
    }

    /** The nodes of the store that are live or stopped within the last day, this one first, with their leases. */
    public List<NodeView> nodes() {
        Instant now = clock.instant();
        List<dev.tributary.store.Nodes.Lease> leases = store.nodes().leases().stream()
                .filter(lease -> lease.expiresAt().isAfter(now)).toList();
        return store.nodes().list().stream()
                .filter(node -> node.heartbeatAt().isAfter(now.minus(Duration.ofDays(1))))
                .map(node -> new NodeView(node.id(), node.name(), node.startedAt(), node.heartbeatAt(), node.stoppedAt(),
                        node.live(now, membership.timing().ttl()), node.id().equals(membership.node()),
                        leases.stream().filter(lease -> node.id().equals(lease.owner())).toList()))
                .sorted(java.util.Comparator.comparing((NodeView view) -> !view.self()).thenComparing(view -> !view.live()))
                .toList();
    }

    Clock clock() {
        return clock;
    }

    java.util.function.Supplier<String> recordIds() {
        return recordIds;
    }

    int maxSyncAgain() {
        return settings.maxSyncAgain();
    }

    // =====================================================================================
    // Endpoints and links

    /**
     * Connects to an endpoint and asks its connector to check the connection (credentials, the
     * tables or structures it is set up for).
     *
     * @return null when the test passed, else what went wrong, for people
     */
    public String testEndpoint(String name) {
        Definitions.Endpoint endpoint = endpoint(name).orElseThrow(() -> new NotFoundException("no endpoint '" + name + "'"));
        try (GuardedConnector connector = registry.open(endpoint.connector(), endpoint.config())) {
            connector.test();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** Checks an endpoint definition as {@link #putEndpoint} would, storing nothing; throws what it would throw. */
    public void checkEndpoint(String name, JsonNode body) {
        Map<String, Object> previous = store.endpoints().get(name).map(SyncEngine::config).orElse(null);
        Definitions.endpoint(name, body, registry, previous);
    }

    /** Creates or replaces an endpoint; returns whether it was created. */
    public boolean putEndpoint(String name, JsonNode body) {
        Map<String, Object> previous = store.endpoints().get(name).map(SyncEngine::config).orElse(null);
        Definitions.Endpoint endpoint = Definitions.endpoint(name, body, registry, previous);
        boolean created = store.endpoints().put(name, endpoint.connector(), Definitions.JSON.valueToTree(endpoint.config())
                .toString(), endpoint.allowedRunModes().stream().map(RunMode::label).collect(java.util.stream.Collectors.toSet()));
        continuous.reconcile(); // a continuous link of a changed endpoint starts a session with its new settings
        return created;
    }

    public Optional<Definitions.Endpoint> endpoint(String name) {
        return store.endpoints().get(name).map(SyncEngine::endpoint);
    }

    public List<Definitions.Endpoint> endpoints() {
        return store.endpoints().list().stream().map(SyncEngine::endpoint).toList();
    }

    /** Deletes an endpoint; refused while links use it. */
    public boolean deleteEndpoint(String name) {
        if (store.endpoints().get(name).isEmpty()) {
            return false;
        }
        if (!store.endpoints().delete(name)) {
            throw new EngineException("endpoint '" + name + "' is used by links " + store.links().ofEndpoint(name).stream()
                    .map(LinkRecord::name).toList() + "; delete them first");
        }
        return true;
    }

    private static Map<String, Object> config(EndpointRecord record) {
        try {
            return Definitions.JSON.readValue(record.config(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new EngineException("endpoint '" + record.name() + "' has unreadable settings: " + e.getMessage());
        }
    }

    static Definitions.Endpoint endpoint(EndpointRecord record) {
        Set<RunMode> modes = java.util.EnumSet.noneOf(RunMode.class);
        record.allowedRunModes().forEach(label -> {
            RunMode mode = RunMode.parse(label);
            if (mode != null) {
                modes.add(mode);
            }
        });
        return new Definitions.Endpoint(record.name(), record.connector(), config(record), modes);
    }

    /**
     * Creates or changes a link; its collection is created if missing. A new link writes out the
     * collection's existing records on its first run. Changing the endpoint, object class or
     * collection of a link starts its sync state afresh.
     */
    public boolean putLink(String name, JsonNode body) {
        Definitions.Link link = Definitions.link(name, body, n -> endpoint(n).orElse(null), registry);
        checkFieldsAgainstSchema(link);
        store.collections().put(link.collection(), null);
        boolean reset = store.links().get(name).map(existing -> {
            Definitions.Link before = parseLink(existing);
            return !before.endpoint().equals(link.endpoint()) || !before.objectClass().equals(link.objectClass())
                    || !before.collection().equals(link.collection());
        }).orElse(false);
        boolean created = store.links().put(name, Definitions.toJson(link).toString(), link.endpoint(), reset, 0);
        if (link.schedule() != null) {
            store.links().setNextRunAt(name, clock.instant().plus(link.schedule()));
        } else {
            store.links().setNextRunAt(name, null);
        }
        continuous.reconcile();
        return created;
    }

    /**
     * Refuses a link whose {@code fieldMap}, {@code keyField} or {@code timestampField} names an
     * endpoint field that the connector's schema does not have (a typo would otherwise make every
     * record arrive without that field). An endpoint that cannot be reached now is not checked
     * here; the run checks again when it starts.
     */
    private void checkFieldsAgainstSchema(Definitions.Link link) {
        Definitions.Endpoint endpoint = endpoint(link.endpoint()).orElse(null);
        if (endpoint == null || !(registry.prototype(endpoint.connector()) instanceof dev.tributary.connector.SchemaOp)
                || link.fieldMap().isEmpty() && link.keyField() == null && link.timestampField() == null) {
            return;
        }
        dev.tributary.connector.Schema schema;
        try (GuardedConnector connector = registry.open(endpoint.connector(), endpoint.config())) {
            schema = connector.schema();
        } catch (RuntimeException e) {
            LOG.info("link {}: its field names are not checked now, endpoint {} did not describe its schema: {}",
                    link.name(), link.endpoint(), e.getMessage());
            return;
        }
        List<String> problems = fieldProblems(link, schema);
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException("link '" + link.name() + "'", problems);
        }
    }

    /** The link's endpoint field names that the schema does not know (none when the schema lists no fields). */
    static List<String> fieldProblems(Definitions.Link link, dev.tributary.connector.Schema schema) {
        var info = schema.objectClass(link.objectClass()).orElse(null);
        if (info == null || info.fields().isEmpty()) {
            return List.of();
        }
        Set<String> known = new java.util.TreeSet<>();
        info.fields().forEach(field -> known.add(field.name()));
        List<String> problems = new ArrayList<>();
        link.fieldMap().forEach((hubField, endpointField) -> {
            if (!known.contains(endpointField)) {
                problems.add("'fieldMap." + hubField + "' names endpoint field '" + endpointField + "', which "
                        + link.objectClass().name() + " does not have; it has " + String.join(", ", known));
            }
        });
        if (link.keyField() != null && !known.contains(link.keyField())) {
            problems.add("'keyField' names '" + link.keyField() + "', which " + link.objectClass().name()
                    + " does not have; it has " + String.join(", ", known));
        }
        if (link.timestampField() != null && !known.contains(link.timestampField())) {
            problems.add("'timestampField' names '" + link.timestampField() + "', which " + link.objectClass().name()
                    + " does not have; it has " + String.join(", ", known));
        }
        return problems;
    }

    public Optional<Definitions.Link> link(String name) {
        return store.links().get(name).map(SyncEngine::parseLink);
    }

    public List<Definitions.Link> links() {
        return store.links().list().stream().map(SyncEngine::parseLink).toList();
    }

    public Optional<LinkRecord> linkState(String name) {
        return store.links().get(name);
    }

    /**
     * How far one direction of a link is behind.
     *
     * @param changes changes waiting to move (counted up to {@link #LAG_COUNT_CAP}); null when they
     *     cannot be counted — an endpoint's changes not yet read are known only to the endpoint
     * @param seconds how long the oldest of them has waited: outbound, since the oldest change not
     *     yet written out committed; inbound, since the last successful run began (changes made at
     *     the endpoint after it are not in the hub yet)
     */
    public record Behind(Long changes, double seconds) {
    }

    /** How far a link is behind, per direction; null for a direction it does not move. */
    public record Lag(Behind inbound, Behind outbound) {
    }

    /** Lag counts stop here, so a huge backlog costs a bounded read. */
    public static final long LAG_COUNT_CAP = 1_000_000;

    /** The link's lag; empty when there is no such link. */
    public Optional<Lag> lag(String name) {
        Optional<Definitions.Link> found = link(name);
        Optional<LinkRecord> state = store.links().get(name);
        if (found.isEmpty() || state.isEmpty()) {
            return Optional.empty();
        }
        Definitions.Link link = found.get();
        Instant now = clock.instant();
        Behind outbound = null;
        if (link.direction().outbound()) {
            dev.tributary.store.ChangeLog.Backlog backlog = store.changeLog().backlog(link.collection(),
                    state.get().outboundCheckpoint(), "endpoint:" + link.endpoint(), LAG_COUNT_CAP);
            outbound = new Behind(backlog.changes(), backlog.oldest() == null ? 0 : seconds(backlog.oldest(), now));
        }
        Behind inbound = null;
        if (link.direction().inbound()) {
            Instant since = continuous.lastPass(name).orElseGet(() -> store.runs().list(name, RunState.SUCCEEDED.label(), 1)
                    .stream().map(run -> run.startedAt() != null ? run.startedAt() : run.createdAt())
                    .findFirst().orElse(state.get().createdAt()));
            inbound = new Behind(null, seconds(since, now));
        }
        return Optional.of(new Lag(inbound, outbound));
    }

    /**
     * What a link is doing now.
     *
     * @param status {@code paused}; for a continuous link {@code live}, {@code catching-up},
     *     {@code degraded} or {@code starting} (no session yet, e.g. while a run someone started
     *     goes); for a batch link {@code running} or {@code idle}
     * @param error a degraded session's last error, else null
     * @param run the active run (a continuous link's session), else null
     */
    public record Activity(String status, String error, String run) {
    }

    /** What a link is doing now; empty when there is no such link. */
    public Optional<Activity> activity(String name) {
        Optional<LinkRecord> state = store.links().get(name);
        Optional<Definitions.Link> found = link(name);
        if (state.isEmpty() || found.isEmpty()) {
            return Optional.empty();
        }
        Optional<RunRecord> active = store.runs().active(name);
        if (state.get().pausedAt() != null) {
            return Optional.of(new Activity("paused", null, active.map(RunRecord::id).orElse(null)));
        }
        if (found.get().continuous()) {
            return Optional.of(active.filter(run -> ContinuousLinks.MODE.equals(run.mode()) && run.phase() != null
                            && !run.phase().equals("starting"))
                    .map(run -> new Activity(run.phase(), run.error(), run.id()))
                    .orElseGet(() -> new Activity("starting", null, active.map(RunRecord::id).orElse(null))));
        }
        return Optional.of(active.map(run -> new Activity("running", null, run.id()))
                .orElse(new Activity("idle", null, null)));
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }

    /**
     * Pauses a link: no run of it starts — scheduled, external or manual — until it is resumed. A
     * run already going finishes. Answers the link's state.
     */
    public LinkRecord pause(String name) {
        LinkRecord link = store.links().get(name).orElseThrow(() -> new NotFoundException("no link '" + name + "'"));
        if (link.pausedAt() == null) {
            store.links().setPaused(name, clock.instant());
        }
        continuous.end(name, "paused");
        return store.links().get(name).orElseThrow();
    }

    /** Resumes a paused link: a schedule that came due while it was paused runs at the next tick. */
    public LinkRecord resume(String name) {
        store.links().get(name).orElseThrow(() -> new NotFoundException("no link '" + name + "'"));
        store.links().setPaused(name, null);
        continuous.reconcile();
        return store.links().get(name).orElseThrow();
    }

    public boolean deleteLink(String name) {
        continuous.hold(name, "the link was deleted");
        try {
            if (store.runs().active(name).isPresent()) {
                throw new EngineException("link '" + name + "' has an active run; wait for it to end");
            }
            return store.links().delete(name);
        } finally {
            continuous.release(name);
        }
    }

    static Definitions.Link parseLink(LinkRecord record) {
        try {
            JsonNode json = Definitions.JSON.readTree(record.definition());
            return new Definitions.Link(record.name(), json.get("endpoint").asText(),
                    new dev.tributary.connector.ObjectClass(json.get("objectClass").asText()), json.get("collection").asText(),
                    Direction.parse(json.get("direction").asText()),
                    Definitions.JSON.convertValue(json.get("fieldMap"), new TypeReference<Map<String, String>>() { }),
                    ConflictPolicy.parse(json.get("conflictPolicy").asText()),
                    json.hasNonNull("schedule") ? Duration.parse(json.get("schedule").asText()) : null,
                    DeletionDetection.parse(json.get("deletionDetection").asText()),
                    json.hasNonNull("keyField") ? json.get("keyField").asText() : null,
                    json.hasNonNull("timestampField") ? json.get("timestampField").asText() : null,
                    json.path("recordIds").asText("generated").equals("endpointKey"),
                    json.path("mode").asText("batch").equals("continuous"));
        } catch (IOException e) {
            throw new EngineException("link '" + record.name() + "' has an unreadable definition: " + e.getMessage());
        }
    }

    // =====================================================================================
    // Runs

    /**
     * Starts a run of a link now.
     *
     * @throws RunNotAllowedException if the endpoint does not allow runs in this mode
     * @throws Runs.AlreadyActiveException if the link has a run queued or running
     */
    public RunRecord startRun(String linkName, RunMode mode) {
        return start(linkName, mode, false);
    }

    /**
     * Starts a resync of a link: a full comparison of the endpoint with the hub that writes what
     * is missing or different on either side, recorded as a run with mode {@code resync}. Allowed
     * where manual runs are.
     *
     * @throws RunNotAllowedException if the endpoint does not allow manual runs
     * @throws Runs.AlreadyActiveException if the link has a run queued or running
     */
    public RunRecord startResync(String linkName) {
        return start(linkName, RunMode.MANUAL, true);
    }

    private RunRecord start(String linkName, RunMode mode, boolean resync) {
        Definitions.Link link = link(linkName).orElseThrow(() -> new NotFoundException("no link '" + linkName + "'"));
        Definitions.Endpoint endpoint = endpoint(link.endpoint())
                .orElseThrow(() -> new NotFoundException("the link's endpoint '" + link.endpoint() + "' is gone"));
        if (!endpoint.allowedRunModes().contains(mode)) {
            throw new RunNotAllowedException("endpoint '" + endpoint.name() + "' does not allow " + mode.label()
                    + " runs; its allowed run modes are " + endpoint.allowedRunModes().stream().map(RunMode::label).toList());
        }
        if (store.links().get(linkName).map(LinkRecord::pausedAt).isPresent()) {
            throw new EngineException("link '" + linkName + "' is paused; resume it first (POST /v1/links/" + linkName
                    + "/resume, or tributary sync resume " + linkName + ")");
        }
        if (link.continuous()) {
            continuous.hold(linkName, "a " + (resync ? RESYNC : mode.label()) + " run");
        }
        String leaseName = leaseOf(linkName);
        String runName = linkName;
        Leased leased;
        try {
            leased = leaseAndCreate(leaseName, linkName, resync ? RESYNC : mode.label());
        } catch (RuntimeException e) {
            continuous.release(linkName);
            throw e;
        }
        AtomicBoolean cancel = new AtomicBoolean();
        cancellations.put(leased.run().id(), cancel);
        workers.submit(() -> {
            try {
                store.underLease(leased.lease(), () -> {
                    execute(leased.run(), link, endpoint, cancel);
                    return null;
                });
            } finally {
                releaseAfter(leaseName, runName);
                continuous.release(linkName);
            }
        });
        return leased.run();
    }

    /** The name of the lease by which one node at a time runs a link. */
    static String leaseOf(String runName) {
        return "link:" + runName;
    }

    record Leased(dev.tributary.store.Nodes.Lease lease, RunRecord run) {
    }

    private final Object starting = new Object();

    /**
     * Takes the link's lease for this node and creates its run; the lease is given back when the
     * run could not be created, unless this node held it before (a run of its own is going).
     *
     * @throws LinkBusyException when another node holds the lease
     * @throws Runs.AlreadyActiveException when the link has a run queued or running
     */
    private Leased leaseAndCreate(String leaseName, String runName, String mode) {
        synchronized (starting) {
            boolean had = membership.holds(leaseName);
            dev.tributary.store.Nodes.Lease lease = membership.acquire(leaseName).orElseThrow(() -> new LinkBusyException(
                    "link '" + runName + "' is owned by another hub node right now" + membership.holder(leaseName)
                            .map(node -> " (" + node + ")").orElse("") + ": it runs it or keeps it live; try again when"
                            + " that run ended, or pause the link first"));
            try {
                try {
                    return new Leased(lease, store.runs().create(runName, mode, membership.node()));
                } catch (Runs.AlreadyActiveException e) {
                    // A run of another node whose lease lapsed (it died or paused past it) cannot
                    // write any more: it is over, and this node's run takes its place. When none is
                    // left to end, that run ended by itself meanwhile (it met the new fence): the
                    // link is free all the same, and a run of this node's own still refuses.
                    if (had) {
                        throw e;
                    }
                    if (store.runs().failTakenOver(runName, membership.node(), "its hub node lost the link's"
                            + " lease (it stopped answering); another node took the link over") > 0) {
                        LOG.warn("link {}: taken over from a hub node that lost its lease", runName);
                    }
                    return new Leased(lease, store.runs().create(runName, mode, membership.node()));
                }
            } catch (RuntimeException e) {
                if (!had) {
                    membership.release(leaseName);
                }
                throw e;
            }
        }
    }

    /**
     * Gives a run's lease back once the run ended — unless a next run of the link already started
     * on this node under the same lease (the check and the start hold the same lock).
     */
    void releaseAfter(String leaseName, String runName) {
        synchronized (starting) {
            if (store.runs().active(runName).isEmpty()) {
                membership.release(leaseName);
            }
        }
    }

    /** Creates a continuous link's session run under a lease this node just took (see {@link ContinuousLinks}). */
    Optional<Leased> leaseSession(String linkName) {
        try {
            return Optional.of(leaseAndCreate(leaseOf(linkName), linkName, ContinuousLinks.MODE));
        } catch (LinkBusyException | Runs.AlreadyActiveException e) {
            return Optional.empty();
        }
    }

    // =====================================================================================
    // Other kinds of link

    /** Registers a kind of link; its links are run and scheduled like connector links until the result is closed. */
    public AutoCloseable registerKind(LinkKind kind) {
        if (kinds.putIfAbsent(kind.prefix(), kind) != null) {
            throw new IllegalStateException("a link kind '" + kind.prefix() + "' is registered already");
        }
        return () -> kinds.remove(kind.prefix(), kind);
    }

    /**
     * Starts a run of a link of another kind now.
     *
     * @throws NotFoundException if the kind has no such link
     * @throws Runs.AlreadyActiveException if the link has a run queued or running
     */
    public RunRecord startRun(LinkKind kind, String name, RunMode mode) {
        if (!kind.exists(name)) {
            throw new NotFoundException("no " + kind.prefix() + " link '" + name + "'");
        }
        String runName = kind.prefix() + ":" + name;
        String leaseName = leaseOf(runName);
        Leased leased = leaseAndCreate(leaseName, runName, mode.label());
        AtomicBoolean cancel = new AtomicBoolean();
        cancellations.put(leased.run().id(), cancel);
        workers.submit(() -> {
            try {
                store.underLease(leased.lease(), () -> {
                    execute(leased.run(), kind, name, cancel);
                    return null;
                });
            } finally {
                releaseAfter(leaseName, runName);
            }
        });
        return leased.run();
    }

    private void execute(RunRecord run, LinkKind kind, String name, AtomicBoolean cancel) {
        RunStats stats = new RunStats();
        Reporter reporter = new Reporter(run.id(), run.link(), stats);
        reporter.state(RunState.RUNNING, "starting", 0, null);
        try {
            LinkKind.Run context = new LinkKind.Run() {
                @Override
                public RunStats stats() {
                    return stats;
                }

                @Override
                public ObjectNode details() {
                    return stats.details;
                }

                @Override
                public void progress(String phase, double progress) {
                    reporter.progress(phase, progress);
                }

                @Override
                public boolean cancelled() {
                    return cancel.get();
                }
            };
            retry.run(() -> {
                try {
                    kind.run(name, context);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new EngineException(e.getMessage(), e, false);
                }
            }, stats.outbound.errors);
            reporter.state(cancel.get() ? RunState.CANCELLED : RunState.SUCCEEDED, "done", 1, null);
        } catch (RuntimeException | Error e) {
            LOG.warn("run {} of {} failed: {}", run.id(), run.link(), e.toString());
            reporter.state(RunState.FAILED, reporter.phase, reporter.progress, describe(e));
        } finally {
            cancellations.remove(run.id());
        }
    }

    /**
     * Runs {@code work} every {@code every} on the engine's workers, driven by the one scheduler
     * (compaction, expiry and the like), until the result is closed; a run still going when the
     * next is due makes it wait.
     */
    public AutoCloseable scheduleJob(String name, Duration every, Runnable work) {
        Job job = new Job(name, every, work, new AtomicBoolean(), new java.util.concurrent.atomic.AtomicReference<>());
        jobs.add(job);
        return () -> jobs.remove(job);
    }

    private record Job(String name, Duration every, Runnable work, AtomicBoolean running,
            java.util.concurrent.atomic.AtomicReference<Instant> next) {
    }

    private void tickJobs(Instant now) {
        for (Job job : jobs) {
            Instant next = job.next().get();
            if (next == null) {
                job.next().set(now.plus(job.every()));
                continue;
            }
            if (now.isBefore(next) || !job.running().compareAndSet(false, true)) {
                continue;
            }
            job.next().set(now.plus(job.every()));
            if (membership.acquire("job:" + job.name()).isEmpty()) {
                job.running().set(false); // another node does this job; it stays with that node while it lives
                continue;
            }
            workers.submit(() -> {
                try {
                    job.work().run();
                } catch (RuntimeException e) {
                    LOG.warn("job {} failed; it runs again in {}: {}", job.name(), job.every(), e.toString());
                } finally {
                    job.running().set(false);
                }
            });
        }
    }

    /** Starts the due runs of other kinds' scheduled links; a link's next run survives restarts through its history. */
    private void tickKinds(Instant now) {
        for (LinkKind kind : kinds.values()) {
            Map<String, Duration> schedules = kind.schedules();
            for (Map.Entry<String, Duration> entry : schedules.entrySet()) {
                String runName = kind.prefix() + ":" + entry.getKey();
                Instant due = kindNextRun.computeIfAbsent(runName, n -> store.runs().list(n, null, 1).stream().findFirst()
                        .map(last -> last.createdAt().plus(entry.getValue())).orElse(now.plus(entry.getValue())));
                if (now.isBefore(due)) {
                    continue;
                }
                kindNextRun.put(runName, now.plus(entry.getValue()));
                try {
                    startRun(kind, entry.getKey(), RunMode.SCHEDULED);
                } catch (Runs.AlreadyActiveException | LinkBusyException e) {
                    LOG.debug("scheduled run of {} skipped: one is active", runName);
                } catch (NotFoundException e) {
                    kindNextRun.remove(runName); // deleted meanwhile
                }
            }
            kindNextRun.keySet().removeIf(n -> n.startsWith(kind.prefix() + ":")
                    && !schedules.containsKey(n.substring(kind.prefix().length() + 1)));
        }
    }

    /** Forgets when a link of another kind runs next (its schedule changed): it is computed afresh. */
    public void rescheduled(LinkKind kind, String name) {
        kindNextRun.remove(kind.prefix() + ":" + name);
    }

    /** The mode a resync run is recorded with. */
    public static final String RESYNC = "resync";

    /** Runs every link of an endpoint at the endpoint's request (mode external). */
    public List<RunRecord> trigger(String endpointName) {
        Definitions.Endpoint endpoint = endpoint(endpointName)
                .orElseThrow(() -> new NotFoundException("no endpoint '" + endpointName + "'"));
        if (!endpoint.allowedRunModes().contains(RunMode.EXTERNAL)) {
            throw new RunNotAllowedException("endpoint '" + endpointName + "' does not allow external runs");
        }
        List<RunRecord> started = new ArrayList<>();
        for (LinkRecord link : store.links().ofEndpoint(endpointName)) {
            if (link.pausedAt() != null) {
                LOG.info("link {} is paused; the external request does not run it", link.name());
                continue;
            }
            if (parseLink(link).continuous()) {
                continuous.wake(link.name()); // its session looks now; no run of its own
                continue;
            }
            try {
                started.add(startRun(link.name(), RunMode.EXTERNAL));
            } catch (Runs.AlreadyActiveException | LinkBusyException e) {
                LOG.info("link {} is already running; the external request joins that run", link.name());
            }
        }
        return started;
    }

    /** Asks a run to stop after the change it is on; it ends cancelled. */
    public boolean cancel(String runId) {
        AtomicBoolean flag = cancellations.get(runId);
        if (flag == null) {
            return false;
        }
        flag.set(true);
        return true;
    }

    public Optional<RunRecord> run(String id) {
        return store.runs().get(id);
    }

    public List<RunRecord> runs(String link, String state, int limit) {
        return store.runs().list(link, state, limit);
    }

    /** Receives the events of one run until it ends; returns a handle that stops them. */
    public AutoCloseable subscribe(String runId, Consumer<RunEvent> listener) {
        listeners.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> Optional.ofNullable(listeners.get(runId)).ifPresent(list -> list.remove(listener));
    }

    /** Receives the events of every run (for metrics). */
    public void onEveryRun(Consumer<RunEvent> listener) {
        globalListeners.add(listener);
    }

    /** Waits for a run to end (tests, the CLI); returns its final record. */
    public RunRecord await(String runId, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            RunRecord run = store.runs().get(runId).orElseThrow();
            if (RunState.parse(run.state()).finished()) {
                return run;
            }
            Thread.sleep(20);
        }
        throw new EngineException("run " + runId + " did not end within " + timeout);
    }

    private void execute(RunRecord run, Definitions.Link link, Definitions.Endpoint endpoint, AtomicBoolean cancel) {
        RunStats stats = new RunStats();
        Reporter reporter = new Reporter(run.id(), link.name(), stats);
        reporter.state(RunState.RUNNING, "starting", 0, null);
        try {
            GuardedConnector[] opened = new GuardedConnector[1];
            retry.run(() -> opened[0] = registry.open(endpoint.connector(), endpoint.config()), stats.inbound.errors);
            try (GuardedConnector connector = opened[0]) {
                checkSchema(link, connector);
                for (int pass = 0; ; pass++) {
                    LinkRun linkRun = new LinkRun(store, clock, link, endpoint, connector, stats, reporter::progress, cancel::get,
                            recordIds);
                    linkRun.measureClockShift();
                    boolean resync = RESYNC.equals(run.mode());
                    // An out link that enumerates compares the endpoint in full every run, so a
                    // target that lost rows behind the hub's back gets them back.
                    boolean compareOut = resync || link.direction() == Direction.OUT
                            && link.deletionDetection() == DeletionDetection.ENUMERATE;
                    if (link.direction().inbound()) {
                        retry.run(resync ? linkRun::resyncInbound : linkRun::inbound, stats.inbound.errors);
                        retry.run(linkRun::detectDeletions, stats.inbound.errors);
                    }
                    if (link.direction().outbound() && !cancel.get()) {
                        retry.run(compareOut ? linkRun::resyncOutbound : linkRun::outbound, stats.outbound.errors);
                    }
                    if (resync || cancel.get() || pass >= settings.maxSyncAgain()
                            || !connector.needSyncAgain(link.objectClass())) {
                        break;
                    }
                    stats.syncAgain.incrementAndGet();
                }
            }
            if (stats.inbound.changes() + stats.outbound.changes() >= BULK_CHANGES) {
                // A large run can leave PostgreSQL planning for tables many times smaller.
                store.analyzeAfterBulkWork();
            }
            boolean cancelled = cancel.get();
            // Before the end is announced: whoever waits for this run then sees the history as it stays.
            forgetQuiet(run, link, stats, cancelled);
            reporter.state(cancelled ? RunState.CANCELLED : RunState.SUCCEEDED, "done", 1, null);
        } catch (RuntimeException | Error e) {
            LOG.warn("run {} of link {} failed: {}", run.id(), link.name(), e.toString());
            reporter.state(RunState.FAILED, reporter.phase, reporter.progress, describe(e));
        } finally {
            cancellations.remove(run.id());
        }
    }

    /**
     * A scheduled run that changed nothing leaves no trail of its own: only the newest such run
     * of a link stays in the history (as "last checked"), so a PT1S schedule does not write a row a
     * second. Runs that moved, parked or refused anything, failed, or were started by someone stay.
     */
    private void forgetQuiet(RunRecord run, Definitions.Link link, RunStats stats, boolean cancelled) {
        boolean quiet = !cancelled && RunMode.SCHEDULED.label().equals(run.mode())
                && stats.inbound.changes() + stats.outbound.changes() == 0
                && stats.inbound.conflicts.get() + stats.outbound.conflicts.get() == 0
                && stats.inbound.rejected.get() + stats.outbound.rejected.get() == 0
                && stats.inbound.errors.get() + stats.outbound.errors.get() == 0;
        String previous = quiet ? lastQuietRun.put(link.name(), run.id()) : lastQuietRun.remove(link.name());
        if (quiet && previous != null) {
            store.runs().delete(previous);
        }
    }

    /** Refuses a link whose field names the endpoint's schema does not have (when the connector describes one). */
    void checkSchema(Definitions.Link link, GuardedConnector connector) {
        if (connector.supports(dev.tributary.connector.SchemaOp.class)) {
            List<String> problems = fieldProblems(link, connector.schema());
            if (!problems.isEmpty()) {
                throw new EngineException("the link's field names do not match the endpoint's schema: "
                        + String.join("; ", problems));
            }
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** A reporter for a continuous link's session (see {@link ContinuousLinks}). */
    Reporter reporter(RunRecord run, RunStats stats) {
        return new Reporter(run.id(), run.link(), stats);
    }

    /** Persists a run's state and progress (progress at most every 250 ms) and tells listeners. */
    final class Reporter {
        private final String runId;
        private final String link;
        private final RunStats stats;
        private RunState state = RunState.QUEUED;
        private String phase;
        private double progress;
        private long lastSaved;
        /** The number of changes at which the run next refreshes the store's statistics. */
        private final java.util.concurrent.atomic.AtomicLong nextStatistics = new java.util.concurrent.atomic.AtomicLong(BULK_CHANGES);

        Reporter(String runId, String link, RunStats stats) {
            this.runId = runId;
            this.link = link;
            this.stats = stats;
        }

        void state(RunState next, String newPhase, double newProgress, String error) {
            state = state.moveTo(next);
            phase = newPhase;
            progress = newProgress;
            save(error);
        }

        /** A running session's phase (live, catching-up, degraded) and last error, saved now. */
        void live(String newPhase, String error) {
            phase = newPhase;
            save(error);
        }

        void progress(String newPhase, double newProgress) {
            refreshStatisticsIfGrown();
            boolean phaseChanged = !newPhase.equals(phase);
            phase = newPhase;
            progress = newProgress;
            long now = System.nanoTime();
            if (phaseChanged || now - lastSaved > 250_000_000L) {
                save(null);
            }
        }

        /**
         * Refreshes PostgreSQL's planner statistics while a run grows its tables: when its changes
         * pass {@link #BULK_CHANGES}, then ten times as many, and so on. A first large load would
         * otherwise run to its end on plans made for empty tables (autovacuum analyzes a table a
         * minute or more later, or never where it is off): the id mappings of a link read by
         * scanning all of them, each batch slower than the one before.
         */
        private void refreshStatisticsIfGrown() {
            long changes = stats.inbound.changes() + stats.outbound.changes();
            long due = nextStatistics.get();
            if (changes >= due && nextStatistics.compareAndSet(due, Math.max(due, changes) * 10)) {
                store.analyzeAfterBulkWork();
            }
        }

        private void save(String error) {
            lastSaved = System.nanoTime();
            RunStats.Snapshot snapshot = stats.snapshot();
            store.runs().update(runId, state.label(), phase, progress, snapshot.toJson().toString(), error);
            RunEvent event = new RunEvent(runId, link, state, phase, progress, snapshot, error);
            for (Consumer<RunEvent> listener : listeners.getOrDefault(runId, List.of())) {
                listener.accept(event);
            }
            globalListeners.forEach(listener -> listener.accept(event));
            if (state.finished()) {
                listeners.remove(runId);
            }
        }
    }

    // =====================================================================================
    // Schedules

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("the scheduler failed to check schedules: {}", e.toString());
        }
    }

    /** Starts the runs whose schedules are due; public for tests with a manual clock. */
    public void tick() {
        Instant now = clock.instant();
        continuous.reconcile();
        tickJobs(now);
        tickKinds(now);
        if (lastPurge == null || !now.isBefore(lastPurge.plus(Duration.ofHours(1)))) {
            lastPurge = now;
            int purged = store.runs().purgeFinishedBefore(now.minus(settings.runRetention()));
            if (purged > 0) {
                LOG.info("removed {} finished runs older than {} from the history", purged, settings.runRetention());
            }
        }
        for (LinkRecord record : store.links().list()) {
            Definitions.Link link = parseLink(record);
            if (link.schedule() == null || record.pausedAt() != null) {
                continue;
            }
            if (record.nextRunAt() == null) {
                store.links().setNextRunAt(link.name(), now.plus(link.schedule()));
                continue;
            }
            if (record.nextRunAt().isAfter(now)) {
                continue;
            }
            store.links().setNextRunAt(link.name(), now.plus(link.schedule()));
            try {
                startRun(link.name(), RunMode.SCHEDULED);
            } catch (Runs.AlreadyActiveException | LinkBusyException e) {
                LOG.debug("scheduled run of {} skipped: one is active", link.name());
            } catch (RunNotAllowedException e) {
                LOG.warn("link {} has a schedule but its endpoint does not allow scheduled runs", link.name());
            }
        }
    }

    // =====================================================================================
    // Conflicts and deletions

    /** Conflicts, newest first, in one state (null: all) and of one link (null: all). */
    public List<ConflictRecord> conflicts(ConflictState state, String link, int limit) {
        return store.conflicts().list(state, link, limit);
    }

    public Optional<ConflictRecord> conflict(String id) {
        return store.conflicts().get(id);
    }

    /**
     * Resolves a parked conflict: keep the hub's side ({@code hub}), take the endpoint's
     * ({@code endpoint}), or set {@code merged} data (see {@link ConflictResolver}).
     */
    public ConflictRecord resolve(String conflictId, String take, ObjectNode mergedData) {
        return new ConflictResolver(store, this::link).resolve(conflictId, take, mergedData);
    }

    /** Records deletions an external system reports (the {@code tracked} strategy). */
    public void reportDeletions(String endpointName, String objectClass, List<String> uids) {
        endpoint(endpointName).orElseThrow(() -> new NotFoundException("no endpoint '" + endpointName + "'"));
        new dev.tributary.connector.ObjectClass(objectClass);
        uids.forEach(dev.tributary.connector.Uid::new);
        store.deletionLog().append(endpointName, objectClass, uids);
    }

    /** The id mappings of a link (for tools and tests). */
    public List<IdMapping> mappings(String link) {
        return store.links().mappings(link);
    }

    /**
     * The engine's threads for work a client requests and then waits for (SData's asynchronous
     * operations): owned and stopped by the engine, like its run workers and its scheduler.
     */
    public ExecutorService requestWorkers() {
        return requests;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        continuous.close();
        closeWorkers();
        membership.close();
    }

    private void closeWorkers() {
        requests.shutdownNow();
        cancellations.values().forEach(flag -> flag.set(true));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
