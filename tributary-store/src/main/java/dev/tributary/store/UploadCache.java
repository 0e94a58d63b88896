package dev.tributary.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upload requests by id, so a resent request is answered, not applied again.
 *
 * <p>Implementation notes. A request is claimed ({@link #begin}) before any of its changes is
 * applied; each change's outcome is stored in the same transaction that applies the change
 * ({@link StoreTransaction#recordUploadOutcome}, which also refreshes the claim's heartbeat); the
 * answer is stored when all are done. So a resend of a finished request gets its first answer; a
 * resend while it is being processed is told to retry, and when; and a resend after the processing
 * stopped mid-request (the worker failed, or its process died and the claim's heartbeat went stale)
 * continues with the changes that were not applied — each change exactly once, whatever happens in
 * between, because a change and its outcome commit together and an outcome is stored at most once.
 */
public final class UploadCache {

    /** What {@link #begin} found. */
    public enum State {
        /** The request is new and now claimed by the caller. */
        NEW,
        /** Another send of the request is being processed; {@link Claim#retryAfterSeconds} says when to ask again. */
        IN_PROGRESS,
        /** The request was answered; {@link Claim#status} and {@link Claim#answer} hold the answer. */
        DONE,
        /** The request's earlier processing stopped part-way; the caller now holds it and applies the rest. */
        RESUMED,
        /** The request id was used for a request with another body. */
        MISMATCH
    }

    /**
     * The answer to {@link #begin}.
     *
     * @param state what was found
     * @param status the stored answer's HTTP status (DONE)
     * @param answer the stored answer (DONE)
     * @param outcomes the outcomes already stored, by change index (RESUMED)
     * @param retryAfterSeconds when a resend may find the request answered or free (IN_PROGRESS)
     */
    public record Claim(State state, int status, String answer, Map<Integer, String> outcomes, int retryAfterSeconds) {
        static Claim of(State state) {
            return new Claim(state, 0, null, Map.of(), 0);
        }

        static Claim inProgress(long waitMillis) {
            return new Claim(State.IN_PROGRESS, 0, null, Map.of(), (int) Math.max(1, (waitMillis + 999) / 1000));
        }
    }

    private final Database database;
    private final Clock clock;
    /** This process's name on its claims. */
    private final String owner = UUID.randomUUID().toString();
    /** The claims this process is working on now (service + NUL + request id). */
    private final Set<String> working = ConcurrentHashMap.newKeySet();

    UploadCache(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Claims a request id for processing. The caller must {@link #leave} a claim it got
     * ({@code NEW} or {@code RESUMED}) when it stops working on it, whatever the outcome.
     *
     * <p>Claims are atomic: of concurrent sends of one request id exactly one gets the claim, the
     * others {@code IN_PROGRESS}. A claim held by this process but no longer worked on (its
     * processing failed) is taken over at once; one held by another process is taken over when its
     * heartbeat — refreshed by every change it applies — is older than {@code staleAfter}, which is
     * what the others' {@code retryAfterSeconds} counts down to.
     *
     * @param bodyDigest a digest of the request body; a send with another body is {@code MISMATCH}
     *     (null: not compared)
     * @param keep how long the answer is kept
     * @param staleAfter how long another process's claim may go without a heartbeat before a resend takes it over
     */
    public Claim begin(String service, String requestId, String bodyDigest, Duration keep, Duration staleAfter) {
        String key = service + '\0' + requestId;
        if (!working.add(key)) {
            // Another thread of this process holds the request (or is claiming it right now).
            return Claim.inProgress(1000);
        }
        Claim claim = null;
        try {
            for (int attempt = 0; attempt < 3 && claim == null; attempt++) {
                claim = database.writeRelaxed(connection -> tryBegin(connection, service, requestId, bodyDigest, keep, staleAfter));
            }
            // The row kept appearing and vanishing under us (expiry racing with other sends): let the client come back.
            return claim != null ? claim : Claim.inProgress(1000);
        } finally {
            if (claim == null || (claim.state() != State.NEW && claim.state() != State.RESUMED)) {
                working.remove(key);
            }
        }
    }

    /** One attempt of {@link #begin}; null when the row changed under it. */
    private Claim tryBegin(Connection connection, String service, String requestId, String bodyDigest, Duration keep,
            Duration staleAfter) throws SQLException {
        long now = clock.millis();
        // A claim lost in a crash is harmless: no change of the request can have committed after it.
        int inserted = Rows.update(connection, "INSERT INTO upload_requests (service, request_id, state, started_at, expires_at,"
                + " owner, body_digest) VALUES (?, ?, 'processing', ?, ?, ?, ?) ON CONFLICT (service, request_id) DO NOTHING",
                service, requestId, now, now + keep.toMillis(), owner, bodyDigest);
        if (inserted == 1) {
            return Claim.of(State.NEW);
        }
        var existing = Rows.one(connection, row -> new Object[] {row.getString(1), row.getInt(2), row.getString(3),
                        row.getLong(4), row.getLong(5), row.getString(6), row.getString(7)},
                "SELECT state, status, answer, started_at, expires_at, owner, body_digest FROM upload_requests"
                        + " WHERE service = ? AND request_id = ?", service, requestId);
        if (existing.isEmpty()) {
            return null;
        }
        Object[] row = existing.get();
        long startedAt = (long) row[3];
        if ((long) row[4] < now) {
            forget(connection, service, requestId);
            return null;
        }
        if (bodyDigest != null && row[6] != null && !row[6].equals(bodyDigest)) {
            return Claim.of(State.MISMATCH);
        }
        if ("done".equals(row[0])) {
            return new Claim(State.DONE, (int) row[1], (String) row[2], Map.of(), 0);
        }
        String holder = (String) row[5];
        // A claim of this process that no thread works on (we hold the key in working) was given up: take it over.
        if (!owner.equals(holder) && now - startedAt < staleAfter.toMillis()) {
            return Claim.inProgress(staleAfter.toMillis() - (now - startedAt));
        }
        // Take the claim over — unless another send took it over first.
        int taken = Rows.update(connection, "UPDATE upload_requests SET started_at = ?, owner = ? WHERE service = ?"
                + " AND request_id = ? AND state = 'processing' AND started_at = ? AND COALESCE(owner, '') = ?",
                now, owner, service, requestId, startedAt, holder == null ? "" : holder);
        if (taken == 0) {
            return Claim.inProgress(1000);
        }
        Map<Integer, String> outcomes = new HashMap<>();
        Rows.query(connection, r -> outcomes.put(r.getInt(1), r.getString(2)),
                "SELECT idx, outcome FROM upload_changes WHERE service = ? AND request_id = ?", service, requestId);
        return new Claim(State.RESUMED, 0, null, outcomes, 0);
    }

    /** Stops working on a claim got from {@link #begin} (answered, released or abandoned). */
    public void leave(String service, String requestId) {
        working.remove(service + '\0' + requestId);
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

    private static void forget(Connection connection, String service, String requestId) throws java.sql.SQLException {
        Rows.update(connection, "DELETE FROM upload_changes WHERE service = ? AND request_id = ?", service, requestId);
        Rows.update(connection, "DELETE FROM upload_requests WHERE service = ? AND request_id = ?", service, requestId);
    }
}
