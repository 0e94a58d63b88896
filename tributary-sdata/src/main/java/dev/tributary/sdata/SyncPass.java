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
import java.util.function.Consumer;

/**
 * One catch-up pass of SData synchronization (SData 5.1–5.3) from a source resource kind to a
 * target one: read the target's digest, ask the source for what the target lacks, page through
 * the source feed posting each page to the target, wait for each, count the outcomes, and delete
 * every context created, also after a failure.
 */
public final class SyncPass {

    /** A provider's resource kind: its URL ({@code …/sdata/app/contract/-/resource}) and bearer token. */
    public record Side(String url, String token) {
    }

    /** What a pass did. */
    public record Result(int pages, int entries, int applied, int notApplied, int conflictsLost, int failed) {
    }

    /** A pass that could not be completed: the provider's status and diagnosis. */
    public static final class PassException extends RuntimeException {
        public PassException(String message) {
            super(message);
        }
    }

    private static final int MAX_BYTES = 256 * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Duration timeout;
    private final int pageSize;

    public SyncPass(Duration timeout, int pageSize) {
        this.timeout = timeout;
        this.pageSize = pageSize;
    }

    /** Runs a pass; {@code progress} hears one line per step. */
    public Result run(Side source, Side target, Consumer<String> progress) {
        Instant deadline = Instant.now().plus(timeout);
        Digest targetDigest = Digests.find(SDataXml.parse(send("GET", target, target.url() + "/$syncDigest", null,
                200).body, MAX_BYTES));
        progress.accept("target digest: " + targetDigest.entries().size() + " endpoints");
        String sourceId = UUID.randomUUID().toString();
        Answer started = send("POST", source, source.url() + "/$syncSource?trackingID=" + sourceId,
                Digests.entry(targetDigest, target.url() + "/$syncDigest"), 202, 200);
        String sourceLocation = location(started, source.url() + "/$syncSource('" + sourceId + "')");
        int pages = 0;
        int entries = 0;
        int applied = 0;
        int notApplied = 0;
        int lost = 0;
        int failed = 0;
        try {
            await(source, sourceLocation, started, deadline);
            byte[] page = send("GET", source, sourceLocation + "?startIndex=1&count=" + pageSize, null, 200).body;
            while (true) {
                SyncFeed feed = SyncFeed.read(SDataXml.parse(page, MAX_BYTES));
                pages++;
                entries += feed.entries().size();
                if (!feed.entries().isEmpty() || feed.next() == null) {
                    SyncFeed results = postToTarget(target, page, deadline);
                    for (SyncFeed.Entry entry : results.entries()) {
                        SyncFeed.Outcome outcome = entry.outcome();
                        int status = outcome == null ? 500 : outcome.status();
                        if (status >= 500) {
                            failed++;
                        } else if (status == 409) {
                            lost++;
                        } else if (outcome.notApplied()) {
                            notApplied++;
                        } else if (status < 300) {
                            applied++;
                        } else {
                            failed++;
                        }
                    }
                }
                progress.accept("page " + pages + ": " + feed.entries().size() + " entries");
                if (feed.next() == null) {
                    break;
                }
                page = send("GET", source, feed.next(), null, 200).body;
            }
        } finally {
            quietly(() -> send("DELETE", source, sourceLocation, null, 200));
        }
        return new Result(pages, entries, applied, notApplied, lost, failed);
    }

    private SyncFeed postToTarget(Side target, byte[] page, Instant deadline) {
        String id = UUID.randomUUID().toString();
        Answer started = send("POST", target, target.url() + "/$syncTarget?trackingID=" + id, page, 202, 200);
        String location = location(started, target.url() + "/$syncTarget('" + id + "')");
        try {
            return SyncFeed.read(SDataXml.parse(await(target, location, started, deadline), MAX_BYTES));
        } finally {
            quietly(() -> send("DELETE", target, location, null, 200));
        }
    }

    /** Polls an operation until it answers 200, honouring the tracking's polling interval. */
    private byte[] await(Side side, String location, Answer started, Instant deadline) {
        if (started.status == 202) {
            // The provider holds a poll until the result is ready (or a second passes): ask at once.
            started = send("GET", side, location, null, 200, 202);
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
                throw new PassException("the operation at " + location + " did not finish in time");
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PassException("interrupted while waiting for " + location);
            }
            answer = send("GET", side, location, null, 200, 202);
        }
        return answer.body;
    }

    private static String location(Answer answer, String fallback) {
        return answer.location == null ? fallback : answer.location;
    }

    private record Answer(int status, byte[] body, String location) {
    }

    private Answer send(String method, Side side, String url, byte[] body, int... expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/atom+xml");
        }
        if (side.token() != null) {
            request.header("Authorization", "Bearer " + side.token());
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new PassException("cannot reach " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PassException("interrupted calling " + url);
        }
        for (int ok : expected) {
            if (response.statusCode() == ok) {
                return new Answer(ok, bytes, response.headers().firstValue("Location").orElse(null));
            }
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 2000), StandardCharsets.UTF_8);
        throw new PassException(method + " " + url + " answered " + response.statusCode() + ": " + text);
    }

    private static void quietly(Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            // the context expires on its own
        }
    }
}
