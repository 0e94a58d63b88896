package dev.tributary.bench;

import dev.tributary.sdata.SyncPass;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.CollectionCatalog;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.SDataResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Hub-to-hub SData catch-up (issue "SData", benchmark): 100,000 records from one hub to a fresh
 * collection on another through $syncSource/$syncTarget (one pass, pages of 1,000), against the
 * change feed's full sync of the same collection over HTTP as the baseline; alternated, after
 * warm-up rounds (five by default: with one, the pairs caught the SData paths while the JIT was
 * still compiling them, each pass of the link faster than the one before until about the fifth).
 * Both hubs run in this JVM on SQLite stores.
 */
@Command(name = "sdata", mixinStandardHelpOptions = true,
        description = "Hub-to-hub SData catch-up vs the change-feed full sync of the same collection.")
final class SDataBenchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "100000", description = "Records (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "3", description = "A/B pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds of each before the pairs; the JIT "
            + "needs about five for the SData paths to reach their steady speed (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--link-only", description = "Only the SData link's catch-up, --pairs times after the warm-up"
            + " rounds, with the process's CPU time per run (for profiling it and comparing builds of it).")
    boolean linkOnly;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        try (BenchStore source = BenchStore.open("sqlite"); BenchStore target = BenchStore.open("sqlite");
                HubServer a = new HubServer(source.store, ServerConfig.defaults().withPort(0)
                        .withCompactionInterval(Duration.ZERO)).start();
                HubServer b = new HubServer(target.store, ServerConfig.defaults().withPort(0)
                        .withCompactionInterval(Duration.ZERO)).start()) {
            String tokenA = source.store.accessTokens().create("bench", List.of("admin")).secret();
            String tokenB = target.store.accessTokens().create("bench", List.of("admin")).secret();
            source.store.collections().put("bench", CollectionCatalog.DEFAULT_RETENTION);
            for (int from = 0; from < rows; from += 1000) {
                List<RecordWrite> writes = new ArrayList<>();
                for (int i = from; i < Math.min(rows, from + 1000); i++) {
                    writes.add(new RecordWrite(RecordWrite.Op.PUT, "r" + i, null, false, "{\"title\":\"Task " + i
                            + "\",\"owner\":\"user" + (i % 97) + "\",\"done\":" + (i % 5 == 0) + ",\"priority\":" + (i % 4)
                            + "}"));
                }
                source.store.changeLog().apply("bench", writes, "bench");
            }
            source.store.sdata().put(new SDataResources.Resource("bench", "bench", "tributary", "records",
                    a.baseUrl() + "/sdata/tributary/records/-/bench", 2));
            ChangeFeedBenchmark feed = new ChangeFeedBenchmark();
            feed.rows = rows;
            feed.base = a.baseUrl();
            feed.token = tokenA;
            SyncPass.Side from = new dev.tributary.sdata.HttpSide(a.baseUrl() + "/sdata/tributary/records/-/bench", tokenA);
            Stats subject = new Stats();
            Stats linked = new Stats();
            Stats baseline = new Stats();
            Stats ratio = new Stats();
            Stats linkRatio = new Stats();
            Link link = new Link(a, b, tokenA, tokenB);
            if (linkOnly) {
                for (int round = 1; round <= warmup; round++) {
                    link.run(target, "w" + round);
                }
                Stats cpu = new Stats();
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                for (int round = 1; round <= pairs; round++) {
                    long before = os.getProcessCpuTime();
                    linked.add(link.run(target, Integer.toString(round)));
                    cpu.add((os.getProcessCpuTime() - before) / 1e6);
                }
                ChangeFeedBenchmark.line("records: %,d", rows);
                ChangeFeedBenchmark.line("(c) SData catch-up hub to hub, hub B's SData link pulling: %s",
                        linked.format("records/s"));
                ChangeFeedBenchmark.line("    CPU time of the process per run of the link: %s", cpu.format("ms"));
                return 0;
            }
            for (int round = 1; round <= warmup; round++) {
                catchUp(target, b, tokenB, from, -round);
                link.run(target, "w" + round);
                feed.httpFullSync();
            }
            for (int pair = 1; pair <= pairs; pair++) {
                double sdata;
                double pulled;
                double changeFeed;
                // The three in turn, each first in one pair of three.
                switch (pair % 3) {
                    case 0 -> {
                        changeFeed = feed.httpFullSync();
                        sdata = catchUp(target, b, tokenB, from, pair);
                        pulled = link.run(target, Integer.toString(pair));
                    }
                    case 1 -> {
                        sdata = catchUp(target, b, tokenB, from, pair);
                        pulled = link.run(target, Integer.toString(pair));
                        changeFeed = feed.httpFullSync();
                    }
                    default -> {
                        pulled = link.run(target, Integer.toString(pair));
                        changeFeed = feed.httpFullSync();
                        sdata = catchUp(target, b, tokenB, from, pair);
                    }
                }
                subject.add(sdata);
                linked.add(pulled);
                baseline.add(changeFeed);
                ratio.add(changeFeed / sdata);
                linkRatio.add(changeFeed / pulled);
            }
            ChangeFeedBenchmark.line("records: %,d", rows);
            ChangeFeedBenchmark.line("(a) SData catch-up hub to hub, a client calling both ($syncSource pages of 1,000 into"
                    + " $syncTarget): %s", subject.format("records/s"));
            ChangeFeedBenchmark.line("(c) SData catch-up hub to hub, hub B's SData link pulling (A's pages over HTTP, applied"
                    + " in process; POST of the run to its end): %s", linked.format("records/s"));
            ChangeFeedBenchmark.line("(b) baseline, change-feed full sync of the collection over HTTP: %s",
                    baseline.format("records/s"));
            ChangeFeedBenchmark.line("    (b)/(a) per pair: %s", ratio.formatRatio());
            ChangeFeedBenchmark.line("    (b)/(c) per pair: %s", linkRatio.formatRatio());
        }
        return 0;
    }

    /**
     * Hub B's SData link with direction {@code in} (what replicating a collection from hub A runs):
     * each run pulls A's collection into a fresh collection of B, timed from the POST that starts
     * the run to the run's end as the API reports it.
     */
    private final class Link {
        private final HubServer a;
        private final HubServer b;
        private final String tokenA;
        private final String tokenB;
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

        Link(HubServer a, HubServer b, String tokenA, String tokenB) {
            this.a = a;
            this.b = b;
            this.tokenA = tokenA;
            this.tokenB = tokenB;
        }

        double run(BenchStore target, String round) {
            String name = "pulled" + round;
            target.store.collections().put(name, CollectionCatalog.DEFAULT_RETENTION);
            target.store.sdata().put(new SDataResources.Resource(name, name, "tributary", "records",
                    b.baseUrl() + "/sdata/tributary/records/-/" + name, 3));
            com.fasterxml.jackson.databind.node.ObjectNode body = json.createObjectNode().put("resource", name)
                    .put("direction", "in");
            body.putObject("remote").put("url", a.baseUrl() + "/sdata/tributary/records/-/bench").put("token", tokenA);
            call("PUT", "/v1/sdata/links/" + name, body.toString(), 200, 201);
            long start = System.nanoTime();
            String run = call("POST", "/v1/sdata/links/" + name + "/runs", "", 202).get("id").asText();
            com.fasterxml.jackson.databind.JsonNode state;
            while (true) {
                state = call("GET", "/v1/runs/" + run, null, 200);
                String now = state.get("state").asText();
                if (!now.equals("queued") && !now.equals("running")) {
                    break;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (Boolean.getBoolean("tributary.bench.verbose")) {
                ChangeFeedBenchmark.line("    link run %s: %.2f s", round, seconds);
            }
            long updated = state.path("stats").path("inbound").path("updated").asLong();
            if (!state.get("state").asText().equals("succeeded") || updated != rows) {
                throw new IllegalStateException("the link's run applied " + updated + " of " + rows + " records: " + state);
            }
            return rows / seconds;
        }

        private com.fasterxml.jackson.databind.JsonNode call(String method, String path, String body, int... expected) {
            try {
                java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(b.baseUrl() + path)).header("Authorization", "Bearer " + tokenB)
                        .header("Content-Type", "application/json");
                request.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
                java.net.http.HttpResponse<String> response = http.send(request.build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                for (int status : expected) {
                    if (response.statusCode() == status) {
                        return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
                    }
                }
                throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** One catch-up into a fresh collection of the target hub. */
    private double catchUp(BenchStore target, HubServer b, String tokenB, SyncPass.Side from, int round) {
        String name = round < 0 ? "warm" + -round : "bench" + round;
        target.store.collections().put(name, CollectionCatalog.DEFAULT_RETENTION);
        target.store.sdata().put(new SDataResources.Resource(name, name, "tributary", "records",
                b.baseUrl() + "/sdata/tributary/records/-/" + name, 3));
        long start = System.nanoTime();
        SyncPass.Result result = new SyncPass(1000).run(from,
                new dev.tributary.sdata.HttpSide(b.baseUrl() + "/sdata/tributary/records/-/" + name, tokenB), line -> { });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.applied() != rows) {
            throw new IllegalStateException("the catch-up applied " + result.applied() + " of " + rows + " records: " + result);
        }
        return rows / seconds;
    }
}
