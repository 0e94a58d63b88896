package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.store.StoreBackend;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SyncEngineIT} on a PostgreSQL store. */
class PostgresSyncEngineIT extends SyncEngineIT {

    @Override
    StoreBackend backend() {
        return StoreBackend.postgres();
    }

    private static long analyses(String url, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet row = s.executeQuery("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = '" + table
                        + "' AND schemaname = current_schema()")) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    /**
     * A first load refreshes the planner's statistics on its way (at 10,000 changes, then at
     * 100,000 …), not only when it ends: on tables without statistics PostgreSQL reads every id
     * mapping of the link to find a batch's, and each batch would be slower than the last.
     */
    @Test
    void aLargeFirstLoadRefreshesStatisticsWhileItRuns() throws Exception {
        EngineHarness h = new EngineHarness(backend());
        try {
            MemoryBackend crm = h.memoryEndpoint("crm");
            for (int i = 0; i < 12_000; i++) {
                crm.create(EngineHarness.ITEMS, null, Map.of("name", "n" + i));
            }
            h.link("crm-in", "crm", "people", "\"direction\":\"in\"");
            assertThat(analyses(h.backend.jdbcUrl(), "id_map")).isZero();
            assertThat(h.runOk("crm-in").at("/inbound/created").asLong()).isEqualTo(12_000);
            // Statistics reach pg_stat_user_tables when the analyzing session reports them (within a second or so).
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> analyses(h.backend.jdbcUrl(), "id_map") >= 2);
            Thread.sleep(1500);
            assertThat(analyses(h.backend.jdbcUrl(), "id_map")).as("once on the way (at 10,000), once at the end")
                    .isEqualTo(2);
        } finally {
            h.engine.close();
            h.store.close();
            h.backend.close();
        }
    }
}
