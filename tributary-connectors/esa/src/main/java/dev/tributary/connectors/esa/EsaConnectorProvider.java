package dev.tributary.connectors.esa;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;

/** Offers the ESA connector to the hub as connector type {@code esa}. */
public final class EsaConnectorProvider implements ConnectorProvider {

    @Override
    public String name() {
        return "esa";
    }

    @Override
    public String description() {
        return "an External System Adapter over the ESA protocol (XML over HTTP)";
    }

    @Override
    public Connector create() {
        return new EsaConnector();
    }
}
