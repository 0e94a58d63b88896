package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub processes (the packaged jar) on one PostgreSQL store keep a continuous link
 * PostgreSQL → hub → MariaDB: one node owns it; killed with SIGKILL, the other takes it over
 * within the lease time plus a scheduler tick (the goal is under 15 s), and the rows written
 * meanwhile arrive, once.
 */
class FailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void whenTheOwningNodeIsKilledTheOtherTakesTheLinkOver(@TempDir Path dir) throws Exception {
        try (ExternalDatabases.Scratch store = ExternalDatabases.postgresSchema();
                ExternalDatabases.Scratch source = ExternalDatabases.postgresSchema();
                ExternalDatabases.Scratch target = ExternalDatabases.mariadbDatabase()) {
            Path config = HubProcess.continuousCopy(dir, source.jdbcUrl(), target.jdbcUrl());
            String key = Base64.getEncoder().encodeToString(new byte[32]);

            Hub first = start(dir, "a", store.jdbcUrl(), config, key, null);
            Hub second = start(dir, "b", store.jdbcUrl(), config, key, first.token()); // the store's admin token
            try {
                insert(source.jdbcUrl(), 1);
                awaitCopies(target.jdbcUrl(), 1, 30);
                JsonNode nodes = get(first, "/v1/nodes");
                assertThat(nodes.get("items")).hasSize(2);
                Hub owner = owns(first, "link:target-copies") ? first : second;
                Hub other = owner == first ? second : first;

                owner.process.destroyForcibly(); // SIGKILL: it gives nothing back
                assertThat(owner.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                long killed = System.nanoTime();
                insert(source.jdbcUrl(), 2);
                awaitCopies(target.jdbcUrl(), 2, 60);
                double failover = (System.nanoTime() - killed) / 1e9;
                System.out.printf("failover: the killed node's links ran on the other node %.1f s later%n", failover);
                assertThat(failover).as("the other node took the links over within the lease time and a tick").isLessThan(15);
                assertThat(owns(other, "link:target-copies")).isTrue();
                assertThat(owns(other, "link:source-items")).isTrue();
                assertThat(count(target.jdbcUrl(), "SELECT count(*) FROM copies")).isEqualTo(2);
                JsonNode runs = get(other, "/v1/runs?link=target-copies");
                assertThat(runs.get("items").findValuesAsText("error")).anyMatch(error -> error.contains("stopped answering"));
            } finally {
                first.process.destroyForcibly();
                second.process.destroyForcibly();
                first.process.waitFor(30, TimeUnit.SECONDS);
                second.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts a hub process; the first on a store prints its admin token, later ones use {@code token}. */
    private static Hub start(Path dir, String name, String store, Path config, String key, String token) throws Exception {
        HubProcess hub = HubProcess.start(HubProcess.freePort(), dir.resolve(name + "-stderr.txt"),
                Map.of("TRIBUTARY_SECRET_KEY", key), "--data-dir", dir.resolve(name).toString(), "--store", store,
                "--config", config.toString());
        return new Hub(hub.process(), hub.url(), token != null ? token : hub.token());
    }

    private record Hub(Process process, String url, String token) {
    }

    private JsonNode get(Hub hub, String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(hub.url() + path))
                .header("Authorization", "Bearer " + hub.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** Whether the node answering at {@code hub} holds the lease now. */
    private boolean owns(Hub hub, String lease) throws Exception {
        for (JsonNode node : get(hub, "/v1/nodes").get("items")) {
            if (node.get("self").asBoolean()) {
                return node.get("leases").findValuesAsText("name").contains(lease);
            }
        }
        return false;
    }

    private static void insert(String url, int id) throws Exception {
        try (Connection pg = DriverManager.getConnection(url); Statement sql = pg.createStatement()) {
            sql.execute("INSERT INTO items (id, name) VALUES (" + id + ", 'item " + id + "')");
        }
    }

    private static void awaitCopies(String url, int rows, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (count(url, "SELECT count(*) FROM copies") < rows) {
            assertThat(System.nanoTime()).as("%d rows on MariaDB within %d s", rows, seconds).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static long count(String url, String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }
}
