package dev.tributary.bench;

import dev.tributary.client.OfflineObjects;
import dev.tributary.client.SyncCallback;
import dev.tributary.client.SyncOptions;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.RecordWrite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The offline client's figures (issue "offline object services", done-when item 5):
 * (a) the initial download of N records into a fresh client against (b) the same rows inserted
 * into a client-shaped SQLite file directly, in transactions of the page size; (c) the upload of
 * M pending changes against (d) the same rows inserted directly. Runs alternate A B A B.
 */
@Command(name = "offline", mixinStandardHelpOptions = true,
        description = "Offline client: initial download and upload throughput vs direct SQLite inserts.")
final class OfflineBenchmark implements Callable<Integer> {

    @Option(names = "--store", defaultValue = "sqlite",
            description = "The hub's store: sqlite, or a PostgreSQL JDBC URL (default: ${DEFAULT-VALUE}).")
    String storeSpec;

    @Option(names = "--rows", defaultValue = "100000", description = "Records to download (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--uploads", defaultValue = "10000", description = "Pending changes to upload (default: ${DEFAULT-VALUE}).")
    int uploads;

    @Option(names = "--download-batch", defaultValue = "500",
            description = "downloadBatchSize (default: ${DEFAULT-VALUE}, the SDK's default).")
    int downloadBatch;

    @Option(names = "--upload-batch", defaultValue = "50",
            description = "uploadBatchSize (default: ${DEFAULT-VALUE}, the SDK's default).")
    int uploadBatch;

    @Option(names = "--pairs", defaultValue = "3", description = "A/B pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    /** Downloads read one service, uploads go to another: each run measures only its own records. */
    private static final Map<String, String> SERVICES = Map.of(
            "BenchDown", "{\"objects\": {\"Item\": {\"collection\": \"items\", \"primaryKey\": [\"id\"]}}}",
            "BenchUp", "{\"objects\": {\"Upload\": {\"collection\": \"uploads\", \"primaryKey\": [\"id\"],"
                    + " \"conflictPolicy\": \"serverWins\"}}}");

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        Path work = Files.createTempDirectory("tributary-offline-bench-");
        try (BenchStore bench = BenchStore.open(storeSpec);
                HubServer hub = new HubServer(bench.store, ServerConfig.defaults().withPort(0)
                        .withCompactionInterval(Duration.ZERO)).start()) {
            String token = bench.store.accessTokens().create("bench", List.of("admin")).secret();
            for (Map.Entry<String, String> service : SERVICES.entrySet()) {
                HttpResponse<String> defined = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(hub.baseUrl() + "/v1/services/" + service.getKey()))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(service.getValue())).build(), HttpResponse.BodyHandlers.ofString());
                if (defined.statusCode() != 201) {
                    throw new IllegalStateException("defining the service: " + defined.statusCode() + " " + defined.body());
                }
            }
            ChangeFeedBenchmark.line("hub store: %s; download: %,d records, downloadBatchSize %d; upload: %,d changes,"
                    + " uploadBatchSize %d", bench.store.kind().label(), rows, downloadBatch, uploads, uploadBatch);
            List<RecordWrite> writes = new ArrayList<>(1000);
            for (int i = 0; i < rows; i++) {
                writes.add(RecordWrite.put("i" + i, record(i)));
                if (writes.size() == 1000 || i == rows - 1) {
                    bench.store.changeLog().apply("items", writes, "bench");
                    writes.clear();
                }
            }

            Stats download = new Stats();
            Stats rawDownload = new Stats();
            Stats downloadRatio = new Stats();
            Stats upload = new Stats();
            Stats rawUpload = new Stats();
            Stats uploadRatio = new Stats();
            for (int pair = 0; pair < pairs; pair++) {
                double raw = rawInserts(work.resolve("raw-d" + pair + ".db"), rows, downloadBatch);
                double sdk = initialDownload(work.resolve("client-d" + pair + ".db"), URI.create(hub.baseUrl()), token);
                rawDownload.add(raw);
                download.add(sdk);
                downloadRatio.add(sdk / raw);

                double rawUp = rawInserts(work.resolve("raw-u" + pair + ".db"), uploads, uploadBatch);
                double sdkUp = uploadPending(work.resolve("client-u" + pair + ".db"), URI.create(hub.baseUrl()), token, pair);
                rawUpload.add(rawUp);
                upload.add(sdkUp);
                uploadRatio.add(sdkUp / rawUp);
            }
            ChangeFeedBenchmark.line("(a) initial download into a fresh client: %s", download.format("records/s"));
            ChangeFeedBenchmark.line("(b) baseline, the same rows inserted into a client SQLite file directly: %s",
                    rawDownload.format("records/s"));
            ChangeFeedBenchmark.line("    (a)/(b) per pair: %s", downloadRatio.formatRatio());
            ChangeFeedBenchmark.line("(c) upload of pending changes: %s", upload.format("changes/s"));
            ChangeFeedBenchmark.line("(d) baseline, the same rows inserted directly: %s", rawUpload.format("records/s"));
            ChangeFeedBenchmark.line("    (c)/(d) per pair: %s", uploadRatio.formatRatio());
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private static String record(int i) {
        return "{\"id\":\"i" + i + "\",\"title\":\"Inspect asset " + i + "\",\"site\":\"site" + (i % 37)
                + "\",\"done\":" + (i % 5 == 0) + ",\"priority\":" + (i % 4) + "}";
    }

    /** The baseline: the rows into a table shaped like the client's, same pragmas, one transaction per batch. */
    private static double rawInserts(Path file, int count, int batch) throws Exception {
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("CREATE TABLE items (id TEXT PRIMARY KEY, data TEXT, base TEXT, etag TEXT,"
                        + " state TEXT NOT NULL, seq INTEGER NOT NULL, request TEXT)");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO items (id, data, base, etag, state, seq) VALUES (?, ?, ?, ?, 'synced', 0)")) {
                for (int i = 0; i < count; i++) {
                    String data = record(i);
                    insert.setString(1, "i" + i);
                    insert.setString(2, data);
                    insert.setString(3, data);
                    insert.setString(4, "1");
                    insert.executeUpdate();
                    if ((i + 1) % batch == 0 || i == count - 1) {
                        connection.commit();
                    }
                }
            }
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private double initialDownload(Path file, URI hub, String token) throws Exception {
        try (OfflineObjects client = OfflineObjects.open(file, hub, token, List.of("BenchDown"))) {
            client.setup();
            long start = System.nanoTime();
            Map<String, Object> result = sync(client, SyncOptions.builder().service("BenchDown", s -> s
                    .downloadBatchSize(downloadBatch).syncType(SyncOptions.SyncType.DOWNLOAD_ONLY)).build());
            double rate = rows / ((System.nanoTime() - start) / 1e9);
            long downloaded = (Long) service(result, "BenchDown").get("downloaded");
            if (downloaded != rows || client.query("Item", null).size() != rows) {
                throw new IllegalStateException("downloaded " + downloaded + " records, not " + rows);
            }
            return rate;
        }
    }

    private double uploadPending(Path file, URI hub, String token, int pair) throws Exception {
        try (OfflineObjects client = OfflineObjects.open(file, hub, token, List.of("BenchUp"))) {
            client.setup();
            for (int i = 0; i < uploads; i++) {
                client.create("Upload", Map.of("id", "p" + pair + "-" + i, "title", "Finding " + i, "site", "site" + (i % 37),
                        "done", false));
            }
            long start = System.nanoTime();
            Map<String, Object> result = sync(client, SyncOptions.builder().service("BenchUp", s -> s
                    .uploadBatchSize(uploadBatch).syncType(SyncOptions.SyncType.UPLOAD_ONLY)).build());
            double rate = uploads / ((System.nanoTime() - start) / 1e9);
            long uploaded = (Long) service(result, "BenchUp").get("uploaded");
            if (uploaded != uploads || !client.getPendingRecordsForUpload().isEmpty()) {
                throw new IllegalStateException("uploaded " + uploaded + " changes, not " + uploads);
            }
            return rate;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(Map<String, Object> result, String name) {
        return (Map<String, Object>) ((Map<String, Object>) result.get("successResponse")).get(name);
    }

    private static Map<String, Object> sync(OfflineObjects client, SyncOptions options) throws Exception {
        CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();
        client.startSync(options, new SyncCallback() {
            @Override
            public void onSuccess(Map<String, Object> result) {
                done.complete(result);
            }

            @Override
            public void onFailure(Map<String, Object> error) {
                done.completeExceptionally(new IllegalStateException("sync failed: " + error));
            }
        }, null);
        return done.get();
    }
}
