package dev.tributary.connector;

/**
 * Makes a connector type known to the hub. List an implementation in
 * {@code META-INF/services/dev.tributary.connector.ConnectorProvider}; the hub finds it there and
 * offers endpoints of type {@link #name()}.
 */
public interface ConnectorProvider {

    /** The connector type's name, as endpoints name it (e.g. {@code jdbc}). */
    String name();

    /** One line for people. */
    String description();

    /** A new, uninitialized connector. */
    Connector create();

    /**
     * The connector types this provider offers: itself, unless it hosts plug-ins (such as ConnId
     * bundles), when it offers one type per plug-in found.
     */
    default java.util.List<ConnectorProvider> types() {
        return java.util.List.of(this);
    }

    /** Plug-ins this provider found but cannot offer, each with the reason (for {@code connectors list}). */
    default java.util.List<String> problems() {
        return java.util.List.of();
    }
}
