package dev.tributary.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Removes tombstones older than their collection's retention and advances the collection's
 * horizon past them.
 *
 * <p>Implementation notes. The horizon is the highest position whose tombstone was removed; the
 * removal and the new horizon commit together. A sync from a position below the horizon might
 * miss a deletion, so it is answered with {@code fullSyncRequired}. Readers check the horizon
 * after reading a page ({@link ChangePage#horizon()}), so a compaction that commits while a page
 * is read is never missed. Running on several hub nodes at once is safe: each removal only raises
 * the horizon.
 */
public final class TombstoneCompactor {

    private final Database database;
    private final CollectionCatalog catalog;
    private final Clock clock;

    TombstoneCompactor(Database database, CollectionCatalog catalog, Clock clock) {
        this.database = database;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Compacts every collection once.
     *
     * @return per collection name, the number of tombstones removed (collections with none left out)
     */
    public Map<String, Integer> compactAll() {
        Map<String, Integer> removed = new LinkedHashMap<>();
        for (CollectionInfo collection : catalog.list()) {
            int count = compact(collection);
            if (count > 0) {
                removed.put(collection.name(), count);
            }
        }
        return removed;
    }

    private int compact(CollectionInfo collection) {
        long cutoff = clock.millis() - collection.retention().toMillis();
        return database.write(connection -> {
            long highest;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT max(seq) FROM records WHERE collection_id = ? AND deleted = ? AND updated_at < ?")) {
                select.setLong(1, collection.incarnation());
                select.setBoolean(2, true);
                select.setLong(3, cutoff);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    highest = row.getLong(1);
                    if (row.wasNull()) {
                        return 0;
                    }
                }
            }
            int count;
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM records WHERE collection_id = ? AND deleted = ? AND updated_at < ? AND seq <= ?")) {
                delete.setLong(1, collection.incarnation());
                delete.setBoolean(2, true);
                delete.setLong(3, cutoff);
                delete.setLong(4, highest);
                count = delete.executeUpdate();
            }
            try (PreparedStatement horizon = connection.prepareStatement(
                    "UPDATE collections SET horizon = CASE WHEN horizon < ? THEN ? ELSE horizon END WHERE id = ?")) {
                horizon.setLong(1, highest);
                horizon.setLong(2, highest);
                horizon.setLong(3, collection.incarnation());
                horizon.executeUpdate();
            }
            return count;
        });
    }
}
