package dev.tributary.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes records and reads them back in change-log order. This is the class that assigns
 * change-log positions ({@code seq}).
 *
 * <p>Implementation notes — <b>approach: commit-ordered positions through a locked head row per
 * collection.</b> Every writing transaction begins by updating its collection's row of
 * {@code log_heads} ({@code UPDATE log_heads SET seq = seq + n WHERE collection = ? RETURNING seq})
 * and takes its positions from the new value. The update holds that row's lock until the
 * transaction commits or rolls back, so a second writer of the same collection waits at its first
 * statement and then sees the first writer's committed value. Positions of a collection are
 * therefore handed out in commit order, without gaps, and a rolled-back transaction gives its
 * positions back. A reader first reads the collection's head (a committed value, so every position
 * at or below it belongs to a committed transaction) and then reads records up to that head only;
 * nothing can later appear below a position it has passed — the classic "sequence taken before
 * commit, committed late" skip cannot happen. Writers of different collections take different rows
 * and do not wait for each other; positions are compared only within one collection (every feed,
 * token and checkpoint is one collection's). On SQLite the same statement runs under SQLite's
 * single writer. The price is that writers of one collection are serialized from their first
 * statement to commit, which is why the transaction does its precondition reads and writes in a
 * few batched statements and nothing else.
 *
 * <p>The log is compacted by key: a record sits in the log once, at the position of its latest
 * change, so an incremental reader gets each changed record once, in its latest state. A deleted
 * record stays as a tombstone until {@link TombstoneCompactor} removes it after the collection's
 * retention and raises the collection's horizon.
 *
 * <p>Writes of one call are atomic: all apply or, when any precondition fails, none does.
 */
public final class ChangeLog {

    /** Most writes accepted in one call. */
    public static final int MAX_BATCH = 1000;

    static final String RECORD_COLUMNS = "id, version, seq, deleted, updated_at, origin, data";
    private static final int LOOKUP_CHUNK = 500;

    private final Database database;
    private final Clock clock;

    ChangeLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Applies the writes atomically to {@code collection}, each at the next change-log position.
     *
     * @param origin who makes the change (stored with the record), or null
     * @throws CollectionNotFoundException if the collection does not exist
     * @throws WriteRejectedException if a precondition fails or a delete names no live record;
     *     nothing is applied then
     */
    public List<AppliedWrite> apply(String collection, List<RecordWrite> writes, String origin) {
        checkBatch(collection, writes);
        if (writes.isEmpty()) {
            return List.of();
        }
        return database.write(connection -> applyLocked(connection, database, clock, collection, writes, origin));
    }

    /** Checks a batch's shape: not too large, one write per record. */
    static void checkBatch(String collection, List<RecordWrite> writes) {
        RecordIds.requireValidCollection(collection);
        if (writes.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " writes per batch, got " + writes.size());
        }
        Set<String> ids = new HashSet<>();
        for (RecordWrite write : writes) {
            if (!ids.add(write.id())) {
                throw new IllegalArgumentException("record '" + write.id()
                        + "' is written twice in one batch; send one write per record");
            }
        }
    }

    /** Applies writes inside a writing transaction; positions are taken here (see the class notes). */
    static List<AppliedWrite> applyLocked(Connection connection, Database database, Clock clock, String collection,
            List<RecordWrite> writes, String origin) throws SQLException {
        StoreKind kind = database.kind();
        checkBatch(collection, writes);
        if (writes.isEmpty()) {
            return List.of();
        }
        Set<String> ids = new HashSet<>();
        writes.forEach(w -> ids.add(w.id()));
        long top = reservePositions(connection, kind, collection, writes.size());
        long firstSeq = top - writes.size() + 1;
        CollectionInfo info = CollectionCatalog.find(connection, collection)
                .orElseThrow(() -> new CollectionNotFoundException(collection));
        Map<String, StoredRecord> existing = lookup(connection, kind, info.incarnation(), ids);
        long now = clock.millis();
        List<AppliedWrite> applied = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            RecordWrite write = writes.get(i);
            StoredRecord before = existing.get(write.id());
            boolean live = before != null && !before.deleted();
            checkPreconditions(i, write, before, live);
            long version = before == null ? 1 : before.version() + 1;
            boolean delete = write.op() == RecordWrite.Op.DELETE;
            StoredRecord after = new StoredRecord(write.id(), version, firstSeq + i, delete,
                    Instant.ofEpochMilli(now), origin,
                    delete ? null : write.data().getBytes(StandardCharsets.UTF_8));
            AppliedWrite.Outcome outcome = delete ? AppliedWrite.Outcome.DELETED
                    : live ? AppliedWrite.Outcome.UPDATED : AppliedWrite.Outcome.CREATED;
            applied.add(new AppliedWrite(after, outcome));
        }
        upsert(connection, info.incarnation(), writes, applied);
        database.noteCommit(new Commit(collection, info.incarnation(), top, applied));
        return applied;
    }

    private static void checkPreconditions(int index, RecordWrite write, StoredRecord before,
            boolean live) {
        if (write.ifNoneMatch() && live) {
            throw new WriteRejectedException(WriteRejectedException.Reason.PRECONDITION_FAILED,
                    index, write.id(), "record '" + write.id() + "' already exists (If-None-Match: *)");
        }
        if (write.ifMatch() != null && !"*".equals(write.ifMatch())
                && (!live || !before.etag().equals(write.ifMatch()))) {
            throw new WriteRejectedException(WriteRejectedException.Reason.PRECONDITION_FAILED,
                    index, write.id(), "record '" + write.id() + "' has etag "
                            + (live ? "\"" + before.etag() + "\"" : "none (it does not exist)")
                            + ", not \"" + write.ifMatch() + "\"");
        }
        if ("*".equals(write.ifMatch()) && !live) {
            throw new WriteRejectedException(WriteRejectedException.Reason.PRECONDITION_FAILED,
                    index, write.id(), "record '" + write.id() + "' does not exist (If-Match: *)");
        }
        if (write.op() == RecordWrite.Op.DELETE && !live) {
            throw new WriteRejectedException(WriteRejectedException.Reason.NOT_FOUND, index,
                    write.id(), "record '" + write.id() + "' does not exist"
                            + (before != null ? " (it was already deleted)" : ""));
        }
    }

    /**
     * Takes {@code count} positions of {@code collection}; its head row stays locked until the
     * transaction ends.
     */
    private static long reservePositions(Connection connection, StoreKind kind, String collection, int count)
            throws SQLException {
        if (kind == StoreKind.SQLITE) {
            try (PreparedStatement reserve = connection.prepareStatement(
                    "UPDATE log_head SET seq = seq + ? WHERE id = 1 RETURNING seq")) {
                reserve.setLong(1, count);
                try (ResultSet row = reserve.executeQuery()) {
                    if (!row.next()) {
                        throw new StoreException("the change log head is missing; the store is damaged");
                    }
                    return row.getLong(1);
                }
            }
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement reserve = connection.prepareStatement(
                    "UPDATE log_heads SET seq = seq + ? WHERE collection = ? RETURNING seq")) {
                reserve.setLong(1, count);
                reserve.setString(2, collection);
                try (ResultSet row = reserve.executeQuery()) {
                    if (row.next()) {
                        return row.getLong(1);
                    }
                }
            }
            addHead(connection, StoreKind.POSTGRESQL, collection);
        }
        throw new StoreException("the change log head of '" + collection + "' is missing; the store is damaged");
    }

    /**
     * Locks {@code collection}'s head row until the transaction ends, without taking a position:
     * no other writer of that collection commits in between.
     */
    static void lockHead(Connection connection, StoreKind kind, String collection) throws SQLException {
        reservePositions(connection, kind, collection, 0);
    }

    /**
     * Gives a collection name seen for the first time its head row, starting where the store's
     * single head of earlier versions stopped (above every position ever handed out).
     */
    static void addHead(Connection connection, StoreKind kind, String collection) throws SQLException {
        if (kind == StoreKind.SQLITE) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO log_heads (collection, seq)"
                + " SELECT ?, seq FROM log_head WHERE id = 1 ON CONFLICT (collection) DO NOTHING")) {
            insert.setString(1, collection);
            insert.executeUpdate();
        }
    }

    /** {@code collection}'s head read on this connection (0 for a name never written). */
    static long head(Connection connection, StoreKind kind, String collection) throws SQLException {
        if (kind != StoreKind.SQLITE) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT seq FROM log_heads WHERE collection = ?")) {
                select.setString(1, collection);
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        return row.getLong(1);
                    }
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT seq FROM log_head WHERE id = 1");
                ResultSet row = select.executeQuery()) {
            return row.next() ? row.getLong(1) : 0L;
        }
    }

    static Map<String, StoredRecord> lookup(Connection connection, StoreKind kind,
            long collectionId, Set<String> ids) throws SQLException {
        return lookup(connection, kind, collectionId, ids, false);
    }

    /** The records with these ids (tombstones included), with their data when {@code withData}. */
    static Map<String, StoredRecord> lookup(Connection connection, StoreKind kind,
            long collectionId, java.util.Collection<String> ids, boolean withData) throws SQLException {
        Map<String, StoredRecord> found = new HashMap<>();
        List<String> all = new ArrayList<>(ids);
        // PostgreSQL takes the ids as one array parameter: one statement text, one plan. SQLite has
        // no arrays, so it gets chunks of placeholders.
        int chunkSize = kind == StoreKind.POSTGRESQL ? all.size() : LOOKUP_CHUNK;
        for (int from = 0; from < all.size(); from += chunkSize) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + chunkSize));
            String match = kind == StoreKind.POSTGRESQL ? "= ANY (?)"
                    : "IN (" + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, version, seq, deleted, updated_at, origin, " + (withData ? "data" : "NULL") + " FROM records"
                            + " WHERE collection_id = ? AND id " + match)) {
                select.setLong(1, collectionId);
                if (kind == StoreKind.POSTGRESQL) {
                    select.setArray(2, connection.createArrayOf("text", chunk.toArray()));
                } else {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 2, chunk.get(i));
                    }
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        StoredRecord record = readRecord(rows);
                        found.put(record.id(), record);
                    }
                }
            }
        }
        return found;
    }

    private static void upsert(Connection connection, long collectionId, List<RecordWrite> writes,
            List<AppliedWrite> applied) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO records (collection_id, id, version, seq, deleted, updated_at, origin, data)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (collection_id, id) DO UPDATE SET version = excluded.version,"
                        + " seq = excluded.seq, deleted = excluded.deleted,"
                        + " updated_at = excluded.updated_at, origin = excluded.origin,"
                        + " data = excluded.data")) {
            for (int i = 0; i < applied.size(); i++) {
                StoredRecord record = applied.get(i).record();
                upsert.setLong(1, collectionId);
                upsert.setString(2, record.id());
                upsert.setLong(3, record.version());
                upsert.setLong(4, record.seq());
                upsert.setBoolean(5, record.deleted());
                upsert.setLong(6, record.updated().toEpochMilli());
                upsert.setString(7, record.origin());
                upsert.setString(8, writes.get(i).data());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** The record with this id, tombstones included. */
    public Optional<StoredRecord> get(String collection, String id) {
        if (!RecordIds.isValid(id)) {
            return Optional.empty();
        }
        return database.read(connection -> {
            CollectionInfo info = CollectionCatalog.find(connection, collection)
                    .orElseThrow(() -> new CollectionNotFoundException(collection));
            try (PreparedStatement select = connection.prepareStatement("SELECT " + RECORD_COLUMNS
                    + " FROM records WHERE collection_id = ? AND id = ?")) {
                select.setLong(1, info.incarnation());
                select.setString(2, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(readRecord(rows)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The highest committed change-log position of {@code collection}. Every position at or below
     * it belongs to a committed change, so it is a safe upper bound for {@link #read} of that
     * collection (and of no other: positions are per collection).
     */
    public long head(String collection) {
        return database.read(connection -> head(connection, database.kind(), collection));
    }

    /**
     * Every collection's head, by name (on PostgreSQL also of names deleted since; on SQLite, where
     * all collections share one head, of the existing collections).
     */
    public Map<String, Long> heads() {
        return database.read(connection -> {
            Map<String, Long> heads = new java.util.TreeMap<>();
            try (PreparedStatement select = connection.prepareStatement(database.kind() == StoreKind.SQLITE
                    ? "SELECT c.name, h.seq FROM collections c, log_head h WHERE h.id = 1"
                    : "SELECT collection, seq FROM log_heads");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    heads.put(rows.getString(1), rows.getLong(2));
                }
            }
            return heads;
        });
    }

    /**
     * The highest head of all collections: a figure for metrics and the store summary, never a
     * bound for reading (another collection's writer may still commit below it).
     */
    public long highestHead() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(database.kind() == StoreKind.SQLITE
                    ? "SELECT seq FROM log_head WHERE id = 1" : "SELECT COALESCE(MAX(seq), 0) FROM log_heads");
                    ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    /**
     * What a reader at {@code afterSeq} still has to take: records changed after it (counted up to
     * {@code cap}; the count stops there) and when the oldest of them changed, leaving out changes
     * that came from {@code excludedOrigin} (a link's own writes, which it does not echo).
     *
     * @param changes the records changed after {@code afterSeq}, at most {@code cap}
     * @param oldest when the earliest of them changed, or null when there is none
     */
    public record Backlog(long changes, Instant oldest) {
    }

    /** The {@link Backlog} of a reader of {@code collection} at {@code afterSeq}; empty when the collection is gone. */
    public Backlog backlog(String collection, long afterSeq, String excludedOrigin, long cap) {
        return database.read(connection -> {
            Optional<CollectionInfo> info = CollectionCatalog.find(connection, collection);
            if (info.isEmpty()) {
                return new Backlog(0, null);
            }
            long incarnation = info.get().incarnation();
            String others = " FROM records WHERE collection_id = ? AND seq > ? AND (origin IS NULL OR origin <> ?)";
            long changes = Rows.one(connection, row -> row.getLong(1), "SELECT COUNT(*) FROM (SELECT 1" + others + " LIMIT ?) b",
                    incarnation, afterSeq, excludedOrigin, cap).orElse(0L);
            Instant oldest = Rows.one(connection, row -> Instant.ofEpochMilli(row.getLong(1)), "SELECT updated_at" + others
                    + " ORDER BY seq LIMIT 1", incarnation, afterSeq, excludedOrigin).orElse(null);
            return new Backlog(changes, oldest);
        });
    }

    /**
     * Reads the records of {@code collection} whose latest change lies in {@code (afterSeq,
     * upToSeq]}, in seq order, at most {@code limit} of them.
     *
     * @param includeDeleted whether tombstones are returned
     */
    public ChangePage read(String collection, long afterSeq, long upToSeq, int limit,
            boolean includeDeleted) {
        return read(collection, afterSeq, upToSeq, limit, includeDeleted, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(String, long, long, int, boolean)}, and the page also ends before the record
     * that would take its data past {@code maxBytes} — but it always holds at least one record, so
     * a reader always moves on.
     */
    public ChangePage read(String collection, long afterSeq, long upToSeq, int limit,
            boolean includeDeleted, long maxBytes) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return database.read(connection -> {
            CollectionInfo info = CollectionCatalog.find(connection, collection)
                    .orElseThrow(() -> new CollectionNotFoundException(collection));
            List<StoredRecord> records = new ArrayList<>(Math.min(limit + 1, 4096));
            try (PreparedStatement select = connection.prepareStatement("SELECT " + RECORD_COLUMNS
                    + " FROM records WHERE collection_id = ? AND seq > ? AND seq <= ?"
                    + (includeDeleted ? "" : " AND deleted = ?") + " ORDER BY seq LIMIT ?")) {
                int p = 1;
                select.setLong(p++, info.incarnation());
                select.setLong(p++, afterSeq);
                select.setLong(p++, upToSeq);
                if (!includeDeleted) {
                    select.setBoolean(p++, false);
                }
                select.setInt(p, limit + 1);
                select.setFetchSize(Math.min(limit + 1, 5000));
                long bytes = 0;
                boolean cut = false;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        StoredRecord record = readRecord(rows);
                        bytes += (record.data() == null ? 0 : record.data().length) + 64L;
                        if (!records.isEmpty() && bytes > maxBytes) {
                            cut = true;
                            break;
                        }
                        records.add(record);
                    }
                }
                if (cut) {
                    long horizon = horizonOf(connection, info.incarnation());
                    return new ChangePage(info.incarnation(), records, true, horizon);
                }
            }
            boolean hasMore = records.size() > limit;
            if (hasMore) {
                records.remove(records.size() - 1);
            }
            long horizon = horizonOf(connection, info.incarnation());
            return new ChangePage(info.incarnation(), records, hasMore, horizon);
        });
    }

    private static long horizonOf(Connection connection, long collectionId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT horizon FROM collections WHERE id = ?")) {
            select.setLong(1, collectionId);
            try (ResultSet row = select.executeQuery()) {
                // A collection deleted meanwhile: nothing below any position can be trusted.
                return row.next() ? row.getLong(1) : Long.MAX_VALUE;
            }
        }
    }

    static StoredRecord readRecord(ResultSet rows) throws SQLException {
        return new StoredRecord(rows.getString(1), rows.getLong(2), rows.getLong(3),
                rows.getBoolean(4), Instant.ofEpochMilli(rows.getLong(5)), rows.getString(6),
                rows.getBytes(7));
    }
}
