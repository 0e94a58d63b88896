package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.runtime.GuardedConnector;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Installing tracking on a table that already has rows, twice: every row is synced once. */
abstract class InstallOnExistingRowsContract {

    protected abstract JdbcFixture fixture() throws Exception;

    @Test
    void existingRowsGetChangeValuesAndInstallingAgainChangesNothing() throws Exception {
        try (JdbcFixture fixture = fixture()) {
            try (Statement statement = fixture.sql().createStatement()) {
                for (int i = 0; i < 3; i++) {
                    statement.executeUpdate("INSERT INTO items (id, name, count) VALUES ('pre" + i + "', 'n', " + i + ")");
                }
            }
            Map<String, Object> settings = new HashMap<>(fixture.settings());
            settings.remove("installTriggers");
            assertThat(JdbcConnector.installChangeTracking(settings))
                    .anySatisfy(line -> assertThat(line).startsWith("items:").contains("gave 3 existing rows"));
            assertThat(JdbcConnector.installChangeTracking(settings))
                    .allSatisfy(line -> assertThat(line).doesNotContain("existing rows").doesNotContain("added column"));
            try (GuardedConnector connector = GuardedConnector.open(new JdbcConnector(), settings)) {
                List<SyncDelta> deltas = new ArrayList<>();
                connector.sync(new ObjectClass("items"), null, deltas::add, null);
                assertThat(deltas).extracting(d -> d.uid().value()).containsExactlyInAnyOrder("pre0", "pre1", "pre2");
                assertThat(deltas).extracting(d -> d.token().value()).doesNotHaveDuplicates();
            }
        }
    }
}
