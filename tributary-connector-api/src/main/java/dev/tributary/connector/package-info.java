/**
 * Tributary's connector SPI: the small, JDK-only contract between the hub and the external
 * systems it keeps in sync.
 *
 * <p>This package holds the model types shared by connectors and the hub: {@link
 * dev.tributary.connector.Uid} (an external system's identifier of an object), {@link
 * dev.tributary.connector.ObjectClass} (the kind of object, like a table or a structure) and
 * {@link dev.tributary.connector.SyncToken} (an opaque position in an external system's change
 * history, owned by the connector and stored by the hub with its value type).
 *
 * <p>The module depends on the JDK only, so a connector author needs nothing else on the
 * classpath; a build-time architecture test keeps it that way.
 */
package dev.tributary.connector;
