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
 * change feed's full sync of the same collection over HTTP as the baseline; alternated, after a
 * warm-up round. Both hubs run in this JVM on SQLite stores.
 */
@Command(name = "sdata", mixinStandardHelpOptions = true,
        description = "Hub-to-hub SData catch-up vs the change-feed full sync of the same collection.")
final class SDataBenchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "100000", description = "Records (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "3", description = "A/B pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

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
            Stats baseline = new Stats();
            Stats ratio = new Stats();
            catchUp(target, b, tokenB, from, 0);
            feed.httpFullSync();
            for (int pair = 1; pair <= pairs; pair++) {
                double sdata;
                double changeFeed;
                if (pair % 2 == 0) {
                    changeFeed = feed.httpFullSync();
                    sdata = catchUp(target, b, tokenB, from, pair);
                } else {
                    sdata = catchUp(target, b, tokenB, from, pair);
                    changeFeed = feed.httpFullSync();
                }
                subject.add(sdata);
                baseline.add(changeFeed);
                ratio.add(changeFeed / sdata);
            }
            ChangeFeedBenchmark.line("records: %,d", rows);
            ChangeFeedBenchmark.line("(a) SData catch-up hub to hub ($syncSource pages of 1,000 into $syncTarget): %s",
                    subject.format("records/s"));
            ChangeFeedBenchmark.line("(b) baseline, change-feed full sync of the collection over HTTP: %s",
                    baseline.format("records/s"));
            ChangeFeedBenchmark.line("    (b)/(a) per pair: %s", ratio.formatRatio());
        }
        return 0;
    }

    /** One catch-up into a fresh collection of the target hub. */
    private double catchUp(BenchStore target, HubServer b, String tokenB, SyncPass.Side from, int round) {
        String name = "bench" + round;
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
