package dev.tributary.engine.sdata;

import dev.tributary.sdata.Digest;
import dev.tributary.sdata.DigestEntry;
import dev.tributary.sdata.SyncState;
import dev.tributary.store.SDataResources;
import dev.tributary.store.Store;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The hub's side of SData digests: a resource kind's digest (the hub's own entry from the change
 * log, the other endpoints' from the store) read as one snapshot, the sync state of a record, and
 * the digest rows a target's apply changes.
 */
public final class HubDigests {

    private final Store store;
    private final Clock clock;

    public HubDigests(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** This resource kind's digest: the hub's own entry first, then every other endpoint's. */
    public Digest digest(SDataResources.Resource resource) {
        return snapshot(resource, () -> store.sdata().digest(resource.resource()), () -> store.changeLog().head(resource.collection()),
                clock.instant());
    }

    /**
     * The digest as one snapshot, its two parts read in the only safe order: the stored entries
     * first, then the change log's head. A target committing in between can then only make the
     * head — and the selection, which reads up to it — go further than the entries claim (those
     * records are sent again later: harmless); it can never make an entry claim ticks whose
     * records lie above the head the selection reads to, which the target would merge without
     * ever receiving them.
     */
    public static Digest snapshot(SDataResources.Resource resource, java.util.function.Supplier<List<SDataResources.DigestRow>> entries,
            java.util.function.LongSupplier head, Instant now) {
        List<SDataResources.DigestRow> rows = entries.get();
        return digest(resource, head.getAsLong(), rows, now);
    }

    public static Digest digest(SDataResources.Resource resource, StoreTransaction tx, Instant now) {
        return digest(resource, tx.head(resource.collection()), tx.sdataDigest(resource.resource()), now);
    }

    public static Digest digest(SDataResources.Resource resource, long head, List<SDataResources.DigestRow> rows,
            Instant now) {
        List<DigestEntry> entries = new ArrayList<>();
        entries.add(new DigestEntry(resource.endpoint(), head + 1, now, resource.conflictPriority()));
        for (SDataResources.DigestRow row : rows) {
            if (!row.endpoint().equals(resource.endpoint())) {
                entries.add(new DigestEntry(row.endpoint(), row.tick(), row.stamp(), row.conflictPriority()));
            }
        }
        return new Digest(resource.endpoint(), entries);
    }

    public static SyncState state(SDataResources.Resource resource, StoredRecord record,
            StoreTransaction.SDataState stored) {
        if (stored != null && stored.version() == record.version()) {
            return new SyncState(stored.endpoint(), stored.tick(), stored.stamp());
        }
        return new SyncState(resource.endpoint(), record.seq(), record.updated());
    }

    public static void saveDigest(SDataResources.Resource resource, StoreTransaction tx, Digest before, Digest after) {
        for (DigestEntry entry : after.entries()) {
            if (entry.endpoint().equals(resource.endpoint())) {
                continue; // the hub's own entry follows the change log
            }
            Optional<DigestEntry> old = before.entry(entry.endpoint());
            if (old.isEmpty() || !old.get().equals(entry)) {
                tx.putSDataDigest(resource.resource(), new SDataResources.DigestRow(entry.endpoint(), entry.tick(),
                        entry.stamp(), entry.conflictPriority()));
            }
        }
    }
}
