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
}
