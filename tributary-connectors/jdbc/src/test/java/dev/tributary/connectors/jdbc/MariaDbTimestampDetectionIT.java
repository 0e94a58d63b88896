package dev.tributary.connectors.jdbc;

import dev.tributary.connector.testkit.ExternalDatabases;

class MariaDbTimestampDetectionIT extends TimestampDetectionContract {
    @Override
    protected ExternalDatabases.Scratch database() {
        return ExternalDatabases.mariadbDatabase();
    }
}
