package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.Uid;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import dev.tributary.connector.runtime.GuardedConnector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A change-tracked table written in a batch of creates with keys (an outbound link's initial
 * load): each outcome carries the version the row has in the table — on PostgreSQL and MariaDB
 * returned by the inserts themselves, on SQLite read after them — in statements of several
 * hundred rows and across them.
 */
abstract class BatchInsertVersionsContract {

    private static final int N = 2_500;
    private static final ObjectClass ITEMS = new ObjectClass("items");

    protected abstract JdbcFixture fixture() throws Exception;

    private JdbcFixture fixture;
    private GuardedConnector connector;

    @BeforeEach
    void setUp() throws Exception {
        fixture = fixture();
        connector = GuardedConnector.open(new JdbcConnector(), new HashMap<>(fixture.settings()));
    }

    @AfterEach
    void tearDown() throws Exception {
        connector.close();
        fixture.close();
    }

    @Test
    void createsWithKeysReportTheVersionsTheRowsHave() {
        Uid taken = fixture.createExternally(Map.of("name", "there before", "count", 0));
        Uid other = fixture.createExternally(Map.of("name", "to update", "count", 0));
        ConnectorObject before = connector.get(ITEMS, other, OperationOptions.DEFAULTS).orElseThrow();
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            // Two column sets (two groups of inserts), interleaved.
            writes.add(Write.create(i % 3 == 0 ? Map.of("id", "k" + i, "name", "row " + i, "count", i)
                    : Map.of("id", "k" + i, "name", "row " + i, "count", i, "active", i % 2 == 0)));
        }
        writes.add(Write.create(Map.of("id", taken.value(), "name", "again", "count", 1)));
        writes.add(Write.update(other, before.version(), Map.of("name", "updated", "count", 2)));
        List<WriteOutcome> outcomes = connector.write(ITEMS, writes, OperationOptions.DEFAULTS);

        assertThat(outcomes).hasSize(N + 2);
        assertThat(outcomes.get(N).failure()).as("a create of a taken key").isInstanceOf(AlreadyExistsException.class);
        Set<String> versions = new HashSet<>();
        for (int i = 0; i < N; i++) {
            WriteOutcome outcome = outcomes.get(i);
            assertThat(outcome.succeeded()).as("create %d: %s", i, outcome.failure()).isTrue();
            assertThat(outcome.result().uid().value()).isEqualTo("k" + i);
            ConnectorObject row = connector.get(ITEMS, new Uid("k" + i), OperationOptions.DEFAULTS).orElseThrow();
            assertThat(outcome.result().version()).as("version of k%d", i).isNotNull().isEqualTo(row.version());
            assertThat(row.fields().get("name")).isEqualTo("row " + i);
            versions.add(row.version());
        }
        assertThat(versions).as("each row its own version").hasSize(N);
        ConnectorObject updated = connector.get(ITEMS, other, OperationOptions.DEFAULTS).orElseThrow();
        assertThat(outcomes.get(N + 1).succeeded()).isTrue();
        assertThat(outcomes.get(N + 1).result().version()).isEqualTo(updated.version()).isNotEqualTo(before.version());
    }
}
