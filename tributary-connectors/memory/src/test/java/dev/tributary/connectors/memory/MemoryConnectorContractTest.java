package dev.tributary.connectors.memory;

import dev.tributary.connector.testkit.ConnectorContractTest;
import dev.tributary.connector.testkit.ConnectorFixture;

class MemoryConnectorContractTest extends ConnectorContractTest {

    @Override
    protected ConnectorFixture createFixture() {
        return new MemoryFixture();
    }
}
