package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.runtime.GuardedConnector;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Installing the current change tracking over an earlier one (a shared counter at a high value)
 * keeps existing tokens valid: new change values start above every value written before, so a
 * link resuming from its stored token sees the next change.
 */
abstract class ChangePositionsContinueAfterUpgradeContract {

    private static final long EARLIER = 5_000_000_000_000_000L;

    protected abstract JdbcFixture fixture() throws Exception;

    @Test
    void aTokenOfTheEarlierSchemeStillSeesNewChanges() throws Exception {
        try (JdbcFixture fixture = fixture()) {
            try (Statement statement = fixture.sql().createStatement()) {
                statement.execute("CREATE TABLE ledger (id VARCHAR(64) PRIMARY KEY, name VARCHAR(64), tributary_change BIGINT)");
                statement.execute("INSERT INTO ledger VALUES ('a', 'before', " + EARLIER + ")");
                statement.execute("CREATE TABLE tributary_counter (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)");
                statement.execute("INSERT INTO tributary_counter VALUES ('default', " + EARLIER + ")");
            }
            try (GuardedConnector connector = GuardedConnector.open(new JdbcConnector(), Map.of("url", fixture.url,
                    "tables", "ledger", "installTriggers", "true"))) {
                try (Statement statement = fixture.sql().createStatement()) {
                    statement.executeUpdate("UPDATE ledger SET name = 'after' WHERE id = 'a'");
                }
                List<SyncDelta> seen = new ArrayList<>();
                connector.sync(new ObjectClass("ledger"), new SyncToken(EARLIER), delta -> seen.add(delta), OperationOptions.DEFAULTS);
                assertThat(seen).singleElement().satisfies(delta -> {
                    assertThat(delta.object().fields()).containsEntry("name", "after");
                    assertThat((Long) delta.token().value()).isGreaterThan(EARLIER);
                });
            }
        }
    }
}
