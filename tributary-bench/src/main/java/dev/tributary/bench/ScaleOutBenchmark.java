package dev.tributary.bench;

import static dev.tributary.bench.ChangeFeedBenchmark.line;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Several hub nodes on one PostgreSQL store: (a) concurrent single-record writes from many clients
 * into one collection and into several, through 1 node and through 3; (b) change-feed full syncs
 * by several readers at once through 1 node and through 3. The nodes are {@link HubServer}s in
 * this process, each with a store connection pool of its own, as separate processes would have.
 */
@Command(name = "scale-out", mixinStandardHelpOptions = true,
        description = "Writes and full syncs through 1 and 3 hub nodes sharing one PostgreSQL store.")
final class ScaleOutBenchmark implements Callable<Integer> {

    @Option(names = "--store", required = true, description = "A PostgreSQL JDBC URL (a fresh schema is created and dropped).")
    String storeSpec;

    @Option(names = "--clients", defaultValue = "32", description = "Writing clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--collections", defaultValue = "8", description = "Collections they write to (default: ${DEFAULT-VALUE}).")
    int collections;

    @Option(names = "--seconds", defaultValue = "8", description = "Length of each write measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--pairs", defaultValue = "5",
            description = "Rounds, each measuring baseline and subjects one after the other (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--rows", defaultValue = "100000", description = "Records for the full syncs (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--readers", defaultValue = "3", description = "Concurrent full-sync readers (default: ${DEFAULT-VALUE}).")
    int readers;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final JsonFactory json = new JsonFactory();
    private String token;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        if (!storeSpec.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--store must be a PostgreSQL JDBC URL: nodes share a PostgreSQL store");
        }
        try (BenchStore bench = BenchStore.open(storeSpec)) {
            List<Store> stores = new ArrayList<>(List.of(bench.store));
            List<HubServer> nodes = new ArrayList<>();
            try {
                for (int n = 0; n < 3; n++) {
                    if (n > 0) {
                        stores.add(Store.open(StoreConfig.of(bench.jdbcUrl), Clock.systemUTC()));
                    }
                    nodes.add(new HubServer(stores.get(n), ServerConfig.defaults().withPort(0)
                            .withCompactionInterval(Duration.ZERO)).start());
                }
                token = bench.store.accessTokens().create("bench", List.of("admin")).secret();
                List<String> all = nodes.stream().map(HubServer::baseUrl).toList();
                List<String> one = all.subList(0, 1);
                for (int c = 0; c < collections; c++) {
                    send(all.get(0), "PUT", "/v1/collections/c" + c, "{}");
                }
                line("store: postgresql; %d clients, %d s per figure, %d rounds, single-record PUTs (JSON of ~80 bytes)",
                        clients, seconds, pairs);
                writes(one, 1, "warm-up"); // JIT, connection pools
                Stats baseline = new Stats();
                Stats oneNode = new Stats();
                Stats threeNodes = new Stats();
                Stats threeNodesOne = new Stats();
                Stats ratioOne = new Stats();
                Stats ratioThree = new Stats();
                for (int round = 0; round < pairs; round++) {
                    double a = writes(one, 1, "1 node, 1 collection");
                    double b = writes(one, collections, "1 node, " + collections + " collections");
                    double c = writes(all, collections, "3 nodes, " + collections + " collections");
                    double d = writes(all, 1, "3 nodes, 1 collection");
                    baseline.add(a);
                    oneNode.add(b);
                    threeNodes.add(c);
                    threeNodesOne.add(d);
                    ratioOne.add(b / a);
                    ratioThree.add(c / a);
                }
                line("(a) 1 node, 1 collection (baseline): %s", baseline.format("writes/s"));
                line("(a) 1 node, %d collections:          %s", collections, oneNode.format("writes/s"));
                line("(a) 3 nodes, %d collections:         %s", collections, threeNodes.format("writes/s"));
                line("(a) 3 nodes, 1 collection:           %s", threeNodesOne.format("writes/s"));
                line("    1 node, %d collections / baseline, per round: %s", collections, ratioOne.formatRatio());
                line("    3 nodes, %d collections / baseline, per round: %s", collections, ratioThree.formatRatio());

                load(all.get(0));
                Stats syncOne = new Stats();
                Stats syncThree = new Stats();
                Stats syncRatio = new Stats();
                for (int round = 0; round < pairs; round++) {
                    double a = fullSyncs(one, "1 node");
                    double b = fullSyncs(all, "3 nodes");
                    syncOne.add(a);
                    syncThree.add(b);
                    syncRatio.add(b / a);
                }
                line("(b) %d full syncs at once through 1 node:  %s", readers, syncOne.format("records/s"));
                line("(b) %d full syncs at once through 3 nodes: %s", readers, syncThree.format("records/s"));
                line("    3 nodes / 1 node, per round: %s", syncRatio.formatRatio());
            } finally {
                for (HubServer node : nodes) {
                    node.close();
                }
                for (Store store : stores.subList(1, stores.size())) {
                    store.close();
                }
            }
        }
        return 0;
    }

    /** {@code clients} writers PUT new records for {@code seconds}, spread over the nodes and collections. */
    private double writes(List<String> nodes, int collectionCount, String label) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        String run = Long.toString(System.nanoTime(), 36);
        try {
            List<Future<?>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    String node = nodes.get(client % nodes.size());
                    String collection = "c" + (client % collectionCount);
                    for (int i = 0; running.get(); i++) {
                        send(node, "PUT", "/v1/collections/" + collection + "/records/" + run + "-" + client + "-" + i,
                                "{\"data\":{\"title\":\"Task " + i + "\",\"owner\":\"user" + client + "\",\"done\":false,\"priority\":"
                                        + (i % 4) + "}}");
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            Thread.sleep(seconds * 1000L);
            running.set(false);
            for (Future<?> future : futures) {
                future.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double rate = done.get() / elapsed;
            System.out.printf(java.util.Locale.ROOT, "    %-24s %,8d writes in %.1f s = %,6.0f writes/s%n", label + ":",
                    done.get(), elapsed, rate);
            return rate;
        } finally {
            pool.shutdownNow();
        }
    }

    private void load(String node) throws Exception {
        send(node, "PUT", "/v1/collections/feed", "{}");
        long start = System.nanoTime();
        for (int from = 0; from < rows; from += 1000) {
            StringBuilder body = new StringBuilder(80_000).append("{\"writes\":[");
            for (int i = from; i < Math.min(rows, from + 1000); i++) {
                body.append(i > from ? "," : "").append("{\"op\":\"put\",\"id\":\"r").append(i)
                        .append("\",\"data\":{\"title\":\"Task ").append(i).append("\",\"owner\":\"user").append(i % 97)
                        .append("\",\"done\":false,\"priority\":").append(i % 4).append("}}");
            }
            send(node, "POST", "/v1/collections/feed/batch", body.append("]}").toString());
        }
        line("loaded %,d records for (b) in %.1f s", rows, (System.nanoTime() - start) / 1e9);
    }

    /** {@code readers} full syncs at once, reader r through node r mod the nodes given. */
    private double fullSyncs(List<String> nodes, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            long start = System.nanoTime();
            List<Future<Long>> futures = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                String node = nodes.get(r % nodes.size());
                futures.add(pool.submit(() -> fullSync(node)));
            }
            long items = 0;
            for (Future<Long> future : futures) {
                long got = future.get();
                if (got != rows) {
                    throw new IllegalStateException("a full sync returned " + got + " records, not " + rows);
                }
                items += got;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "    %d full syncs at once through %-8s %,d records in %.2f s = %,9.0f records/s%n",
                    readers, label + ":", items, elapsed, items / elapsed);
            return items / elapsed;
        } finally {
            pool.shutdownNow();
        }
    }

    private long fullSync(String node) throws Exception {
        long items = 0;
        String pageToken = null;
        do {
            String path = "/v1/collections/feed/records?maxResults=2500"
                    + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
            HttpResponse<InputStream> response = http.send(request(node, path).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " → " + response.statusCode());
            }
            pageToken = null;
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
                        pageToken = parser.getText();
                    } else if (value.isStructStart()) {
                        parser.skipChildren();
                    }
                }
            }
        } while (pageToken != null);
        return items;
    }

    private HttpRequest.Builder request(String node, String path) {
        return HttpRequest.newBuilder(URI.create(node + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(2));
    }

    private void send(String node, String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(request(node, path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " → " + response.statusCode() + " " + response.body());
        }
    }
}
