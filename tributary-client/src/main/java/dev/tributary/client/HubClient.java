package dev.tributary.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The hub's HTTP API, as the offline client uses it. */
final class HubClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The hub answered 410: the token can no longer be honored. */
    static final class GoneException extends OfflineException {
        GoneException(String message) {
            super(message);
        }
    }

    /** The hub is still processing an upload with this request id. */
    static final class InProgressException extends OfflineException {
        private final Duration retryAfter;

        InProgressException(String message, Duration retryAfter) {
            super(message, null, true);
            this.retryAfter = retryAfter;
        }

        /** How long the hub asked to wait before sending again. */
        Duration retryAfter() {
            return retryAfter;
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;
    private final AtomicLong requests = new AtomicLong();

    HubClient(URI base, String token, Duration timeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.token = token;
        this.timeout = timeout;
        // HTTP/1.1: the hub speaks it, and an h2c upgrade attempt would only add a round trip.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** HTTP requests sent so far (for tests and diagnostics). */
    long requests() {
        return requests.get();
    }

    JsonNode service(String name) {
        return send(HttpRequest.newBuilder(uri("/v1/services/" + encode(name))).GET(), "reading object service " + name);
    }

    /** One page of a collection's change feed. */
    JsonNode feed(String collection, String syncToken, String pageToken, int maxResults, String filter) {
        StringBuilder path = new StringBuilder("/v1/collections/").append(encode(collection)).append("/records?maxResults=")
                .append(maxResults);
        if (syncToken != null) {
            path.append("&syncToken=").append(encode(syncToken));
        }
        if (pageToken != null) {
            path.append("&pageToken=").append(encode(pageToken));
        }
        if (filter != null) {
            path.append("&filter=").append(encode(filter));
        }
        return send(HttpRequest.newBuilder(uri(path.toString())).GET(), "downloading " + collection);
    }

    /**
     * A long-poll of a collection's change feed from {@code syncToken}: answers when the hub has a
     * change for it, or after {@code wait} with no items. Holds no thread while it waits.
     */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> waitForChanges(String collection, String syncToken,
            String filter, Duration wait) {
        StringBuilder path = new StringBuilder("/v1/collections/").append(encode(collection)).append("/records?maxResults=1")
                .append("&syncToken=").append(encode(syncToken)).append("&wait=").append(wait);
        if (filter != null) {
            path.append("&filter=").append(encode(filter));
        }
        requests.incrementAndGet();
        return http.sendAsync(HttpRequest.newBuilder(uri(path.toString())).header("Authorization", "Bearer " + token)
                .timeout(wait.plus(timeout)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An upload; the same request id when it is sent again. */
    JsonNode upload(String service, String requestId, Map<String, String> parameters, String body) {
        StringBuilder path = new StringBuilder("/v1/services/").append(encode(service)).append("/upload");
        String separator = "?";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            path.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
            separator = "&";
        }
        return send(HttpRequest.newBuilder(uri(path.toString())).header("X-Request-Id", requestId)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "uploading to " + service);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        requests.incrementAndGet();
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OfflineException(what + " failed: the hub did not answer (" + e + ")", e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OfflineException(what + " was interrupted", e, true);
        }
        JsonNode body;
        try {
            body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new OfflineException(what + " failed: the hub answered " + response.statusCode() + " with something"
                    + " that is not JSON", e, response.statusCode() >= 500);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        String reason = body.path("error").path("reason").asText("");
        String message = what + " failed: " + status + " " + reason + ": " + body.path("error").path("message").asText();
        if (status == 410) {
            throw new GoneException(message);
        }
        if (status == 409 && reason.equals("uploadInProgress")) {
            long seconds = response.headers().firstValue("Retry-After").map(HubClient::seconds).orElse(1L);
            throw new InProgressException(message, Duration.ofSeconds(seconds));
        }
        throw new OfflineException(message, null, status >= 500 || status == 429);
    }

    /** A Retry-After value in seconds, kept between 1 and 300 (a date or anything else counts as 1). */
    private static long seconds(String header) {
        try {
            return Math.max(1, Math.min(300, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
