package dev.tributary.connectors.jdbc;

import dev.tributary.connector.testkit.ExternalDatabases;

class PostgresTimestampDetectionIT extends TimestampDetectionContract {
    @Override
    protected ExternalDatabases.Scratch database() {
        return ExternalDatabases.postgresSchema();
    }
}
