package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.Uid;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Timestamp change detection with soft deletes: rows the application stamps itself, many with
 * the same timestamp, read in small batches.
 */
abstract class TimestampDetectionContract {

    private static final ObjectClass ITEMS = new ObjectClass("items");

    protected abstract ExternalDatabases.Scratch database();

    private ExternalDatabases.Scratch database;
    private Connection sql;
    private GuardedConnector connector;

    @BeforeEach
    void setUp() throws Exception {
        database = database();
        sql = DriverManager.getConnection(database.jdbcUrl());
        try (Statement statement = sql.createStatement()) {
            statement.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, name VARCHAR(100), "
                    + "updated_at TIMESTAMP(6) NULL, deleted BOOLEAN NOT NULL DEFAULT FALSE)");
        }
        connector = GuardedConnector.open(new JdbcConnector(), Map.of("url", database.jdbcUrl(), "tables", "items",
                "changeDetection", "timestamp", "changeColumn", "updated_at", "deletion", "softDelete",
                "softDeleteColumn", "deleted", "batchSize", "3", "timestampLag", "PT2S", "keyGeneration", "uuid"));
    }

    @AfterEach
    void tearDown() throws Exception {
        connector.close();
        sql.close();
        database.close();
    }

    private void row(String id, String name, Instant updated) throws Exception {
        try (PreparedStatement insert = sql.prepareStatement(
                "INSERT INTO items (id, name, updated_at) VALUES (?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, name);
            insert.setTimestamp(3, Timestamp.valueOf(LocalDateTime.ofInstant(updated, ZoneOffset.UTC)));
            insert.executeUpdate();
        }
    }

    private List<SyncDelta> sync(SyncToken token) {
        List<SyncDelta> deltas = new ArrayList<>();
        connector.sync(ITEMS, token, deltas::add, null);
        return deltas;
    }

    @Test
    void equalTimestampsAreNeverSplitAndResumingIsExact() throws Exception {
        Instant base = connector.currentTime().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
            row("same-" + i, "n" + i, base);
        }
        for (int i = 0; i < 4; i++) {
            row("later-" + i, "n" + i, base.plusSeconds(i + 1));
        }
        List<SyncDelta> all = sync(null);
        assertThat(all).hasSize(14);
        assertThat(all.subList(0, 10)).extracting(d -> d.uid().value()).allMatch(id -> id.startsWith("same-"));
        for (int i = 0; i < all.size(); i++) {
            List<SyncDelta> rest = sync(all.get(i).token());
            assertThat(rest).extracting(SyncDelta::uid).as("after delta %d", i)
                    .containsExactlyElementsOf(all.subList(i + 1, all.size()).stream().map(SyncDelta::uid).toList());
        }
    }

    @Test
    void rowsYoungerThanTheLagWaitForTheNextSync() throws Exception {
        Instant now = connector.currentTime();
        row("old", "o", now.minusSeconds(60));
        row("fresh", "f", now.plusSeconds(30));
        List<SyncDelta> first = sync(null);
        assertThat(first).extracting(d -> d.uid().value()).containsExactly("old");
        assertThat(connector.getLatestSyncToken(ITEMS)).isEqualTo(first.get(0).token());
        assertThat(sync(first.get(0).token())).isEmpty();
    }

    @Test
    void softDeletesAreDeletionsAndVersionsAreTimestamps() throws Exception {
        Instant old = connector.currentTime().minusSeconds(120);
        row("a", "first", old);
        ConnectorObject a = connector.get(ITEMS, new Uid("a"), null).orElseThrow();
        assertThat(a.version()).isEqualTo(old.truncatedTo(ChronoUnit.MICROS).toString());
        SyncToken token = sync(null).get(0).token();

        var updated = connector.update(ITEMS, new Uid("a"), a.version(), Map.of("name", "second"), null);
        assertThat(updated.version()).isNotEqualTo(a.version());
        assertThatThrownBy(() -> connector.update(ITEMS, new Uid("a"), a.version(), Map.of("name", "third"), null))
                .isInstanceOf(VersionConflictException.class);
        connector.delete(ITEMS, new Uid("a"), updated.version(), null);
        assertThat(connector.get(ITEMS, new Uid("a"), null)).isEmpty();

        try (Statement statement = sql.createStatement()) {
            // Age the row past the lag, as time would.
            statement.executeUpdate("UPDATE items SET updated_at = updated_at - INTERVAL '1' MINUTE WHERE id = 'a'");
        }
        List<SyncDelta> after = sync(token);
        assertThat(after).hasSize(1);
        assertThat(after.get(0).type()).isEqualTo(SyncDeltaType.DELETE);
    }
}
