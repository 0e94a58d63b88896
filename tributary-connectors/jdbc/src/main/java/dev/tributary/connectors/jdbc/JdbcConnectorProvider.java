package dev.tributary.connectors.jdbc;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;

/** Offers the JDBC connector to the hub as connector type {@code jdbc}. */
public final class JdbcConnectorProvider implements ConnectorProvider {

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public String description() {
        return "tables of a PostgreSQL, MariaDB or SQLite database";
    }

    @Override
    public Connector create() {
        return new JdbcConnector();
    }
}
