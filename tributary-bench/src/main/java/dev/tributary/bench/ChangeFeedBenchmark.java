package dev.tributary.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.CollectionInfo;
import dev.tributary.store.RecordWrite;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The change feed's figures (issue "hub core", item 10):
 * (a) full sync over HTTP with maxResults=2500 against (b) one JDBC query of the same rows,
 * alternated A B A B; (c) single-record and batch writes over HTTP; (d) an incremental sync of
 * 1,000 changes in the loaded collection.
 */
@Command(name = "change-feed", mixinStandardHelpOptions = true,
        description = "Change-feed read throughput over HTTP vs raw JDBC, write throughput, incremental sync.")
final class ChangeFeedBenchmark implements Callable<Integer> {

    @Option(names = "--store", defaultValue = "sqlite",
            description = "sqlite, or a PostgreSQL JDBC URL (a fresh schema is created and dropped).")
    String storeSpec;

    @Option(names = "--rows", defaultValue = "100000", description = "Records to load (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "5", description = "A/B pairs for (a)/(b) (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--single-writes", defaultValue = "2000", description = "PUTs for (c) (default: ${DEFAULT-VALUE}).")
    int singleWrites;

    @Option(names = "--changes", defaultValue = "1000", description = "Changes for (d) (default: ${DEFAULT-VALUE}).")
    int changes;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final JsonFactory json = new JsonFactory();
    String base;
    String token;

    @Override
    public Integer call() throws Exception {
        printMachine();
        try (BenchStore bench = BenchStore.open(storeSpec);
                HubServer hub = new HubServer(bench.store, ServerConfig.defaults().withPort(0)
                        .withCompactionInterval(Duration.ZERO)).start()) {
            base = hub.baseUrl();
            token = bench.store.accessTokens().create("bench", List.of("admin")).secret();
            line("store: %s, rows: %,d", bench.store.kind().label(), rows);
            send("PUT", "/v1/collections/bench", "{}");

            load();
            long collectionId = bench.store.collections().get("bench").map(CollectionInfo::incarnation).orElseThrow();

            Stats http = new Stats();
            Stats jdbc = new Stats();
            Stats ratio = new Stats();
            for (int pair = 0; pair < pairs; pair++) {
                double raw = jdbcScan(bench, collectionId);
                double served = httpFullSync();
                jdbc.add(raw);
                http.add(served);
                ratio.add(raw / served);
            }
            line("(a) full sync over HTTP, maxResults=2500: %s", http.format("records/s"));
            line("(b) baseline, one JDBC query of the same rows: %s", jdbc.format("records/s"));
            line("    (b)/(a) per pair: %s", ratio.formatRatio());

            singleWrites();
            incremental(bench);
        }
        return 0;
    }

    private static String record(int i) {
        return "{\"title\":\"Task " + i + "\",\"owner\":\"user" + (i % 97) + "\",\"done\":" + (i % 5 == 0)
                + ",\"priority\":" + (i % 4) + "}";
    }

    /** Loads the rows through the batch endpoint, 1,000 writes per request: figure (c) batch. */
    private void load() throws Exception {
        long start = System.nanoTime();
        int step = Math.max(1, rows / 10);
        for (int from = 0; from < rows; from += 1000) {
            StringBuilder body = new StringBuilder(80_000).append("{\"writes\":[");
            int to = Math.min(rows, from + 1000);
            for (int i = from; i < to; i++) {
                if (i > from) {
                    body.append(',');
                }
                body.append("{\"op\":\"put\",\"id\":\"r").append(i).append("\",\"data\":").append(record(i)).append('}');
            }
            body.append("]}");
            send("POST", "/v1/collections/bench/batch", body.toString());
            if (to / step != from / step && to < rows) {
                System.out.printf(Locale.ROOT, "    loading… %d%%%n", (long) to * 100 / rows);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        line("(c) batch writes over HTTP (1,000 per request): %,d records in %.1f s = %,.0f records/s",
                rows, seconds, rows / seconds);
    }

    private double jdbcScan(BenchStore bench, long collectionId) throws Exception {
        long start = System.nanoTime();
        long count = 0;
        long bytes = 0;
        try (Connection connection = bench.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, version, seq, deleted, updated_at, origin, data FROM records"
                            + " WHERE collection_id = ? AND deleted = ? ORDER BY seq")) {
                select.setLong(1, collectionId);
                select.setBoolean(2, false);
                select.setFetchSize(10_000);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        bytes += rows.getString(1).length() + rows.getString(7).length();
                        rows.getLong(2);
                        rows.getLong(3);
                        rows.getBoolean(4);
                        rows.getLong(5);
                        rows.getString(6);
                        count++;
                    }
                }
            }
            connection.commit();
        }
        check(count, "JDBC scan");
        return count / ((System.nanoTime() - start) / 1e9) + (bytes == 0 ? 0 : 0);
    }

    double httpFullSync() throws Exception {
        long start = System.nanoTime();
        long count = 0;
        String pageToken = null;
        do {
            String path = "/v1/collections/bench/records?maxResults=2500"
                    + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
            Page page = getPage(path);
            count += page.items;
            pageToken = page.nextPageToken;
        } while (pageToken != null);
        check(count, "HTTP full sync");
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private void check(long count, String what) {
        if (count != rows) {
            throw new IllegalStateException(what + " returned " + count + " records, not " + rows);
        }
    }

    private record Page(int items, String nextPageToken, String nextSyncToken) {
    }

    /** Reads a page the way a client would: streaming its JSON and visiting every item. */
    private Page getPage(String path) throws Exception {
        HttpResponse<InputStream> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " → " + response.statusCode()
                    + " " + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        int items = 0;
        String next = null;
        String sync = null;
        try (JsonParser parser = json.createParser(response.body())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("items")) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        items++;
                    }
                } else if (field.equals("nextPageToken")) {
                    next = parser.getText();
                } else if (field.equals("nextSyncToken")) {
                    sync = parser.getText();
                } else if (value.isStructStart()) {
                    parser.skipChildren();
                }
            }
        }
        return new Page(items, next, sync);
    }

    private void singleWrites() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < singleWrites; i++) {
            send("PUT", "/v1/collections/bench/records/single-" + i, "{\"data\":" + record(i) + "}");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        line("(c) single-record PUTs over HTTP, 1 client: %,d in %.1f s = %,.0f writes/s",
                singleWrites, seconds, singleWrites / seconds);

        int clients = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long parallelStart = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < singleWrites / clients; i++) {
                        send("PUT", "/v1/collections/bench/records/parallel-" + client + "-" + i,
                                "{\"data\":" + record(i) + "}");
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            double parallelSeconds = (System.nanoTime() - parallelStart) / 1e9;
            int total = singleWrites / clients * clients;
            line("(c) single-record PUTs over HTTP, %d clients: %,d in %.1f s = %,.0f writes/s",
                    clients, total, parallelSeconds, total / parallelSeconds);
        } finally {
            pool.shutdownNow();
        }
    }

    private void incremental(BenchStore bench) throws Exception {
        Random random = new Random(42);
        Stats millis = new Stats();
        for (int round = 0; round < 5; round++) {
            String syncToken = syncTokenNow();
            List<RecordWrite> writes = new ArrayList<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            while (ids.size() < changes) {
                ids.add("r" + random.nextInt(rows));
            }
            for (String id : ids) {
                writes.add(RecordWrite.put(id, record(random.nextInt())));
            }
            for (int from = 0; from < writes.size(); from += 1000) {
                bench.store.changeLog().apply("bench", writes.subList(from, Math.min(writes.size(), from + 1000)), "bench");
            }
            long start = System.nanoTime();
            long count = 0;
            String pageToken = null;
            do {
                Page page = getPage("/v1/collections/bench/records?maxResults=2500&syncToken="
                        + URLEncoder.encode(syncToken, StandardCharsets.UTF_8)
                        + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8)));
                count += page.items;
                pageToken = page.nextPageToken;
            } while (pageToken != null);
            millis.add((System.nanoTime() - start) / 1e6);
            if (count != changes) {
                throw new IllegalStateException("incremental sync returned " + count + " changes, not " + changes);
            }
        }
        line("(d) incremental sync of %,d changes in %,d records: %s", changes, rows, millis.format("ms"));
    }

    /** A sync token for "now": the first page of an incremental sync from the last full sync. */
    private String syncTokenNow() throws Exception {
        // A filter nothing matches makes a cheap full sync whose last page carries the token; the
        // token's filter must then be repeated, so use an unfiltered sync limited by paging instead.
        String pageToken = null;
        Page page;
        do {
            page = getPage("/v1/collections/bench/records?maxResults=2500"
                    + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8)));
            pageToken = page.nextPageToken;
        } while (pageToken != null);
        return page.nextSyncToken;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(2));
    }

    private void send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " → " + response.statusCode() + " " + response.body());
        }
    }

    static void printMachine() {
        Runtime runtime = Runtime.getRuntime();
        line("machine: %d cpus, %s, %s %s, Java %s, max heap %,d MiB, JVM flags %s",
                runtime.availableProcessors(), memory(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"),
                runtime.maxMemory() / (1024 * 1024), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String memory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return String.format(Locale.ROOT, "%.0f GiB RAM", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return "unknown RAM";
    }

    static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
