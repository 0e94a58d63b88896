package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.Uid;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Creates with keys into a change-tracked table, as an outbound link's initial load makes them.
 * Each outcome carries the version the row has in the table — on PostgreSQL and MariaDB returned
 * by the inserts themselves, on SQLite read after them — in statements of several hundred rows and
 * across them; a key already taken is refused as existing, in a batch and one write at a time.
 */
abstract class BatchCreatesContract extends OpenConnectorTest {

    private static final int N = 2_500;

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

    /**
     * A batch naming one key twice is written one write at a time; a create of a key already
     * taken is then refused on its own as already existing (on every database), and the rest of
     * the batch is done.
     */
    @Test
    void aCreateOfATakenKeyIsRefusedAsExistingWhenWrittenOnItsOwn() {
        Uid taken = fixture.createExternally(Map.of("name", "there before", "count", 0));
        ConnectorObject before = connector.get(ITEMS, taken, OperationOptions.DEFAULTS).orElseThrow();
        List<WriteOutcome> outcomes = connector.write(ITEMS, List.of(
                Write.create(Map.of("id", taken.value(), "name", "again", "count", 1)),
                Write.update(taken, before.version(), Map.of("name", "updated", "count", 2)),
                Write.create(Map.of("id", "fresh", "name", "new", "count", 3))), OperationOptions.DEFAULTS);

        assertThat(outcomes.get(0).failure()).isInstanceOf(AlreadyExistsException.class);
        assertThat(outcomes.get(1).succeeded()).as("%s", outcomes.get(1).failure()).isTrue();
        assertThat(outcomes.get(2).succeeded()).as("%s", outcomes.get(2).failure()).isTrue();
        assertThat(connector.get(ITEMS, taken, OperationOptions.DEFAULTS).orElseThrow().fields().get("name"))
                .isEqualTo("updated");
        assertThatThrownBy(() -> connector.create(ITEMS, Map.of("id", "fresh", "name", "twice"), OperationOptions.DEFAULTS))
                .isInstanceOf(AlreadyExistsException.class);
    }
}
