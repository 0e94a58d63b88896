package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.server.Json;
import dev.tributary.server.TestHub;
import dev.tributary.store.StoreBackend;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node that stops drains first: a waiting long-poll answers at once with its token, a change
 * stream ends telling its reader where to resume, new requests answer 503 with Retry-After, so
 * a client retrying on 503 loses nothing while a load balancer moves it to another node.
 */
class DrainIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aDrainingNodeAnswersItsWaitersAndRefusesNewRequestsWithRetryAfter() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            String token = hub.get("/v1/collections/notes/records").json().get("nextSyncToken").asText();
            CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(
                    hub.server.baseUrl() + "/v1/collections/notes/records?syncToken=" + TestHub.encode(token) + "&wait=PT60S"))
                    .header("Authorization", "Bearer " + hub.adminToken).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(hub.server.baseUrl()
                    + "/v1/collections/notes/changes?syncToken=" + TestHub.encode(token)))
                    .header("Authorization", "Bearer " + hub.adminToken).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            Thread.sleep(300);
            assertThat(waiting).isNotDone();

            long start = System.nanoTime();
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> hub.server.drain(Duration.ZERO, Duration.ofSeconds(10)));
            HttpResponse<String> answer = waiting.get(5, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once, not after 60 s").isLessThan(3_000);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(answer.body()).get("items")).isEmpty();
            assertThat(Json.MAPPER.readTree(answer.body()).get("nextSyncToken").asText()).isEqualTo(token);
            StringBuilder events = new StringBuilder();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    events.append(line).append('\n');
                }
            }
            assertThat(events.toString()).as("the stream ended telling its reader where to resume")
                    .contains("event: reconnect").contains("\"syncToken\":\"" + token + "\"");
            assertThat(drained.get(10, TimeUnit.SECONDS)).as("nothing left in flight").isTrue();

            TestHub.Answer refused = hub.get("/v1/collections/notes/records");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.headers().get("retry-after")).containsExactly("1");
            assertThat(refused.json().at("/error/reason").asText()).isEqualTo("draining");
            assertThat(hub.get("/health").status()).as("a load balancer takes the node out").isEqualTo(503);
        }
    }

    @Test
    void duringTheNoticeHealthSaysDrainingWhileRequestsAreStillServed() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            assertThat(hub.get("/health").status()).isEqualTo(200);
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> hub.server.drain(Duration.ofSeconds(3), Duration.ofSeconds(10)));
            long start = System.nanoTime();
            TestHub.Answer health;
            do {
                health = hub.get("/health");
            } while (health.status() == 200 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
            assertThat(health.status()).as("the balancer is told at once").isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("draining");
            // Still served during the notice: a request the balancer sent before it noticed.
            assertThat(hub.put("/v1/collections/notes/records/n1", "{\"data\":{}}").status()).isEqualTo(201);
            assertThat(hub.get("/v1/collections/notes/records/n1").status()).isEqualTo(200);
            assertThat(drained).as("the notice lasts its 3 s").isNotDone();
            assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(2_500);
            TestHub.Answer refused = hub.get("/v1/collections/notes/records/n1");
            assertThat(refused.status()).as("after the notice, requests are turned away").isEqualTo(503);
            assertThat(refused.json().at("/error/reason").asText()).isEqualTo("draining");
        }
    }
}
