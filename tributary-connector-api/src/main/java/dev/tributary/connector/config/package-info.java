/**
 * Declared connector settings: a connector lists what it takes in a {@link
 * dev.tributary.connector.config.ConfigDef}; the runtime validates the user's values against it,
 * reporting every problem at once, and hands the connector a typed {@link
 * dev.tributary.connector.config.ConnectorConfig}. Secret values travel as {@link
 * dev.tributary.connector.config.Secret}, which never prints itself.
 */
package dev.tributary.connector.config;
