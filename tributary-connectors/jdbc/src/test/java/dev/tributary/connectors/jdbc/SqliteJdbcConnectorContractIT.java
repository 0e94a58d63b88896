package dev.tributary.connectors.jdbc;

import dev.tributary.connector.testkit.ConnectorContractTest;
import dev.tributary.connector.testkit.ConnectorFixture;

class SqliteJdbcConnectorContractIT extends ConnectorContractTest {

    @Override
    protected ConnectorFixture createFixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
