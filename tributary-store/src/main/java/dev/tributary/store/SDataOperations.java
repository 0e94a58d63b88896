package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * SData asynchronous operations as every hub node of the store sees them: which node runs one,
 * whether it is running, done (with its result), failed or ended. The node that runs an
 * operation keeps its live progress in memory; the others answer from here.
 */
public final class SDataOperations {

    /** An operation: {@code state} is running, done, failed or ended; {@code result} is set when done. */
    public record Operation(String key, String kind, String resource, String node, String state, String result, String error,
            Instant startedAt, Instant touchedAt) {
    }

    private final Database database;
    private final Clock clock;

    SDataOperations(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Records an operation that {@code node} started (or started again under an old key). */
    public void started(String key, String kind, String resource, String node) {
        long now = clock.millis();
        database.write(connection -> {
            Rows.update(connection, "DELETE FROM sdata_operations WHERE op_key = ?", key);
            return Rows.update(connection, "INSERT INTO sdata_operations (op_key, kind, resource, node, state, started_at,"
                    + " touched_at) VALUES (?, ?, ?, ?, 'running', ?, ?)", key, kind, resource, node, now, now);
        });
    }

    /** Stores a running operation's result; nothing when it ended meanwhile. */
    public void finished(String key, String result) {
        database.write(connection -> Rows.update(connection, "UPDATE sdata_operations SET state = 'done', result = ?,"
                + " touched_at = ? WHERE op_key = ? AND state = 'running'", result, clock.millis(), key));
    }

    /** Records that a running operation failed. */
    public void failed(String key, String error) {
        database.write(connection -> Rows.update(connection, "UPDATE sdata_operations SET state = 'failed', error = ?,"
                + " touched_at = ? WHERE op_key = ? AND state = 'running'", error, clock.millis(), key));
    }

    /** Ends an operation (the client deleted it, or it was dropped); its result goes. Whether it existed and had not ended. */
    public boolean end(String key) {
        return database.write(connection -> Rows.update(connection, "UPDATE sdata_operations SET state = 'ended',"
                + " result = NULL, touched_at = ? WHERE op_key = ? AND state <> 'ended'", clock.millis(), key)) > 0;
    }

    public Optional<Operation> get(String key) {
        return database.read(connection -> Rows.one(connection, SDataOperations::read, "SELECT op_key, kind, resource, node,"
                + " state, result, error, started_at, touched_at FROM sdata_operations WHERE op_key = ?", key));
    }

    /**
     * Whether an operation has ended (a client deleted it through any node) — without reading its
     * result, which for a $syncSource holds the whole selection and is asked about at every page.
     */
    public boolean ended(String key) {
        return database.read(connection -> Rows.one(connection, row -> row.getString(1),
                "SELECT state FROM sdata_operations WHERE op_key = ?", key)).map("ended"::equals).orElse(false);
    }

    /** Forgets operations untouched since {@code before}. */
    public int purge(Instant before) {
        return database.write(connection -> Rows.update(connection, "DELETE FROM sdata_operations WHERE touched_at < ?",
                before.toEpochMilli()));
    }

    private static Operation read(ResultSet row) throws SQLException {
        return new Operation(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getString(7), Instant.ofEpochMilli(row.getLong(8)), Instant.ofEpochMilli(row.getLong(9)));
    }
}
