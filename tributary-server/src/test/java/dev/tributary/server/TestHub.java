package dev.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tributary.store.ManualClock;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real hub on a random port over a real store, and a small HTTP client for it. */
public final class TestHub implements AutoCloseable {

    public final ManualClock clock = new ManualClock();
    public final StoreBackend backend;
    public final Store store;
    public final HubServer server;
    public final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestHub(StoreBackend backend) {
        this(backend, ServerConfig.DEFAULT_MAX_BODY_BYTES);
    }

    public TestHub(StoreBackend backend, long maxBodyBytes) {
        this(backend, config -> config.withMaxBodyBytes(maxBodyBytes));
    }

    /** A hub whose configuration {@code configure} adjusts (port 0, no compaction and the manual clock are set first). */
    public TestHub(StoreBackend backend, java.util.function.UnaryOperator<ServerConfig> configure) {
        this.backend = backend;
        this.store = backend.open(clock);
        this.server = new HubServer(store, configure.apply(ServerConfig.defaults().withPort(0)
                .withCompactionInterval(Duration.ZERO).withClock(clock))).start();
        this.adminToken = token("admin");
    }

    /** Issues a token with these scopes. */
    public String token(String... scopes) {
        return store.accessTokens().create("test", List.of(scopes)).secret();
    }

    /** An HTTP answer: status, headers, parsed JSON body (missing if none or not JSON). */
    public record Answer(int status, Map<String, List<String>> headers, String text, JsonNode json) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        public String reason() {
            return json.path("error").path("reason").asText(null);
        }
    }

    public Answer send(String method, String path, String body, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.localUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = MissingNode.getInstance();
            if (!response.body().isEmpty()) {
                try {
                    json = Json.MAPPER.readTree(response.body());
                } catch (IOException notJson) {
                    json = MissingNode.getInstance();
                }
            }
            return new Answer(response.statusCode(), response.headers().map(), response.body(), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer get(String path) {
        return send("GET", path, null, adminToken);
    }

    public Answer put(String path, String body, String... headers) {
        return send("PUT", path, body, adminToken, headers);
    }

    public Answer post(String path, String body, String... headers) {
        return send("POST", path, body, adminToken, headers);
    }

    public Answer delete(String path, String... headers) {
        return send("DELETE", path, null, adminToken, headers);
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            server.close();
            store.close();
        } finally {
            backend.close();
        }
    }
}
