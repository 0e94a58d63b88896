/**
 * The ConnId bridge: runs real OpenICF/ConnId connector bundles as Tributary connectors. {@link
 * dev.tributary.connectors.connid.ConnIdBundles} loads bundles, {@link
 * dev.tributary.connectors.connid.ConnIdConnector} maps the sync, search, create, update and delete
 * operations and their values onto the connector SPI. It may use only the connector SPI.
 */
package dev.tributary.connectors.connid;
