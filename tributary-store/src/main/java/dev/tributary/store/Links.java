package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Links and their durable sync state; the id map of each link. */
public final class Links {

    private static final String COLUMNS = "name, definition, endpoint, inbound_token_type, inbound_token,"
            + " outbound_checkpoint, deletions_checkpoint, next_run_at, created_at, updated_at, paused_at";

    private final Database database;
    private final Clock clock;

    Links(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Creates or changes a link (validated by the caller). Its sync state (tokens, checkpoints, id
     * map) is kept when it changes, unless {@code resetState}. A new link starts its outbound
     * checkpoint at {@code outboundStart}.
     *
     * @return whether it was created
     */
    public boolean put(String name, String definitionJson, String endpoint, boolean resetState, long outboundStart) {
        return database.write(connection -> {
            long now = clock.millis();
            int updated = Rows.update(connection, "UPDATE links SET definition = ?, endpoint = ?, updated_at = ? WHERE name = ?",
                    definitionJson, endpoint, now, name);
            if (updated > 0) {
                if (resetState) {
                    reset(connection, name, outboundStart, now);
                }
                return false;
            }
            Rows.update(connection, "INSERT INTO links (name, definition, endpoint, outbound_checkpoint, deletions_checkpoint,"
                    + " created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)", name, definitionJson, endpoint, outboundStart, now, now);
            return true;
        });
    }

    private static void reset(java.sql.Connection connection, String name, long outboundStart, long now) throws SQLException {
        Rows.update(connection, "UPDATE links SET inbound_token_type = NULL, inbound_token = NULL, outbound_checkpoint = ?,"
                + " deletions_checkpoint = 0, updated_at = ? WHERE name = ?", outboundStart, now, name);
        Rows.update(connection, "DELETE FROM id_map WHERE link = ?", name);
        Rows.update(connection, "DELETE FROM outbound_queue WHERE link = ?", name);
    }

    /** Forgets a link's connector token, so its next run reconciles in full. */
    public void clearInboundToken(String name) {
        database.write(connection -> Rows.update(connection,
                "UPDATE links SET inbound_token_type = NULL, inbound_token = NULL, updated_at = ? WHERE name = ?",
                clock.millis(), name));
    }

    public Optional<LinkRecord> get(String name) {
        return database.read(connection -> Rows.one(connection, Links::read, "SELECT " + COLUMNS + " FROM links WHERE name = ?", name));
    }

    public List<LinkRecord> list() {
        return database.read(connection -> Rows.query(connection, Links::read, "SELECT " + COLUMNS + " FROM links ORDER BY name"));
    }

    public List<LinkRecord> ofEndpoint(String endpoint) {
        return database.read(connection -> Rows.query(connection, Links::read,
                "SELECT " + COLUMNS + " FROM links WHERE endpoint = ? ORDER BY name", endpoint));
    }

    /** Deletes a link with its id map. */
    public boolean delete(String name) {
        return database.write(connection -> {
            Rows.update(connection, "DELETE FROM id_map WHERE link = ?", name);
                Rows.update(connection, "DELETE FROM outbound_queue WHERE link = ?", name);
            return Rows.update(connection, "DELETE FROM links WHERE name = ?", name) > 0;
        });
    }

    /** Pauses a link at {@code at}, or resumes it (null); false when there is no such link. */
    public boolean setPaused(String name, Instant at) {
        return database.write(connection -> Rows.update(connection, "UPDATE links SET paused_at = ? WHERE name = ?",
                at == null ? null : at.toEpochMilli(), name) == 1);
    }

    public void setNextRunAt(String name, Instant at) {
        database.write(connection -> Rows.update(connection, "UPDATE links SET next_run_at = ? WHERE name = ?",
                at == null ? null : at.toEpochMilli(), name));
    }

    /** Every mapping of a link, ordered by uid. */
    public List<IdMapping> mappings(String link) {
        return database.read(connection -> Rows.query(connection, StoreTransaction::readMapping,
                "SELECT link, uid, record_id, hub_version, endpoint_version, synced_at FROM id_map WHERE link = ? ORDER BY uid",
                link));
    }

    public Optional<IdMapping> mappingByRecord(String link, String recordId) {
        return database.read(connection -> Rows.one(connection, StoreTransaction::readMapping,
                "SELECT link, uid, record_id, hub_version, endpoint_version, synced_at FROM id_map WHERE link = ? AND record_id = ?",
                link, recordId));
    }

    /** Mappings of a link for these record ids. */
    public java.util.Map<String, IdMapping> mappingsByRecord(String link, java.util.Collection<String> recordIds) {
        java.util.Map<String, IdMapping> found = new java.util.HashMap<>();
        List<String> all = new java.util.ArrayList<>(recordIds);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            Object[] values = new Object[chunk.size() + 1];
            values[0] = link;
            for (int i = 0; i < chunk.size(); i++) {
                values[i + 1] = chunk.get(i);
            }
            database.read(connection -> Rows.query(connection, StoreTransaction::readMapping,
                    "SELECT link, uid, record_id, hub_version, endpoint_version, synced_at FROM id_map WHERE link = ? AND record_id IN ("
                            + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")", values))
                    .forEach(mapping -> found.put(mapping.recordId(), mapping));
        }
        return found;
    }

    /** The records queued for a link's next outbound pass. */
    public List<String> outboundQueue(String link, int limit) {
        return database.read(connection -> Rows.query(connection, row -> row.getString(1),
                "SELECT record_id FROM outbound_queue WHERE link = ? ORDER BY record_id LIMIT ?", link, limit));
    }

    private static LinkRecord read(ResultSet row) throws SQLException {
        return new LinkRecord(row.getString(1), row.getString(2), row.getString(3),
                StoredToken.read(row.getString(4), row.getString(5)), row.getLong(6), row.getLong(7),
                Rows.instant(row, "next_run_at"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"),
                Rows.instant(row, "paused_at"));
    }
}
