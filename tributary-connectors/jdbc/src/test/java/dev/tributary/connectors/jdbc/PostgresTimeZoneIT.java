package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Timestamps keep their instant whatever the hub's own time zone: a {@code timestamptz} holds
 * the instant, a {@code timestamp} (without zone) its UTC wall-clock time, read back unchanged.
 */
class PostgresTimeZoneIT {

    private static final ObjectClass EVENTS = new ObjectClass("events");
    private static final Instant AT = Instant.parse("2024-03-10T12:34:56.123456Z");

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "America/New_York", "Asia/Kolkata"})
    void timestampsDoNotDependOnTheJvmZone(String zone) throws Exception {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try (ExternalDatabases.Scratch database = ExternalDatabases.postgresSchema();
                Connection sql = DriverManager.getConnection(database.jdbcUrl())) {
            try (Statement statement = sql.createStatement()) {
                statement.execute("CREATE TABLE events (id VARCHAR(64) PRIMARY KEY, at TIMESTAMPTZ, local_at TIMESTAMP)");
                statement.execute("INSERT INTO events VALUES ('fixed', '2024-03-10T12:34:56.123456Z', '2024-03-10 12:34:56.123456')");
            }
            try (GuardedConnector connector = GuardedConnector.open(new JdbcConnector(), Map.of("url", database.jdbcUrl(),
                    "tables", "events", "installTriggers", "true", "keyGeneration", "uuid"))) {
                ConnectorObject fixed = connector.get(EVENTS, new dev.tributary.connector.Uid("fixed"), OperationOptions.DEFAULTS)
                        .orElseThrow();
                assertThat(fixed.fields()).as("read in %s", zone).containsEntry("at", AT).containsEntry("local_at", AT);

                VersionedUid written = connector.create(EVENTS, Map.of("at", AT, "local_at", AT), OperationOptions.DEFAULTS);
                try (Statement statement = sql.createStatement(); ResultSet row = statement.executeQuery(
                        "SELECT at = '2024-03-10T12:34:56.123456Z'::timestamptz, local_at = '2024-03-10 12:34:56.123456'::timestamp"
                                + " FROM events WHERE id = '" + written.uid().value() + "'")) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getBoolean(1)).as("timestamptz written in %s", zone).isTrue();
                    assertThat(row.getBoolean(2)).as("timestamp written in %s", zone).isTrue();
                }
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
