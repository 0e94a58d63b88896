package dev.tributary.store;

import dev.tributary.connector.SyncToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One transaction over the hub's records and sync state, for the engine: what it reads, decides
 * and writes in here commits together or not at all — records (at the next change-log
 * positions), id mappings, link tokens and checkpoints, conflicts. That is how a connector token
 * is stored only together with the changes before it (acked prefix).
 *
 * <p>Implementation notes. The transaction takes a collection's head lock before it first reads or
 * writes that collection's records ({@link #lock}), so no other writer of that collection can
 * commit between what the engine reads here and what it writes: its decisions (conflict or not)
 * rest on the state it commits against. Writers of other collections are not held up. Keep the
 * work inside short — no calls to external systems.
 *
 * <p>Obtained from {@link Store#transact}; valid only inside that call.
 */
public final class StoreTransaction {

    private final Connection connection;
    private final Database database;
    private final StoreKind kind;
    private final Clock clock;

    private final java.util.Set<String> locked = new java.util.HashSet<>();

    /** The lease the work runs under (checked at the start of the transaction), or null. */
    private final Nodes.Lease lease;

    StoreTransaction(Connection connection, Database database, Clock clock, Nodes.Lease lease) {
        this.lease = lease;
        this.connection = connection;
        this.database = database;
        this.kind = database.kind();
        this.clock = clock;
    }

    /**
     * Takes {@code collection}'s head lock for the rest of the transaction, once: from here on no
     * other writer of that collection commits before this transaction ends, so what it reads of
     * the collection is what it commits against. Every method here that reads or writes a
     * collection's records calls it first; writers of other collections go on meanwhile.
     */
    public void lock(String collection) {
        if (locked.contains(collection)) {
            return;
        }
        try {
            ChangeLog.lockHead(connection, kind, collection);
            locked.add(collection);
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /** Takes the head locks of several collections, in name order (so two such transactions cannot deadlock). */
    public void lock(Collection<String> collections) {
        new java.util.TreeSet<>(collections).forEach(this::lock);
    }

    private long now() {
        return clock.millis();
    }

    // ---- change times

    /** When a record version changed at its source (hub time), for lastWriterWins. */
    public record ChangeTime(String recordId, long version, Instant changedAt) {
    }

    /**
     * The source times of these record versions ({@code versions}: record id → version), where
     * one was stored for exactly that version; records without one are left out.
     */
    public Map<String, Instant> changeTimes(String collection, Map<String, Long> versions) {
        lock(collection);
        Map<String, Instant> times = new HashMap<>();
        try {
            for (List<String> chunk : chunks(new ArrayList<>(versions.keySet()), 500)) {
                List<Object> values = new ArrayList<>();
                values.add(collection);
                values.addAll(chunk);
                for (ChangeTime time : Rows.query(connection, row -> new ChangeTime(row.getString(1), row.getLong(2),
                        micros(row.getLong(3))), "SELECT record_id, version, changed_at FROM change_times WHERE collection = ?"
                                + " AND record_id IN (" + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
                                + ")", values.toArray())) {
                    if (versions.get(time.recordId()) == time.version()) {
                        times.put(time.recordId(), time.changedAt());
                    }
                }
            }
            return times;
        } catch (SQLException e) {
            throw new StoreException("reading change times failed: " + e.getMessage(), e, true);
        }
    }

    /** Stores the source times of record versions (replacing what was stored for those records). */
    public void putChangeTimes(String collection, List<ChangeTime> times) {
        lock(collection);
        if (times.isEmpty()) {
            return;
        }
        try {
            for (List<ChangeTime> chunk : chunks(times, 500)) {
                List<Object> values = new ArrayList<>();
                values.add(collection);
                chunk.forEach(time -> values.add(time.recordId()));
                Rows.update(connection, "DELETE FROM change_times WHERE collection = ? AND record_id IN ("
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")", values.toArray());
            }
            Map<String, ChangeTime> last = new java.util.LinkedHashMap<>();
            times.forEach(time -> last.put(time.recordId(), time));
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO change_times (collection, record_id, version, changed_at) VALUES (?, ?, ?, ?)")) {
                for (ChangeTime time : last.values()) {
                    insert.setString(1, collection);
                    insert.setString(2, time.recordId());
                    insert.setLong(3, time.version());
                    insert.setLong(4, java.util.concurrent.TimeUnit.SECONDS.toMicros(time.changedAt().getEpochSecond())
                            + time.changedAt().getNano() / 1000);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw new StoreException("storing change times failed: " + e.getMessage(), e, true);
        }
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    // ---- SData

    /** A record version's SData sync state, as stored (made at another endpoint). */
    public record SDataState(String recordId, long version, String endpoint, long tick, java.time.Instant stamp) {
    }

    /** The stored SData states of these records (only versions made at other endpoints are stored). */
    public Map<String, SDataState> sdataStates(String collection, Collection<String> ids) {
        lock(collection);
        Map<String, SDataState> states = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return states;
        }
        try {
            for (List<String> chunk : chunks(new ArrayList<>(ids), 500)) {
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                List<Object> values = new ArrayList<>();
                values.add(collection);
                values.addAll(chunk);
                for (SDataState state : Rows.query(connection, row -> new SDataState(row.getString(1), row.getLong(2),
                        row.getString(3), row.getLong(4), java.time.Instant.ofEpochMilli(row.getLong(5))),
                        "SELECT record_id, version, endpoint, tick, stamp FROM sdata_states WHERE collection = ?"
                                + " AND record_id IN (" + marks + ")", values.toArray())) {
                    states.put(state.recordId(), state);
                }
            }
            return states;
        } catch (SQLException e) {
            throw new StoreException("reading SData states failed: " + e.getMessage(), e, true);
        }
    }

    /** Records, in one go, that these records' current versions were made at other endpoints. */
    public void putSDataStates(String collection, List<SDataState> states) {
        lock(collection);
        if (states.isEmpty()) {
            return;
        }
        // One upsert per row (SQLite's REPLACE removes the row it collides with in the search the
        // insert makes anyway; deletes by IN lists first were a third of a catch-up page's apply).
        // A record given twice keeps its last state.
        Map<String, SDataState> last = new LinkedHashMap<>();
        states.forEach(state -> last.put(state.recordId(), state));
        String upsert = kind == StoreKind.SQLITE
                ? "INSERT OR REPLACE INTO sdata_states (collection, record_id, version, endpoint, tick, stamp)"
                        + " VALUES (?, ?, ?, ?, ?, ?)"
                : "INSERT INTO sdata_states (collection, record_id, version, endpoint, tick, stamp) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (collection, record_id) DO UPDATE SET version = EXCLUDED.version,"
                        + " endpoint = EXCLUDED.endpoint, tick = EXCLUDED.tick, stamp = EXCLUDED.stamp";
        try (PreparedStatement insert = connection.prepareStatement(upsert)) {
            for (SDataState state : last.values()) {
                insert.setString(1, collection);
                insert.setString(2, state.recordId());
                insert.setLong(3, state.version());
                insert.setString(4, state.endpoint());
                insert.setLong(5, state.tick());
                insert.setLong(6, state.stamp().toEpochMilli());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new StoreException("storing SData states failed: " + e.getMessage(), e, true);
        }
    }

    /** Records that a record's current version was made at another endpoint. */
    public void putSDataState(String collection, SDataState state) {
        putSDataStates(collection, List.of(state));
    }

    /** The stored digest entries (other endpoints) of a resource kind, read in this transaction. */
    public List<SDataResources.DigestRow> sdataDigest(String resource) {
        try {
            return SDataResources.digest(connection, resource);
        } catch (SQLException e) {
            throw new StoreException("reading an SData digest failed: " + e.getMessage(), e, true);
        }
    }

    /** Sets one digest entry of a resource kind. */
    public void putSDataDigest(String resource, SDataResources.DigestRow row) {
        try {
            if (Rows.update(connection, "UPDATE sdata_digest SET tick = ?, stamp = ?, conflict_priority = ?"
                    + " WHERE resource = ? AND endpoint = ?", row.tick(), row.stamp().toEpochMilli(), row.conflictPriority(),
                    resource, row.endpoint()) == 0) {
                Rows.update(connection, "INSERT INTO sdata_digest (resource, endpoint, tick, stamp, conflict_priority)"
                        + " VALUES (?, ?, ?, ?, ?)", resource, row.endpoint(), row.tick(), row.stamp().toEpochMilli(),
                        row.conflictPriority());
            }
        } catch (SQLException e) {
            throw new StoreException("storing an SData digest failed: " + e.getMessage(), e, true);
        }
    }

    /** {@code collection}'s change-log head (its newest position), read in this transaction under its lock. */
    public long head(String collection) {
        lock(collection);
        try {
            return ChangeLog.head(connection, kind, collection);
        } catch (SQLException e) {
            throw new StoreException("reading the log head failed: " + e.getMessage(), e, true);
        }
    }

    private static <T> List<List<T>> chunks(List<T> all, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            chunks.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return chunks;
    }

    // ---- records

    public Optional<CollectionInfo> collection(String name) {
        lock(name);
        try {
            return CollectionCatalog.find(connection, name);
        } catch (SQLException e) {
            throw new StoreException("reading collection " + name + " failed: " + e.getMessage(), e, true);
        }
    }

    /** The records with these ids, tombstones included, with their data. */
    public Map<String, StoredRecord> records(String collection, Collection<String> ids) {
        lock(collection);
        if (ids.isEmpty()) {
            return Map.of();
        }
        try {
            CollectionInfo info = CollectionCatalog.find(connection, collection)
                    .orElseThrow(() -> new CollectionNotFoundException(collection));
            return ChangeLog.lookup(connection, kind, info.incarnation(), ids, true);
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /** Applies writes at the next change-log positions, with the same rules as {@link ChangeLog#apply}. */
    public List<AppliedWrite> apply(String collection, List<RecordWrite> writes, String origin) {
        lock(collection);
        try {
            return ChangeLog.applyLocked(connection, database, clock, collection, writes, origin);
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    // ---- id map

    private static final String MAPPING_COLUMNS = "link, uid, record_id, hub_version, endpoint_version, synced_at";

    /** Mappings of a link for these uids. */
    public Map<String, IdMapping> mappingsByUid(String link, Collection<String> uids) {
        return mappings(link, "uid", uids, IdMapping::uid);
    }

    /** Mappings of a link for these record ids. */
    public Map<String, IdMapping> mappingsByRecord(String link, Collection<String> recordIds) {
        return mappings(link, "record_id", recordIds, IdMapping::recordId);
    }

    private Map<String, IdMapping> mappings(String link, String column, Collection<String> keys,
            java.util.function.Function<IdMapping, String> keyOf) {
        Map<String, IdMapping> found = new HashMap<>();
        List<String> all = new ArrayList<>(keys);
        try {
            for (int from = 0; from < all.size(); from += 500) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
                try (PreparedStatement select = connection.prepareStatement("SELECT " + MAPPING_COLUMNS
                        + " FROM id_map WHERE link = ? AND " + column + " IN ("
                        + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                    select.setString(1, link);
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            IdMapping mapping = readMapping(rows);
                            found.put(keyOf.apply(mapping), mapping);
                        }
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    static IdMapping readMapping(ResultSet rows) throws SQLException {
        return new IdMapping(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4),
                rows.getString(5), Instant.ofEpochMilli(rows.getLong(6)));
    }

    /** Records that a record and an object are in sync at these versions (replacing earlier mappings of either). */
    public void putMapping(String link, String uid, String recordId, long hubVersion, String endpointVersion) {
        putMapping(link, uid, recordId, hubVersion, endpointVersion, null);
    }

    /**
     * As {@link #putMapping(String, String, String, long, String)}, keeping {@code base} — the hub
     * record's data at {@code hubVersion} — as what the link last had in sync (null: none kept).
     */
    public void putMapping(String link, String uid, String recordId, long hubVersion, String endpointVersion, String base) {
        try {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM id_map WHERE link = ? AND (uid = ? OR record_id = ?)")) {
                delete.setString(1, link);
                delete.setString(2, uid);
                delete.setString(3, recordId);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO id_map (" + MAPPING_COLUMNS
                    + ", base_data) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, link);
                insert.setString(2, uid);
                insert.setString(3, recordId);
                insert.setLong(4, hubVersion);
                insert.setString(5, endpointVersion);
                insert.setLong(6, now());
                insert.setString(7, base);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /**
     * Records many mappings at once, in batched statements: each replaces earlier mappings of its
     * uid or record. Within the list, a later mapping wins over an earlier one of the same uid or record.
     */
    public void putMappings(String link, List<IdMapping> mappings) {
        putMappings(link, mappings, null);
    }

    /**
     * As {@link #putMappings(String, List)}, keeping what the link last had in sync of each record
     * (links whose conflicts wait for a person): {@code bases} gives, per mapping, the hub record's
     * data at its version, or null when the caller does not have it — then a base kept for the
     * same record at the same version stays. {@code bases} null: none kept.
     */
    public void putMappings(String link, List<IdMapping> mappings, List<String> bases) {
        if (mappings.isEmpty()) {
            return;
        }
        boolean carry = bases != null && bases.stream().anyMatch(java.util.Objects::isNull);
        if (!carry && kind == StoreKind.SQLITE) {
            replaceMappings(link, mappings, bases);
            return;
        }
        java.util.Map<String, String> kept = new java.util.HashMap<>();
        try {
            // Clear earlier mappings of these uids and records in a few statements (IN lists of 250).
            for (int from = 0; from < mappings.size(); from += 250) {
                List<IdMapping> chunk = mappings.subList(from, Math.min(mappings.size(), from + 250));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                for (String column : new String[] {"uid", "record_id"}) {
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM id_map WHERE link = ? AND "
                            + column + " IN (" + marks + ")"
                            + (carry ? " RETURNING record_id, hub_version, base_data" : ""))) {
                        int p = 1;
                        delete.setString(p++, link);
                        for (IdMapping mapping : chunk) {
                            delete.setString(p++, column.equals("uid") ? mapping.uid() : mapping.recordId());
                        }
                        if (carry) {
                            try (ResultSet gone = delete.executeQuery()) {
                                while (gone.next()) {
                                    if (gone.getString(3) != null) {
                                        kept.put(gone.getString(1) + "\u0000" + gone.getLong(2), gone.getString(3));
                                    }
                                }
                            }
                        } else {
                            delete.executeUpdate();
                        }
                    }
                }
            }
            java.util.Map<String, Integer> last = new java.util.LinkedHashMap<>();
            java.util.Map<String, String> recordToUid = new java.util.HashMap<>();
            for (int i = 0; i < mappings.size(); i++) {
                IdMapping mapping = mappings.get(i);
                String previousUid = recordToUid.put(mapping.recordId(), mapping.uid());
                if (previousUid != null) {
                    last.remove(previousUid);
                }
                last.remove(mapping.uid());
                last.put(mapping.uid(), i);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO id_map (" + MAPPING_COLUMNS
                    + ", base_data) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                long now = now();
                for (int i : last.values()) {
                    IdMapping mapping = mappings.get(i);
                    String base = bases == null ? null : bases.get(i);
                    if (base == null && carry) {
                        base = kept.get(mapping.recordId() + "\u0000" + mapping.hubVersion());
                    }
                    bindMapping(insert, link, mapping, now, base);
                }
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /**
     * SQLite's way of {@link #putMappings(String, List, List)} when no base is carried over: each
     * row goes in with {@code INSERT OR REPLACE}, which removes the rows it collides with on either
     * unique key — the earlier mapping of its uid and that of its record — in the same index
     * searches that check the insert, instead of two deletes by IN lists before it. Applied in
     * list order, so a later mapping of the same uid or record wins.
     */
    private void replaceMappings(String link, List<IdMapping> mappings, List<String> bases) {
        try (PreparedStatement insert = connection.prepareStatement("INSERT OR REPLACE INTO id_map (" + MAPPING_COLUMNS
                + ", base_data) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            long now = now();
            for (int i = 0; i < mappings.size(); i++) {
                bindMapping(insert, link, mappings.get(i), now, bases == null ? null : bases.get(i));
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /** Adds one row of {@code id_map} ({@link #MAPPING_COLUMNS}, then {@code base_data}) to the batch. */
    private static void bindMapping(PreparedStatement insert, String link, IdMapping mapping, long now, String base)
            throws SQLException {
        insert.setString(1, link);
        insert.setString(2, mapping.uid());
        insert.setString(3, mapping.recordId());
        insert.setLong(4, mapping.hubVersion());
        insert.setString(5, mapping.endpointVersion());
        insert.setLong(6, now);
        insert.setString(7, base);
        insert.addBatch();
    }

    /** Forgets the mappings of these external objects, in one batched statement. */
    public void removeMappings(String link, List<String> uids) {
        if (uids.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM id_map WHERE link = ? AND uid = ?")) {
            for (String uid : uids) {
                delete.setString(1, link);
                delete.setString(2, uid);
                delete.addBatch();
            }
            delete.executeBatch();
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /** Forgets the mapping of an external object. */
    public void removeMapping(String link, String uid) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM id_map WHERE link = ? AND uid = ?")) {
            delete.setString(1, link);
            delete.setString(2, uid);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    // ---- link state

    /**
     * Stores the connector token after the changes applied in this transaction. Every write of a
     * link's state also records the fence of the lease it was made under ({@code links.fence}; null
     * when not under one), so the order of owners can be read back from the store.
     */
    public void setInboundToken(String link, SyncToken token) {
        update("UPDATE links SET inbound_token_type = ?, inbound_token = ?, fence = ?, updated_at = ? WHERE name = ?",
                StoredToken.type(token), StoredToken.text(token), fence(), now(), link);
    }

    public void setOutboundCheckpoint(String link, long checkpoint) {
        update("UPDATE links SET outbound_checkpoint = ?, fence = ?, updated_at = ? WHERE name = ?", checkpoint, fence(),
                now(), link);
    }

    private Long fence() {
        return lease == null ? null : lease.fence();
    }

    public void setDeletionsCheckpoint(String link, long checkpoint) {
        update("UPDATE links SET deletions_checkpoint = ?, fence = ?, updated_at = ? WHERE name = ?", checkpoint, fence(),
                now(), link);
    }

    // ---- outbound queue

    /** Queues a record to be written to the link's endpoint on its next outbound pass. */
    public void enqueueOutbound(String link, String recordId) {
        update("DELETE FROM outbound_queue WHERE link = ? AND record_id = ?", link, recordId);
        update("INSERT INTO outbound_queue (link, record_id) VALUES (?, ?)", link, recordId);
    }

    /** Removes a record from the link's outbound queue (it was written). */
    public void dequeueOutbound(String link, String recordId) {
        update("DELETE FROM outbound_queue WHERE link = ? AND record_id = ?", link, recordId);
    }

    /** Every open conflict of a link. */
    public List<ConflictRecord> openConflicts(String link) {
        try {
            return Rows.query(connection, Conflicts::read, "SELECT " + Conflicts.COLUMNS
                    + " FROM conflicts WHERE link = ? AND state = 'open'", link);
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    // ---- upload cache

    /** Stores the outcome of one change of an upload request, with the change itself. */
    public void recordUploadOutcome(String service, String requestId, int index, String outcome) {
        update("INSERT INTO upload_changes (service, request_id, idx, outcome) VALUES (?, ?, ?, ?)",
                service, requestId, index, outcome);
        uploadHeartbeat(service, requestId);
    }

    /** Shows the request's claim alive: another node waits before taking it over. */
    private void uploadHeartbeat(String service, String requestId) {
        update("UPDATE upload_requests SET started_at = ? WHERE service = ? AND request_id = ? AND state = 'processing'",
                now(), service, requestId);
    }

    /** Stores an upload request's answer, in the transaction that applied its last changes. */
    public void finishUpload(String service, String requestId, int status, String answer) {
        update("UPDATE upload_requests SET state = 'done', status = ?, answer = ? WHERE service = ? AND request_id = ?",
                status, answer, service, requestId);
    }

    /** Stores the outcomes of several changes of an upload request (index → outcome). */
    public void recordUploadOutcomes(String service, String requestId, Map<Integer, String> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO upload_changes (service, request_id, idx, outcome) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<Integer, String> outcome : outcomes.entrySet()) {
                insert.setString(1, service);
                insert.setString(2, requestId);
                insert.setInt(3, outcome.getKey());
                insert.setString(4, outcome.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw sql(e);
        }
        uploadHeartbeat(service, requestId);
    }

    // ---- conflicts

    /** Records a conflict (open, or resolved by a policy); returns its id. */
    public String recordConflict(String link, String recordId, String uid, ConflictState state, String policy,
            String decision, String hubData, String endpointData, String endpointVersion, String detail) {
        String id = UUID.randomUUID().toString();
        // With what the link last had in sync, when it keeps that (links whose conflicts wait for a person).
        update("INSERT INTO conflicts (id, link, record_id, uid, state, policy, decision, hub_data, endpoint_data,"
                        + " endpoint_version, detail, created_at, resolved_at, base_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " (SELECT base_data FROM id_map WHERE link = ? AND record_id = ?))",
                id, link, recordId, uid, state.label(), policy, decision, hubData, endpointData, endpointVersion, detail, now(),
                state == ConflictState.OPEN ? null : now(), link, recordId);
        return id;
    }

    /** The open conflict of a link about a record or an object, if any. */
    public Optional<ConflictRecord> openConflict(String link, String recordId, String uid) {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + Conflicts.COLUMNS
                + " FROM conflicts WHERE link = ? AND state = 'open' AND (record_id = ? OR uid = ?)")) {
            select.setString(1, link);
            select.setString(2, recordId);
            select.setString(3, uid);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(Conflicts.read(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    /** Updates the sides of an open conflict as they change further. */
    public void updateOpenConflict(String id, String hubData, String endpointData, String endpointVersion, String uid) {
        update("UPDATE conflicts SET hub_data = ?, endpoint_data = ?, endpoint_version = ?, uid = ? WHERE id = ? AND state = 'open'",
                hubData, endpointData, endpointVersion, uid, id);
    }

    /** Marks an open conflict resolved; false if it was not open. */
    /** Closes the refusals of records that have now been written (decision {@code superseded}). */
    public void supersedeRejections(String link, java.util.Collection<String> recordIds) {
        for (String recordId : recordIds) {
            update("UPDATE conflicts SET state = 'resolved', decision = 'superseded', resolved_at = ? WHERE link = ?"
                    + " AND record_id = ? AND state = 'rejected'", now(), link, recordId);
        }
    }

    /** Marks a record the endpoint refused as sent again (decision {@code retried}); false if it is not rejected. */
    public boolean retryRejected(String id) {
        return update("UPDATE conflicts SET state = 'resolved', decision = 'retried', resolved_at = ? WHERE id = ?"
                + " AND state = 'rejected'", now(), id) > 0;
    }

    /** A refused record a person chose not to write again: settled as {@code skipped}. */
    public boolean skipRejected(String id) {
        return update("UPDATE conflicts SET state = 'resolved', decision = 'skipped', resolved_at = ? WHERE id = ?"
                + " AND state = 'rejected'", now(), id) > 0;
    }

    public boolean resolveConflict(String id, String decision) {
        return update("UPDATE conflicts SET state = 'resolved', decision = ?, resolved_at = ? WHERE id = ? AND state = 'open'",
                decision, now(), id) > 0;
    }

    private int update(String sql, Object... values) {
        try {
            return Rows.update(connection, sql, values);
        } catch (SQLException e) {
            throw sql(e);
        }
    }

    private StoreException sql(SQLException e) {
        return new StoreException("store " + kind.label() + " failed: " + e.getMessage(), e, Database.transientFailure(e, kind));
    }
}
