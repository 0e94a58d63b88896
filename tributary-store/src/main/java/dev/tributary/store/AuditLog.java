package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What administrators did: each change of the hub's configuration (endpoints, links, collections,
 * services, SData resources and links, ESA parameters, tokens), each conflict resolved and each
 * run started or cancelled, with who did it — a token, or the command line — and when. Entries
 * are never changed; they go with the store.
 */
public final class AuditLog {

    /**
     * One entry.
     *
     * @param id increasing with time
     * @param tokenId the token that did it, or null for the command line
     * @param actor the token's name when recorded, or {@code cli}
     * @param action what was done, e.g. {@code PUT /v1/endpoints/{e}} or {@code token create}
     * @param target what it was done to, e.g. {@code /v1/endpoints/crm} or a token id
     * @param status the HTTP status of the answer (0 for the command line)
     */
    public record Entry(long id, Instant at, String tokenId, String actor, String action, String target, int status) {
    }

    /** Longest action or target kept (longer ones are cut). */
    static final int MAX_TEXT = 1000;

    private final Database database;
    private final Clock clock;

    AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Records an entry. */
    public void record(String tokenId, String actor, String action, String target, int status) {
        database.write(connection -> Rows.update(connection, "INSERT INTO audit_log (at, token_id, actor, action, target, status)"
                + " VALUES (?, ?, ?, ?, ?, ?)", clock.millis(), tokenId, cut(actor), cut(action), cut(target), status));
    }

    /** The newest entries, newest first, older than {@code beforeId} when given. */
    public List<Entry> list(int limit, Long beforeId) {
        return database.read(connection -> beforeId == null
                ? Rows.query(connection, AuditLog::read, "SELECT id, at, token_id, actor, action, target, status FROM audit_log"
                        + " ORDER BY id DESC LIMIT ?", limit)
                : Rows.query(connection, AuditLog::read, "SELECT id, at, token_id, actor, action, target, status FROM audit_log"
                        + " WHERE id < ? ORDER BY id DESC LIMIT ?", beforeId, limit));
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    private static Entry read(ResultSet row) throws SQLException {
        return new Entry(row.getLong(1), Instant.ofEpochMilli(row.getLong(2)), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getInt(7));
    }
}
