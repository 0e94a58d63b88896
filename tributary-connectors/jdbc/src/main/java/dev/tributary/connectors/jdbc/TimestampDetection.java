package dev.tributary.connectors.jdbc;

import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connectors.jdbc.JdbcConnector.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Timestamp detection: rows are read by (timestamp, key), so resuming is exact even among rows
 * with equal timestamps, and rows younger than the database's clock minus the lag wait for the
 * next sync (slow transactions get that long to commit). A row's version is its timestamp.
 */
final class TimestampDetection implements ChangeDetection {

    private final JdbcConnector connector;
    private final Dialect dialect;
    private final JdbcSettings settings;

    TimestampDetection(JdbcConnector connector, Dialect dialect, JdbcSettings settings) {
        this.connector = connector;
        this.dialect = dialect;
        this.settings = settings;
    }

    @Override
    public void sync(List<Table> targets, SyncToken token, SyncResultsHandler handler, int batch) throws SQLException {
        if (targets.size() > 1) {
            throw new UnsupportedOperationException("timestamp detection syncs one table at a time, not "
                    + ObjectClass.ALL);
        }
        sync(targets.get(0), token, handler, batch);
    }

    @Override
    public SyncToken latestToken(List<Table> targets) throws SQLException {
        Connection c = connector.connection();
        Table table = targets.get(0);
        String ts = dialect.quote(table.change().name());
        String key = dialect.quote(table.key().name());
        try (PreparedStatement select = c.prepareStatement("SELECT " + ts + ", " + key + " FROM "
                + dialect.quote(table.name()) + " WHERE " + ts + " <= ? ORDER BY " + ts + " DESC, " + key
                + " DESC LIMIT 1")) {
            Values.bind(select, 1, connector.databaseTime(c).minus(settings.timestampLag()), table.change());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new TimestampPosition((Instant) Values.read(row, 1, table.change()),
                        row.getString(2)).token() : null;
            }
        }
    }

    @Override
    public String version(ResultSet rows, int index) throws SQLException {
        Object value = Values.read(rows, index, new Tables.Column("ts", java.sql.Types.TIMESTAMP, "timestamp", dialect));
        return value == null ? null : value.toString();
    }

    @Override
    public boolean bindVersion(PreparedStatement statement, int index, String expectedVersion, Table table)
            throws SQLException {
        try {
            Values.bind(statement, index, Instant.parse(expectedVersion), table.change());
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    @Override
    public String setOnWrite(Table table) {
        return dialect.quote(table.change().name()) + " = " + dialect.now();
    }

    private void sync(Table table, SyncToken token, SyncResultsHandler handler, int batch)
            throws SQLException {
        TimestampPosition position = TimestampPosition.parse(token);
        Connection c = connector.connection();
        Instant upper = connector.databaseTime(c).minus(settings.timestampLag());
        String ts = dialect.quote(table.change().name());
        String key = dialect.quote(table.key().name());
        String from = "SELECT " + connector.columnList(table) + " FROM " + dialect.quote(table.name()) + " WHERE " + ts + " <= ?";
        TimestampPosition last = position;
        while (true) {
            List<Object[]> page = new ArrayList<>();
            String sql = from + (last == null ? "" : " AND (" + ts + " > ? OR (" + ts + " = ? AND " + key + " > ?))")
                    + " ORDER BY " + ts + ", " + key + " LIMIT ?";
            try (PreparedStatement select = c.prepareStatement(sql)) {
                int p = 1;
                Values.bind(select, p++, upper, table.change());
                if (last != null) {
                    Values.bind(select, p++, last.time(), table.change());
                    Values.bind(select, p++, last.time(), table.change());
                    Values.bindKey(select, p++, last.key(), table.key());
                }
                select.setInt(p, batch);
                readTimestampRows(table, select, page);
            }
            if (page.isEmpty()) {
                break;
            }
            boolean full = page.size() == batch;
            if (full) {
                // Never end a batch between rows of equal timestamp.
                Object[] tail = page.get(page.size() - 1);
                try (PreparedStatement rest = c.prepareStatement(from + " AND " + ts + " = ? AND " + key + " > ? ORDER BY " + key)) {
                    Values.bind(rest, 1, upper, table.change());
                    Values.bind(rest, 2, tail[0], table.change());
                    Values.bindKey(rest, 3, ((ConnectorObject) tail[1]).uid().value(), table.key());
                    readTimestampRows(table, rest, page);
                }
            }
            for (Object[] row : page) {
                ConnectorObject object = (ConnectorObject) row[1];
                TimestampPosition at = new TimestampPosition((Instant) row[0], object.uid().value());
                SyncDelta delta = (Boolean) row[2]
                        ? SyncDelta.builder().type(SyncDeltaType.DELETE).token(at.token()).objectClass(table.objectClass())
                                .uid(object.uid()).build()
                        : SyncDelta.builder().type(SyncDeltaType.CREATE_OR_UPDATE).token(at.token()).object(object).build();
                last = at;
                if (!handler.handle(delta)) {
                    if (handler instanceof SyncTokenResultsHandler tokens) {
                        tokens.handleResult(delta.token());
                    }
                    return;
                }
            }
            if (!full) {
                break;
            }
        }
        if (handler instanceof SyncTokenResultsHandler tokens && last != null) {
            tokens.handleResult(last.token());
        }
    }

    private void readTimestampRows(Table table, PreparedStatement select, List<Object[]> into) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Instant time = (Instant) Values.read(rows, 2, table.change());
                into.add(new Object[] {time, connector.readObject(table, rows), connector.softDeleted(table, rows)});
            }
        }
    }

    /** A timestamp-detection position: the last delivered row's timestamp and key. */
    record TimestampPosition(Instant time, String key) {

        static TimestampPosition parse(SyncToken token) {
            if (token == null) {
                return null;
            }
            if (token.value() instanceof String text) {
                int bar = text.indexOf('|');
                if (bar > 0) {
                    try {
                        return new TimestampPosition(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
                    } catch (java.time.format.DateTimeParseException e) {
                        // fall through to the error below
                    }
                }
            }
            throw new InvalidSyncTokenException("a timestamp sync token is '<ISO instant>|<key>', not " + token);
        }

        SyncToken token() {
            return new SyncToken(time + "|" + key);
        }
    }
}
