package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.runtime.GuardedConnector;
import java.sql.Statement;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JDBC connector tells a continuous link when a table changed: on PostgreSQL its tracking
 * triggers {@code NOTIFY} once per statement and the connector {@code LISTEN}s; on SQLite it
 * watches the file's data version; on MariaDB it says it cannot, and the engine polls.
 */
class ChangeNotificationsIT {

    private static final ObjectClass ITEMS = new ObjectClass("items");

    @Test
    void aCommittedChangeToTheTableIsHeardAndOtherTablesAreNot() throws Exception {
        try (JdbcFixture fixture = JdbcFixture.postgres();
                GuardedConnector connector = GuardedConnector.open(fixture.newConnector(), fixture.settings())) {
            LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
            AutoCloseable listening = connector.onChanges(ITEMS, () -> heard.add("items")).orElseThrow();
            assertThat(heard.poll(10, TimeUnit.SECONDS)).as("told once listening starts (anything before is unheard)")
                    .isEqualTo("items");

            try (Statement sql = fixture.sql().createStatement()) {
                sql.execute("INSERT INTO others (id, name) VALUES ('o1', 'other')");
                assertThat(heard.poll(500, TimeUnit.MILLISECONDS)).as("another table's change").isNull();

                fixture.sql().setAutoCommit(false);
                sql.execute("INSERT INTO items (id, name) VALUES ('a', 'Ada')");
                sql.execute("UPDATE items SET name = 'Ada L.' WHERE id = 'a'");
                assertThat(heard.poll(500, TimeUnit.MILLISECONDS)).as("nothing before the commit").isNull();
                fixture.sql().commit();
                fixture.sql().setAutoCommit(true);
                assertThat(heard.poll(10, TimeUnit.SECONDS)).as("the commit is heard").isEqualTo("items");

                sql.execute("DELETE FROM items WHERE id = 'a'");
                assertThat(heard.poll(10, TimeUnit.SECONDS)).as("a delete is heard").isEqualTo("items");

                listening.close();
                sql.execute("INSERT INTO items (id, name) VALUES ('b', 'Bob')");
                assertThat(heard.poll(500, TimeUnit.MILLISECONDS)).as("nothing after the handle closed").isNull();
            }
        }
    }

    @Test
    void sqliteCommitsOfAnotherConnectionAreHeard() throws Exception {
        try (JdbcFixture fixture = JdbcFixture.sqlite();
                GuardedConnector connector = GuardedConnector.open(fixture.newConnector(), fixture.settings())) {
            LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
            AutoCloseable listening = connector.onChanges(ITEMS, () -> heard.add("items")).orElseThrow();
            Thread.sleep(300); // the watch has read the version it starts from
            heard.clear();
            assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("nothing while nothing commits").isNull();
            try (Statement sql = fixture.sql().createStatement()) {
                sql.execute("INSERT INTO items (id, name) VALUES ('a', 'Ada')");
                assertThat(heard.poll(5, TimeUnit.SECONDS)).as("the commit is heard").isEqualTo("items");
                listening.close();
                heard.clear();
                sql.execute("INSERT INTO items (id, name) VALUES ('b', 'Bob')");
                assertThat(heard.poll(500, TimeUnit.MILLISECONDS)).as("nothing after the handle closed").isNull();
            }
        }
    }

    @Test
    void mariaDbCannotTellSoTheEnginePolls() throws Exception {
        try (JdbcFixture fixture = JdbcFixture.mariadb();
                GuardedConnector connector = GuardedConnector.open(fixture.newConnector(), fixture.settings())) {
            assertThat(connector.onChanges(ITEMS, () -> { })).isEmpty();
        }
    }
}
