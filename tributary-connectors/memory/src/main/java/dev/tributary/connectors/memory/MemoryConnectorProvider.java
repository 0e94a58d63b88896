package dev.tributary.connectors.memory;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;

/** Offers the memory connector to the hub as connector type {@code memory}. */
public final class MemoryConnectorProvider implements ConnectorProvider {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "an in-memory system, for tests, demos and as the reference implementation";
    }

    @Override
    public Connector create() {
        return new MemoryConnector();
    }
}
