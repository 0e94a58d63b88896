package dev.tributary.connectors.jdbc;

import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connectors.jdbc.JdbcConnector.Table;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * How the connector finds what changed in its tables, and what a row's version is: a change log
 * kept by triggers ({@link ChangeLogDetection}) or a last-modified timestamp
 * ({@link TimestampDetection}). Everything else the connector does is the same for both.
 */
interface ChangeDetection {

    /** Delivers the changes after {@code token} (null: everything) in batches of up to {@code batch}. */
    void sync(List<Table> targets, SyncToken token, SyncResultsHandler handler, int batch) throws SQLException;

    /** The token a sync starting now would end at; null when there is nothing yet. */
    SyncToken latestToken(List<Table> targets) throws SQLException;

    /** The version of the row read at this column (its change value or timestamp). */
    String version(ResultSet rows, int index) throws SQLException;

    /** Binds an expected version for a write's guard; false if it cannot be one of this table's. */
    boolean bindVersion(PreparedStatement statement, int index, String expectedVersion, Table table) throws SQLException;

    /** The assignment a write's SET adds (the timestamp, with timestamp detection), or null when the triggers keep it. */
    String setOnWrite(Table table);
}
