package dev.tributary.connector;

import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConnectorConfig;

/**
 * A link to one external system. A connector implements this interface plus one interface per
 * capability it has ({@link SyncOp}, {@link SearchOp}, {@link CreateOp}, {@link UpdateOp},
 * {@link DeleteOp}, {@link SchemaOp}, {@link ClockOp}); the engine checks capabilities and never
 * calls what is not there.
 *
 * <p>Lifecycle: the runtime creates the connector with its no-argument constructor, asks for
 * {@link #configDef()}, validates the user's settings against it (reporting every problem at
 * once), calls {@link #init} with the validated settings, then any operations, then {@link
 * #dispose()}. A connector instance is used by one thread at a time.
 */
public interface Connector {

    /** The settings this connector takes. Called before {@link #init}; must not need it. */
    ConfigDef configDef();

    /** Prepares the connector with settings already validated against {@link #configDef()}. */
    void init(ConnectorConfig config);

    /**
     * Checks that the external system can be reached and used with these settings.
     *
     * @throws ConnectorException saying what is wrong
     */
    void test();

    /** Releases connections and other resources. Called once; the connector is not used afterwards. */
    void dispose();
}
