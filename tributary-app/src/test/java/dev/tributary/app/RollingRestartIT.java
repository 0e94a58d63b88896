package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.testkit.ExternalDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of two hub processes (the packaged jar) on one PostgreSQL store behind a
 * round-robin proxy — each stopped with SIGTERM, so it drains, and started again — while clients
 * write and read records through the proxy: no request fails (a client retries a 503, as a
 * draining node asks), and every write is there afterwards.
 */
class RollingRestartIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void restartingEveryNodeInTurnLosesNoRequest(@TempDir Path dir) throws Exception {
        try (ExternalDatabases.Scratch store = ExternalDatabases.postgresSchema()) {
            String key = Base64.getEncoder().encodeToString(new byte[32]);
            int[] ports = {HubProcess.freePort(), HubProcess.freePort()};
            Process[] nodes = new Process[2];
            String[] token = new String[1];
            nodes[0] = start(dir, "a", ports[0], store.jdbcUrl(), key, token);
            nodes[1] = start(dir, "b", ports[1], store.jdbcUrl(), key, token);
            RoundRobinProxy proxy = new RoundRobinProxy(ports, Duration.ofSeconds(30));
            String base = proxy.url();
            try {
                assertThat(send("PUT", base + "/v1/collections/notes", "", token[0]).statusCode()).isIn(200, 201);
                WritingClients clients = new WritingClients(4, base, (method, url, body) -> retrying(method, url, body, token[0]));
                Thread.sleep(1_000);
                for (int i = 0; i < 2; i++) {
                    nodes[i].destroy(); // SIGTERM: the node drains, then stops
                    assertThat(nodes[i].waitFor(30, TimeUnit.SECONDS)).isTrue();
                    nodes[i] = start(dir, i == 0 ? "a" : "b", ports[i], store.jdbcUrl(), key, token);
                    Thread.sleep(1_000);
                }
                clients.stop();
                System.out.printf("rolling restart: %d records written and read back through the restarts, %d failed%n",
                        clients.written(), clients.failures().size());
                assertThat(clients.failures()).as("requests that failed").isEmpty();
                assertThat(clients.written()).isGreaterThan(20);
                int stored = 0;
                String pageToken = null;
                do {
                    var page = new com.fasterxml.jackson.databind.ObjectMapper().readTree(send("GET", base
                            + "/v1/collections/notes/records?maxResults=2500" + (pageToken == null ? ""
                            : "&pageToken=" + java.net.URLEncoder.encode(pageToken, StandardCharsets.UTF_8)), null, token[0]).body());
                    stored += page.get("items").size();
                    pageToken = page.path("nextPageToken").asText(null);
                } while (pageToken != null);
                assertThat(stored).as("every write is there").isEqualTo(clients.written());
            } finally {
                proxy.close();
                for (Process node : nodes) {
                    node.destroyForcibly();
                    node.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** A client that retries a 503 (a draining node, or none up for a moment) a few times. */
    private HttpResponse<String> retrying(String method, String url, String body, String token) throws Exception {
        HttpResponse<String> answer = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            answer = send(method, url, body, token);
            if (answer.statusCode() != 503 && answer.statusCode() != 502) {
                return answer;
            }
            Thread.sleep(250);
        }
        return answer;
    }

    private HttpResponse<String> send(String method, String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Starts a hub process on {@code port}; the first on the store prints the admin token into {@code token}. */
    private static Process start(Path dir, String name, int port, String store, String key, String[] token) throws Exception {
        HubProcess hub = HubProcess.start(port, dir.resolve(name + "-stderr.txt"), Map.of("TRIBUTARY_SECRET_KEY", key),
                "--data-dir", dir.resolve(name).toString(), "--store", store);
        if (token[0] == null) {
            token[0] = hub.token();
        }
        return hub.process();
    }
}
