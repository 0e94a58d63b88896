package dev.tributary.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creates, lists, changes and deletes collections. */
public final class CollectionCatalog {

    /** Tombstone retention of a collection created without one. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** Longest retention accepted. */
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);

    private static final String COLUMNS = "id, name, retention_ms, horizon, created_at";

    /** The result of {@link #put}. */
    public record PutResult(CollectionInfo collection, boolean created) {
    }

    private final Database database;
    private final Clock clock;

    CollectionCatalog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Creates the collection, or changes its retention if it exists.
     *
     * @param retention the tombstone retention, or null to keep the current one (or the default)
     */
    public PutResult put(String name, Duration retention) {
        RecordIds.requireValidCollection(name);
        if (retention != null && (retention.isNegative() || retention.isZero()
                || retention.compareTo(MAX_RETENTION) > 0)) {
            throw new IllegalArgumentException("retention must be positive and at most "
                    + MAX_RETENTION.toDays() + " days");
        }
        return database.write(connection -> {
            Optional<CollectionInfo> existing = find(connection, name);
            if (existing.isPresent()) {
                if (retention == null || retention.equals(existing.get().retention())) {
                    return new PutResult(existing.get(), false);
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE collections SET retention_ms = ? WHERE id = ?")) {
                    update.setLong(1, retention.toMillis());
                    update.setLong(2, existing.get().incarnation());
                    update.executeUpdate();
                }
                return new PutResult(find(connection, name).orElseThrow(), false);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO collections (name, retention_ms, horizon, created_at) VALUES (?, ?, 0, ?)")) {
                insert.setString(1, name);
                insert.setLong(2, (retention == null ? DEFAULT_RETENTION : retention).toMillis());
                insert.setLong(3, clock.millis());
                insert.executeUpdate();
            }
            ChangeLog.addHead(connection, database.kind(), name);
            return new PutResult(find(connection, name).orElseThrow(), true);
        });
    }

    /** The collection named {@code name}, if it exists. */
    public Optional<CollectionInfo> get(String name) {
        if (!RecordIds.isValidCollection(name)) {
            return Optional.empty();
        }
        return database.read(connection -> find(connection, name));
    }

    /** How many live records a collection holds, and how many of its records changed since a moment. */
    public record Counts(long records, long changedSince) {
    }

    /** The collection's live records and those changed within {@code window} up to now (the latest change of each). */
    public Counts counts(CollectionInfo collection, Duration window) {
        long since = clock.millis() - window.toMillis();
        return database.read(connection -> Rows.one(connection,
                row -> new Counts(row.getLong(1), row.getLong(2)),
                "SELECT COALESCE(SUM(CASE WHEN deleted THEN 0 ELSE 1 END), 0),"
                        + " COALESCE(SUM(CASE WHEN updated_at >= ? THEN 1 ELSE 0 END), 0)"
                        + " FROM records WHERE collection_id = ?", since, collection.incarnation())
                .orElse(new Counts(0, 0)));
    }

    /** Every collection, by name. */
    public List<CollectionInfo> list() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM collections ORDER BY name")) {
                return readAll(select);
            }
        });
    }

    /**
     * Deletes the collection and all its records. Sync tokens of the collection become
     * unanswerable (410), also if a collection of the same name is created again.
     *
     * @return whether it existed
     */
    public boolean delete(String name) {
        if (!RecordIds.isValidCollection(name)) {
            return false;
        }
        return database.write(connection -> {
            Optional<CollectionInfo> existing = find(connection, name);
            if (existing.isEmpty()) {
                return false;
            }
            try (PreparedStatement records = connection.prepareStatement(
                    "DELETE FROM records WHERE collection_id = ?");
                    PreparedStatement collection = connection.prepareStatement(
                            "DELETE FROM collections WHERE id = ?")) {
                records.setLong(1, existing.get().incarnation());
                records.executeUpdate();
                collection.setLong(1, existing.get().incarnation());
                collection.executeUpdate();
            }
            // Its live readers (long-polls, streams, watch channels) learn of it at once.
            database.noteWake(name);
            return true;
        });
    }

    static Optional<CollectionInfo> find(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM collections WHERE name = ?")) {
            select.setString(1, name);
            List<CollectionInfo> found = readAll(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static List<CollectionInfo> readAll(PreparedStatement select) throws SQLException {
        List<CollectionInfo> result = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                result.add(new CollectionInfo(rows.getString(2), rows.getLong(1),
                        Duration.ofMillis(rows.getLong(3)), rows.getLong(4),
                        Instant.ofEpochMilli(rows.getLong(5))));
            }
        }
        return result;
    }
}
