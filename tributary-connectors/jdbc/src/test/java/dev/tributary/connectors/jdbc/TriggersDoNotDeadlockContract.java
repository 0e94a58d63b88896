package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.runtime.GuardedConnector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Change tracking must not add deadlocks the application never had: two transactions updating
 * rows (1, 2) and (2, 3) only wait for each other on a plain table, and must only wait with the
 * triggers installed too — a counter row locked until commit made the second one's update of row
 * 2 wait for the first while holding row 2, which the first then waited for.
 */
abstract class TriggersDoNotDeadlockContract {

    protected abstract JdbcFixture fixture() throws Exception;

    @Test
    void twoOverlappingTransfersOnlyWaitForEachOther() throws Exception {
        try (JdbcFixture fixture = fixture()) {
            try (Statement statement = fixture.sql().createStatement()) {
                statement.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
                statement.execute("INSERT INTO accounts (id, balance) VALUES (1, 100), (2, 100), (3, 100)");
            }
            try (GuardedConnector connector = GuardedConnector.open(new JdbcConnector(), Map.of("url", fixture.url,
                    "tables", "accounts", "installTriggers", "true"))) {
                connector.test();
            }
            try (Connection first = DriverManager.getConnection(fixture.url);
                    Connection second = DriverManager.getConnection(fixture.url)) {
                first.setAutoCommit(false);
                second.setAutoCommit(false);
                update(first, 1, -10);
                CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                    try {
                        update(second, 2, -10); // with a counter held to commit, this waited for the first
                        Thread.sleep(700);
                        update(second, 3, 10);
                        second.commit();
                    } catch (SQLException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(300);
                update(first, 2, 10); // waits for the second transaction's row 2, as on a plain table
                first.commit();
                other.get(30, TimeUnit.SECONDS);
            }
            try (Statement statement = fixture.sql().createStatement();
                    var rows = statement.executeQuery("SELECT sum(balance), count(*) FROM accounts")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(300);
            }
        }
    }

    private static void update(Connection connection, int id, int delta) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE accounts SET balance = balance + " + delta + " WHERE id = " + id);
        }
    }
}
