package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.runtime.GuardedConnector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The late-commit trap: eight writer threads, each in its own connection, run transactions that
 * insert, update and delete rows and sometimes wait before committing, while the connector syncs
 * in a loop. Every sync must deliver changes in increasing token order, never twice, and the
 * reader must end with exactly the table's final state — a row whose change value was taken
 * before a late commit must not be skipped.
 */
abstract class LateCommitDoesNotSkipContract {

    private static final ObjectClass ITEMS = new ObjectClass("items");
    private static final int WRITERS = 8;
    private static final int TRANSACTIONS = 40;

    protected abstract JdbcFixture fixture() throws Exception;

    @Test
    void concurrentWritersNeverMakeTheSyncSkipARow() throws Exception {
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        try (JdbcFixture fixture = fixture();
                GuardedConnector connector = GuardedConnector.open(new JdbcConnector(), fixture.settings())) {
            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        write(fixture.url, new Random(seed + writer), "w" + writer);
                        return null;
                    }));
                }
                Future<List<SyncDelta>> reader = pool.submit(() -> read(connector, writing));
                for (Future<?> writer : writers) {
                    writer.get(5, TimeUnit.MINUTES);
                }
                writing.set(false);
                List<SyncDelta> seen = reader.get(5, TimeUnit.MINUTES);

                List<Long> tokens = seen.stream().map(d -> (Long) d.token().value()).toList();
                assertThat(tokens).as("seed %d: increasing, never repeated", seed)
                        .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
                Map<String, SyncDelta> replayed = new HashMap<>();
                for (SyncDelta delta : seen) {
                    replayed.put(delta.uid().value(), delta);
                }
                Map<String, Object[]> table = currentRows(fixture.sql());
                for (Map.Entry<String, Object[]> row : table.entrySet()) {
                    SyncDelta last = replayed.get(row.getKey());
                    assertThat(last).as("seed %d: row %s was synced", seed, row.getKey()).isNotNull();
                    assertThat(last.type()).isNotEqualTo(SyncDeltaType.DELETE);
                    assertThat(last.token().value()).as("seed %d: row %s synced at its final change", seed, row.getKey())
                            .isEqualTo(row.getValue()[1]);
                    assertThat(last.object().fields().get("name")).isEqualTo(row.getValue()[0]);
                }
                for (Map.Entry<String, SyncDelta> entry : replayed.entrySet()) {
                    if (!table.containsKey(entry.getKey())) {
                        assertThat(entry.getValue().type()).as("seed %d: %s was deleted", seed, entry.getKey())
                                .isEqualTo(SyncDeltaType.DELETE);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        } catch (AssertionError e) {
            throw new AssertionError("replay with -Dtributary.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    private static void write(String url, Random random, String prefix) throws Exception {
        List<String> live = new ArrayList<>();
        int created = 0;
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            for (int t = 0; t < TRANSACTIONS; t++) {
                int writes = 1 + random.nextInt(3);
                for (int w = 0; w < writes; w++) {
                    int roll = random.nextInt(10);
                    if (roll < 6 || live.isEmpty()) {
                        String id = prefix + "-" + created++;
                        execute(connection, "INSERT INTO items (id, name, count, active) VALUES (?, ?, 0, ?)", id,
                                "v" + t, Boolean.TRUE);
                        live.add(id);
                    } else if (roll < 9) {
                        execute(connection, "UPDATE items SET name = ? WHERE id = ?", "v" + t,
                                live.get(random.nextInt(live.size())));
                    } else {
                        execute(connection, "DELETE FROM items WHERE id = ?", live.remove(random.nextInt(live.size())));
                    }
                }
                if (random.nextInt(4) == 0) {
                    Thread.sleep(random.nextInt(5)); // commit late
                }
                connection.commit();
            }
        }
    }

    private static void execute(Connection connection, String sql, Object... values) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    private static List<SyncDelta> read(GuardedConnector connector, AtomicBoolean writing) {
        List<SyncDelta> seen = new ArrayList<>();
        SyncToken token = null;
        boolean last = false;
        while (!last) {
            last = !writing.get();
            token = connector.sync(ITEMS, token, seen::add, null);
        }
        return seen;
    }

    private static Map<String, Object[]> currentRows(Connection connection) throws Exception {
        Map<String, Object[]> rows = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT id, name, tributary_change FROM items")) {
            while (result.next()) {
                rows.put(result.getString(1), new Object[] {result.getString(2), result.getLong(3)});
            }
        }
        return rows;
    }
}
