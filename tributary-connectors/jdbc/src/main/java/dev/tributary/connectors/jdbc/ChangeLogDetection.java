package dev.tributary.connectors.jdbc;

import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connectors.jdbc.JdbcConnector.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Change-log detection: triggers give every written row a change value and record deletions and
 * renames in a tracking table; a sync reads rows and entries with a value in (token, head], the
 * head being what {@link ChangeTracking#head} says can no longer be overtaken by a commit. A row's
 * version is its change value.
 */
final class ChangeLogDetection implements ChangeDetection {

    private final JdbcConnector connector;
    private final Dialect dialect;
    private final JdbcSettings settings;

    ChangeLogDetection(JdbcConnector connector, Dialect dialect, JdbcSettings settings) {
        this.connector = connector;
        this.dialect = dialect;
        this.settings = settings;
    }

    @Override
    public SyncToken latestToken(List<Table> targets) throws SQLException {
        return new SyncToken(ChangeTracking.head(connector.connection(), dialect, settings,
                targets.stream().map(Table::name).toList(), -1));
    }

    @Override
    public String version(ResultSet rows, int index) throws SQLException {
        long change = rows.getLong(index);
        return rows.wasNull() ? null : Long.toString(change);
    }

    @Override
    public boolean bindVersion(PreparedStatement statement, int index, String expectedVersion, Table table)
            throws SQLException {
        try {
            statement.setLong(index, Long.parseLong(expectedVersion));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String setOnWrite(Table table) {
        return null; // the triggers keep the change column
    }

    @Override
    public void sync(List<Table> targets, SyncToken token, SyncResultsHandler handler, int batch)
            throws SQLException {
        long cursor = changePosition(token);
        Connection c = connector.connection();
        long head = ChangeTracking.head(c, dialect, settings, targets.stream().map(Table::name).toList(), cursor);
        if (cursor > head) {
            throw new InvalidSyncTokenException("the token " + cursor + " is ahead of the database's change counter ("
                    + head + "); was the database restored from a backup?");
        }
        while (cursor < head) {
            List<Item> items = new ArrayList<>();
            long limit = head;
            for (Table table : targets) {
                List<Item> rows = readRows(c, table, cursor, head, batch);
                if (rows.size() == batch) {
                    limit = Math.min(limit, rows.get(rows.size() - 1).change());
                }
                items.addAll(rows);
                List<Item> entries = readTracking(c, table, cursor, head, batch);
                if (entries.size() == batch) {
                    limit = Math.min(limit, entries.get(entries.size() - 1).change());
                }
                items.addAll(entries);
            }
            if (items.isEmpty()) {
                break;
            }
            long upTo = limit;
            items.removeIf(item -> item.change() > upTo);
            items.sort(Comparator.comparingLong(Item::change).thenComparing(item -> !item.tracking()));
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                SyncDelta delta;
                if (item.tracking() && item.renamedTo() != null) {
                    Item renamedRow = i + 1 < items.size() && items.get(i + 1).change() == item.change()
                            && !items.get(i + 1).tracking() && items.get(i + 1).uid().equals(item.renamedTo())
                            ? items.get(++i) : null;
                    delta = renameDelta(c, item, renamedRow);
                } else if (item.tracking() || item.deletedRow()) {
                    delta = SyncDelta.builder().type(SyncDeltaType.DELETE).token(new SyncToken(item.change()))
                            .objectClass(item.table().objectClass()).uid(new Uid(item.uid())).build();
                } else {
                    delta = SyncDelta.builder().type(SyncDeltaType.CREATE_OR_UPDATE).token(new SyncToken(item.change()))
                            .object(item.object()).build();
                }
                if (!handler.handle(delta)) {
                    if (handler instanceof SyncTokenResultsHandler tokens) {
                        tokens.handleResult(delta.token());
                    }
                    return;
                }
            }
            cursor = upTo;
        }
        if (handler instanceof SyncTokenResultsHandler tokens) {
            tokens.handleResult(new SyncToken(Math.max(head, cursor)));
        }
    }

    private SyncDelta renameDelta(Connection c, Item entry, Item renamedRow) throws SQLException {
        SyncToken token = new SyncToken(entry.change());
        ConnectorObject object = renamedRow != null ? renamedRow.object()
                : connector.readOne(c, entry.table(), entry.renamedTo()).orElse(null);
        if (object == null || (renamedRow != null && renamedRow.deletedRow())) {
            return SyncDelta.builder().type(SyncDeltaType.DELETE).token(token).objectClass(entry.table().objectClass())
                    .uid(new Uid(entry.uid())).build();
        }
        return SyncDelta.builder().type(SyncDeltaType.UPDATE).token(token).object(object)
                .previousUid(new Uid(entry.uid())).build();
    }

    private static long changePosition(SyncToken token) {
        if (token == null) {
            return 0;
        }
        if (token.value() instanceof Long position && position >= 0) {
            return position;
        }
        throw new InvalidSyncTokenException("a change-log sync token is a non-negative Long, not " + token);
    }

    private List<Item> readRows(Connection c, Table table, long after, long head, int batch) throws SQLException {
        String change = dialect.quote(table.change().name());
        try (PreparedStatement select = c.prepareStatement("SELECT " + connector.columnList(table) + " FROM "
                + dialect.quote(table.name()) + " WHERE " + change + " > ? AND " + change + " <= ? ORDER BY " + change
                + " LIMIT ?")) {
            select.setLong(1, after);
            select.setLong(2, head);
            select.setInt(3, batch);
            List<Item> items = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ConnectorObject object = connector.readObject(table, rows);
                    items.add(new Item(rows.getLong(2), table, object.uid().value(), null, object,
                            connector.softDeleted(table, rows), false));
                }
            }
            return items;
        }
    }

    private List<Item> readTracking(Connection c, Table table, long after, long head, int batch) throws SQLException {
        String change = dialect.quote(table.change().name());
        try (PreparedStatement select = c.prepareStatement("SELECT uid, " + change + ", renamed_to FROM "
                + dialect.quote(JdbcSettings.deletionTable(table.name())) + " WHERE " + change + " > ? AND " + change
                + " <= ? ORDER BY " + change + " LIMIT ?")) {
            select.setLong(1, after);
            select.setLong(2, head);
            select.setInt(3, batch);
            List<Item> items = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    items.add(new Item(rows.getLong(2), table, rows.getString(1), rows.getString(3), null, false, true));
                }
            }
            return items;
        }
    }

    /** A row or tracking entry on its way into a delta. */
    private record Item(long change, Table table, String uid, String renamedTo, ConnectorObject object,
            boolean deletedRow, boolean tracking) {
    }
}
