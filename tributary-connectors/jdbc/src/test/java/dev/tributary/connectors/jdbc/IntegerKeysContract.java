package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.Uid;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import java.sql.SQLException;
import java.sql.Statement;
import dev.tributary.connector.runtime.GuardedConnector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A table keyed by an integer, written with keys spelled otherwise ({@code "007"}, as a source
 * that keeps codes as text sends them): every outcome names the row by its own key ({@code "7"},
 * as reads name it) with the version the row has, and a key taken in any spelling is refused as
 * existing. Before, such an outcome kept the other spelling and no version, and the hub then saw
 * the row it wrote come back under a key it did not know.
 */
abstract class IntegerKeysContract extends OpenConnectorTest {

    private static final ObjectClass NUMBERED = new ObjectClass("numbered");

    @Override
    protected Map<String, Object> settings(Map<String, Object> settings) {
        try (Statement statement = fixture.sql().createStatement()) {
            statement.execute("CREATE TABLE numbered (id BIGINT PRIMARY KEY, name VARCHAR(200))");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        settings.put("tables", "items,others,numbered");
        return settings;
    }

    @Test
    void keysSpelledOtherwiseNameTheRowByItsOwnKeyWithItsVersion() {
        List<Write> creates = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            creates.add(Write.create(Map.of("id", "00" + i, "name", "row " + i)));
        }
        List<WriteOutcome> created = connector.write(NUMBERED, creates, OperationOptions.DEFAULTS);
        for (int i = 1; i <= 20; i++) {
            WriteOutcome outcome = created.get(i - 1);
            assertThat(outcome.succeeded()).as("create 00%d: %s", i, outcome.failure()).isTrue();
            ConnectorObject row = connector.get(NUMBERED, new Uid(Integer.toString(i)), OperationOptions.DEFAULTS).orElseThrow();
            assertThat(outcome.result().uid().value()).isEqualTo(Integer.toString(i));
            assertThat(outcome.result().version()).as("version of row %d", i).isNotNull().isEqualTo(row.version());
        }

        ConnectorObject seven = connector.get(NUMBERED, new Uid("0007"), OperationOptions.DEFAULTS).orElseThrow();
        assertThat(seven.uid().value()).isEqualTo("7");
        List<WriteOutcome> written = connector.write(NUMBERED, List.of(
                Write.update(new Uid("0007"), seven.version(), Map.of("name", "updated")),
                Write.create(Map.of("id", "0008", "name", "again")),
                Write.create(Map.of("id", 21L, "name", "row 21"))), OperationOptions.DEFAULTS);
        ConnectorObject after = connector.get(NUMBERED, new Uid("7"), OperationOptions.DEFAULTS).orElseThrow();
        assertThat(written.get(0).succeeded()).as("%s", written.get(0).failure()).isTrue();
        assertThat(written.get(0).result().uid().value()).isEqualTo("7");
        assertThat(written.get(0).result().version()).isNotNull().isEqualTo(after.version()).isNotEqualTo(seven.version());
        assertThat(after.fields().get("name")).isEqualTo("updated");
        assertThat(written.get(1).failure()).as("a create of key 8 spelled 0008").isInstanceOf(AlreadyExistsException.class);
        assertThat(written.get(2).result().uid().value()).isEqualTo("21");
        assertThat(connector.get(NUMBERED, new Uid("8"), OperationOptions.DEFAULTS).orElseThrow().fields().get("name"))
                .isEqualTo("row 8");
    }

    /** The same with {@code writeMode: upsert}, which reads nothing back: outcomes still name the rows by their keys. */
    @Test
    void upsertsNameTheRowByItsOwnKeyToo() throws Exception {
        Map<String, Object> settings = new HashMap<>(fixture.settings());
        settings.remove("installTriggers");
        settings.put("tables", "numbered");
        settings.put("writeMode", "upsert");
        try (GuardedConnector upserts = GuardedConnector.open(new JdbcConnector(), settings)) {
            List<WriteOutcome> written = upserts.write(NUMBERED, List.of(
                    Write.create(Map.of("id", "007", "name", "created")),
                    Write.update(new Uid("0009"), null, Map.of("name", "upserted"))), OperationOptions.DEFAULTS);
            assertThat(written).extracting(outcome -> outcome.result().uid().value()).containsExactly("7", "9");
        }
        assertThat(connector.get(NUMBERED, new Uid("9"), OperationOptions.DEFAULTS).orElseThrow().fields().get("name"))
                .isEqualTo("upserted");
    }
}
