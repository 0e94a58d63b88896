package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.sdata.Digest;
import dev.tributary.sdata.Digests;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out under fire: three hub processes (the packaged jar) on one PostgreSQL store behind a
 * round-robin proxy. Through the proxy, clients write records, follow the change feed with
 * long-polls, upload offline changes through a connection that loses answers, and run SData
 * {@code $syncSource} passes; continuous links move rows PostgreSQL → hub → MariaDB while a row
 * writer keeps adding them. Meanwhile one node at a time is SIGKILLed and restarted, or SIGSTOPped
 * past its lease and resumed — at least 20 times. Afterwards: every feed reader saw every
 * acknowledged write exactly once and each writer's writes in the order they were made; every
 * upload was applied exactly once; the MariaDB table equals the PostgreSQL one; and every write of
 * a link's state was made under the lease current at that moment, with fences only growing (a
 * trigger on the store logs each write's fence against the lease row, as the writing transaction
 * sees it).
 */
class ScaleOutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 3;
    private static final int EVENTS = 20;
    private static final int WRITERS = 3;
    private static final int READERS = 2;
    private static final int UPLOADERS = 2;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    @Test
    void threeNodesKilledAndStoppedInTurnLoseAndDoubleNothing(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("scale-out: seed " + seed);
        try (ExternalDatabases.Scratch store = ExternalDatabases.postgresSchema();
                ExternalDatabases.Scratch source = ExternalDatabases.postgresSchema();
                ExternalDatabases.Scratch target = ExternalDatabases.mariadbDatabase()) {
            Path config = HubProcess.continuousCopy(dir, source.jdbcUrl(), target.jdbcUrl());
            String key = Base64.getEncoder().encodeToString(new byte[32]);
            int[] ports = new int[NODES];
            Process[] nodes = new Process[NODES];
            String[] token = new String[1];
            for (int n = 0; n < NODES; n++) {
                ports[n] = HubProcess.freePort();
                nodes[n] = start(dir, n, ports[n], store.jdbcUrl(), config, key, token);
                if (n == 0) {
                    logFences(store.jdbcUrl());
                }
            }
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            try (RoundRobinProxy proxy = new RoundRobinProxy(ports, Duration.ofSeconds(15),
                    request -> request.startsWith("POST /v1/services/"), 0.3, seed)) {
                Client client = new Client(proxy.url(), token[0]);
                assertThat(client.call("PUT", "/v1/collections/notes", "", Map.of()).statusCode()).isIn(200, 201);
                assertThat(client.call("PUT", "/v1/services/Field", """
                        {"objects": {"Visit": {"collection": "visits", "primaryKey": ["id"], "keys": "client",
                                               "conflictPolicy": "serverWins"}}}""", Map.of()).statusCode()).isIn(200, 201);
                assertThat(client.call("PUT", "/v1/sdata/resources/notes", "{\"collection\": \"notes\"}", Map.of())
                        .statusCode()).isIn(200, 201);
                String startToken = client.fullSyncToken("notes");

                List<List<String>> acked = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    List<String> mine = new CopyOnWriteArrayList<>();
                    acked.add(mine);
                    int writer = w;
                    clients.add(thread(() -> writeRecords(client, writer, mine, running)));
                }
                List<List<String>> seen = new ArrayList<>();
                AtomicBoolean reading = new AtomicBoolean(true);
                for (int r = 0; r < READERS; r++) {
                    List<String> mine = new CopyOnWriteArrayList<>();
                    seen.add(mine);
                    clients.add(thread(() -> follow(client, startToken, mine, reading)));
                }
                Map<String, Integer> uploaded = new java.util.concurrent.ConcurrentHashMap<>();
                for (int u = 0; u < UPLOADERS; u++) {
                    int uploader = u;
                    clients.add(thread(() -> upload(client, uploader, uploaded, running)));
                }
                AtomicInteger passes = new AtomicInteger();
                clients.add(thread(() -> sdataPasses(client, passes, running)));
                AtomicInteger rows = new AtomicInteger();
                clients.add(thread(() -> insertRows(source.jdbcUrl(), rows, running)));
                List<Thread> readers = clients.subList(WRITERS, WRITERS + READERS);

                // The chaos: one node at a time, killed and restarted, or stopped past its lease.
                Thread.sleep(3_000);
                int kills = 0;
                int stops = 0;
                for (int event = 0; event < EVENTS; event++) {
                    int victim = random.nextInt(NODES);
                    if (event % 5 == 4) {
                        // Stopped: the owner of a link, so that it has work under way to come back to.
                        victim = owner(store.jdbcUrl(), event % 10 == 4 ? "link:target-copies" : "link:source-items",
                                ports, token[0]).orElse(victim);
                        signal("STOP", nodes[victim]);
                        Thread.sleep(12_000); // past the 10 s lease: another node takes its work over
                        signal("CONT", nodes[victim]);
                        stops++;
                    } else {
                        nodes[victim].destroyForcibly(); // SIGKILL
                        assertThat(nodes[victim].waitFor(30, TimeUnit.SECONDS)).isTrue();
                        nodes[victim] = start(dir, victim, ports[victim], store.jdbcUrl(), config, key, token);
                        kills++;
                    }
                    System.out.printf("scale-out: event %d (%s node %d); leases %s%n", event + 1,
                            event % 5 == 4 ? "stopped" : "killed", victim, leases(store.jdbcUrl()));
                    Thread.sleep(2_000);
                }
                running.set(false);
                for (Thread thread : clients) {
                    if (!readers.contains(thread)) {
                        thread.join(120_000);
                        assertThat(thread.isAlive()).as("a client still busy").isFalse();
                    }
                }
                // The readers catch up with everything acknowledged, then stop.
                Set<String> expected = new HashSet<>();
                acked.forEach(expected::addAll);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.stream().anyMatch(s -> !new HashSet<>(s).containsAll(expected)) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                reading.set(false);
                for (Thread reader : readers) {
                    reader.join(60_000);
                }
                System.out.printf("scale-out: %d kills, %d stops; %d records written, %d uploads (%d answers lost on"
                        + " purpose), %d SData passes, %d rows; problems %s%n", kills, stops, expected.size(),
                        uploaded.size(), proxy.lost(), passes.get(), rows.get(), problems);
                assertThat(kills + stops).isGreaterThanOrEqualTo(20);
                assertThat(problems).as("client errors that are not a node's loss").isEmpty();

                // Feed readers: every acknowledged write once, each writer's writes in their order.
                for (int r = 0; r < READERS; r++) {
                    List<String> got = seen.get(r);
                    assertThat(got).as("reader %d: nothing twice", r).doesNotHaveDuplicates();
                    assertThat(got).as("reader %d: every acknowledged write", r).containsAll(expected);
                    for (int w = 0; w < WRITERS; w++) {
                        String prefix = "w" + w + "-";
                        List<Integer> order = got.stream().filter(id -> id.startsWith(prefix))
                                .map(id -> Integer.parseInt(id.substring(prefix.length()))).toList();
                        assertThat(order).as("reader %d: writer %d's writes in commit order", r, w).isSorted();
                    }
                }
                assertThat(expected.size()).isGreaterThan(100);

                // Uploads: each applied once — every change's record exists once, at version 1.
                Map<String, String> visits = client.all("visits");
                int changes = uploaded.values().stream().mapToInt(Integer::intValue).sum();
                assertThat(visits).as("one record per uploaded change").hasSize(changes);
                assertThat(visits.values()).as("no change applied twice").containsOnly("1");
                assertThat(uploaded.size()).isGreaterThan(10);
                assertThat(proxy.lost()).as("answers were lost on the way").isPositive();
                assertThat(passes.get()).as("SData passes completed").isGreaterThan(3);

                // Continuous links: the tables equal once the last rows crossed.
                long tableDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!ids(target.jdbcUrl(), "copies").equals(ids(source.jdbcUrl(), "items"))
                        && System.nanoTime() < tableDeadline) {
                    Thread.sleep(250);
                }
                assertThat(ids(target.jdbcUrl(), "copies")).as("MariaDB equals PostgreSQL")
                        .isEqualTo(ids(source.jdbcUrl(), "items")).hasSize(rows.get());

                // Fencing: every link-state write under the lease current then; fences only grow.
                checkFences(store.jdbcUrl());
            } finally {
                running.set(false);
                for (Process node : nodes) {
                    signal("CONT", node);
                    node.destroyForcibly();
                    node.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (AssertionError e) {
            throw new AssertionError("replay with -Dtributary.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    // ---- the clients

    private void writeRecords(Client client, int writer, List<String> acked, AtomicBoolean running) {
        for (int n = 0; running.get(); n++) {
            String id = "w" + writer + "-" + n;
            // If-None-Match: * makes a resent create harmless: 412 means the first one was applied.
            HttpResponse<String> answer = client.retry("PUT", "/v1/collections/notes/records/" + id,
                    "{\"data\": {\"writer\": " + writer + ", \"n\": " + n + "}}", Map.of("If-None-Match", "*"),
                    status -> status / 100 == 2 || status == 412);
            if (answer != null) {
                acked.add(id);
            }
            pause(20);
        }
    }

    /** Follows the change feed with long-polls from {@code token}, noting every record id in the order served. */
    private void follow(Client client, String token, List<String> seen, AtomicBoolean reading) {
        String syncToken = token;
        while (reading.get()) {
            String pageToken = null;
            String next = null;
            List<String> batch = new ArrayList<>();
            do {
                String query = "?syncToken=" + enc(syncToken) + "&showDeleted=true&maxResults=500"
                        + (pageToken == null ? "&wait=PT5S" : "&pageToken=" + enc(pageToken));
                HttpResponse<String> answer = client.retry("GET", "/v1/collections/notes/records" + query, null, Map.of(),
                        status -> status == 200);
                if (answer == null) {
                    return;
                }
                JsonNode page = parse(answer.body());
                page.get("items").forEach(item -> batch.add(item.get("id").asText()));
                pageToken = page.path("nextPageToken").asText(null);
                next = page.path("nextSyncToken").asText(null);
            } while (pageToken != null);
            seen.addAll(batch); // a sync counts once it is complete, as a client stores its token then
            syncToken = next;
        }
    }

    private void upload(Client client, int uploader, Map<String, Integer> uploaded, AtomicBoolean running) {
        for (int k = 0; running.get(); k++) {
            String requestId = "u" + uploader + "-" + k;
            StringBuilder body = new StringBuilder("{\"changes\": [");
            for (int i = 0; i < 5; i++) {
                body.append(i == 0 ? "" : ", ").append("{\"object\": \"Visit\", \"op\": \"create\", \"data\": {\"id\": \"")
                        .append(requestId).append('-').append(i).append("\", \"k\": ").append(k).append("}}");
            }
            body.append("]}");
            // Sent again with the same request id until an answer arrives (answers are lost on purpose).
            HttpResponse<String> answer = client.retry("POST", "/v1/services/Field/upload", body.toString(),
                    Map.of("X-Request-Id", requestId), status -> status == 200);
            if (answer == null) {
                continue;
            }
            JsonNode results = parse(answer.body()).get("results");
            List<String> outcomes = new ArrayList<>();
            results.forEach(result -> outcomes.add(result.get("outcome").asText()));
            if (!outcomes.equals(List.of("created", "created", "created", "created", "created"))) {
                problems.add("upload " + requestId + " answered " + answer.body());
            }
            uploaded.put(requestId, results.size());
            pause(100);
        }
    }

    /** SData {@code $syncSource} passes from an empty digest: start, follow the Location (any node), page, delete. */
    private void sdataPasses(Client client, AtomicInteger passes, AtomicBoolean running) {
        String digest = new String(Digests.entry(new Digest("x", List.of()), "x"), StandardCharsets.UTF_8);
        String base = "/sdata/tributary/records/-/notes";
        for (int pass = 0; running.get(); pass++) {
            HttpResponse<String> started = client.retry("POST", base + "/$syncSource?trackingID=pass-" + pass, digest,
                    Map.of("Content-Type", "application/xml"), status -> status == 202 || status == 410);
            if (started == null || started.statusCode() == 410) {
                continue;
            }
            String location = URI.create(started.headers().firstValue("Location").orElseThrow()).getRawPath();
            HttpResponse<String> page;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            do {
                pause(100);
                page = client.retry("GET", location, null, Map.of(), status -> status == 200 || status == 202 || status == 410);
            } while (page != null && page.statusCode() == 202 && System.nanoTime() < deadline);
            if (page == null || page.statusCode() != 200) {
                continue; // the node running it died (410): start again, as the docs say
            }
            client.retry("DELETE", location, null, Map.of(), status -> status == 200 || status == 410);
            passes.incrementAndGet();
        }
    }

    private void insertRows(String url, AtomicInteger rows, AtomicBoolean running) {
        try (Connection pg = DriverManager.getConnection(url); Statement sql = pg.createStatement()) {
            while (running.get()) {
                int id = rows.get() + 1;
                sql.execute("INSERT INTO items (id, name) VALUES (" + id + ", 'item " + id + "')");
                rows.set(id);
                pause(25);
            }
        } catch (Exception e) {
            problems.add("row writer: " + e);
        }
    }

    // ---- fencing

    /**
     * Logs, in the writing transaction itself, every write of a link's state: the fence it was
     * written under (links.fence) and the lease row as that transaction sees it.
     */
    private static void logFences(String storeUrl) throws Exception {
        try (Connection pg = DriverManager.getConnection(storeUrl); Statement sql = pg.createStatement()) {
            sql.execute("CREATE TABLE fence_log (n BIGSERIAL PRIMARY KEY, link TEXT, written BIGINT, owner TEXT, fence BIGINT,"
                    + " expires BIGINT, at BIGINT)");
            sql.execute("""
                    CREATE FUNCTION log_fence() RETURNS trigger AS $$
                    BEGIN
                      INSERT INTO fence_log (link, written, owner, fence, expires, at)
                        SELECT NEW.name, NEW.fence, l.owner, l.fence, l.expires_at,
                               (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT
                        FROM (SELECT 1) one LEFT JOIN leases l ON l.name = 'link:' || NEW.name;
                      RETURN NEW;
                    END $$ LANGUAGE plpgsql""");
            sql.execute("CREATE TRIGGER links_fence AFTER UPDATE OF inbound_token, outbound_checkpoint, deletions_checkpoint"
                    + " ON links FOR EACH ROW WHEN (NEW.fence IS NOT NULL) EXECUTE FUNCTION log_fence()");
        }
    }

    private static void checkFences(String storeUrl) throws Exception {
        Map<String, List<long[]>> byLink = new TreeMap<>();
        Map<String, Set<String>> ownersOfFence = new HashMap<>();
        int stale = 0;
        List<String> staleWrites = new ArrayList<>();
        try (Connection pg = DriverManager.getConnection(storeUrl); Statement sql = pg.createStatement();
                ResultSet row = sql.executeQuery("SELECT link, written, owner, fence, expires, at FROM fence_log ORDER BY n")) {
            while (row.next()) {
                String link = row.getString(1);
                long written = row.getLong(2);
                long fence = row.getLong(4);
                byLink.computeIfAbsent(link, l -> new ArrayList<>()).add(new long[] {written, fence});
                ownersOfFence.computeIfAbsent(link + "#" + written, f -> new HashSet<>()).add(row.getString(3));
                // (A write after the lease's expiry time is no violation as long as the fence is the
                // lease's: the writer's transaction checked the lease, and no takeover can commit
                // before that transaction ends — PostgreSQL makes it wait.)
                if (written != fence) {
                    stale++;
                    staleWrites.add(link + " written under fence " + written + " while the lease had fence " + fence
                            + " (owner " + row.getString(3) + ", expires " + row.getLong(5) + ", at " + row.getLong(6) + ")");
                }
            }
        }
        byLink.forEach((link, writes) -> {
            List<Long> fences = writes.stream().map(w -> w[0]).distinct().toList();
            System.out.printf("scale-out: %s: %d state writes under fences %s%n", link, writes.size(), fences);
            assertThat(writes.stream().map(w -> w[0]).toList()).as("%s: fences only grow", link).isSorted();
        });
        assertThat(byLink).as("link state writes were logged").containsKeys("source-items", "target-copies");
        assertThat(byLink.get("target-copies").stream().map(w -> w[0]).distinct().count())
                .as("the out link changed hands").isGreaterThan(1);
        assertThat(staleWrites).as("writes not under the lease current when they were made (%d)", stale).isEmpty();
        ownersOfFence.forEach((fence, owners) -> assertThat(owners).as("one owner for %s", fence).hasSize(1));
    }

    /** Which node (by index) holds {@code lease} now, asking each node who it is. */
    private java.util.Optional<Integer> owner(String storeUrl, String lease, int[] ports, String token) throws Exception {
        String owner = null;
        try (Connection pg = DriverManager.getConnection(storeUrl); Statement sql = pg.createStatement();
                ResultSet row = sql.executeQuery("SELECT owner FROM leases WHERE name = '" + lease + "'")) {
            if (row.next()) {
                owner = row.getString(1);
            }
        }
        for (int n = 0; owner != null && n < ports.length; n++) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[n] + "/v1/nodes"))
                        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode node : parse(answer.body()).path("items")) {
                    if (node.path("self").asBoolean() && owner.equals(node.path("id").asText())) {
                        return java.util.Optional.of(n);
                    }
                }
            } catch (Exception e) {
                // that node is not answering: not the one
            }
        }
        return java.util.Optional.empty();
    }

    private static String leases(String storeUrl) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection pg = DriverManager.getConnection(storeUrl); Statement sql = pg.createStatement();
                ResultSet row = sql.executeQuery("SELECT name, fence, left(owner, 8) FROM leases WHERE name LIKE 'link:%'"
                        + " ORDER BY name")) {
            while (row.next()) {
                out.append(row.getString(1)).append(" fence ").append(row.getLong(2)).append(" ")
                        .append(row.getString(3)).append("; ");
            }
        }
        return out.toString();
    }

    // ---- helpers

    /** A client of the proxy; retries what a node's loss breaks (no answer, 502, 503, 504) with the same request. */
    private final class Client {
        private final String base;
        private final String token;

        Client(String base, String token) {
            this.base = base;
            this.token = token;
        }

        HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Authorization", "Bearer " + token);
            if (body != null && !headers.containsKey("Content-Type")) {
                request.header("Content-Type", "application/json");
            }
            headers.forEach(request::header);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /**
         * Sends until an answer {@code done} accepts, retrying lost answers and a node's loss for up
         * to two minutes; any other answer is a problem. Null when it gave up.
         */
        HttpResponse<String> retry(String method, String path, String body, Map<String, String> headers,
                java.util.function.IntPredicate done) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            String last = null;
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> answer = call(method, path, body, headers);
                    if (done.test(answer.statusCode())) {
                        return answer;
                    }
                    int status = answer.statusCode();
                    last = method + " " + path + ": " + status + " " + answer.body();
                    if (status != 502 && status != 503 && status != 504 && status != 409 && status != 429) {
                        problems.add(last);
                        return null;
                    }
                } catch (java.io.IOException e) {
                    last = method + " " + path + ": " + e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                } catch (Exception e) {
                    last = method + " " + path + ": " + e;
                }
                pause(200);
            }
            problems.add("gave up after two minutes: " + last);
            return null;
        }

        String fullSyncToken(String collection) {
            String pageToken = null;
            String next;
            do {
                HttpResponse<String> answer = retry("GET", "/v1/collections/" + collection + "/records?maxResults=2500"
                        + (pageToken == null ? "" : "&pageToken=" + enc(pageToken)), null, Map.of(), status -> status == 200);
                JsonNode page = parse(answer.body());
                pageToken = page.path("nextPageToken").asText(null);
                next = page.path("nextSyncToken").asText(null);
            } while (pageToken != null);
            return next;
        }

        /** Every live record of the collection: id → etag. */
        Map<String, String> all(String collection) {
            Map<String, String> records = new HashMap<>();
            String pageToken = null;
            do {
                HttpResponse<String> answer = retry("GET", "/v1/collections/" + collection + "/records?maxResults=2500"
                        + (pageToken == null ? "" : "&pageToken=" + enc(pageToken)), null, Map.of(), status -> status == 200);
                JsonNode page = parse(answer.body());
                page.get("items").forEach(item -> {
                    if (records.put(item.get("id").asText(), item.get("etag").asText()) != null) {
                        problems.add("record " + item.get("id").asText() + " listed twice");
                    }
                });
                pageToken = page.path("nextPageToken").asText(null);
            } while (pageToken != null);
            return records;
        }
    }

    private static Set<Long> ids(String url, String table) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT id, name FROM " + table)) {
            while (row.next()) {
                assertThat(row.getString(2)).isEqualTo("item " + row.getLong(1));
                ids.add(row.getLong(1));
            }
        }
        return ids;
    }

    private static Thread thread(Runnable work) {
        Thread thread = new Thread(work);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void signal(String signal, Process process) throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        }
    }

    private static Process start(Path dir, int n, int port, String store, Path config, String key, String[] token)
            throws Exception {
        HubProcess hub = HubProcess.start(port, dir.resolve("node" + n + "-stderr.txt"), Map.of("TRIBUTARY_SECRET_KEY", key),
                "--data-dir", dir.resolve("node" + n).toString(), "--store", store, "--config", config.toString());
        if (token[0] == null) {
            token[0] = hub.token();
        }
        return hub.process();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
