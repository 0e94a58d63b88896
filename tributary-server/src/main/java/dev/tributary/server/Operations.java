package dev.tributary.server;

import dev.tributary.engine.SyncEngine;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.Store;
import dev.tributary.store.StoreException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health} (open) and {@code /metrics} (admin, Prometheus text), plus the request log and
 * request metrics. The request log shows method, path (never the query string or headers, so no
 * token or filter value reaches it), status and time, at DEBUG on {@code dev.tributary.access}.
 */
final class Operations implements AutoCloseable {

    private static final Logger ACCESS = LoggerFactory.getLogger("dev.tributary.access");

    private final Store store;
    private final SyncEngine engine;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> linkLag = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.function.BooleanSupplier leaving;

    /** {@code leaving}: the node is stopping, so {@code /health} answers 503 while it still serves. */
    Operations(Store store, SyncEngine engine, java.util.function.BooleanSupplier leaving) {
        this.store = store;
        this.engine = engine;
        this.leaving = leaving;
        engine.onEveryRun(event -> {
            if (event.state().finished()) {
                Counter.builder("tributary.runs").tag("link", event.link()).tag("state", event.state().label())
                        .description("finished link runs").register(registry).increment();
                long conflicts = event.stats().inbound().conflicts() + event.stats().outbound().conflicts();
                Counter.builder("tributary.conflicts").tag("link", event.link())
                        .description("conflicts found by runs").register(registry).increment(conflicts);
                Counter.builder("tributary.rejected").tag("link", event.link())
                        .description("records the endpoint refused (recorded, skipped; the run went on)").register(registry)
                        .increment(event.stats().outbound().rejected() + event.stats().inbound().rejected());
                long elapsed = event.stats().inbound().elapsedMs() + event.stats().outbound().elapsedMs();
                Timer.builder("tributary.run.duration").tag("link", event.link())
                        .description("time runs spent reading and writing").register(registry)
                        .record(elapsed, TimeUnit.MILLISECONDS);
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        Gauge.builder("tributary.changelog.head", store, s -> safeHead(s))
                .description("highest committed change-log position of any collection (positions are per collection)").register(registry);
        Gauge.builder("tributary.collections", store, s -> s.collections().list().size())
                .description("number of collections").register(registry);
    }

    private static double safeHead(Store store) {
        try {
            return store.changeLog().highestHead();
        } catch (StoreException e) {
            return Double.NaN;
        }
    }

    void register(JavalinConfig config) {
        config.routes.get("/health", this::health);
        config.routes.get("/metrics", this::metrics);
        config.requestLogger.http(this::record);
    }

    /** Counts a rejected request by its reason. */
    void rejected(ApiException e) {
        Counter.builder("tributary.http.rejected").tag("reason", e.reason())
                .description("requests answered with a 4xx error").register(registry).increment();
    }

    private void health(Context ctx) {
        if (leaving.getAsBoolean()) {
            // Stopping: load balancers take the node out before it turns requests away.
            ctx.header("Connection", "close");
            Json.respond(ctx, 503, json -> {
                json.writeStartObject();
                json.writeStringField("status", "draining");
                json.writeStringField("store", store.kind().label());
                json.writeEndObject();
            });
            return;
        }
        boolean up;
        try {
            store.changeLog().highestHead();
            up = true;
        } catch (StoreException e) {
            up = false;
        }
        boolean storeUp = up;
        Json.respond(ctx, up ? 200 : 503, json -> {
            json.writeStartObject();
            json.writeStringField("status", storeUp ? "up" : "down");
            json.writeStringField("store", store.kind().label());
            json.writeEndObject();
        });
    }

    private void metrics(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        for (dev.tributary.store.LinkRecord link : store.links().list()) {
            engine.lag(link.name()).ifPresent(lag -> {
                lagGauge(link.name(), "inbound", lag.inbound());
                lagGauge(link.name(), "outbound", lag.outbound());
            });
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    /** Sets a link direction's lag gauges ({@code tributary_link_lag_seconds}, {@code _changes}); NaN where unknown. */
    private void lagGauge(String link, String direction, SyncEngine.Behind behind) {
        if (behind == null) {
            return;
        }
        linkLag.computeIfAbsent(link + "\0" + direction + "\0seconds", key -> gauge("tributary.link.lag.seconds", link, direction,
                "how long the oldest change waiting to move has waited (inbound: since the last successful run began)"))
                .set(Double.doubleToLongBits(behind.seconds()));
        linkLag.computeIfAbsent(link + "\0" + direction + "\0changes", key -> gauge("tributary.link.lag.changes", link, direction,
                "changes waiting to move (NaN inbound: an endpoint's unread changes are not counted)"))
                .set(Double.doubleToLongBits(behind.changes() == null ? Double.NaN : behind.changes()));
    }

    private java.util.concurrent.atomic.AtomicLong gauge(String name, String link, String direction, String description) {
        java.util.concurrent.atomic.AtomicLong bits = new java.util.concurrent.atomic.AtomicLong(Double.doubleToLongBits(Double.NaN));
        Gauge.builder(name, bits, value -> Double.longBitsToDouble(value.get())).tag("link", link).tag("direction", direction)
                .description(description).register(registry);
        return bits;
    }

    private void record(Context ctx, Float millis) {
        String route = route(ctx);
        Timer.builder("tributary.http.requests")
                .tag("method", ctx.method().toString())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .description("HTTP requests served")
                .register(registry)
                .record((long) (millis * 1000), TimeUnit.MICROSECONDS);
        if (ACCESS.isDebugEnabled()) {
            ACCESS.debug("{} {} {} {}ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis));
        }
    }

    /** The route the request matched (its path pattern, not the request's path); "unmatched" when none did. */
    private static String route(Context ctx) {
        try {
            io.javalin.router.Endpoint matched = ctx.endpoints().lastHttpEndpoint();
            return matched == null ? "unmatched" : matched.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
