package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HAProxy configuration of docs/operations.md, run as written (only its addresses replaced)
 * in front of two hub processes on one PostgreSQL store, its third server a node that is down:
 * requests are spread over the live nodes, a rolling restart (SIGTERM, so each node drains) loses
 * no request of clients that do not retry at all, and after a node is killed the other answers.
 */
class HaproxyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DOCS = Path.of("..", "docs", "operations.md");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theDocumentedConfigurationCarriesARollingRestartWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        if (!Files.isExecutable(haproxy)) {
            String why = "HAProxy is not installed (Debian package haproxy; .ci/run installs it)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        try (ExternalDatabases.Scratch store = ExternalDatabases.postgresSchema()) {
            String key = Base64.getEncoder().encodeToString(new byte[32]);
            int[] ports = {HubProcess.freePort(), HubProcess.freePort()};
            int dead = HubProcess.freePort(); // the third server: nothing listens there
            int front = HubProcess.freePort();
            Process[] nodes = new Process[2];
            String[] token = new String[1];
            nodes[0] = start(dir, "a", ports[0], store.jdbcUrl(), key, token);
            nodes[1] = start(dir, "b", ports[1], store.jdbcUrl(), key, token);
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, documentedConfig(front, new int[] {ports[0], ports[1], dead}));
            Process balancer = new ProcessBuilder(haproxy.toString(), "-f", config.toString(), "-db")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            String base = "http://127.0.0.1:" + front;
            try {
                awaitPort(front, balancer, dir.resolve("haproxy.log"));
                Thread.sleep(2_500); // the health checks find the dead server down
                assertThat(send("PUT", base + "/v1/collections/notes", "", token[0]).statusCode()).isIn(200, 201);
                Set<String> answeredBy = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    HttpResponse<String> nodesAnswer = send("GET", base + "/v1/nodes", null, token[0]);
                    assertThat(nodesAnswer.statusCode()).as(nodesAnswer.body()).isEqualTo(200);
                    for (JsonNode node : JSON.readTree(nodesAnswer.body()).get("items")) {
                        if (node.get("self").asBoolean()) {
                            answeredBy.add(node.get("id").asText());
                        }
                    }
                }
                assertThat(answeredBy).as("requests go to both live nodes").hasSize(2);

                // No retries of their own: the load balancer must hide the restarts.
                WritingClients clients = new WritingClients(4, base, (method, url, body) -> send(method, url, body, token[0]));
                Thread.sleep(1_000);
                for (int i = 0; i < 2; i++) {
                    nodes[i].destroy(); // SIGTERM: the node drains, then stops
                    assertThat(nodes[i].waitFor(30, TimeUnit.SECONDS)).isTrue();
                    nodes[i] = start(dir, i == 0 ? "a" : "b", ports[i], store.jdbcUrl(), key, token);
                    Thread.sleep(3_000); // the health check finds it up again
                }
                int beforeKill = clients.written();
                clients.stop();
                System.out.printf("haproxy: %d records written and read back through a rolling restart, %d failed%n",
                        beforeKill, clients.failures().size());
                assertThat(clients.failures()).as("requests that failed during the rolling restart; the nodes logged:%n%s",
                        HubProcess.errors(dir)).isEmpty();
                assertThat(beforeKill).isGreaterThan(20);

                // A node killed outright: the balancer sends the next requests to the other.
                nodes[0].destroyForcibly();
                nodes[0].waitFor(30, TimeUnit.SECONDS);
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> put = send("PUT", base + "/v1/collections/notes/records/after-" + i,
                            "{\"data\":{}}", token[0]);
                    assertThat(put.statusCode()).as("request %d after the kill: %s", i, put.body()).isIn(200, 201);
                }
            } finally {
                balancer.destroyForcibly();
                balancer.waitFor(30, TimeUnit.SECONDS);
                for (Process node : nodes) {
                    node.destroyForcibly();
                    node.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The HAProxy configuration from docs/operations.md, listening on {@code front}, its servers on {@code servers}. */
    static String documentedConfig(int front, int[] servers) throws Exception {
        Matcher block = Pattern.compile("```haproxy\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOCS));
        assertThat(block.find()).as("docs/operations.md has the HAProxy configuration").isTrue();
        String config = block.group(1);
        assertThat(config).contains("bind :8080");
        config = config.replace("bind :8080", "bind 127.0.0.1:" + front);
        Matcher server = Pattern.compile("(server node(\\d) )[0-9.]+:8080").matcher(config);
        StringBuilder out = new StringBuilder();
        int found = 0;
        while (server.find()) {
            int n = Integer.parseInt(server.group(2));
            server.appendReplacement(out, server.group(1) + "127.0.0.1:" + servers[n - 1]);
            found++;
        }
        server.appendTail(out);
        assertThat(found).as("server lines").isEqualTo(servers.length);
        return out.toString();
    }

    private static void awaitPort(int port, Process balancer, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                assertThat(balancer.isAlive()).as("haproxy runs: %s", Files.exists(log) ? Files.readString(log) : "")
                        .isTrue();
                assertThat(System.nanoTime()).as("haproxy listens").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
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

    private static Process start(Path dir, String name, int port, String store, String key, String[] token) throws Exception {
        HubProcess hub = HubProcess.start(port, dir.resolve(name + "-stderr.txt"), Map.of("TRIBUTARY_SECRET_KEY", key),
                "--data-dir", dir.resolve(name).toString(), "--store", store);
        if (token[0] == null) {
            token[0] = hub.token();
        }
        return hub.process();
    }
}
