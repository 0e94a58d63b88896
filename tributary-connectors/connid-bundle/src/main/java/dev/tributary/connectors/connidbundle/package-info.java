/**
 * Tributary's connectors inside ConnId hosts. {@link
 * dev.tributary.connectors.connidbundle.SpiConnectorAdapter} turns any connector written against
 * Tributary's SPI into a ConnId connector; {@link
 * dev.tributary.connectors.connidbundle.TributaryJdbcConnector} with its {@link
 * dev.tributary.connectors.connidbundle.TributaryJdbcConfiguration} is the JDBC connector so
 * adapted. The module's jar is a ConnId bundle: these classes at the root, the JDBC connector, the
 * SPI and the PostgreSQL, MariaDB and SQLite drivers in {@code lib/}, and the
 * {@code ConnectorBundle-*} manifest entries. To offer another of our connectors, subclass the
 * adapter with a configuration class whose properties are that connector's settings.
 */
package dev.tributary.connectors.connidbundle;
