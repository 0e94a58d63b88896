package dev.tributary.sdata;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A side of a pass reached over HTTP: a provider's resource kind ({@code …/sdata/app/contract/-/resource})
 * with a bearer token. It reads the digest, starts a $syncSource and reads its pages, posts pages
 * to $syncTarget and waits for their results — polling each operation at the pace its tracking
 * asks — and deletes every context it created.
 *
 * <p>The token goes only to the provider's own origin (the scheme, host and port of its URL): an
 * operation's {@code Location} or a page's {@code next} link is followed when it is relative or
 * names that origin, and the pass fails when it names another server, before anything is sent
 * there.
 */
public final class HttpSide implements SyncPass.Side {

    private static final int MAX_BYTES = 256 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String url;
    private final URI origin;
    private final String token;
    private final Duration timeout;

    /** A side with an hour for each operation to finish. */
    public HttpSide(String url, String token) {
        this(url, token, Duration.ofHours(1));
    }

    public HttpSide(String url, String token, Duration timeout) {
        this.url = url;
        URI parsed;
        try {
            parsed = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + abbreviate(url), e);
        }
        if (parsed.getScheme() == null || !parsed.getScheme().matches("(?i)https?") || parsed.getHost() == null) {
            throw new IllegalArgumentException("an SData provider's URL must be http(s)://host/…, not " + abbreviate(url));
        }
        this.origin = origin(parsed);
        this.token = token;
        this.timeout = timeout;
    }

    public String url() {
        return url;
    }

    @Override
    public Digest digest() {
        return Digests.find(SDataXml.parse(send("GET", url + "/$syncDigest", null, 200).body, MAX_BYTES));
    }

    @Override
    public String digestUrl() {
        return url + "/$syncDigest";
    }

    @Override
    public SyncPass.Source select(Digest target, String targetDigestUrl) {
        Instant deadline = Instant.now().plus(timeout);
        String id = UUID.randomUUID().toString();
        Answer started = send("POST", url + "/$syncSource?trackingID=" + id, Digests.entry(target, targetDigestUrl), 202, 200);
        String location = location(started, url + "/$syncSource('" + id + "')");
        try {
            await(location, started, deadline);
        } catch (RuntimeException e) {
            quietly(() -> send("DELETE", location, null, 200));
            throw e;
        }
        return new SyncPass.Source() {
            @Override
            public SyncPass.Page first(int count) {
                return page(location + "?startIndex=1&count=" + count);
            }

            @Override
            public SyncPass.Page next(SyncPass.Page previous) {
                return page(follow(location, previous.feed().next(), "a next link"));
            }

            @Override
            public void close() {
                quietly(() -> send("DELETE", location, null, 200));
            }
        };
    }

    private SyncPass.Page page(String pageUrl) {
        byte[] xml = send("GET", pageUrl, null, 200).body;
        return new SyncPass.Page(SyncFeed.read(SDataXml.parse(xml, MAX_BYTES)), xml);
    }

    @Override
    public SyncFeed apply(SyncPass.Page page) {
        Instant deadline = Instant.now().plus(timeout);
        String id = UUID.randomUUID().toString();
        Answer started = send("POST", url + "/$syncTarget?trackingID=" + id, page.xml(), 202, 200);
        String location = location(started, url + "/$syncTarget('" + id + "')");
        try {
            return SyncFeed.read(SDataXml.parse(await(location, started, deadline), MAX_BYTES));
        } finally {
            quietly(() -> send("DELETE", location, null, 200));
        }
    }

    /** Polls an operation until it answers 200, honouring the tracking's polling interval. */
    private byte[] await(String location, Answer started, Instant deadline) {
        if (started.status == 202) {
            // The provider holds a poll until the result is ready (or a second passes): ask at once.
            started = send("GET", location, null, 200, 202);
        }
        Answer answer = started;
        while (answer.status == 202) {
            long wait = 200;
            try {
                wait = Math.max(10, Math.min(2000, Tracking.read(SDataXml.parse(answer.body, MAX_BYTES)).pollingMillis()));
            } catch (SDataException e) {
                // no readable tracking: poll at the default pace
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SyncPass.PassException("the operation at " + location + " did not finish in time");
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncPass.PassException("interrupted while waiting for " + location);
            }
            answer = send("GET", location, null, 200, 202);
        }
        return answer.body;
    }

    /** Where an operation is tracked: its answer's {@code Location}, or {@code fallback} when it names none. */
    private String location(Answer answer, String fallback) {
        return answer.location == null ? fallback : follow(answer.from, answer.location, "an operation's Location");
    }

    /**
     * {@code href} as an absolute URL, resolved against {@code base} (the URL it came from) when
     * relative; refused unless it is on the provider's origin — this side's token is not sent to
     * another server.
     */
    private String follow(String base, String href, String what) {
        URI resolved;
        try {
            String reference = href.strip();
            URI from = URI.create(base);
            // A reference of a query alone keeps the base's path (RFC 3986; URI.resolve follows RFC 2396 there).
            resolved = reference.startsWith("?")
                    ? URI.create(base.substring(0, base.length() - (from.getRawQuery() == null ? 0 : from.getRawQuery().length() + 1)) + reference)
                    : from.resolve(reference);
        } catch (IllegalArgumentException e) {
            throw new SyncPass.PassException("the provider at " + url + " answered " + what + " that is no URL: "
                    + abbreviate(href));
        }
        if (resolved.getRawUserInfo() != null || !origin.equals(origin(resolved))) {
            throw new SyncPass.PassException("the provider at " + url + " answered " + what + " on another server ("
                    + abbreviate(href) + "); the link's token is only sent to " + origin
                    + " — if that is the provider's own address, give it as the link's remote URL");
        }
        return resolved.toString();
    }

    /**
     * Scheme, host and port of a URL (the port filled in from the scheme when left out),
     * lower-cased; null when it is not an http(s) URL with a host.
     */
    private static URI origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return null;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return URI.create(scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /** A provider's answer to a request sent to {@code from}. */
    private record Answer(String from, int status, byte[] body, String location) {
    }

    private Answer send(String method, String target, byte[] body, int... expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/atom+xml");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new SyncPass.PassException("cannot reach " + target + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncPass.PassException("interrupted calling " + target);
        }
        for (int ok : expected) {
            if (response.statusCode() == ok) {
                return new Answer(target, ok, bytes, response.headers().firstValue("Location").orElse(null));
            }
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 2000), StandardCharsets.UTF_8);
        throw new SyncPass.PassException(method + " " + target + " answered " + response.statusCode() + ": " + text);
    }

    private static void quietly(Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            // the context expires on its own
        }
    }
}
