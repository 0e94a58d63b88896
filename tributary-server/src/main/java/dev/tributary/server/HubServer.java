package dev.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.engine.ConnectorRegistry;
import dev.tributary.engine.SyncEngine;
import dev.tributary.engine.watch.WatchService;
import dev.tributary.server.admin.AdminApi;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.changes.RecordsApi;
import dev.tributary.server.changes.WatchApi;
import dev.tributary.server.esa.EsaHub;
import dev.tributary.server.offline.OfflineApi;
import dev.tributary.server.sdata.SDataLinks;
import dev.tributary.server.sdata.SDataProvider;
import dev.tributary.store.Store;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTP server over one {@link Store}. {@link #start()} binds the port and starts the
 * background tombstone compaction; {@link #close()} stops both (the store stays open: its owner
 * closes it).
 */
public final class HubServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);

    private final Store store;
    private final SyncEngine engine;
    private final boolean ownsEngine;
    private final ServerConfig config;
    private final Operations operations;
    private final Javalin app;
    private AutoCloseable compaction;
    private final AutoCloseable sdataKind;
    private final RecordsApi records;
    private final SDataProvider sdata;
    private final SDataLinks sdataLinks;
    private final WatchService watches;

    /** A server with its own sync engine (started here, stopped with the server). */
    public HubServer(Store store, ServerConfig config) {
        this(store, new SyncEngine(store, ConnectorRegistry.load(), config.clock(), SyncEngine.Settings.defaults()).start(),
                config, true);
    }

    /** A server over an engine its caller owns. */
    public HubServer(Store store, SyncEngine engine, ServerConfig config) {
        this(store, engine, config, false);
    }

    private HubServer(Store store, SyncEngine engine, ServerConfig config, boolean ownsEngine) {
        this.store = store;
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.config = config;
        this.operations = new Operations(store, engine, () -> leaving);
        Authenticator authenticator = new Authenticator(store.accessTokens(), config.clock());
        ErrorMapper errors = new ErrorMapper(operations::rejected);
        Audit audit = new Audit(store);
        this.records = new RecordsApi(store, config.maxBodyBytes(), this::usersOf, engine.requestWorkers());
        EsaHub esa = new EsaHub(store, engine, this::baseUrl);
        this.sdata = new SDataProvider(store, config.clock(), config.maxBodyBytes(), this::baseUrl, this::baseUrl,
                config.sdataContextTtl(), engine.requestWorkers(), new SDataProvider.Nodes(engine::node,
                        node -> engine.nodes().stream().anyMatch(view -> view.id().equals(node) && view.live())));
        this.sdataLinks = new SDataLinks(store, engine, config.maxBodyBytes(), sdata);
        this.sdataKind = engine.registerKind(sdataLinks.kind());
        AdminApi admin = new AdminApi(engine, config.maxBodyBytes(), esa);
        this.watches = new WatchService(store, engine, config.clock(), config.watch());
        WatchApi watchApi = new WatchApi(watches, config.maxBodyBytes(), this::baseUrl);
        OfflineApi offline = new OfflineApi(store, config.maxBodyBytes(), config.uploadCacheTtl(), Duration.ofSeconds(15));
        this.app = Javalin.create(javalin -> {
            javalin.jetty.host = config.host();
            javalin.jetty.port = config.port();
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.http.prefer405over404 = true;
            javalin.startup.showJavalinBanner = false;
            // Errors raised before any route (undecodable targets, oversized URLs) answer JSON too.
            javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            // The console: static files from the jar (no data in them; it reads the API with the
            // token the person logs in with).
            javalin.staticFiles.add(files -> {
                files.hostedPath = "/console";
                files.directory = "/console";
                files.location = io.javalin.http.staticfiles.Location.CLASSPATH;
                files.headers = java.util.Map.of("Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                        "X-Content-Type-Options", "nosniff", "Cache-Control", "no-cache");
            });
            javalin.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
            javalin.routes.before(ctx -> {
                // Counted before the check: a drain that begins meanwhile then either sees this
                // request in flight and waits for it, or this request sees the drain and is turned
                // away — never neither (the store closing under a request already admitted).
                inFlight.incrementAndGet();
                if (draining) {
                    inFlight.decrementAndGet();
                    // Stopping: a load balancer sends this client to another node.
                    ctx.header("Connection", "close");
                    throw new ApiException(503, "draining", "this hub node is stopping; retry (another node of the"
                            + " store answers)").retryAfter(1);
                }
                ctx.attribute(IN_FLIGHT, Boolean.TRUE);
                if (ctx.method() == io.javalin.http.HandlerType.HEAD && !ctx.path().equals("/health")) {
                    // Not served: a HEAD would otherwise be answered 200 without the GET's checks.
                    ctx.header("Allow", "GET");
                    throw new ApiException(405, "methodNotAllowed", "HEAD is not served here; send GET");
                }
                // The Helper API authenticates External System Adapters by their own secrets.
                if (!ctx.path().equals("/health") && !ctx.path().equals("/esa/helper") && !isConsoleFile(ctx.path())) {
                    authenticator.authenticate(ctx);
                }
            });
            javalin.routes.after(ctx -> {
                if (ctx.attribute(IN_FLIGHT) != null) {
                    ctx.attribute(IN_FLIGHT, null);
                    inFlight.decrementAndGet();
                }
            });
            errors.register(javalin);
            operations.register(javalin);
            records.register(javalin);
            watchApi.register(javalin);
            admin.register(javalin);
            new dev.tributary.server.admin.TokensApi(store.accessTokens(), config.maxBodyBytes(), authenticator::forget)
                    .register(javalin);
            offline.register(javalin);
            esa.register(javalin);
            sdata.register(javalin);
            sdataLinks.register(javalin);
            audit.register(javalin);
        });
    }

    /** What uses a collection — links, object services, SData resources — each named for an error message. */
    private List<String> usersOf(String collection) {
        List<String> users = new ArrayList<>();
        engine.links().stream().filter(link -> link.collection().equals(collection))
                .forEach(link -> users.add("link '" + link.name() + "'"));
        for (var service : store.objectServices().list()) {
            try {
                for (JsonNode object : Json.MAPPER.readTree(service.definition()).path("objects")) {
                    if (object.path("collection").asText().equals(collection)) {
                        users.add("object service '" + service.name() + "'");
                        break;
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("object service " + service.name() + " is stored unreadable", e);
            }
        }
        store.sdata().list().stream().filter(resource -> resource.collection().equals(collection))
                .forEach(resource -> users.add("SData resource kind '" + resource.resource() + "'"));
        return users;
    }

    private static final String IN_FLIGHT = "tributary.inFlight";
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Set when the node begins to stop: {@code /health} answers 503, waiting long-polls answer and
     * change streams end, but other requests are still served (for the drain notice).
     */
    private volatile boolean leaving;

    /**
     * Drains this node before it stops. First, for {@code notice}, {@code /health} answers 503 while
     * every other request is still served, so that load balancers take the node out before it
     * turns anyone away; waiting long-polls answer now (an empty page with their token) and change
     * streams end with a {@code reconnect} event. Then new requests answer 503 with {@code
     * Retry-After: 1}, and requests in flight get up to {@code max} to finish. Returns whether they
     * all did.
     */
    public boolean drain(Duration notice, Duration max) {
        leaving = true;
        records.drain();
        if (!notice.isZero()) {
            LOG.info("stopping: /health answers 503 now; requests are served for {} more so load balancers can move away",
                    notice);
            try {
                Thread.sleep(notice.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        draining = true;
        long deadline = System.nanoTime() + max.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return inFlight.get() <= 0;
    }

    /** Every HTTP route the hub serves, as {@code METHOD /path/{param}}, sorted (for the route table's check). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path)
                .distinct().sorted().toList();
    }

    /** Starts serving; returns this server. */
    public HubServer start() {
        app.start();
        if (!config.compactionInterval().isZero()) {
            compaction = engine.scheduleJob("compaction", config.compactionInterval(), this::compact);
        }
        LOG.info("Tributary hub listening on http://{}:{} (store: {})", config.host(), port(),
                store.kind().label());
        return this;
    }

    private void compact() {
        try {
            Map<String, Integer> removed = store.compactor().compactAll();
            if (!removed.isEmpty()) {
                LOG.info("compacted tombstones past retention: {}", removed);
            }
            int expired = store.uploadCache().purgeExpired();
            if (expired > 0) {
                LOG.info("forgot {} expired offline upload answers", expired);
            }
        } catch (RuntimeException e) {
            LOG.warn("tombstone compaction failed; it will be retried: {}", e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable registration) {
        try {
            if (registration != null) {
                registration.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sync engine behind the admin API. */
    public SyncEngine engine() {
        return engine;
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The console's static files (its page, script and style; no data), served without a token. */
    static boolean isConsoleFile(String path) {
        return path.equals("/console") || path.equals("/console/") || path.equals("/console/index.html")
                || path.equals("/console/console.js") || path.equals("/console/console.css");
    }

    /**
     * The base URL the hub gives out where no request says how it was reached (an ESA adapter's
     * helper URL, a watch channel's resource): the configured public URL, else
     * {@code http://host:port} of the address it listens on ({@code 127.0.0.1} for every
     * interface).
     */
    public String baseUrl() {
        return config.publicUrl() != null ? config.publicUrl() : localUrl();
    }

    /**
     * The address the hub listens on, for clients on this machine: {@code http://host:port}
     * ({@code 127.0.0.1} when it listens on every interface).
     */
    public String localUrl() {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    /**
     * The base URL for links in an answer to {@code ctx}: the configured public URL, else the
     * scheme and {@code Host} the request came with (the address its client reached), else
     * {@link #baseUrl()}.
     */
    public String baseUrl(io.javalin.http.Context ctx) {
        if (config.publicUrl() != null) {
            return config.publicUrl();
        }
        String host = ctx.header("Host");
        String scheme = ctx.scheme();
        if (host != null && HOST_HEADER.matcher(host).matches() && ("http".equals(scheme) || "https".equals(scheme))) {
            return scheme + "://" + host;
        }
        return baseUrl();
    }

    /** A {@code Host} header: a name, an IPv4 address or a bracketed IPv6 one, then maybe a port. */
    private static final java.util.regex.Pattern HOST_HEADER = java.util.regex.Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");

    @Override
    public void close() {
        if (!drain(config.drainNotice(), Duration.ofSeconds(10))) {
            LOG.warn("{} request(s) still in flight after 10 s of draining; stopping anyway", inFlight.get());
        }
        closeQuietly(compaction);
        closeQuietly(sdataKind);
        watches.close();
        app.stop();
        records.close();
        sdata.close();
        if (ownsEngine) {
            engine.close();
        }
        operations.close();
    }
}
