package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The history of link runs, and the rule of one active run per link. */
public final class Runs {

    private static final String COLUMNS = "id, link, mode, state, phase, progress, stats, error, created_at, started_at, finished_at";

    /** Thrown when a link already has a queued or running run. */
    public static final class AlreadyActiveException extends StoreException {
        public AlreadyActiveException(String link) {
            super("link '" + link + "' already has a run queued or running; wait for it to end");
        }
    }

    private final Database database;
    private final Clock clock;

    Runs(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Queues a run of a link; refused while one is queued or running. */
    public RunRecord create(String link, String mode) {
        return create(link, mode, null);
    }

    /** Queues a run of a link that {@code node} executes; refused while one is queued or running. */
    public RunRecord create(String link, String mode, String node) {
        String id = UUID.randomUUID().toString();
        for (int attempt = 1; ; attempt++) {
            try {
                database.write(connection -> Rows.update(connection, "INSERT INTO runs (id, link, mode, state, progress,"
                        + " stats, created_at, node) VALUES (?, ?, ?, 'queued', 0, '{}', ?, ?)", id, link, mode, clock.millis(),
                        node));
                return get(id).orElseThrow();
            } catch (StoreException e) {
                if (get(id).isPresent()) {
                    throw e;
                }
                if (active(link).isPresent()) {
                    throw new AlreadyActiveException(link);
                }
                if (attempt == 2) {
                    throw e;
                }
                // the active run that was in the way ended meanwhile: try once more
            }
        }
    }

    /**
     * Records a run's progress. A run that has finished stays as it finished: a late update (say,
     * from a node that lost the link's lease while its run was marked failed) changes nothing.
     */
    public void update(String id, String state, String phase, double progress, String statsJson, String error) {
        long now = clock.millis();
        database.write(connection -> Rows.update(connection, "UPDATE runs SET state = ?, phase = ?, progress = ?, stats = ?,"
                + " error = ?, started_at = CASE WHEN started_at IS NULL AND ? <> 'queued' THEN ? ELSE started_at END,"
                + " finished_at = CASE WHEN ? IN ('succeeded', 'failed', 'cancelled') THEN ? ELSE finished_at END"
                + " WHERE id = ? AND state IN ('queued', 'running')",
                state, phase, progress, statsJson, error, state, now, state, now, id));
    }

    public Optional<RunRecord> get(String id) {
        return database.read(connection -> Rows.one(connection, Runs::read, "SELECT " + COLUMNS + " FROM runs WHERE id = ?", id));
    }

    public Optional<RunRecord> active(String link) {
        return database.read(connection -> Rows.one(connection, Runs::read, "SELECT " + COLUMNS
                + " FROM runs WHERE link = ? AND state IN ('queued', 'running')", link));
    }

    /** Runs, newest first, optionally of one link and in one state. */
    public List<RunRecord> list(String link, String state, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM runs WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (link != null) {
            sql.append(" AND link = ?");
            values.add(link);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            values.add(state);
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ?");
        values.add(limit);
        return database.read(connection -> Rows.query(connection, Runs::read, sql.toString(), values.toArray()));
    }

    /** Removes finished runs that finished before {@code cutoff}; returns how many. */
    public int purgeFinishedBefore(java.time.Instant cutoff) {
        return database.write(connection -> Rows.update(connection, "DELETE FROM runs WHERE state IN ('succeeded', 'failed',"
                + " 'cancelled') AND finished_at < ?", cutoff.toEpochMilli()));
    }

    /** Removes one finished run from the history. */
    public void delete(String id) {
        database.write(connection -> Rows.update(connection, "DELETE FROM runs WHERE id = ? AND state IN ('succeeded',"
                + " 'failed', 'cancelled')", id));
    }

    /**
     * Marks failed the active runs whose node does not hold their link's lease any more (the
     * node stopped, died or paused past it; see {@link Nodes}), and those recorded without a node.
     * Such a run can write nothing; its checkpoints are at their last durable point and the next
     * run continues there.
     */
    public int failOrphaned(String reason) {
        long now = clock.millis();
        return database.write(connection -> Rows.update(connection, "UPDATE runs SET state = 'failed', error = ?,"
                + " finished_at = ? WHERE state IN ('queued', 'running') AND (node IS NULL OR NOT EXISTS (SELECT 1 FROM leases"
                + " WHERE leases.name = 'link:' || runs.link AND leases.owner = runs.node AND leases.expires_at > ?))",
                reason, now, now));
    }

    /**
     * Marks failed a link's active run that another node executes — for the node that just took
     * the link's lease over: the old run can write nothing any more (its lease is fenced off).
     */
    public int failTakenOver(String link, String node, String reason) {
        long now = clock.millis();
        return database.write(connection -> Rows.update(connection, "UPDATE runs SET state = 'failed', error = ?,"
                + " finished_at = ? WHERE link = ? AND state IN ('queued', 'running') AND (node IS NULL OR node <> ?)",
                reason, now, link, node));
    }

    private static RunRecord read(ResultSet row) throws SQLException {
        return new RunRecord(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getDouble(6), row.getString(7), row.getString(8), Rows.instant(row, "created_at"),
                Rows.instant(row, "started_at"), Rows.instant(row, "finished_at"));
    }
}
