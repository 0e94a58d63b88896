package dev.tributary.store;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;

/**
 * Deletions external systems report to the hub directly (the "tracked" deletion strategy), in
 * the order they arrive; links consume them after their own checkpoint.
 */
public final class DeletionLog {

    /** One reported deletion. */
    public record Entry(long seq, String endpoint, String objectClass, String uid) {
    }

    private final Database database;
    private final Clock clock;

    DeletionLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Records deletions, durably, in order. */
    public void append(String endpoint, String objectClass, List<String> uids) {
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO deletion_log (endpoint, object_class, uid, reported_at) VALUES (?, ?, ?, ?)")) {
                for (String uid : uids) {
                    insert.setString(1, endpoint);
                    insert.setString(2, objectClass);
                    insert.setString(3, uid);
                    insert.setLong(4, clock.millis());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    /** Up to {@code limit} deletions of an endpoint's object class after {@code seq}, in order. */
    public List<Entry> after(String endpoint, String objectClass, long seq, int limit) {
        return database.read(connection -> Rows.query(connection,
                row -> new Entry(row.getLong(1), row.getString(2), row.getString(3), row.getString(4)),
                "SELECT seq, endpoint, object_class, uid FROM deletion_log WHERE endpoint = ? AND object_class = ? AND seq > ?"
                        + " ORDER BY seq LIMIT ?", endpoint, objectClass, seq, limit));
    }
}
