package dev.tributary.server.sdata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.sdata.Digest;
import dev.tributary.sdata.Digests;
import dev.tributary.sdata.SDataXml;
import dev.tributary.sdata.SyncFeed;
import dev.tributary.sdata.SyncPass;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hubs as SData providers: the digest, async $syncSource/$syncTarget contexts, the conflict
 * rules, malformed feeds, and three hubs replicating a collection in a triangle until they agree.
 */
class SDataProviderIT {

    private final List<TestHub> hubs = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        hubs.forEach(TestHub::close);
    }

    private TestHub hub(int priority) {
        return hub(priority, StoreBackend.sqlite());
    }

    private TestHub hub(int priority, StoreBackend backend) {
        TestHub hub = new TestHub(backend);
        hubs.add(hub);
        assertThat(hub.put("/v1/collections/notes", "{}").status()).isIn(200, 201);
        Answer resource = hub.put("/v1/sdata/resources/notes", "{\"collection\":\"notes\",\"conflictPriority\":" + priority + "}");
        assertThat(resource.status()).as(resource.text()).isEqualTo(201);
        Answer inUse = hub.delete("/v1/collections/notes");
        assertThat(inUse.status()).as(inUse.text()).isEqualTo(409);
        assertThat(inUse.text()).contains("SData resource kind 'notes'");
        return hub;
    }

    private static String url(TestHub hub) {
        return hub.server.baseUrl() + "/sdata/tributary/records/-/notes";
    }

    private static SyncPass.Side side(TestHub hub) {
        return new dev.tributary.sdata.HttpSide(url(hub), hub.adminToken, Duration.ofSeconds(60));
    }

    private static SyncPass.Result pass(TestHub from, TestHub to) {
        return new SyncPass(7).run(side(from), side(to), line -> { });
    }

    /**
     * GETs an operation's Location until it answers something other than 202; fails after 60 s
     * (an operation nothing finishes would otherwise hold the build until its time runs out).
     */
    private HttpResponse<String> untilDone(String location, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> answer = send("GET", location, token, null);
        while (answer.statusCode() == 202) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still 202 after 60 s at " + location + ": " + answer.body());
            }
            Thread.sleep(20);
            answer = send("GET", location, token, null);
        }
        return answer;
    }

    private static void write(TestHub hub, String id, String text) {
        Answer answer = hub.put("/v1/collections/notes/records/" + id, "{\"data\":{\"text\":\"" + text + "\",\"n\":1.50,"
                + "\"tags\":[\"a\",null,{\"deep\":true}]}}");
        assertThat(answer.status()).as(answer.text()).isIn(200, 201);
    }

    private static Map<String, String> notes(TestHub hub) {
        Map<String, String> notes = new TreeMap<>();
        String token = null;
        do {
            JsonNode page = hub.get("/v1/collections/notes/records?maxResults=2500"
                    + (token == null ? "" : "&pageToken=" + TestHub.encode(token))).json();
            for (JsonNode item : page.get("items")) {
                if (!item.path("deleted").asBoolean()) {
                    notes.put(item.get("id").asText(), item.get("data").toString());
                }
            }
            token = page.path("nextPageToken").asText(null);
        } while (token != null);
        return notes;
    }

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPassCopiesChangesWithTheirSyncStateAndTheDigestFollows() {
        TestHub a = hub(1);
        TestHub b = hub(2);
        write(a, "n1", "one");
        write(a, "n2", "two");
        SyncPass.Result first = pass(a, b);
        assertThat(first.applied()).isEqualTo(2);
        assertThat(notes(b)).isEqualTo(notes(a));
        assertThat(notes(b).get("n1")).contains("\"n\":1.5").contains("\"deep\":true");

        Digest digest = Digests.find(SDataXml.parse(b.get("/sdata/tributary/records/-/notes/$syncDigest").text()
                .getBytes(StandardCharsets.UTF_8), 1 << 20));
        assertThat(digest.entries()).hasSize(2);
        assertThat(digest.entry(url(a)).orElseThrow().conflictPriority()).isEqualTo(1);

        assertThat(pass(a, b).entries()).as("nothing new: an empty pass").isZero();
        assertThat(pass(b, a).entries()).as("a's own changes are not sent back").isZero();
        a.delete("/v1/collections/notes/records/n2");
        assertThat(pass(a, b).applied()).isEqualTo(1);
        assertThat(notes(b)).containsOnlyKeys("n1");
    }

    /**
     * A record whose text XML 1.0 cannot carry stops the pass with a message naming it (leaving it
     * out would let the target's digest pass it by for good); once its value changes, the next
     * pass brings everything.
     */
    @Test
    void aRecordXmlCannotCarryStopsThePassNamingItUntilItChanges() {
        TestHub a = hub(1);
        TestHub b = hub(2);
        write(a, "n1", "fine");
        write(a, "n2", "ring\\u0007ring");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pass(a, b)).isInstanceOf(SyncPass.PassException.class)
                .hasMessageContaining("500")
                .hasMessageContaining("record n2 cannot be sent: the value of field 'text' holds U+0007 at character 5");
        write(a, "n2", "ring ring");
        assertThat(pass(a, b).applied()).isEqualTo(2);
        assertThat(notes(b)).isEqualTo(notes(a));
    }

    @Test
    void hubsOnPostgreSqlAndSqliteReplicateBothWays() {
        TestHub pg = hub(1, StoreBackend.postgres());
        TestHub lite = hub(2);
        write(pg, "p1", "from postgres");
        write(lite, "s1", "from sqlite");
        write(pg, "both", "postgres wins");
        write(lite, "both", "sqlite loses");
        pass(pg, lite);
        pass(lite, pg);
        pass(pg, lite);
        assertThat(notes(pg)).isEqualTo(notes(lite)).containsOnlyKeys("p1", "s1", "both");
        assertThat(notes(lite).get("both")).contains("postgres wins");
        JsonNode decided = lite.get("/v1/conflicts?state=resolved&link=sdata:notes").json().get("items");
        assertThat(decided).as("the conflict the target decided is in its conflicts history").hasSize(1);
        assertThat(decided.get(0).get("recordId").asText()).isEqualTo("both");
        assertThat(decided.get(0).get("decision").asText()).as("the other endpoint's version won").isEqualTo("endpoint");
        assertThat(decided.get(0).get("hub").toString()).contains("sqlite loses");
        assertThat(decided.get(0).get("endpoint").toString()).contains("postgres wins");
        assertThat(decided.get(0).get("detail").asText()).contains("priority 1 (source) vs 2 (target)");
        pg.delete("/v1/collections/notes/records/s1");
        pass(pg, lite);
        assertThat(notes(lite)).doesNotContainKey("s1");
        Digest digest = Digests.find(SDataXml.parse(pg.get("/sdata/tributary/records/-/notes/$syncDigest").text()
                .getBytes(StandardCharsets.UTF_8), 1 << 20));
        assertThat(digest.tick(url(lite))).isGreaterThan(0);
    }

    @Test
    void aLinkWithASchedulePassesOnItsOwn() {
        TestHub a = hub(1);
        TestHub b = hub(2);
        Answer link = a.put("/v1/sdata/links/nightly", "{\"resource\":\"notes\",\"direction\":\"out\",\"every\":\"PT5M\","
                + "\"remote\":{\"url\":\"" + url(b) + "\",\"token\":\"" + b.adminToken + "\"}}");
        assertThat(link.status()).as(link.text()).isEqualTo(201);
        assertThat(link.json().get("every").asText()).isEqualTo("PT5M");
        assertThat(a.put("/v1/sdata/links/bad", "{\"resource\":\"notes\",\"every\":\"soon\",\"remote\":{\"url\":\""
                + url(b) + "\"}}").status()).isEqualTo(400);
        write(a, "n1", "scheduled");
        a.clock.advance(Duration.ofMinutes(1));
        org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> true);
        assertThat(notes(b)).as("not yet due").isEmpty();
        a.clock.advance(Duration.ofMinutes(5));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> notes(b).containsKey("n1"));
        // The scheduled run has written; it ends a moment later (a manual run meanwhile would be refused).
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                a.get("/v1/runs?link=sdata:nightly").json().get("items").get(0).get("state").asText().equals("succeeded"));
        JsonNode runs = a.get("/v1/runs?link=sdata:nightly").json().get("items");
        assertThat(runs.get(0).get("mode").asText()).isEqualTo("scheduled");
        write(a, "n2", "manual");
        String manual = a.post("/v1/sdata/links/nightly/runs", "").json().get("id").asText();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> a.get("/v1/runs/" + manual).json().get("state").asText().equals("succeeded"));
        assertThat(notes(b)).containsKey("n2");
        assertThat(a.get("/metrics").text().lines().filter(line -> line.startsWith("tributary_http_requests_seconds_count"))
                .toList()).as("the link's local side is called in process, not over the hub's own SData URLs")
                .noneMatch(line -> line.contains("route=\"/sdata/"));
        assertThat(b.get("/metrics").text()).as("the remote side is reached over HTTP").contains("route=\"/sdata/");
    }

    /** Digest and source hand out the collection's data: a write-only token may not read them. */
    @Test
    void aWriteOnlyTokenCannotReadThroughDigestOrSource() throws Exception {
        TestHub a = hub(1);
        write(a, "n1", "secret text");
        String writer = a.token("write:notes");
        String reader = a.token("read:notes");
        String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
        assertThat(send("GET", url(a) + "/$syncDigest", writer, null).statusCode()).isEqualTo(403);
        HttpResponse<String> source = send("POST", url(a) + "/$syncSource?trackingID=w-1", writer, digest);
        assertThat(source.statusCode()).as(source.body()).isEqualTo(403);
        assertThat(source.body()).doesNotContain("secret text");
        assertThat(send("GET", url(a) + "/$syncSource('w-1')", writer, null).statusCode()).isIn(403, 404, 410);
        assertThat(send("GET", url(a) + "/$syncDigest", reader, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", url(a) + "/$syncTarget?trackingID=r-1", reader, digest).statusCode())
                .as("a reader may not write").isEqualTo(403);
    }

    /**
     * An HTTP/1.1 request over a plain socket, so that it can carry a {@code Host} other than the
     * address it is sent to (as through a proxy or a DNS name): the status line and headers, a
     * blank line, the body.
     */
    private static String raw(TestHub hub, String method, String path, String host, String body) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", hub.server.port())) {
            socket.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + hub.adminToken
                    + "\r\nContent-Type: application/atom+xml\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String next(String feed) {
        return SyncFeed.read(SDataXml.parse(feed.getBytes(StandardCharsets.UTF_8), 1 << 24)).next();
    }

    @Test
    void operationLinksNameTheAddressTheClientReachedOrThePublicUrl() throws Exception {
        TestHub a = hub(1);
        for (int i = 0; i < 3; i++) {
            write(a, "n" + i, "note " + i);
        }
        String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
        String kind = "/sdata/tributary/records/-/notes";
        // Reached by a name (through a proxy, a container's port mapping): the links name that
        // address, not the one the hub listens on.
        String started = raw(a, "POST", kind + "/$syncSource?trackingID=h-1", "hub-a.example:9443", digest);
        assertThat(started).startsWith("HTTP/1.1 202")
                .containsIgnoringCase("Location: http://hub-a.example:9443" + kind + "/$syncSource('h-1')");
        assertThat(untilDone(url(a) + "/$syncSource('h-1')", a.adminToken).statusCode()).isEqualTo(200);
        String page = raw(a, "GET", kind + "/$syncSource('h-1')?startIndex=1&count=1", "hub-a.example:9443", null);
        assertThat(page).startsWith("HTTP/1.1 200");
        assertThat(next(page.substring(page.indexOf("\r\n\r\n") + 4)))
                .isEqualTo("http://hub-a.example:9443" + kind + "/$syncSource('h-1')?startIndex=2&count=1");
        // Read through the address the hub listens on, the same page names that address.
        assertThat(next(send("GET", url(a) + "/$syncSource('h-1')?startIndex=1&count=1", a.adminToken, null).body()))
                .isEqualTo(url(a) + "/$syncSource('h-1')?startIndex=2&count=1");
        // A Host that is no host name is not echoed: the hub's own address stands in.
        String odd = raw(a, "POST", kind + "/$syncSource?trackingID=h-2", "a_b:80", digest);
        assertThat(odd).startsWith("HTTP/1.1 202").containsIgnoringCase("Location: " + url(a) + "/$syncSource('h-2')");

        // With a public URL, every link names it, whatever the request's Host.
        TestHub b = new TestHub(StoreBackend.sqlite(), config -> config.withPublicUrl("https://hub-b.example/tributary/"));
        hubs.add(b);
        assertThat(b.put("/v1/collections/notes", "{}").status()).isIn(200, 201);
        Answer resource = b.put("/v1/sdata/resources/notes", "{\"collection\":\"notes\"}");
        assertThat(resource.status()).isEqualTo(201);
        assertThat(b.server.baseUrl()).isEqualTo("https://hub-b.example/tributary");
        String viaPublic = raw(b, "POST", kind + "/$syncSource?trackingID=p-1", "hub-a.example:9443", digest);
        assertThat(viaPublic).startsWith("HTTP/1.1 202")
                .containsIgnoringCase("Location: https://hub-b.example/tributary" + kind + "/$syncSource('p-1')");
        assertThat(resource.json().path("endpoint").asText())
                .as("the resource kind's endpoint, its identity in digests").isEqualTo("https://hub-b.example/tributary" + kind);
    }

    @Test
    void asyncContextsAnswerTrackingThenResultsUntilDeletedThenGone() throws Exception {
        TestHub a = hub(1);
        write(a, "n1", "one");
        String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
        HttpResponse<String> started = send("POST", url(a) + "/$syncSource?trackingID=t-1", a.adminToken, digest);
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("$syncSource('t-1')");
        assertThat(started.body()).contains("<sdata:tracking").contains("pollingMillis");
        HttpResponse<String> again = send("POST", url(a) + "/$syncSource?trackingID=t-1", a.adminToken, digest);
        assertThat(again.statusCode()).as("a replayed POST finds the same context").isEqualTo(202);
        HttpResponse<String> done = untilDone(location, a.adminToken);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(send("GET", location, a.adminToken, null).statusCode()).as("repeatable").isEqualTo(200);
        // Tracking ids belong to their caller: another token can neither read nor end this context, and
        // the same id is its own operation.
        String other = a.token("read:notes");
        assertThat(send("GET", location, other, null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", location, other, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", location, a.adminToken, null).statusCode()).as("still there").isEqualTo(200);
        HttpResponse<String> own = send("POST", url(a) + "/$syncSource?trackingID=t-1", other, digest);
        assertThat(own.statusCode()).isEqualTo(202);
        assertThat(send("DELETE", location, other, null).statusCode()).as("ends its own").isEqualTo(200);
        assertThat(send("GET", location, a.adminToken, null).statusCode()).as("not the first caller's").isEqualTo(200);
        SyncFeed feed = SyncFeed.read(SDataXml.parse(done.body().getBytes(StandardCharsets.UTF_8), 1 << 20));
        assertThat(feed.entries()).hasSize(1);
        assertThat(send("DELETE", location, a.adminToken, null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", location, a.adminToken, null).statusCode()).isEqualTo(410);
        assertThat(send("GET", location, a.adminToken, null).statusCode()).isEqualTo(410);
        assertThat(send("POST", url(a) + "/$syncSource?trackingID=t-1", a.adminToken, digest).statusCode())
                .as("an ended id is not reused").isEqualTo(410);
        assertThat(send("GET", url(a) + "/$syncDigest", null, null).statusCode()).as("authenticated").isEqualTo(401);
    }

    /** A second hub node on hub {@code a}'s store, as behind a load balancer. */
    private record SecondNode(dev.tributary.store.Store store, dev.tributary.server.HubServer server) implements AutoCloseable {
        static SecondNode of(TestHub a) {
            dev.tributary.store.Store store = a.backend.open(a.clock);
            return new SecondNode(store, new dev.tributary.server.HubServer(store, dev.tributary.server.ServerConfig.defaults()
                    .withPort(0).withCompactionInterval(Duration.ZERO).withClock(a.clock)).start());
        }

        @Override
        public void close() throws Exception {
            try (store) {
                server.close();
            }
        }
    }

    /** Two hub nodes on one PostgreSQL store behind a load balancer: a client's Location works on either. */
    @Test
    void anOperationStartedOnOneNodeIsFollowedOnAnother() throws Exception {
        TestHub a = hub(1, StoreBackend.postgres());
        write(a, "n1", "one");
        try (SecondNode node = SecondNode.of(a)) {
            dev.tributary.server.HubServer b = node.server();
            String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
            HttpResponse<String> started = send("POST", url(a) + "/$syncSource?trackingID=lb-1", a.adminToken, digest);
            assertThat(started.statusCode()).isEqualTo(202);
            String onB = started.headers().firstValue("Location").orElseThrow()
                    .replace(a.server.baseUrl(), b.baseUrl());
            HttpResponse<String> done = untilDone(onB, a.adminToken);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            SyncFeed feed = SyncFeed.read(SDataXml.parse(done.body().getBytes(StandardCharsets.UTF_8), 1 << 20));
            assertThat(feed.entries()).extracting(SyncFeed.Entry::uuid).containsExactly("n1");
            assertThat(feed.digest()).isNotNull();
            String bUrl = b.baseUrl() + "/sdata/tributary/records/-/notes";
            assertThat(send("POST", bUrl + "/$syncSource?trackingID=lb-1", a.adminToken, digest).statusCode())
                    .as("a replayed POST on the other node finds the operation").isEqualTo(202);
            assertThat(send("GET", onB.replace("lb-1", "lb-2"), a.adminToken, null).statusCode()).isEqualTo(404);

            // The result of a $syncTarget run on a, read on b.
            HttpResponse<String> target = send("POST", url(a) + "/$syncTarget?trackingID=lb-3", a.adminToken, done.body());
            assertThat(target.statusCode()).as(target.body()).isEqualTo(202);
            String targetOnB = target.headers().firstValue("Location").orElseThrow().replace(a.server.baseUrl(), b.baseUrl());
            HttpResponse<String> applied = untilDone(targetOnB, a.adminToken);
            assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
            assertThat(SyncFeed.read(SDataXml.parse(applied.body().getBytes(StandardCharsets.UTF_8), 1 << 20)).entries())
                    .hasSize(1);

            // Ended through b: gone on both.
            assertThat(send("DELETE", onB, a.adminToken, null).statusCode()).isEqualTo(200);
            assertThat(send("GET", started.headers().firstValue("Location").orElseThrow(), a.adminToken, null).statusCode())
                    .isEqualTo(410);
            assertThat(send("GET", onB, a.adminToken, null).statusCode()).isEqualTo(410);
        }
    }

    /**
     * A selection is stored for the store's other nodes in a compact form of its own: read through
     * another node, its pages carry the same records and sync states as on the node that made it —
     * the hub's own changes and a change another endpoint made (its stamp kept to the millisecond).
     */
    @Test
    void aSelectionReadOnAnotherNodeHasTheSameEntriesAndStates() throws Exception {
        TestHub a = hub(1, StoreBackend.postgres());
        write(a, "n1", "one");
        write(a, "n2", "two");
        String feed = "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:sdata='http://schemas.sage.com/sdata/2008/1'"
                + " xmlns:sync='http://schemas.sage.com/sdata/sync/2008/1'><sync:syncMode>catchUp</sync:syncMode>"
                + "<sync:digest><sync:digestEntry><sync:endpoint>http://x/app7</sync:endpoint><sync:tick>42</sync:tick>"
                + "<sync:conflictPriority>2</sync:conflictPriority></sync:digestEntry></sync:digest>"
                + "<entry><sync:syncState><sync:endpoint>http://x/app7</sync:endpoint><sync:tick>41</sync:tick>"
                + "<sync:stamp>2024-05-06T07:08:09.123456789Z</sync:stamp></sync:syncState><sdata:payload>"
                + "<note xmlns='urn:c' sdata:uuid='u7'><text>from app7</text></note></sdata:payload></entry></feed>";
        assertThat(target(a, "other-endpoint", feed).asText()).contains("status=201");
        write(a, "n3", "three");
        try (SecondNode node = SecondNode.of(a)) {
            dev.tributary.server.HubServer b = node.server();
            String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
            HttpResponse<String> started = send("POST", url(a) + "/$syncSource?trackingID=same-1", a.adminToken, digest);
            assertThat(started.statusCode()).isEqualTo(202);
            String onA = started.headers().firstValue("Location").orElseThrow();
            String onB = onA.replace(a.server.baseUrl(), b.baseUrl());
            HttpResponse<String> fromB = untilDone(onB, a.adminToken);
            HttpResponse<String> fromA = untilDone(onA, a.adminToken);
            assertThat(fromB.statusCode()).as(fromB.body()).isEqualTo(200);
            List<SyncFeed.Entry> readOnA = SyncFeed.read(SDataXml.parse(fromA.body().getBytes(StandardCharsets.UTF_8),
                    1 << 20)).entries();
            List<SyncFeed.Entry> readOnB = SyncFeed.read(SDataXml.parse(fromB.body().getBytes(StandardCharsets.UTF_8),
                    1 << 20)).entries();
            assertThat(readOnA).extracting(SyncFeed.Entry::uuid).containsExactlyInAnyOrder("n1", "n2", "n3", "u7");
            assertThat(readOnB).extracting(SyncFeed.Entry::uuid, SyncFeed.Entry::state, SyncFeed.Entry::data)
                    .containsExactlyElementsOf(readOnA.stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.uuid(),
                            e.state(), e.data())).toList());
            assertThat(readOnB).filteredOn(e -> e.uuid().equals("u7")).extracting(SyncFeed.Entry::state)
                    .containsExactly(new dev.tributary.sdata.SyncState("http://x/app7", 41,
                            java.time.Instant.parse("2024-05-06T07:08:09.123Z")));
            assertThat(send("DELETE", onB, a.adminToken, null).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Operations that finish at once (one note to select) are all seen done on the other node:
     * each is recorded as running before its work can record its result.
     */
    @Test
    void quickOperationsStartedOnOneNodeAreAllSeenDoneOnAnother() throws Exception {
        TestHub a = hub(1, StoreBackend.postgres());
        write(a, "n1", "one");
        try (SecondNode node = SecondNode.of(a)) {
            dev.tributary.server.HubServer b = node.server();
            String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> started = send("POST", url(a) + "/$syncSource?trackingID=quick-" + i, a.adminToken,
                        digest);
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                String onB = started.headers().firstValue("Location").orElseThrow().replace(a.server.baseUrl(), b.baseUrl());
                HttpResponse<String> done = untilDone(onB, a.adminToken);
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                assertThat(send("DELETE", onB, a.adminToken, null).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void selectionsAreBoundedPerCallerAndInTotal() throws Exception {
        String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
        // Room for three keys of two-character ids (100 bytes each as counted).
        System.setProperty("tributary.sdata.selectionBytes", "300");
        TestHub a;
        try {
            a = hub(1);
        } finally {
            System.clearProperty("tributary.sdata.selectionBytes");
        }
        write(a, "n1", "one");
        write(a, "n2", "two");
        // Per caller: at most 4 open contexts.
        String caller = a.token("read:notes");
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> started = send("POST", url(a) + "/$syncSource?trackingID=c-" + i, caller, digest);
            assertThat(started.statusCode()).isEqualTo(202);
            locations.add(started.headers().firstValue("Location").orElseThrow());
        }
        HttpResponse<String> fifth = send("POST", url(a) + "/$syncSource?trackingID=c-4", caller, digest);
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(fifth.headers().firstValue("Retry-After")).isPresent();
        // In total: room for 3 keys here. The first selection holds 2; the others could not all be made.
        List<Integer> answers = new ArrayList<>();
        for (String location : locations) {
            HttpResponse<String> done = untilDone(location, caller);
            answers.add(done.statusCode());
            if (done.statusCode() == 503) {
                assertThat(done.headers().firstValue("Retry-After")).isPresent();
                assertThat(done.body()).contains("retry later");
            }
        }
        assertThat(answers).containsOnly(200, 503).contains(503);
        assertThat(answers.stream().filter(status -> status == 200).count()).isEqualTo(1);
        // Ending the contexts gives the keys back: a new selection is made again.
        for (String location : locations) {
            send("DELETE", location, caller, null);
        }
        HttpResponse<String> again = send("POST", url(a) + "/$syncSource?trackingID=c-5", caller, digest);
        assertThat(again.statusCode()).isEqualTo(202);
        String location = again.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> done = untilDone(location, caller);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    }

    @Test
    void malformedOrGappedFeedsAreRefusedWholeWithADiagnosis() throws Exception {
        TestHub b = hub(2);
        String target = url(b) + "/$syncTarget?trackingID=bad";
        HttpResponse<String> hostile = send("POST", target, b.adminToken,
                "<!DOCTYPE feed [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><feed>&x;</feed>");
        assertThat(hostile.statusCode()).isEqualTo(400);
        assertThat(hostile.body()).contains("sdata:diagnosis").doesNotContain("root:");
        String feed = "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:sdata='http://schemas.sage.com/sdata/2008/1'"
                + " xmlns:sync='http://schemas.sage.com/sdata/sync/2008/1'><sync:syncMode>%s</sync:syncMode>"
                + "<sync:digest><sync:digestEntry><sync:endpoint>http://x/e</sync:endpoint><sync:tick>9</sync:tick>"
                + "<sync:conflictPriority>3</sync:conflictPriority></sync:digestEntry></sync:digest>"
                + "<entry><sync:syncState><sync:endpoint>http://x/e</sync:endpoint><sync:tick>%d</sync:tick>"
                + "<sync:stamp>2024-01-01T00:00:00Z</sync:stamp></sync:syncState><sdata:payload>"
                + "<note xmlns='urn:c' sdata:uuid='u1'><text>hi</text></note></sdata:payload></entry>%s</feed>";
        String noUuid = "<entry><sync:syncState><sync:endpoint>http://x/e</sync:endpoint><sync:tick>3</sync:tick>"
                + "<sync:stamp>2024-01-01T00:00:00Z</sync:stamp></sync:syncState><sdata:payload><note xmlns='urn:c'>"
                + "<text>x</text></note></sdata:payload></entry>";
        assertThat(send("POST", target, b.adminToken, String.format(feed, "catchUp", 1, noUuid)).statusCode()).isEqualTo(400);
        assertThat(send("POST", target, b.adminToken, String.format(feed, "catchUp", 1, "").replace("u1", "not an id"))
                .statusCode()).as("a uuid that cannot be a record id").isEqualTo(400);
        HttpResponse<String> gap = send("POST", target, b.adminToken, String.format(feed, "Immediate", 5, ""));
        assertThat(gap.statusCode()).as(gap.body()).isEqualTo(400);
        assertThat(gap.body()).contains("immediate");
        assertThat(notes(b)).as("nothing applied").isEmpty();
        String laughs = "<?xml version='1.0'?><!DOCTYPE feed [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;"
                + "&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><feed>&c;</feed>";
        assertThat(send("POST", target, b.adminToken, laughs).statusCode()).isEqualTo(400);
        // Numbers have at most 100 characters, as in JSON bodies: a longer one is refused before it is parsed.
        String longNumber = String.format(feed, "catchUp", 1, "").replace("<text>hi</text>",
                "<n t='number'>" + "9".repeat(2_000) + "</n>");
        HttpResponse<String> tooLong = send("POST", target, b.adminToken, longNumber);
        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 100");
        HttpResponse<String> huge = send("POST", target, b.adminToken, "<feed>" + "x".repeat(17 * 1024 * 1024) + "</feed>");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(notes(b)).as("nothing applied").isEmpty();
    }

    @Test
    void theImmediateFlowAppliesContiguousTicksAndRefusesGaps() throws Exception {
        TestHub b = hub(2);
        String feed = "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:sdata='http://schemas.sage.com/sdata/2008/1'"
                + " xmlns:sync='http://schemas.sage.com/sdata/sync/2008/1'><sync:syncMode>immediate</sync:syncMode>"
                + "<sync:digest><sync:digestEntry><sync:endpoint>http://x/app1</sync:endpoint><sync:tick>%d</sync:tick>"
                + "<sync:conflictPriority>1</sync:conflictPriority></sync:digestEntry><sync:digestEntry>"
                + "<sync:endpoint>http://x/app3</sync:endpoint><sync:tick>15</sync:tick>"
                + "<sync:conflictPriority>3</sync:conflictPriority></sync:digestEntry></sync:digest>"
                + "<entry><sync:syncState><sync:endpoint>http://x/app1</sync:endpoint><sync:tick>%d</sync:tick>"
                + "<sync:stamp>2024-01-01T00:00:0%dZ</sync:stamp></sync:syncState><sdata:payload>"
                + "<note xmlns='urn:c' sdata:uuid='u1'><text>v%d</text></note></sdata:payload></entry></feed>";
        for (int tick = 0; tick < 3; tick++) {
            JsonNode result = target(b, "imm-" + tick, String.format(feed, tick + 1, tick, tick, tick));
            assertThat(result.asText()).contains("status=" + (tick == 0 ? 201 : 200));
            assertThat(notes(b).get("u1")).contains("v" + tick);
        }
        Digest digest = Digests.find(SDataXml.parse(b.get("/sdata/tributary/records/-/notes/$syncDigest").text()
                .getBytes(StandardCharsets.UTF_8), 1 << 20));
        assertThat(digest.tick("http://x/app1")).as("contiguous: just above the last entry").isEqualTo(3);
        assertThat(digest.entry("http://x/app3")).as("immediate mode does not merge the source digest").isEmpty();
        HttpResponse<String> gap = send("POST", url(b) + "/$syncTarget?trackingID=imm-gap", b.adminToken,
                String.format(feed, 6, 5, 5, 5));
        assertThat(gap.statusCode()).isEqualTo(400);
        assertThat(notes(b).get("u1")).contains("v2");
    }

    /** Posts a page to $syncTarget, waits for the result feed, deletes the context; answers the result as text. */
    private JsonNode target(TestHub hub, String id, String feed) throws Exception {
        HttpResponse<String> started = send("POST", url(hub) + "/$syncTarget?trackingID=" + id, hub.adminToken, feed);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> done = untilDone(location, hub.adminToken);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(send("DELETE", location, hub.adminToken, null).statusCode()).isEqualTo(200);
        SyncFeed results = SyncFeed.read(SDataXml.parse(done.body().getBytes(StandardCharsets.UTF_8), 1 << 20));
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(results.entries().toString());
    }

    /** Links from each hub to the other two (out), so that hub X's link "to-Y" is the pass X -> Y. */
    private static void triangle(List<TestHub> all) {
        for (int from = 0; from < all.size(); from++) {
            for (int to = 0; to < all.size(); to++) {
                if (from != to) {
                    Answer link = all.get(from).put("/v1/sdata/links/to-" + to, "{\"resource\":\"notes\",\"direction\":\"out\","
                            + "\"remote\":{\"url\":\"" + url(all.get(to)) + "\",\"token\":\"" + all.get(to).adminToken + "\"}}");
                    assertThat(link.status()).as(link.text()).isEqualTo(201);
                    assertThat(link.text()).doesNotContain(all.get(to).adminToken);
                    if (from == 0 && to == 1) {
                        // The mask keeps the stored token only while it goes to the same provider.
                        String masked = "{\"resource\":\"notes\",\"direction\":\"out\",\"remote\":{\"url\":\"%s\","
                                + "\"token\":\"******\"}}";
                        Answer moved = all.get(0).put("/v1/sdata/links/to-1", String.format(masked, "http://elsewhere.invalid/sdata"));
                        assertThat(moved.status()).isEqualTo(400);
                        assertThat(moved.text()).contains("'remote.token' must be sent again");
                        assertThat(all.get(0).put("/v1/sdata/links/to-1", String.format(masked, url(all.get(1)))).status())
                                .isEqualTo(200);
                    }
                }
            }
        }
    }

    /** Runs hub {@code from}'s link to hub {@code to} and answers how many entries it applied. */
    private static long linkRun(List<TestHub> all, int from, int to) {
        TestHub hub = all.get(from);
        Answer started = hub.post("/v1/sdata/links/to-" + to + "/runs", "");
        assertThat(started.status()).as(started.text() + hub.get("/v1/runs?link=sdata:to-" + to).text()).isEqualTo(202);
        String id = started.json().get("id").asText();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                List.of("succeeded", "failed").contains(hub.get("/v1/runs/" + id).json().get("state").asText()));
        JsonNode run = hub.get("/v1/runs/" + id).json();
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        return run.at("/stats/out/applied").asLong();
    }

    @Test
    void aDeletionThatWinsOverAnotherDeletionStillBeatsALowerPriorityUpdate() {
        TestHub a = hub(1);
        TestHub b = hub(2);
        TestHub c = hub(3);
        List<TestHub> all = List.of(a, b, c);
        triangle(all);
        write(a, "x", "base");
        linkRun(all, 0, 1);
        linkRun(all, 0, 2);
        a.delete("/v1/collections/notes/records/x");
        c.delete("/v1/collections/notes/records/x");
        write(b, "x", "update by b");
        // the order that once resurrected b's update: c takes a's deletion over its own, then passes it on
        linkRun(all, 0, 2);
        linkRun(all, 2, 0);
        linkRun(all, 1, 2);
        linkRun(all, 2, 0);
        linkRun(all, 2, 1);
        for (int round = 0; round < 3; round++) {
            for (int from = 0; from < 3; from++) {
                for (int to = 0; to < 3; to++) {
                    if (from != to) {
                        linkRun(all, from, to);
                    }
                }
            }
        }
        for (TestHub hub : all) {
            assertThat(notes(hub)).as("hub %d", all.indexOf(hub)).doesNotContainKey("x");
        }
    }

    /** Three different random scenarios per build (a failing one prints its seed). */
    @org.junit.jupiter.api.RepeatedTest(3)
    void threeHubsInATriangleConvergeOnTheWinnersTheRulesDictate() throws Exception {
        TestHub a = hub(1);
        TestHub b = hub(2);
        TestHub c = hub(3);
        List<TestHub> all = List.of(a, b, c);
        triangle(all);
        for (int i = 0; i < 30; i++) {
            write(a, "base" + i, "base " + i);
        }
        linkRun(all, 0, 1);
        linkRun(all, 0, 2);
        assertThat(notes(b)).isEqualTo(notes(a));
        assertThat(notes(c)).isEqualTo(notes(a));

        // concurrent writes on all three: each hub changes some base notes (updates or deletes, often the
        // same notes as the others) and creates notes of its own, some with the same ids as the others'
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<String, Map<Integer, String>> plans = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            for (int h = 0; h < 3; h++) {
                int roll = random.nextInt(10);
                if (roll < 4) {
                    plans.computeIfAbsent("base" + i, k -> new TreeMap<>()).put(h, "update by " + h);
                } else if (roll == 4) {
                    plans.computeIfAbsent("base" + i, k -> new TreeMap<>()).put(h, null);
                }
            }
        }
        for (int i = 0; i < 6; i++) {
            for (int h = 0; h < 3; h++) {
                if (random.nextBoolean()) {
                    plans.computeIfAbsent("new" + i, k -> new TreeMap<>()).put(h, "created by " + h);
                }
            }
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            int hub = h;
            Thread writer = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                plans.forEach((id, byHub) -> {
                    if (byHub.containsKey(hub)) {
                        if (byHub.get(hub) == null) {
                            all.get(hub).delete("/v1/collections/notes/records/" + id);
                        } else {
                            write(all.get(hub), id, byHub.get(hub));
                        }
                    }
                });
            });
            writer.start();
            writers.add(writer);
        }
        go.countDown();
        for (Thread writer : writers) {
            writer.join();
        }

        // passes in random order, then every direction until nothing moves
        for (int i = 0; i < 8; i++) {
            int from = random.nextInt(3);
            int to = (from + 1 + random.nextInt(2)) % 3;
            linkRun(all, from, to);
        }
        for (int round = 0; round < 4; round++) {
            int moved = 0;
            for (int from = 0; from < 3; from++) {
                for (int to = 0; to < 3; to++) {
                    if (from != to) {
                        moved += linkRun(all, from, to);
                    }
                }
            }
            if (moved == 0) {
                break;
            }
        }

        // the expected winner of each note: among the hubs that changed it, the lowest conflict priority (hub 0)
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            expected.put("base" + i, "base " + i);
        }
        plans.forEach((id, byHub) -> {
            String winner = byHub.get(byHub.keySet().iterator().next());
            if (winner == null) {
                expected.remove(id);
            } else {
                expected.put(id, winner);
            }
        });
        for (TestHub hub : all) {
            Map<String, String> texts = new TreeMap<>();
            notes(hub).forEach((id, json) -> texts.put(id, json.replaceAll(".*\"text\":\"([^\"]*)\".*", "$1")));
            assertThat(texts).as("seed %d: hub %d", seed, all.indexOf(hub)).isEqualTo(expected);
        }
        assertThat(notes(b)).as("identical data everywhere").isEqualTo(notes(a));
        assertThat(notes(c)).isEqualTo(notes(a));
    }
}
