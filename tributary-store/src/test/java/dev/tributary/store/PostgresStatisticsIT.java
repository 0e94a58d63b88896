package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.testkit.ExternalDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** After bulk work the store refreshes PostgreSQL's statistics itself, instead of waiting for autovacuum. */
class PostgresStatisticsIT {

    private static Object lastAnalyze(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet row = s.executeQuery("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'records'"
                        + " AND schemaname = current_schema()")) {
            return row.next() ? row.getObject(1) : null;
        }
    }

    @Test
    void bulkWorkIsFollowedByFreshStatistics() throws Exception {
        try (ExternalDatabases.Scratch schema = ExternalDatabases.postgresSchema();
                Store store = Store.open(new StoreConfig(schema.jdbcUrl(), 4), Clock.systemUTC())) {
            store.collections().put("bulk", null);
            List<RecordWrite> writes = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                writes.add(RecordWrite.put("r" + i, "{\"n\":" + i + "}"));
            }
            store.changeLog().apply("bulk", writes, "test");
            assertThat(lastAnalyze(schema.jdbcUrl())).as("never analyzed by hand yet").isNull();
            store.analyzeAfterBulkWork();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lastAnalyze(schema.jdbcUrl()) != null);
        }
    }
}
