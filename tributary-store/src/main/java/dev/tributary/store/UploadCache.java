package dev.tributary.store;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Upload requests by id, so a resent request is answered, not applied again.
 *
 * <p>Implementation notes. A request is claimed ({@link #begin}) before any of its changes is
 * applied; each change's outcome is stored in the same transaction that applies the change
 * ({@link StoreTransaction#recordUploadOutcome}); the answer is stored when all are done. So a
 * resend of a finished request gets its first answer; a resend while it is being processed is told
 * to retry; and a resend after the hub died mid-request (its claim gone stale) continues with the
 * changes that were not applied — each change exactly once, whatever happens in between.
 */
public final class UploadCache {

    /** What {@link #begin} found. */
    public enum State { NEW, IN_PROGRESS, DONE, RESUMED }

    /**
     * The answer to {@link #begin}.
     *
     * @param state what was found
     * @param status the stored answer's HTTP status (DONE)
     * @param answer the stored answer (DONE)
     * @param outcomes the outcomes already stored, by change index (RESUMED)
     */
    public record Claim(State state, int status, String answer, Map<Integer, String> outcomes) {
    }

    private final Database database;
    private final Clock clock;

    UploadCache(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Claims a request id for processing.
     *
     * @param keep how long the answer is kept
     * @param staleAfter how long a claim may stay in processing before a resend takes it over
     */
    public Claim begin(String service, String requestId, Duration keep, Duration staleAfter) {
        // A claim lost in a crash is harmless: no change of the request can have committed after it.
        return database.writeRelaxed(connection -> {
            long now = clock.millis();
            var existing = Rows.one(connection, row -> new Object[] {row.getString(1), row.getInt(2), row.getString(3),
                            row.getLong(4), row.getLong(5)},
                    "SELECT state, status, answer, started_at, expires_at FROM upload_requests WHERE service = ? AND request_id = ?",
                    service, requestId);
            if (existing.isPresent() && (long) existing.get()[4] < now) {
                forget(connection, service, requestId);
                existing = java.util.Optional.empty();
            }
            if (existing.isEmpty()) {
                Rows.update(connection, "INSERT INTO upload_requests (service, request_id, state, started_at, expires_at)"
                        + " VALUES (?, ?, 'processing', ?, ?)", service, requestId, now, now + keep.toMillis());
                return new Claim(State.NEW, 0, null, Map.of());
            }
            Object[] row = existing.get();
            if ("done".equals(row[0])) {
                return new Claim(State.DONE, (int) row[1], (String) row[2], Map.of());
            }
            if (now - (long) row[3] < staleAfter.toMillis()) {
                return new Claim(State.IN_PROGRESS, 0, null, Map.of());
            }
            Rows.update(connection, "UPDATE upload_requests SET started_at = ? WHERE service = ? AND request_id = ?",
                    now, service, requestId);
            Map<Integer, String> outcomes = new HashMap<>();
            Rows.query(connection, r -> outcomes.put(r.getInt(1), r.getString(2)),
                    "SELECT idx, outcome FROM upload_changes WHERE service = ? AND request_id = ?", service, requestId);
            return new Claim(State.RESUMED, 0, null, outcomes);
        });
    }

    /** Stores a request's answer. */
    public void finish(String service, String requestId, int status, String answer) {
        database.write(connection -> Rows.update(connection, "UPDATE upload_requests SET state = 'done', status = ?, answer = ?"
                + " WHERE service = ? AND request_id = ?", status, answer, service, requestId));
    }

    /**
     * Releases a claim whose processing failed part-way: a resend resumes it at once, applying only
     * the changes without a stored outcome.
     */
    public void release(String service, String requestId) {
        database.write(connection -> Rows.update(connection, "UPDATE upload_requests SET started_at = 0"
                + " WHERE service = ? AND request_id = ? AND state = 'processing'", service, requestId));
    }

    /** Gives a claim up (the request was refused before any change was applied). */
    public void abandon(String service, String requestId) {
        database.write(connection -> {
            forget(connection, service, requestId);
            return null;
        });
    }

    /** Removes expired requests; returns how many. */
    public int purgeExpired() {
        long now = clock.millis();
        return database.write(connection -> {
            Rows.update(connection, "DELETE FROM upload_changes WHERE EXISTS (SELECT 1 FROM upload_requests r WHERE"
                    + " r.service = upload_changes.service AND r.request_id = upload_changes.request_id AND r.expires_at < ?)", now);
            return Rows.update(connection, "DELETE FROM upload_requests WHERE expires_at < ?", now);
        });
    }

    private static void forget(java.sql.Connection connection, String service, String requestId) throws java.sql.SQLException {
        Rows.update(connection, "DELETE FROM upload_changes WHERE service = ? AND request_id = ?", service, requestId);
        Rows.update(connection, "DELETE FROM upload_requests WHERE service = ? AND request_id = ?", service, requestId);
    }
}
