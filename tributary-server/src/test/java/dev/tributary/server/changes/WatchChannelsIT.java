package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tributary.engine.watch.WatchService;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.server.TestHub;
import dev.tributary.store.ManualClock;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watch channels end to end: a real hub POSTs notifications to a real receiver on loopback —
 * {@code sync} first, gapless message numbers, coalescing, retries keeping their number, disabling,
 * stop, expiry, a restart with a notification pending, a collection deleted, refused addresses.
 */
class WatchChannelsIT {

    /** A webhook receiver: every request's headers, in order; answers with {@link #status}. */
    private HttpServer receiver;
    private final LinkedBlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private String address;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            headers.put(":method", exchange.getRequestMethod());
            headers.put(":body", new String(exchange.getRequestBody().readAllBytes()));
            int answer = status.get();
            headers.put(":answered", Integer.toString(answer));
            received.add(headers);
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        receiver.start();
        address = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/notes";
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private static ServerConfig watching(ServerConfig config) {
        return config.withWatch(WatchService.Settings.defaults().withAllow(List.of("http://127.0.0.1:*/hooks/*"))
                .withRetries(Duration.ofSeconds(10), Duration.ofSeconds(20), 3).withTimeout(Duration.ofSeconds(5))
                .withSweep(Duration.ofSeconds(1)).withMaxTtl(Duration.ofDays(1)));
    }

    private Map<String, String> next() throws InterruptedException {
        Map<String, String> message = received.poll(15, TimeUnit.SECONDS);
        assertThat(message).as("a notification arrives").isNotNull();
        return message;
    }

    private void nothingMore() throws InterruptedException {
        assertThat(received.poll(1500, TimeUnit.MILLISECONDS)).as("no further notification").isNull();
    }

    private String watch(TestHub hub, String id, String extra) {
        TestHub.Answer answer = hub.post("/v1/collections/notes/watch", "{\"id\":\"" + id + "\",\"type\":\"web_hook\","
                + "\"address\":\"" + address + "\"" + extra + "}");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().get("resourceId").asText();
    }

    /**
     * The next notification once time passes: the hub's clock moves 5 s at a time (retries and
     * sweeps come due on it; the scheduler checks it every second) until one arrives.
     */
    private Map<String, String> nextAfterTime(TestHub hub) throws InterruptedException {
        for (int step = 0; step < 30; step++) {
            hub.clock.advance(Duration.ofSeconds(5));
            Map<String, String> message = received.poll(500, TimeUnit.MILLISECONDS);
            if (message != null) {
                return message;
            }
        }
        throw new AssertionError("no notification arrived while time passed");
    }

    /** Lets the scheduler see time pass: retries and sweeps come due on the hub's clock. */
    private static void pass(TestHub hub, Duration duration) throws InterruptedException {
        hub.clock.advance(duration);
        Thread.sleep(1200);
    }

    /** The channel once it is in {@code state} (the hub records an answer just after the receiver gave it). */
    private static JsonNode channelIn(TestHub hub, String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        JsonNode channel = channel(hub, id);
        while ((channel == null || !channel.get("state").asText().equals(state)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            channel = channel(hub, id);
        }
        assertThat(channel).isNotNull();
        assertThat(channel.get("state").asText()).isEqualTo(state);
        return channel;
    }

    private static JsonNode channel(TestHub hub, String id) {
        for (JsonNode channel : hub.get("/v1/channels").json().get("items")) {
            if (channel.get("id").asText().equals(id)) {
                return channel;
            }
        }
        return null;
    }

    @Test
    void aChannelStartsWithSyncAndNumbersEachChangeWithoutGaps() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), WatchChannelsIT::watching)) {
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"status\":\"open\"}}");
            String filter = TestHub.encode("status eq 'open'");
            String token = hub.get("/v1/collections/notes/records?filter=" + filter).json().get("nextSyncToken").asText();
            TestHub.Answer opened = hub.post("/v1/collections/notes/watch", "{\"id\":\"ch-1\",\"type\":\"web_hook\","
                    + "\"address\":\"" + address + "\",\"token\":\"target=phone\",\"params\":{\"ttl\":\"3600\"}}");
            assertThat(opened.status()).as(opened.text()).isEqualTo(200);
            assertThat(opened.json().get("kind").asText()).isEqualTo("tributary#channel");
            assertThat(opened.json().get("id").asText()).isEqualTo("ch-1");
            assertThat(opened.json().get("resourceUri").asText()).isEqualTo(hub.server.baseUrl() + "/v1/collections/notes/records");
            long expiration = Long.parseLong(opened.json().get("expiration").asText());
            assertThat(expiration).isEqualTo(hub.clock.instant().plusSeconds(3600).toEpochMilli());

            Map<String, String> sync = next();
            assertThat(sync.get(":method")).isEqualTo("POST");
            assertThat(sync.get(":body")).isEmpty();
            assertThat(sync.get(WatchService.CHANNEL_ID)).isEqualTo("ch-1");
            assertThat(sync.get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
            assertThat(sync.get(WatchService.RESOURCE_STATE)).isEqualTo("sync");
            assertThat(sync.get(WatchService.RESOURCE_ID)).isEqualTo(opened.json().get("resourceId").asText());
            assertThat(sync.get(WatchService.RESOURCE_URI)).isEqualTo(opened.json().get("resourceUri").asText());
            assertThat(sync.get(WatchService.CHANNEL_TOKEN)).isEqualTo("target=phone");
            assertThat(sync.get(WatchService.CHANNEL_EXPIRATION)).isEqualTo(WatchService.rfc1123(Instant.ofEpochMilli(expiration)))
                    .isEqualTo("Thu, 01 Jan 2026 01:00:00 GMT");

            List<Integer> numbers = new ArrayList<>();
            for (int i = 2; i <= 4; i++) {
                hub.put("/v1/collections/notes/records/n" + i, "{\"data\":{\"status\":\"open\"}}");
                Map<String, String> change = next();
                assertThat(change.get(WatchService.RESOURCE_STATE)).isEqualTo("exists");
                numbers.add(Integer.parseInt(change.get(WatchService.MESSAGE_NUMBER)));
            }
            assertThat(numbers).containsExactly(2, 3, 4);

            // The receiver syncs on each notification: a record leaving its filter is a removal.
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"status\":\"closed\"}}");
            assertThat(next().get(WatchService.MESSAGE_NUMBER)).isEqualTo("5");
            JsonNode items = hub.get("/v1/collections/notes/records?filter=" + filter + "&syncToken=" + TestHub.encode(token))
                    .json().get("items");
            assertThat(items.findValuesAsText("id")).contains("n1");
            for (JsonNode item : items) {
                if (item.get("id").asText().equals("n1")) {
                    assertThat(item.get("removed").asText()).isEqualTo("filter");
                }
            }
            nothingMore();
            JsonNode listed = channel(hub, "ch-1");
            assertThat(listed.get("state").asText()).isEqualTo("active");
            assertThat(listed.get("messagesDelivered").asLong()).isEqualTo(5);
            assertThat(listed.has("token")).as("the channel token is not listed").isFalse();
        }
    }

    @Test
    void failedDeliveriesAreRetriedWithTheirNumberAndChangesMeanwhileCoalesce() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), WatchChannelsIT::watching)) {
            hub.put("/v1/collections/notes", "");
            watch(hub, "ch-retry", "");
            assertThat(next().get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
            status.set(503);
            hub.put("/v1/collections/notes/records/a", "{\"data\":{}}");
            Map<String, String> refused = next();
            assertThat(refused.get(WatchService.MESSAGE_NUMBER)).isEqualTo("2");
            assertThat(refused.get(":answered")).isEqualTo("503");
            // While number 2 waits for its retry, five more changes: they join it.
            for (int i = 0; i < 5; i++) {
                hub.put("/v1/collections/notes/records/b" + i, "{\"data\":{}}");
            }
            Thread.sleep(500);
            nothingMore();
            JsonNode pending = channel(hub, "ch-retry").get("pending");
            assertThat(pending.get("messageNumber").asLong()).isEqualTo(2);
            assertThat(pending.get("failedAttempts").asInt()).isEqualTo(1);
            assertThat(channel(hub, "ch-retry").get("lastError").asText()).contains("503");

            Map<String, String> again = nextAfterTime(hub);
            assertThat(again.get(WatchService.MESSAGE_NUMBER)).as("a retry keeps its number").isEqualTo("2");
            assertThat(again.get(":answered")).isEqualTo("503");
            status.set(200);
            Map<String, String> delivered = nextAfterTime(hub);
            assertThat(delivered.get(WatchService.MESSAGE_NUMBER)).isEqualTo("2");
            assertThat(delivered.get(":answered")).isEqualTo("200");
            nothingMore();
            hub.put("/v1/collections/notes/records/c", "{\"data\":{}}");
            assertThat(next().get(WatchService.MESSAGE_NUMBER)).as("no number was skipped").isEqualTo("3");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (channel(hub, "ch-retry").has("pending") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(channel(hub, "ch-retry").has("pending")).as("delivered, nothing pending").isFalse();
        }
    }

    /** The Standard Webhooks signature, computed here from the spec: base64 HMAC-SHA256 of id.timestamp.body with the secret's bytes. */
    private static String expectedSignature(String secret, String id, String timestamp) throws Exception {
        javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        return "v1," + java.util.Base64.getEncoder().encodeToString(hmac.doFinal((id + "." + timestamp + ".")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aSignedChannelsNotificationsCarryAStandardWebhooksSignature() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), WatchChannelsIT::watching)) {
            hub.put("/v1/collections/notes", "");
            TestHub.Answer opened = hub.post("/v1/collections/notes/watch", "{\"id\":\"ch-sig\",\"type\":\"web_hook\","
                    + "\"address\":\"" + address + "\",\"params\":{\"signed\":\"true\"}}");
            assertThat(opened.status()).as(opened.text()).isEqualTo(200);
            String secret = opened.json().get("secret").asText();
            assertThat(secret).startsWith("whsec_");
            Map<String, String> sync = next();
            assertThat(sync.get("webhook-id")).isEqualTo("ch-sig.1");
            assertThat(sync.get("webhook-timestamp")).isEqualTo(Long.toString(hub.clock.instant().getEpochSecond()));
            assertThat(sync.get("webhook-signature"))
                    .isEqualTo(expectedSignature(secret, "ch-sig.1", sync.get("webhook-timestamp")));

            status.set(503);
            hub.put("/v1/collections/notes/records/a", "{\"data\":{}}");
            Map<String, String> refused = next();
            status.set(200);
            Map<String, String> retried = nextAfterTime(hub);
            assertThat(retried.get("webhook-id")).as("a retry keeps its id").isEqualTo(refused.get("webhook-id")).isEqualTo("ch-sig.2");
            assertThat(retried.get("webhook-timestamp")).as("and is signed when sent").isNotEqualTo(refused.get("webhook-timestamp"));
            assertThat(retried.get("webhook-signature"))
                    .isEqualTo(expectedSignature(secret, "ch-sig.2", retried.get("webhook-timestamp")));

            JsonNode listed = channel(hub, "ch-sig");
            assertThat(listed.get("signed").asBoolean()).isTrue();
            assertThat(listed.toString()).as("the secret is shown once").doesNotContain(secret.substring(6));
            assertThat(hub.store.watchChannels().get("ch-sig").orElseThrow().signingSecret()).isEqualTo(secret);
        }
    }

    @Test
    void repeatedFailuresDisableAChannel() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), WatchChannelsIT::watching)) {
            hub.put("/v1/collections/notes", "");
            status.set(503);
            watch(hub, "ch-down", "");
            assertThat(next().get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
            assertThat(nextAfterTime(hub).get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
            assertThat(nextAfterTime(hub).get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
            JsonNode disabled = channelIn(hub, "ch-down", "disabled");
            assertThat(disabled.get("reason").asText()).contains("3 times");
            status.set(200);
            hub.put("/v1/collections/notes/records/a", "{\"data\":{}}");
            pass(hub, Duration.ofSeconds(20));
            nothingMore();
        }
    }

    @Test
    void aStoppedOrExpiredChannelIsToldNothingMore() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), WatchChannelsIT::watching)) {
            hub.put("/v1/collections/notes", "");
            String reader = hub.token("read:notes");
            TestHub.Answer opened = hub.send("POST", "/v1/collections/notes/watch", "{\"id\":\"ch-stop\",\"type\":\"web_hook\","
                    + "\"address\":\"" + address + "\"}", reader);
            assertThat(opened.status()).as(opened.text()).isEqualTo(200);
            String resourceId = opened.json().get("resourceId").asText();
            next();
            String other = hub.token("read:notes");
            assertThat(hub.send("POST", "/v1/channels/stop", "{\"id\":\"ch-stop\",\"resourceId\":\"" + resourceId + "\"}", other)
                    .status()).as("another token cannot stop it").isEqualTo(404);
            assertThat(hub.send("GET", "/v1/channels", null, other).json().get("items")).as("nor see it").isEmpty();
            assertThat(hub.send("GET", "/v1/channels", null, reader).json().get("items")).hasSize(1);
            assertThat(hub.send("POST", "/v1/channels/stop", "{\"id\":\"ch-stop\",\"resourceId\":\"wrong\"}", reader).status())
                    .isEqualTo(404);
            assertThat(hub.send("POST", "/v1/channels/stop", "{\"id\":\"ch-stop\",\"resourceId\":\"" + resourceId + "\"}", reader)
                    .status()).isEqualTo(204);
            hub.put("/v1/collections/notes/records/a", "{\"data\":{}}");
            nothingMore();
            assertThat(channel(hub, "ch-stop")).isNull();

            watch(hub, "ch-short", ",\"params\":{\"ttl\":\"60\"}");
            next();
            pass(hub, Duration.ofSeconds(61));
            pass(hub, Duration.ofSeconds(2));
            hub.put("/v1/collections/notes/records/b", "{\"data\":{}}");
            nothingMore();
            channelIn(hub, "ch-short", "expired");
        }
    }

    @Test
    void aDeletedCollectionIsToldAsNotExistsAndEndsTheChannel() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), WatchChannelsIT::watching)) {
            hub.put("/v1/collections/notes", "");
            watch(hub, "ch-gone", "");
            next();
            assertThat(hub.delete("/v1/collections/notes").status()).isEqualTo(204);
            // The deletion wakes the channels: told without waiting for the sweep.
            Map<String, String> gone = next();
            assertThat(gone.get(WatchService.RESOURCE_STATE)).isEqualTo("not_exists");
            assertThat(gone.get(WatchService.MESSAGE_NUMBER)).isEqualTo("2");
            channelIn(hub, "ch-gone", "ended");
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/notes/records/a", "{\"data\":{}}");
            pass(hub, Duration.ofSeconds(2));
            nothingMore();
        }
    }

    @Test
    void aNotificationPendingAtARestartIsDeliveredAfterItWithItsNumber() throws Exception {
        ManualClock clock = new ManualClock();
        try (StoreBackend backend = StoreBackend.sqlite()) {
            String resourceId;
            try (Store store = backend.open(clock);
                    HubServer hub = new HubServer(store, watching(ServerConfig.defaults().withPort(0)
                            .withCompactionInterval(Duration.ZERO).withClock(clock))).start()) {
                String admin = store.accessTokens().create("test", List.of("admin")).secret();
                var http = java.net.http.HttpClient.newHttpClient();
                java.util.function.BiFunction<String, String, Integer> post = (path, body) -> {
                    try {
                        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.baseUrl() + path))
                                .header("Authorization", "Bearer " + admin).method(path.contains("/records/") ? "PUT" : "POST",
                                        java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                store.collections().put("notes", null);
                assertThat(post.apply("/v1/collections/notes/watch", "{\"id\":\"ch-restart\",\"type\":\"web_hook\",\"address\":\""
                        + address + "\"}")).isEqualTo(200);
                assertThat(next().get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
                status.set(503);
                assertThat(post.apply("/v1/collections/notes/records/a", "{\"data\":{}}")).isEqualTo(201);
                assertThat(next().get(":answered")).isEqualTo("503");
                resourceId = store.watchChannels().get("ch-restart").orElseThrow().resourceId();
            }
            status.set(200);
            // Past the retry (10 s) and past the stopped hub's claim on the notification (timeout + 30 s):
            // when it stopped before recording the 503, the notification is still claimed by it until then.
            clock.advance(Duration.ofSeconds(40));
            try (Store store = backend.open(clock);
                    HubServer hub = new HubServer(store, watching(ServerConfig.defaults().withPort(0)
                            .withCompactionInterval(Duration.ZERO).withClock(clock))).start()) {
                Map<String, String> delivered = next();
                assertThat(delivered.get(WatchService.MESSAGE_NUMBER)).isEqualTo("2");
                assertThat(delivered.get(WatchService.RESOURCE_STATE)).isEqualTo("exists");
                assertThat(delivered.get(":answered")).isEqualTo("200");
                assertThat(delivered.get(WatchService.RESOURCE_ID)).isEqualTo(resourceId);
                nothingMore();
            }
        }
    }

    /**
     * Two hubs on one PostgreSQL store, both delivering: each notification reaches the receiver
     * once, numbered without gaps, whichever hub the writes go through.
     */
    @Test
    void twoHubsOnOneStoreDeliverEachNotificationOnce() throws Exception {
        try (TestHub a = new TestHub(StoreBackend.postgres(), WatchChannelsIT::watching)) {
            a.put("/v1/collections/notes", "");
            try (Store second = a.backend.open(a.clock);
                    HubServer b = new HubServer(second, watching(ServerConfig.defaults().withPort(0)
                            .withCompactionInterval(Duration.ZERO).withClock(a.clock))).start()) {
                Thread.sleep(1000); // b's listener connects
                watch(a, "ch-two", "");
                assertThat(next().get(WatchService.MESSAGE_NUMBER)).isEqualTo("1");
                var http = java.net.http.HttpClient.newHttpClient();
                List<String> numbers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String base = i % 2 == 0 ? a.server.baseUrl() : b.baseUrl();
                    int put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/collections/notes/records/r" + i))
                            .header("Authorization", "Bearer " + a.adminToken)
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":{}}")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                    assertThat(put).isEqualTo(201);
                    numbers.add(next().get(WatchService.MESSAGE_NUMBER));
                }
                nothingMore();
                assertThat(numbers).containsExactly("2", "3", "4", "5", "6", "7");
            }
        }
    }

    @Test
    void addressesAndRequestsAreChecked() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite(), config -> config.withWatch(WatchService.Settings.defaults()
                .withAllow(List.of("http://127.0.0.1:*/hooks/*", "https://*:*/*"))))) {
            hub.put("/v1/collections/notes", "");
            java.util.function.Function<String, TestHub.Answer> open = body -> hub.post("/v1/collections/notes/watch", body);
            TestHub.Answer outside = open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"http://127.0.0.1:9/admin\"}");
            assertThat(outside.status()).isEqualTo(400);
            assertThat(outside.text()).contains("--webhook-allow");
            TestHub.Answer loopback = open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"https://localhost/hooks/x\"}");
            assertThat(loopback.status()).as("a wildcard host never reaches loopback").isEqualTo(400);
            assertThat(loopback.text()).contains("loopback");
            TestHub.Answer metadata = open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"https://169.254.169.254/latest\"}");
            assertThat(metadata.status()).isEqualTo(400);
            assertThat(open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"" + address + "\",\"extra\":1}").status())
                    .as("unknown field").isEqualTo(400);
            assertThat(open.apply("{\"id\":\"a b\",\"type\":\"web_hook\",\"address\":\"" + address + "\"}").status()).isEqualTo(400);
            assertThat(open.apply("{\"id\":\"a\",\"type\":\"email\",\"address\":\"" + address + "\"}").status()).isEqualTo(400);
            assertThat(open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"" + address + "\",\"params\":{\"ttl\":\"-5\"}}")
                    .status()).isEqualTo(400);
            assertThat(open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"" + address + "\"}").status()).isEqualTo(200);
            assertThat(open.apply("{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\"" + address + "\"}").status())
                    .as("the id is taken").isEqualTo(409);
            TestHub.Answer longTtl = open.apply("{\"id\":\"b\",\"type\":\"web_hook\",\"address\":\"" + address
                    + "\",\"params\":{\"ttl\":\"99999999\"}}");
            assertThat(Long.parseLong(longTtl.json().get("expiration").asText())).as("capped at the maximum")
                    .isEqualTo(hub.clock.instant().plus(Duration.ofDays(30)).toEpochMilli());
            assertThat(hub.post("/v1/collections/missing/watch", "{\"id\":\"c\",\"type\":\"web_hook\",\"address\":\"" + address
                    + "\"}").status()).isEqualTo(404);
            assertThat(hub.send("POST", "/v1/collections/notes/watch", "{\"id\":\"d\",\"type\":\"web_hook\",\"address\":\""
                    + address + "\"}", hub.token("read:other")).status()).isEqualTo(403);
        }
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            TestHub.Answer none = hub.post("/v1/collections/notes/watch", "{\"id\":\"a\",\"type\":\"web_hook\",\"address\":\""
                    + address + "\"}");
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.text()).as("without --webhook-allow no webhooks").contains("--webhook-allow");
        }
    }
}
