package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.Uid;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import dev.tributary.connector.InvalidConfigurationException;
import dev.tributary.connector.runtime.GuardedConnector;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code writeMode: upsert}: a plain table — no change column, no triggers — written with
 * unconditional upserts and deletes. Rows the application changed meanwhile are overwritten (no
 * conflict is detected), a delete of a missing row is done, nothing is read back (no versions),
 * and the endpoint refuses to be read for changes.
 */
abstract class UpsertTargetContract extends OpenConnectorTest {

    @Override
    protected Map<String, Object> settings(Map<String, Object> settings) {
        settings.remove("installTriggers");
        settings.put("writeMode", "upsert");
        return settings;
    }

    @Test
    void aBatchUpsertsOverwritesAndDeletesWithoutVersions() throws Exception {
        fixture.createExternally(Map.of("name", "taken", "count", 1, "active", true)); // u1
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            writes.add(Write.create(Map.of("id", "r" + i, "name", "row " + i, "count", i, "active", i % 2 == 0)));
        }
        // A create of a key that exists overwrites it: no conflict is detected.
        writes.add(Write.create(Map.of("id", "u1", "name", "overwritten", "count", 2)));
        // An update of a row that is not there creates it.
        writes.add(Write.update(new Uid("ghost"), "ignored-version", Map.of("name", "came back", "count", 3)));
        // A delete of a row that is not there is done.
        writes.add(Write.delete(new Uid("never-was"), "7"));
        List<WriteOutcome> outcomes = connector.write(ITEMS, writes, OperationOptions.DEFAULTS);
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.succeeded()).as("%s", outcome.failure()).isTrue();
            assertThat(outcome.result().version()).as("nothing is read back").isNull();
        });
        assertThat(outcomes.get(20).result().uid().value()).isEqualTo("u1");
        assertThat(outcomes.get(21).result().uid().value()).isEqualTo("ghost");
        Map<String, String> rows = rows();
        assertThat(rows).hasSize(22).containsEntry("r7", "row 7/7").containsEntry("u1", "overwritten/2")
                .containsEntry("ghost", "came back/3");

        // Updates overwrite whatever the application wrote meanwhile; deletes remove.
        fixture.updateExternally(new Uid("r3"), Map.of("name", "changed by the application"));
        List<WriteOutcome> second = connector.write(ITEMS, List.of(
                Write.update(new Uid("r3"), "stale", Map.of("name", "from the hub", "count", 33)),
                Write.delete(new Uid("r4"), "stale"),
                Write.update(new Uid("r5"), null, Map.of("id", "r5-renamed", "name", "renamed"))),
                OperationOptions.DEFAULTS);
        assertThat(second).allMatch(WriteOutcome::succeeded);
        assertThat(second.get(2).result().uid().value()).isEqualTo("r5-renamed");
        rows = rows();
        assertThat(rows).containsEntry("r3", "from the hub/33").doesNotContainKey("r4").doesNotContainKey("r5")
                .containsEntry("r5-renamed", "renamed/5").hasSize(21);
    }

    @Test
    void singleWritesAreUnconditionalToo() throws Exception {
        assertThat(connector.create(ITEMS, Map.of("id", "a", "name", "first"), OperationOptions.DEFAULTS).version())
                .isNull();
        assertThat(connector.update(ITEMS, new Uid("a"), "not-a-version", Map.of("name", "second"),
                OperationOptions.DEFAULTS).uid().value()).isEqualTo("a");
        connector.delete(ITEMS, new Uid("a"), "not-a-version", OperationOptions.DEFAULTS);
        connector.delete(ITEMS, new Uid("a"), null, OperationOptions.DEFAULTS);
        assertThat(rows()).isEmpty();
        // The same uid twice in one batch: written one after the other, in order.
        List<WriteOutcome> outcomes = connector.write(ITEMS, List.of(
                Write.create(Map.of("id", "b", "name", "one")),
                Write.update(new Uid("b"), null, Map.of("name", "two"))), OperationOptions.DEFAULTS);
        assertThat(outcomes).allMatch(WriteOutcome::succeeded);
        assertThat(rows()).containsExactly(Map.entry("b", "two/null"));
    }

    @Test
    void itIsAWriteOnlyTarget() {
        assertThatThrownBy(() -> connector.getLatestSyncToken(ITEMS)).isInstanceOf(ConnectorException.class)
                .hasMessageContaining("writeMode upsert").hasMessageContaining("direction outbound");
        Map<String, Object> settings = new LinkedHashMap<>(fixture.settings());
        settings.put("writeMode", "upsert");
        assertThatThrownBy(() -> GuardedConnector.open(new JdbcConnector(), settings))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("'installTriggers' does not go with");
        settings.put("writeMode", "blind");
        settings.remove("installTriggers");
        assertThatThrownBy(() -> GuardedConnector.open(new JdbcConnector(), settings))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("writeMode");
    }

    /** id → "name/count" of every row. */
    private Map<String, String> rows() throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Statement statement = fixture.sql().createStatement();
                ResultSet result = statement.executeQuery("SELECT id, name, count FROM items")) {
            while (result.next()) {
                rows.put(result.getString(1), result.getString(2) + "/" + result.getString(3));
            }
        }
        return rows;
    }
}
