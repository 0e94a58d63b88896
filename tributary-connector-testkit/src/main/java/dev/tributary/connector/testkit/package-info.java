/**
 * Contract tests for connectors. Extend {@link dev.tributary.connector.testkit.ConnectorContractTest}
 * with a {@link dev.tributary.connector.testkit.ConnectorFixture} for your system; see the
 * connector author's guide in {@code docs/connectors.md}.
 */
package dev.tributary.connector.testkit;
