package dev.tributary.engine.sdata;

import dev.tributary.engine.Side;
import dev.tributary.sdata.ConflictRule;
import dev.tributary.sdata.Digest;
import dev.tributary.sdata.SDataException;
import dev.tributary.sdata.SyncFeed;
import dev.tributary.sdata.SyncState;
import dev.tributary.store.AppliedWrite;
import dev.tributary.store.ConflictState;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.SDataResources;
import dev.tributary.store.Store;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A $syncTarget page applied to the hub: checked whole before anything is applied, then each
 * entry decided by the conflict rule and applied with the sync state and the digest, in chunks
 * of one transaction each (a chunk that fails is redone entry by entry, so only the failing entry
 * and those after it are lost). No HTTP here: the provider's route hands it the parsed feed.
 */
public final class SyncTargetApplier {

    private static final Logger LOG = LoggerFactory.getLogger(SyncTargetApplier.class);

    /** Where an apply reports how far it is. */
    public interface Progress {
        void report(String phase, String detail, double progress);
    }

    private final Store store;
    private final Clock clock;
    private final Supplier<String> baseUrl;
    private final HubDigests digests;

    public SyncTargetApplier(Store store, Clock clock, Supplier<String> baseUrl, HubDigests digests) {
        this.store = store;
        this.clock = clock;
        this.baseUrl = baseUrl;
        this.digests = digests;
    }

    /** Everything that makes a page unusable is found before anything is applied. */
    public void check(SDataResources.Resource resource, SyncFeed feed) {
        if (feed.digest() == null) {
            throw SDataException.badRequest("the feed has no <sync:digest>; a target needs the source's digest");
        }
        int index = 0;
        for (SyncFeed.Entry entry : feed.entries()) {
            index++;
            if (entry.uuid() == null || !dev.tributary.store.RecordIds.isValid(entry.uuid())) {
                throw SDataException.badRequest("entry " + index + " needs an sdata:uuid usable as a record id (letters,"
                        + " digits and . _ ~ : @ -), not '" + entry.uuid() + "'");
            }
            if (entry.state() == null) {
                throw SDataException.badRequest("entry " + index + " has no <sync:syncState>");
            }
            if (!entry.deleted() && entry.data() == null) {
                throw SDataException.badRequest("entry " + index + " has no payload; sync feeds carry complete payloads");
            }
        }
        if (!feed.catchUp()) {
            Digest target = digests.digest(resource);
            Map<String, Long> expected = new java.util.HashMap<>();
            for (SyncFeed.Entry entry : feed.entries()) {
                String endpoint = entry.state().endpoint();
                long next = expected.computeIfAbsent(endpoint, target::tick);
                if (entry.state().tick() > next && !endpoint.equals(resource.endpoint())) {
                    throw SDataException.badRequest("immediate mode: entry " + entry.uuid() + " has tick "
                            + entry.state().tick() + " of " + endpoint + ", but the target has that endpoint's changes only"
                            + " below " + next + "; send a catch-up feed");
                }
                expected.put(endpoint, Math.max(next, entry.state().tick() + 1));
            }
        }
    }

    /**
     * Entries applied in one transaction — a whole page as the hub's own passes send them; a chunk
     * that fails is redone entry by entry to find the culprit. (At 200, a catch-up spent a tenth
     * more time waiting on commits.)
     */
    static final int CHUNK = 1000;

    public List<SyncFeed.Entry> apply(SDataResources.Resource resource, SyncFeed feed, Progress operation) {
        List<SyncFeed.Entry> entries = feed.entries();
        operation.report("Processing", "0 of " + entries.size(), 0);
        List<SyncFeed.Entry> outcomes = new ArrayList<>();
        RuntimeException failure = null;
        for (int from = 0; from < entries.size() && failure == null; from += CHUNK) {
            List<SyncFeed.Entry> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
            if (Thread.currentThread().isInterrupted()) {
                failure = new IllegalStateException("the operation was deleted");
                break;
            }
            try {
                outcomes.addAll(store.transact(resource.collection(), tx -> applyChunk(resource, feed, chunk, tx)));
            } catch (RuntimeException chunkFailed) {
                for (SyncFeed.Entry entry : chunk) {
                    if (failure != null) {
                        break;
                    }
                    try {
                        outcomes.addAll(store.transact(resource.collection(), tx -> applyChunk(resource, feed, List.of(entry), tx)));
                    } catch (RuntimeException e) {
                        LOG.warn("SData entry {} of {} failed", entry.uuid(), resource.resource(), e);
                        failure = e;
                        String why = e instanceof dev.tributary.store.StoreException failed && failed.retryable()
                                ? "the store was unavailable; send the entry again" : "the hub could not apply it; its log says why";
                        outcomes.add(outcome(resource, entry, new SyncFeed.Outcome(500, "failed: " + why, null, null, null)));
                    }
                }
            }
            operation.report("Processing", outcomes.size() + " of " + entries.size(),
                    (double) outcomes.size() / Math.max(1, entries.size()));
        }
        for (int i = outcomes.size(); i < entries.size(); i++) {
            outcomes.add(outcome(resource, entries.get(i), new SyncFeed.Outcome(500, "not processed: the batch stopped"
                    + (failure == null ? "" : " (" + failure.getMessage() + ")"), null, null, null)));
        }
        if (failure == null && feed.catchUp() && feed.next() == null) {
            store.transact(resource.collection(), tx -> {
                Digest current = HubDigests.digest(resource, tx, clock.instant());
                Digest merged = current.afterCatchUp(feed.digest(), clock.instant());
                HubDigests.saveDigest(resource, tx, current, merged);
                return null;
            });
        }
        return outcomes;
    }

    /**
     * Applies entries in one transaction: the records, their states and the digest are read once,
     * decided on and updated in memory entry by entry, and the digest rows that changed are
     * written at the end.
     */
    public List<SyncFeed.Entry> applyChunk(SDataResources.Resource resource, SyncFeed feed, List<SyncFeed.Entry> chunk,
            StoreTransaction tx) {
        Instant now = clock.instant();
        List<String> ids = chunk.stream().map(SyncFeed.Entry::uuid).distinct().toList();
        Map<String, StoredRecord> records = new java.util.HashMap<>(tx.records(resource.collection(), ids));
        Map<String, StoreTransaction.SDataState> states = new java.util.HashMap<>(tx.sdataStates(resource.collection(), ids));
        Digest before = HubDigests.digest(resource, tx, now);
        Digest.Absorbing targetDigest = before.absorbing();
        boolean distinct = ids.size() == chunk.size();
        SyncFeed.Outcome[] results = new SyncFeed.Outcome[chunk.size()];
        List<Integer> toWrite = new ArrayList<>();
        List<RecordWrite> writes = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            SyncFeed.Entry entry = chunk.get(i);
            Optional<StoredRecord> current = Optional.ofNullable(records.get(entry.uuid()));
            StoreTransaction.SDataState stored = states.get(entry.uuid());
            SyncState targetState = current.map(r -> HubDigests.state(resource, r, stored)).orElse(null);
            // A resource new here is decided without the digest, which is then not made for it.
            ConflictRule.Decision decision = targetState == null ? ConflictRule.NEW_AT_TARGET
                    : ConflictRule.decide(feed.digest(), targetDigest.digest(), entry.state(), targetState);
            if (decision.conflict()) {
                // Recorded like every decision the hub makes on a conflict: GET /v1/conflicts shows it.
                tx.recordConflict("sdata:" + resource.resource(), entry.uuid(), entry.state().endpoint(),
                        ConflictState.RESOLVED, "conflictPriority", (decision.apply() ? Side.ENDPOINT : Side.HUB).label(),
                        current.filter(r -> !r.deleted()).map(StoredRecord::dataText).orElse(null),
                        entry.deleted() ? null : entry.data().text(), Long.toString(entry.state().tick()),
                        decision.reason());
            }
            if (!decision.apply()) {
                results[i] = decision.conflict()
                        ? new SyncFeed.Outcome(409, "conflict lost: " + decision.reason(), null, null, etag(current))
                        : new SyncFeed.Outcome(200, "not applied: " + decision.reason(), null, null, etag(current),
                                SyncFeed.NOT_APPLIED);
            } else if (entry.deleted() && (current.isEmpty() || current.get().deleted())) {
                if (current.isPresent()) {
                    // The target's own tombstone gives way to the source's: its state becomes the
                    // source's, or this node would later send its losing deletion as the newer change.
                    StoreTransaction.SDataState state = new StoreTransaction.SDataState(entry.uuid(),
                            current.get().version(), entry.state().endpoint(), entry.state().tick(), entry.state().stamp());
                    tx.putSDataState(resource.collection(), state);
                    states.put(entry.uuid(), state);
                }
                results[i] = new SyncFeed.Outcome(200, "already absent", "DELETE", null, null);
            } else {
                RecordWrite write = entry.deleted()
                        ? new RecordWrite(RecordWrite.Op.DELETE, entry.uuid(), null, false, null)
                        : new RecordWrite(RecordWrite.Op.PUT, entry.uuid(), null, false, entry.data().text());
                if (distinct) {
                    // Each record appears once in the chunk: its write can join the chunk's one batch.
                    toWrite.add(i);
                    writes.add(write);
                } else {
                    results[i] = written(resource, entry, tx.apply(resource.collection(), List.of(write),
                            "sdata:" + entry.state().endpoint()).get(0), records, states);
                    tx.putSDataState(resource.collection(), states.get(entry.uuid()));
                }
            }
            targetDigest.absorb(entry.state(), feed.digest()::priority, now);
        }
        if (!writes.isEmpty()) {
            List<AppliedWrite> applied = tx.apply(resource.collection(), writes, "sdata");
            List<StoreTransaction.SDataState> made = new ArrayList<>();
            for (int k = 0; k < toWrite.size(); k++) {
                int i = toWrite.get(k);
                results[i] = written(resource, chunk.get(i), applied.get(k), records, states);
                made.add(states.get(chunk.get(i).uuid()));
            }
            tx.putSDataStates(resource.collection(), made);
        }
        List<SyncFeed.Entry> outcomes = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            outcomes.add(outcome(resource, chunk.get(i), results[i]));
        }
        HubDigests.saveDigest(resource, tx, before, targetDigest.digest());
        return outcomes;
    }

    /**
     * Remembers the source's sync state for a version just written (the caller stores it), and
     * answers the entry's outcome.
     */
    public SyncFeed.Outcome written(SDataResources.Resource resource, SyncFeed.Entry entry, AppliedWrite applied,
            Map<String, StoredRecord> records, Map<String, StoreTransaction.SDataState> states) {
        StoreTransaction.SDataState state = new StoreTransaction.SDataState(entry.uuid(), applied.record().version(),
                entry.state().endpoint(), entry.state().tick(), entry.state().stamp());
        records.put(entry.uuid(), applied.record());
        states.put(entry.uuid(), state);
        if (entry.deleted()) {
            return new SyncFeed.Outcome(200, "deleted", "DELETE", null, null);
        }
        boolean created = applied.outcome() == AppliedWrite.Outcome.CREATED;
        return new SyncFeed.Outcome(created ? 201 : 200, created ? "Created" : "OK", created ? "POST" : "PUT",
                baseUrl.get() + "/v1/collections/" + resource.collection() + "/records/" + entry.uuid(),
                applied.record().etag());
    }

    public static String etag(Optional<StoredRecord> record) {
        return record.map(StoredRecord::etag).orElse(null);
    }

    public SyncFeed.Entry outcome(SDataResources.Resource resource, SyncFeed.Entry entry, SyncFeed.Outcome outcome) {
        return new SyncFeed.Entry(entry.id(), entry.uuid(), clock.instant(), entry.state(), entry.deleted(), null, outcome);
    }
}
