package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.HubServer;
import dev.tributary.server.Json;
import dev.tributary.server.ServerConfig;
import dev.tributary.server.TestHub;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Long-poll on the change feed: it answers when a relevant change commits, and at its timeout gives back the token it was sent. */
class LongPollIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String syncToken(TestHub hub) {
        return hub.get("/v1/collections/notes/records").json().get("nextSyncToken").asText();
    }

    private static CompletableFuture<HttpResponse<String>> poll(String baseUrl, String token, String syncToken, String wait) {
        return poll(baseUrl, token, syncToken, wait, "");
    }

    /** A long-poll of the notes feed; {@code extra} adds query parameters ({@code &filter=…}). */
    private static CompletableFuture<HttpResponse<String>> poll(String baseUrl, String token, String syncToken, String wait,
            String extra) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/collections/notes/records?syncToken="
                + TestHub.encode(syncToken) + "&wait=" + wait + extra)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void aWaitingRequestAnswersWhenAChangeCommits() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"text\":\"one\"}}");
            String token = syncToken(hub);
            long started = System.nanoTime();
            CompletableFuture<HttpResponse<String>> waiting = poll(hub.server.baseUrl(), hub.adminToken, token, "PT30S");
            Thread.sleep(500);
            assertThat(waiting).as("nothing changed yet: still waiting").isNotDone();
            hub.put("/v1/collections/notes/records/n2", "{\"data\":{\"text\":\"two\"}}");
            HttpResponse<String> answer = waiting.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(json(answer).get("items")).extracting(item -> item.get("id").asText()).containsExactly("n2");
            assertThat(json(answer).get("nextSyncToken").asText()).isNotEqualTo(token);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered at the commit, not the timeout")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTimeoutGivesBackTheSameTokenAndTheNextCallLosesNothing() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/others", "");
            String token = syncToken(hub);
            CompletableFuture<HttpResponse<String>> waiting = poll(hub.server.baseUrl(), hub.adminToken, token, "PT1S");
            hub.put("/v1/collections/others/records/x", "{\"data\":{}}"); // another collection: no answer
            HttpResponse<String> answer = waiting.get(10, TimeUnit.SECONDS);
            assertThat(json(answer).get("items")).isEmpty();
            assertThat(json(answer).get("nextSyncToken").asText()).as("byte for byte the token sent").isEqualTo(token);

            hub.put("/v1/collections/notes/records/n3", "{\"data\":{\"text\":\"three\"}}");
            assertThat(hub.get("/v1/collections/notes/records?syncToken=" + TestHub.encode(token)).json().get("items"))
                    .extracting(item -> item.get("id").asText()).containsExactly("n3");
        }
    }

    @Test
    void aRecordLeavingTheFilterAnswersAsARemoval() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"status\":\"open\"}}");
            String filter = TestHub.encode("status eq 'open'");
            String token = hub.get("/v1/collections/notes/records?filter=" + filter).json().get("nextSyncToken").asText();
            CompletableFuture<HttpResponse<String>> waiting = poll(hub.server.baseUrl(), hub.adminToken, token, "PT30S",
                    "&filter=" + filter);
            Thread.sleep(500);
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"status\":\"closed\"}}");
            JsonNode items = json(waiting.get(10, TimeUnit.SECONDS)).get("items");
            assertThat(items).hasSize(1);
            assertThat(items.get(0).get("id").asText()).isEqualTo("n1");
            assertThat(items.get(0).get("removed").asText()).as("it left the filter").isEqualTo("filter");
        }
    }

    /** Reads server-sent events until {@code until} holds for the ones read; answers them as (event, id, data). */
    private static List<String[]> events(java.io.InputStream body, java.util.function.Predicate<List<String[]>> until)
            throws Exception {
        List<String[]> events = new ArrayList<>();
        java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(body,
                java.nio.charset.StandardCharsets.UTF_8));
        String event = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (event != null || data.length() > 0) {
                    events.add(new String[] {event, id, data.toString()});
                    if (until.test(events)) {
                        return events;
                    }
                }
                event = null;
                id = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        return events;
    }

    private static HttpResponse<java.io.InputStream> stream(TestHub hub, String query, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.server.baseUrl()
                + "/v1/collections/notes/changes?" + query)).header("Authorization", "Bearer " + hub.adminToken)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void serverSentEventsDeliverEachChangeOnceAcrossAResume() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"status\":\"open\"}}");
            String filter = TestHub.encode("status eq 'open'");
            String token = hub.get("/v1/collections/notes/records?filter=" + filter).json().get("nextSyncToken").asText();
            hub.put("/v1/collections/notes/records/n2", "{\"data\":{\"status\":\"open\"}}");

            HttpResponse<java.io.InputStream> first = stream(hub, "syncToken=" + TestHub.encode(token) + "&filter=" + filter, null);
            assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            CompletableFuture<List<String[]>> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return events(first.body(), seen -> seen.stream().filter(e -> "caught-up".equals(e[0])).count() >= 2);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{\"status\":\"closed\"}}"); // leaves the filter
            List<String[]> seen = reading.get(20, TimeUnit.SECONDS);
            first.body().close();
            List<String> items = new ArrayList<>();
            String lastId = null;
            for (String[] event : seen) {
                if ("changes".equals(event[0])) {
                    for (JsonNode item : Json.MAPPER.readTree(event[2]).get("items")) {
                        items.add(item.get("id").asText() + (item.has("removed") ? "-" + item.get("removed").asText() : ""));
                    }
                    lastId = event[1];
                }
            }
            assertThat(items).as("n2 while catching up, then n1 leaving the filter as a removal").containsExactly("n2", "n1-filter");
            assertThat(seen.get(seen.size() - 1)[0]).isEqualTo("caught-up");

            // The connection drops; meanwhile another change; the browser resumes with Last-Event-ID
            // (and the first syncToken again, which the header wins over).
            hub.put("/v1/collections/notes/records/n3", "{\"data\":{\"status\":\"open\"}}");
            HttpResponse<java.io.InputStream> resumed = stream(hub, "syncToken=" + TestHub.encode(token) + "&filter=" + filter, lastId);
            List<String[]> after = events(resumed.body(), events -> events.stream().anyMatch(e -> "caught-up".equals(e[0])));
            resumed.body().close();
            assertThat(after.stream().filter(e -> "changes".equals(e[0])).flatMap(e -> {
                try {
                    return java.util.stream.StreamSupport.stream(Json.MAPPER.readTree(e[2]).get("items").spliterator(), false);
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }).map(item -> item.get("id").asText()).toList()).as("exactly what came after the last event").containsExactly("n3");

            HttpResponse<java.io.InputStream> bad = stream(hub, "syncToken=nonsense", null);
            List<String[]> refused = events(bad.body(), events -> true);
            assertThat(refused.get(0)[0]).isEqualTo("fullSyncRequired");
            assertThat(refused.get(0)[2]).contains("\"code\":400");
        }
    }

    /**
     * A reader taking in far less than the hub has for it is not buffered for: past the slow-reader
     * limit its stream ends with a {@code reconnect} event naming the token to resume from, and a
     * resumed stream delivers the rest — every record exactly once across the two.
     */
    @Test
    void aSlowReaderIsCutOffWithTheTokenToResumeFrom() throws Exception {
        Duration limit = ChangeFeed.slowReaderLimit;
        ChangeFeed.slowReaderLimit = Duration.ofSeconds(1);
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            String token = syncToken(hub);
            String text = "x".repeat(8_000);
            int count = 3_000;
            for (int batch = 0; batch < count / 500; batch++) {
                StringBuilder body = new StringBuilder("{\"writes\":[");
                for (int i = 0; i < 500; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"op\":\"put\",\"id\":\"n").append(batch * 500 + i)
                            .append("\",\"data\":{\"text\":\"").append(text).append("\"}}");
                }
                assertThat(hub.post("/v1/collections/notes/batch", body.append("]}").toString()).status()).isEqualTo(200);
            }
            HttpResponse<java.io.InputStream> slow = stream(hub, "syncToken=" + TestHub.encode(token), null);
            java.io.InputStream throttled = new java.io.FilterInputStream(slow.body()) {
                @Override
                public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return super.read(buffer, offset, Math.min(length, 4096));
                }
            };
            List<String[]> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    return events(throttled, events -> "caught-up".equals(events.get(events.size() - 1)[0]));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            String[] last = seen.get(seen.size() - 1);
            assertThat(last[0]).as("the stream ends telling where to resume").isEqualTo("reconnect");
            assertThat(Json.MAPPER.readTree(last[2]).get("syncToken").asText()).isEqualTo(last[1]);
            List<String> ids = new ArrayList<>();
            for (String[] event : seen) {
                if ("changes".equals(event[0])) {
                    Json.MAPPER.readTree(event[2]).get("items").forEach(item -> ids.add(item.get("id").asText()));
                }
            }
            assertThat(ids.size()).as("cut off before the whole backlog").isLessThan(count);

            HttpResponse<java.io.InputStream> resumed = stream(hub, "syncToken=" + TestHub.encode(token), last[1]);
            for (String[] event : events(resumed.body(), events -> "caught-up".equals(events.get(events.size() - 1)[0]))) {
                if ("changes".equals(event[0])) {
                    Json.MAPPER.readTree(event[2]).get("items").forEach(item -> ids.add(item.get("id").asText()));
                }
            }
            resumed.body().close();
            assertThat(ids).as("every record once across the cut").hasSize(count).doesNotHaveDuplicates();
        } finally {
            ChangeFeed.slowReaderLimit = limit;
        }
    }

    /**
     * Waiters woken together share their reads; none may take a read from before the commit that
     * woke it (it would wait out its whole timeout with a change there). Twenty devices long-poll
     * with a 30 s wait while a writer commits in bursts: each sees every record, promptly.
     */
    @Test
    void waitersWokenTogetherMissNoCommit() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            int devices = 20;
            int records = 150;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(devices);
            try {
                List<CompletableFuture<java.util.Set<String>>> seen = new ArrayList<>();
                for (int d = 0; d < devices; d++) {
                    // Each device its own filter, so its own token (at most 8 requests may wait with one).
                    String filter = "&filter=" + TestHub.encode("k ne " + (100 + d));
                    String start = hub.get("/v1/collections/notes/records?" + filter.substring(1)).json().get("nextSyncToken").asText();
                    seen.add(CompletableFuture.supplyAsync(() -> {
                        java.util.Set<String> ids = new java.util.HashSet<>();
                        String token = start;
                        try {
                            while (ids.size() < records) {
                                HttpResponse<String> answer = poll(hub.server.baseUrl(), hub.adminToken, token, "PT30S", filter).get();
                                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                                JsonNode page = json(answer);
                                page.get("items").forEach(item -> ids.add(item.get("id").asText()));
                                token = page.has("nextSyncToken") ? page.get("nextSyncToken").asText() : token;
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return ids;
                    }, pool));
                }
                for (int i = 0; i < records; i++) {
                    hub.store.changeLog().apply("notes", List.of(dev.tributary.store.RecordWrite.put("n" + i, "{\"k\":1}")), "test");
                    Thread.sleep(i % 3 == 0 ? 1 : 5);
                }
                for (CompletableFuture<java.util.Set<String>> device : seen) {
                    assertThat(device.get(10, TimeUnit.SECONDS)).as("every record, without waiting out a timeout").hasSize(records);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** An idle stream sends its heartbeat comment, and the comments never break into the events around them. */
    @Test
    void anIdleStreamSendsHeartbeatsBetweenWholeEvents() throws Exception {
        Duration heartbeat = ChangeFeed.heartbeat;
        ChangeFeed.heartbeat = Duration.ofMillis(50);
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            String token = syncToken(hub);
            HttpResponse<java.io.InputStream> stream = stream(hub, "syncToken=" + TestHub.encode(token), null);
            CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
                List<String> read = new ArrayList<>();
                try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    for (String line; System.nanoTime() < end && (line = reader.readLine()) != null; ) {
                        read.add(line);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return read;
            });
            for (int i = 0; i < 20; i++) {
                hub.put("/v1/collections/notes/records/n" + i, "{\"data\":{\"text\":\"" + "x".repeat(2000) + "\"}}");
                Thread.sleep(40);
            }
            List<String> read = lines.get(20, TimeUnit.SECONDS);
            assertThat(read.stream().filter(line -> line.startsWith(":")).count()).as("heartbeats").isGreaterThanOrEqualTo(3);
            for (String line : read) {
                assertThat(line.isEmpty() || line.startsWith(":") || line.startsWith("event:") || line.startsWith("id:")
                        || line.startsWith("data:")).as("a whole SSE line: " + line.substring(0, Math.min(80, line.length()))).isTrue();
            }
            for (String line : read) {
                if (line.startsWith("data:") && line.length() > 10) {
                    assertThat(Json.MAPPER.readTree(line.substring(5)).has("items") || line.equals("data: {}")).isTrue();
                }
            }
        } finally {
            ChangeFeed.heartbeat = heartbeat;
        }
    }

    /** A collection deleted under its waiters answers them at once: the stream with fullSyncRequired, the long-poll with its error. */
    @Test
    void aCollectionDeletedUnderItsWaitersAnswersThemAtOnce() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            String token = syncToken(hub);
            HttpResponse<java.io.InputStream> stream = stream(hub, "syncToken=" + TestHub.encode(token), null);
            CompletableFuture<List<String[]>> streamed = CompletableFuture.supplyAsync(() -> {
                try {
                    return events(stream.body(), seen -> "fullSyncRequired".equals(seen.get(seen.size() - 1)[0]));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<HttpResponse<String>> waiting = poll(hub.server.baseUrl(), hub.adminToken, token, "PT60S");
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            assertThat(hub.delete("/v1/collections/notes").status()).isEqualTo(204);
            List<String[]> events = streamed.get(5, TimeUnit.SECONDS);
            assertThat(events.get(events.size() - 1)[2]).contains("\"code\":404").contains("does not exist");
            HttpResponse<String> answer = waiting.get(5, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isIn(404, 410);
        }
    }

    @Test
    void waitIsCheckedAndWaitersAreBounded() throws Exception {
        try (TestHub hub = new TestHub(StoreBackend.sqlite())) {
            hub.put("/v1/collections/notes", "");
            String token = syncToken(hub);
            assertThat(hub.get("/v1/collections/notes/records?syncToken=" + TestHub.encode(token) + "&wait=PT6M").status())
                    .isEqualTo(400);
            assertThat(hub.get("/v1/collections/notes/records?wait=PT10S").status()).as("wait needs a syncToken").isEqualTo(400);
            assertThat(hub.get("/v1/collections/notes/records?syncToken=" + TestHub.encode(token) + "&wait=soon").status())
                    .isEqualTo(400);
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < FeedWaiters.PER_TOKEN; i++) {
                waiting.add(poll(hub.server.baseUrl(), hub.adminToken, token, "PT20S"));
            }
            Thread.sleep(1000);
            HttpResponse<String> refused = poll(hub.server.baseUrl(), hub.adminToken, token, "PT20S").get(10, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            hub.put("/v1/collections/notes/records/n1", "{\"data\":{}}");
            for (CompletableFuture<HttpResponse<String>> each : waiting) {
                assertThat(each.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    /** Two hub processes' worth of store on one PostgreSQL database: a write through one wakes a long-poll on the other. */
    @Test
    void aWriteThroughOneHubWakesALongPollOnAnotherOfTheSameStore() throws Exception {
        try (TestHub a = new TestHub(StoreBackend.postgres())) {
            a.put("/v1/collections/notes", "");
            String token = syncToken(a);
            try (Store second = a.backend.open(a.clock);
                    HubServer b = new HubServer(second, ServerConfig.defaults().withPort(0)
                            .withCompactionInterval(Duration.ZERO).withClock(a.clock)).start()) {
                Thread.sleep(1000); // b's listener connects
                CompletableFuture<HttpResponse<String>> waiting = poll(b.baseUrl(), a.adminToken, token, "PT30S");
                Thread.sleep(500);
                assertThat(waiting).isNotDone();
                a.put("/v1/collections/notes/records/n1", "{\"data\":{\"text\":\"from a\"}}");
                HttpResponse<String> answer = waiting.get(10, TimeUnit.SECONDS);
                assertThat(json(answer).get("items")).extracting(item -> item.get("id").asText()).containsExactly("n1");
            }
        }
    }
}
