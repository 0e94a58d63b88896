package dev.tributary.engine.sdata;

import dev.tributary.sdata.Digest;
import dev.tributary.sdata.Payload;
import dev.tributary.sdata.SDataException;
import dev.tributary.sdata.SyncFeed;
import dev.tributary.sdata.SyncState;
import dev.tributary.store.ChangePage;
import dev.tributary.store.SDataResources;
import dev.tributary.store.Store;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A $syncSource selection: the changes a target lacks by its digest, selected as keys only (id
 * and sync state) within a memory budget, sorted by endpoint and tick; and the feed entries of
 * selected keys, read when a page is served. No HTTP here.
 */
public final class SyncSourceSelector {

    /** What a selection found: the hub's digest it was made against, and the keys of the changes to send. */
    public record Selection(Digest digest, List<Selected> entries) {
    }

    private final Store store;
    private final HubDigests digests;

    public SyncSourceSelector(Store store, HubDigests digests) {
        this.store = store;
        this.digests = digests;
    }

    static final int MAX_SOURCE_ENTRIES = 1_000_000;

    public record Selected(String id, SyncState state) {
    }

    /** What one selected key costs in memory, counted generously: the objects, the list slot, the id's characters. */
    public static long bytesOf(String id) {
        return 96 + 2L * id.length();
    }

    public Selection select(SDataResources.Resource resource, Digest target, SyncTargetApplier.Progress operation,
            SelectionBudget.Reservation reservation) {
        operation.report("Selecting changes", "reading " + resource.collection(), 0.1);
        Digest ours = digests.digest(resource);
        Map<String, Long> thresholds = Digest.selection(ours, target);
        List<Selected> entries = new ArrayList<>();
        boolean kept = false;
        try {
            if (!thresholds.isEmpty()) {
                long head = ours.tick(resource.endpoint()) - 1;
                long after = 0;
                while (true) {
                    ChangePage page = store.changeLog().read(resource.collection(), after, head, 1000, true);
                    Map<String, StoreTransaction.SDataState> stored = store.transact(resource.collection(), tx -> tx.sdataStates(
                            resource.collection(), page.records().stream().map(StoredRecord::id).toList()));
                    for (StoredRecord record : page.records()) {
                        SyncState state = HubDigests.state(resource, record, stored.get(record.id()));
                        if (Digest.selects(thresholds, state)) {
                            if (entries.size() >= MAX_SOURCE_ENTRIES) {
                                throw new SDataException(413, "more than " + MAX_SOURCE_ENTRIES
                                        + " changes to send; synchronize more often");
                            }
                            if (!reservation.reserve(bytesOf(record.id()))) {
                                throw new SDataException(503, "the hub holds as many selected changes as it may now"
                                        + " (other synchronizations are open); retry later");
                            }
                            entries.add(new Selected(record.id(), state));
                        }
                        after = record.seq();
                    }
                    if (!page.hasMore()) {
                        break;
                    }
                }
            }
            entries.sort(Comparator.comparing((Selected e) -> e.state().endpoint())
                    .thenComparingLong(e -> e.state().tick()));
            operation.report("Ready", entries.size() + " changes", 1.0);
            kept = true;
            return new Selection(ours, entries);
        } finally {
            if (!kept) {
                reservation.close();
            }
        }
    }

    /**
     * The feed entries of selected keys, with the records as they are now (a record changed since
     * the selection goes with its current version and state; one gone altogether as deleted).
     */
    public List<SyncFeed.Entry> entries(SDataResources.Resource resource, List<Selected> selected) {
        List<String> ids = selected.stream().map(Selected::id).toList();
        record Now(Map<String, StoredRecord> records, Map<String, StoreTransaction.SDataState> states) {
        }
        Now now = store.transact(resource.collection(), tx -> new Now(tx.records(resource.collection(), ids), tx.sdataStates(resource.collection(), ids)));
        List<SyncFeed.Entry> entries = new ArrayList<>(selected.size());
        for (Selected key : selected) {
            StoredRecord record = now.records().get(key.id());
            if (record == null) {
                entries.add(new SyncFeed.Entry(null, key.id(), key.state().stamp(), key.state(), true, null, null));
                continue;
            }
            SyncState state = HubDigests.state(resource, record, now.states().get(record.id()));
            entries.add(new SyncFeed.Entry(null, record.id(), record.updated(), state, record.deleted(),
                    record.deleted() ? null : Payload.ofJson(record.dataText()), null));
        }
        return entries;
    }
}
