package dev.tributary.server;

import dev.tributary.engine.watch.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the hub's HTTP server runs.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for all)
 * @param port the port; 0 picks a free one
 * @param maxBodyBytes the largest request body accepted (413 above it)
 * @param compactionInterval how often tombstones past their retention are compacted; zero turns
 *     the background job off
 * @param clock the hub's clock
 * @param uploadCacheTtl how long offline upload answers are kept for resends
 * @param sdataContextTtl how long an SData $syncSource/$syncTarget context nobody touches is kept
 * @param watch how watch channels behave, and where their notifications may go
 * @param drainNotice how long a stopping node keeps serving after its {@code /health} turned 503,
 *     so that load balancers stop sending it requests before it turns them away (zero: none)
 * @param publicUrl the URL other systems reach the hub at ({@code https://hub.example:8443}, or
 *     behind a proxy the proxy's), given to them in the addresses the hub hands out; null: none
 *     given (SData answers name the address each request came to, and the rest
 *     {@code http://host:port})
 */
public record ServerConfig(String host, int port, long maxBodyBytes, Duration compactionInterval,
        Clock clock, Duration uploadCacheTtl, Duration sdataContextTtl, WatchService.Settings watch,
        Duration drainNotice, String publicUrl) {

    /** Default request body limit: 16 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(compactionInterval, "compactionInterval");
        Objects.requireNonNull(clock, "clock");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, not " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body size limit must be at least 1024 bytes");
        }
        if (compactionInterval.isNegative()) {
            throw new IllegalArgumentException("the compaction interval must not be negative");
        }
        Objects.requireNonNull(uploadCacheTtl, "uploadCacheTtl");
        if (uploadCacheTtl.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("upload answers must be kept at least a minute");
        }
        Objects.requireNonNull(watch, "watch");
        Objects.requireNonNull(sdataContextTtl, "sdataContextTtl");
        if (sdataContextTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("SData contexts must be kept at least a second");
        }
        Objects.requireNonNull(drainNotice, "drainNotice");
        if (drainNotice.isNegative() || drainNotice.compareTo(MAX_DRAIN_NOTICE) > 0) {
            throw new IllegalArgumentException("the drain notice must be from PT0S to " + MAX_DRAIN_NOTICE + ", not " + drainNotice);
        }
        publicUrl = publicUrl == null ? null : checkPublicUrl(publicUrl);
    }

    /**
     * A public URL as the hub uses it, without a trailing slash; refused unless it is an http(s)
     * URL of a host with at most a path (no user, query or fragment).
     */
    static String checkPublicUrl(String url) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the public URL is not a URL (" + e.getReason() + "): " + url);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the public URL must be http(s)://host[:port][/path] with no user,"
                    + " query or fragment, such as https://hub.example.com, not " + url);
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    /** The longest drain notice: a node asked to stop should stop within a minute. */
    public static final Duration MAX_DRAIN_NOTICE = Duration.ofSeconds(60);

    /** Defaults: loopback, port 8080, 16 MiB bodies, hourly compaction, the system clock, no drain notice. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, DEFAULT_MAX_BODY_BYTES, Duration.ofHours(1),
                Clock.systemUTC(), Duration.ofHours(24), Duration.ofMinutes(10), WatchService.Settings.defaults(),
                Duration.ZERO, null);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBodyBytes, compactionInterval, clock, uploadCacheTtl, sdataContextTtl, watch, drainNotice, publicUrl);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, maxBodyBytes, compactionInterval, clock, uploadCacheTtl, sdataContextTtl, watch, drainNotice, publicUrl);
    }

    public ServerConfig withMaxBodyBytes(long newLimit) {
        return new ServerConfig(host, port, newLimit, compactionInterval, clock, uploadCacheTtl, sdataContextTtl, watch, drainNotice, publicUrl);
    }

    public ServerConfig withCompactionInterval(Duration interval) {
        return new ServerConfig(host, port, maxBodyBytes, interval, clock, uploadCacheTtl, sdataContextTtl, watch, drainNotice, publicUrl);
    }

    public ServerConfig withUploadCacheTtl(Duration ttl) {
        return new ServerConfig(host, port, maxBodyBytes, compactionInterval, clock, ttl, sdataContextTtl, watch, drainNotice, publicUrl);
    }

    public ServerConfig withSDataContextTtl(Duration ttl) {
        return new ServerConfig(host, port, maxBodyBytes, compactionInterval, clock, uploadCacheTtl, ttl, watch, drainNotice, publicUrl);
    }

    public ServerConfig withWatch(WatchService.Settings settings) {
        return new ServerConfig(host, port, maxBodyBytes, compactionInterval, clock, uploadCacheTtl, sdataContextTtl, settings, drainNotice, publicUrl);
    }

    public ServerConfig withClock(Clock newClock) {
        return new ServerConfig(host, port, maxBodyBytes, compactionInterval, newClock, uploadCacheTtl, sdataContextTtl, watch, drainNotice, publicUrl);
    }

    /** With the URL other systems reach the hub at (null: none; see {@link #publicUrl()}). */
    public ServerConfig withPublicUrl(String url) {
        return new ServerConfig(host, port, maxBodyBytes, compactionInterval, clock, uploadCacheTtl, sdataContextTtl, watch,
                drainNotice, url);
    }

    public ServerConfig withDrainNotice(Duration notice) {
        return new ServerConfig(host, port, maxBodyBytes, compactionInterval, clock, uploadCacheTtl, sdataContextTtl, watch, notice, publicUrl);
    }
}
