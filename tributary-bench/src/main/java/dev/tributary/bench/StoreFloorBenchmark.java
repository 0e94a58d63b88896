package dev.tributary.bench;

import dev.tributary.store.CollectionCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The least an initial load costs the embedded store: each row as a hub record (with its
 * change-log position) and an id mapping, written with plain batched inserts into the store's own
 * tables — no connector, no mapping, no JSON work, no look-ups, no checkpoints. What a pass of the
 * pipeline benchmark cannot go below while it keeps a record and a mapping per row.
 */
@Command(name = "store-floor", mixinStandardHelpOptions = true,
        description = "The embedded store's floor for an initial load: records and id mappings by plain batched inserts.")
final class StoreFloorBenchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows to write (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--batch", defaultValue = "2000", description = "Rows per transaction (default: ${DEFAULT-VALUE}, as a link's batches).")
    int batch;

    @Option(names = "--copy", defaultValue = "true", arity = "1",
            description = "Keep the record as last in sync with each mapping, as links with manual conflicts do (default: ${DEFAULT-VALUE}).")
    boolean copy;

    @Option(names = "--pairs", defaultValue = "3", description = "Runs, each into a fresh store (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        Stats rate = new Stats();
        for (int run = 0; run < pairs; run++) {
            try (BenchStore target = BenchStore.open("sqlite")) {
                target.store.collections().put("items", CollectionCatalog.DEFAULT_RETENTION);
                long collection = target.store.collections().get("items").orElseThrow().incarnation();
                rate.add(write(target, collection));
            }
        }
        ChangeFeedBenchmark.line("rows: %,d; batches of %,d; last-synced copy: %s", rows, batch, copy);
        ChangeFeedBenchmark.line("records and id mappings by plain batched inserts: %s", rate.format("rows/s"));
        return 0;
    }

    private double write(BenchStore target, long collection) throws Exception {
        long prefix = System.currentTimeMillis() << 16;
        try (Connection sql = target.connect()) {
            try (Statement setup = sql.createStatement()) {
                setup.execute("PRAGMA synchronous = FULL");
            }
            sql.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement records = sql.prepareStatement("INSERT INTO records (seq, collection_id, id, version,"
                    + " deleted, updated_at, origin, data) VALUES (?, ?, ?, 1, 0, ?, 'link:in', ?)");
                    PreparedStatement mappings = sql.prepareStatement("INSERT OR REPLACE INTO id_map (link, uid, record_id,"
                            + " hub_version, endpoint_version, synced_at, base_data) VALUES ('in', ?, ?, 1, ?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    String id = new UUID(prefix + (i >>> 16), i).toString();
                    String data = "{\"id\":" + i + ",\"code\":\"C" + i + "\",\"name\":\"Item number " + i + "\",\"amount\":"
                            + i * 7L + "}";
                    long now = System.currentTimeMillis();
                    records.setLong(1, i + 1L);
                    records.setLong(2, collection);
                    records.setString(3, id);
                    records.setLong(4, now);
                    records.setString(5, data);
                    records.addBatch();
                    mappings.setString(1, Integer.toString(i + 1));
                    mappings.setString(2, id);
                    mappings.setString(3, Integer.toString(i));
                    mappings.setLong(4, now);
                    mappings.setString(5, copy ? data : null);
                    mappings.addBatch();
                    if ((i + 1) % batch == 0 || i + 1 == rows) {
                        records.executeBatch();
                        mappings.executeBatch();
                        sql.commit();
                    }
                }
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }
}
