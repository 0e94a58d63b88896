/**
 * The JDBC connector: syncs tables of PostgreSQL, MariaDB and SQLite databases, with change
 * detection by a trigger-kept change-log column (see {@link
 * dev.tributary.connectors.jdbc.JdbcConnector}) or a timestamp column.
 */
package dev.tributary.connectors.jdbc;
