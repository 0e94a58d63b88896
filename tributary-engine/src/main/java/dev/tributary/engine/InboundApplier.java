package dev.tributary.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.Uid;
import dev.tributary.store.AppliedWrite;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.ConflictState;
import dev.tributary.store.IdMapping;
import dev.tributary.store.RecordIds;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inbound side of a run: reads the endpoint's deltas (from the stored token, or from the
 * beginning for a resync or a reconciliation), maps them through the id map, compares them with
 * the hub and applies them in batches — each batch with its token in one store transaction
 * (the acked prefix) — and hands conflicts to the {@link ConflictDecider}.
 */
final class InboundApplier extends LinkRunPart {

    private final ConflictDecider decider;
    /** Open conflicts of the link while a batch is applied, keyed "r:"+record id and "u:"+uid. */
    private final Map<String, ConflictRecord> openConflicts = new HashMap<>();
    /** Whether the inbound side reads everything to compare (a resync), not only what changed. */
    private boolean resyncing;

    InboundApplier(LinkRun.Context context, ConflictDecider decider) {
        super(context);
        this.decider = decider;
    }

    /** Reads the endpoint's changes since the stored token and applies them. */
    void inbound() {
        inbound(state().inboundToken());
    }

    /**
     * Resync, inbound: reads every object the endpoint holds from the beginning and applies what
     * differs from the hub (what is the same is adopted, never rewritten). Deletions stay the job
     * of deletion detection, which runs after it as usual.
     */
    void resyncInbound() {
        resyncing = true;
        try {
            inbound(null);
        } finally {
            resyncing = false;
        }
    }

    private void inbound(SyncToken token) {
        long started = System.nanoTime();
        progress.report("inbound", 0);
        ReadAhead reader = new ReadAhead(token);
        try {
            while (true) {
                ReadAhead.Batch batch = reader.next();
                commitInbound(batch.deltas(), batch.token(), true);
                stats.inbound.pages.incrementAndGet();
                if (batch.last()) {
                    break;
                }
                progress.report("inbound", inboundEstimate(stats.inbound.read.get()));
            }
        } catch (InvalidSyncTokenException e) {
            reconcile();
        } finally {
            reader.close();
            stats.inbound.elapsedMs.addAndGet((System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * The endpoint's deltas, read on a thread of their own one batch ahead of the batch being
     * applied, so that reading the endpoint and writing the hub overlap. Batches are applied in
     * the order read, each with its token, on the run's thread (which holds the link's lease), so
     * the acked prefix is what it was when one thread did both; at most three batches are in
     * memory (one applied, one waiting, one being read). A failure of the read is thrown by
     * {@link #next()}; closing stops the read.
     */
    private final class ReadAhead implements AutoCloseable {

        record Batch(List<SyncDelta> deltas, SyncToken token, boolean last) {
        }

        private final java.util.concurrent.BlockingQueue<Object> ready = new java.util.concurrent.ArrayBlockingQueue<>(1);
        private final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        private final Thread thread;

        ReadAhead(SyncToken token) {
            thread = new Thread(() -> read(token), "tributary-read-" + link.name());
            thread.setDaemon(true);
            thread.start();
        }

        private void read(SyncToken token) {
            try {
                var batch = new Object() {
                    List<SyncDelta> deltas = new ArrayList<>();
                };
                SyncToken end = connector.sync(link.objectClass(), token, delta -> {
                    batch.deltas.add(delta);
                    stats.inbound.read.incrementAndGet();
                    if (batch.deltas.size() >= INBOUND_BATCH) {
                        hand(new Batch(batch.deltas, delta.token(), false));
                        batch.deltas = new ArrayList<>();
                    }
                    return !cancelled.getAsBoolean() && !stop.get();
                }, OperationOptions.DEFAULTS);
                hand(new Batch(batch.deltas, end, true));
            } catch (RuntimeException | Error e) {
                hand(e);
            }
        }

        /** Waits for room for the next batch (or failure), unless the reading was stopped. */
        private void hand(Object item) {
            try {
                while (!stop.get()) {
                    if (ready.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The next batch in order; throws what the read failed with. */
        Batch next() {
            try {
                while (true) {
                    Object item = ready.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (item instanceof Batch batch) {
                        return batch;
                    }
                    if (item instanceof RuntimeException e) {
                        throw e;
                    }
                    if (item instanceof Error e) {
                        throw e;
                    }
                    if (!thread.isAlive() && ready.isEmpty()) {
                        throw new IllegalStateException("the endpoint's reader of link '" + link.name()
                                + "' ended without a last batch");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading link '" + link.name() + "'", e);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            ready.clear();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Progress through an inbound read whose length the connector cannot tell: it grows with every
     * batch applied and approaches, never reaches, 0.9 (the count itself is {@code stats.inbound.read},
     * saved with each report).
     */
    static double inboundEstimate(long read) {
        return 0.9 * read / (read + 10.0 * INBOUND_BATCH);
    }

    /**
     * The token was refused: list everything the endpoint holds, apply it, remove what
     * disappeared, and continue from the token the connector gave before the listing (so changes
     * made while listing are read again next time).
     */
    private void reconcile() {
        stats.reconciled = true;
        SyncToken latest = connector.getLatestSyncToken(link.objectClass());
        SyncToken marker = latest != null ? latest : new SyncToken("reconciliation");
        if (!connector.supports(SearchOp.class)) {
            // A sync from the beginning delivers every object the endpoint holds (and perhaps the
            // history of some); whatever the id map knows that it did not end with is gone.
            List<SyncDelta> batch = new ArrayList<>();
            Set<String> present = new HashSet<>();
            SyncToken end = connector.sync(link.objectClass(), null, delta -> {
                if (delta.type() == SyncDeltaType.DELETE) {
                    present.remove(delta.uid().value());
                } else {
                    if (delta.previousUid() != null) {
                        present.remove(delta.previousUid().value());
                    }
                    present.add(delta.uid().value());
                }
                batch.add(delta);
                stats.inbound.read.incrementAndGet();
                if (batch.size() >= INBOUND_BATCH) {
                    commitInbound(batch, null, false);
                    batch.clear();
                    progress.report("inbound", inboundEstimate(stats.inbound.read.get()));
                }
                return true;
            }, OperationOptions.DEFAULTS);
            commitInbound(batch, null, false);
            commitInbound(vanished(present, marker), end, true);
            return;
        }
        Set<String> seen = new HashSet<>();
        String cookie = null;
        do {
            List<SyncDelta> page = new ArrayList<>();
            SearchResult result = connector.search(link.objectClass(), object -> {
                seen.add(object.uid().value());
                page.add(SyncDelta.builder().type(SyncDeltaType.CREATE_OR_UPDATE).token(marker).object(object).build());
                return true;
            }, OperationOptions.DEFAULTS.withPagedResultsCookie(cookie));
            stats.inbound.read.addAndGet(page.size());
            commitInbound(page, null, false);
            progress.report("inbound", inboundEstimate(stats.inbound.read.get()));
            cookie = result.pagedResultsCookie();
        } while (cookie != null);
        commitInbound(vanished(seen, marker), latest, latest != null);
    }

    /** Deletions for the objects the id map knows that a full listing did not contain. */
    private List<SyncDelta> vanished(Set<String> listed, SyncToken token) {
        List<SyncDelta> gone = new ArrayList<>();
        for (IdMapping known : store.links().mappings(link.name())) {
            if (!listed.contains(known.uid())) {
                gone.add(deletion(known.uid(), token));
            }
        }
        return gone;
    }

    SyncDelta deletion(String uid, SyncToken token) {
        return SyncDelta.builder().type(SyncDeltaType.DELETE).token(token).objectClass(link.objectClass())
                .uid(new Uid(uid)).build();
    }

    /** Applies deltas and stores {@code token} (when {@code storeToken}) in one transaction. */
    void commitInbound(List<SyncDelta> deltas, SyncToken token, boolean storeToken) {
        if (deltas.isEmpty() && !storeToken) {
            return;
        }
        store.transact(link.collection(), tx -> {
            applyInbound(tx, deltas);
            if (storeToken) {
                tx.setInboundToken(link.name(), token);
            }
            return null;
        });
    }

    void applyInbound(StoreTransaction tx, List<SyncDelta> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        Set<String> uids = new LinkedHashSet<>();
        for (SyncDelta delta : deltas) {
            uids.add(delta.uid().value());
            if (delta.previousUid() != null) {
                uids.add(delta.previousUid().value());
            }
        }
        BatchMappings mappings = new BatchMappings(tx.mappingsByUid(link.name(), uids));
        Map<String, ConflictRecord> open = openConflicts;
        open.clear();
        for (ConflictRecord conflict : tx.openConflicts(link.name())) {
            if (conflict.recordId() != null) {
                open.put("r:" + conflict.recordId(), conflict);
            }
            if (conflict.uid() != null) {
                open.put("u:" + conflict.uid(), conflict);
            }
        }
        PendingWrites pending = new PendingWrites(tx, link.name(), link.collection(), origin, clock,
                link.keepsSyncedCopies());
        for (SyncDelta delta : deltas) {
            // Each delta sees the state the earlier ones of this batch left: a second delta about
            // the same object first applies what is pending, so its mapping is known.
            String uid = delta.uid().value();
            pending.beforeObject(uid);
            pending.beforeObject(delta.previousUid() == null ? null : delta.previousUid().value());
            IdMapping known = mappings.get(uid);
            if (known == null && delta.previousUid() != null) {
                known = mappings.get(delta.previousUid().value());
            }
            ConflictRecord parked = open.get("u:" + uid);
            if (parked == null && known != null) {
                parked = open.get("r:" + known.recordId());
            }
            if (parked != null) {
                pending.flush();
                tx.updateOpenConflict(parked.id(), parked.hubData(), delta.object() == null ? null
                        : DataMapping.text(mapping.toHub(null, delta.object().fields())),
                        delta.object() == null ? null : delta.object().version(), uid);
                stats.inbound.skipped.incrementAndGet();
                continue;
            }
            if (delta.type() == SyncDeltaType.DELETE) {
                inboundDelete(tx, pending, mappings, delta, known);
            } else if (link.recordIdsFromKeys() && known != null && !known.uid().equals(uid)) {
                // The key is the record's identity: a renamed key is the old record deleted and
                // the object's record under its new key.
                inboundDelete(tx, pending, mappings, SyncDelta.builder().type(SyncDeltaType.DELETE).token(delta.token())
                        .objectClass(delta.objectClass()).uid(new Uid(known.uid())).build(), known);
                inboundChange(tx, pending, mappings, delta, null);
            } else {
                inboundChange(tx, pending, mappings, delta, known);
            }
        }
        pending.flush();
    }

    private Optional<StoredRecord> hubRecord(StoreTransaction tx, PendingWrites pending, String recordId) {
        pending.flush();
        return Optional.ofNullable(tx.records(link.collection(), List.of(recordId)).get(recordId));
    }

    private void inboundChange(StoreTransaction tx, PendingWrites pending, BatchMappings mappings,
            SyncDelta delta, IdMapping known) {
        String uid = delta.uid().value();
        ConnectorObject object = delta.object();
        String version = object.version();
        boolean keyTaken = false;
        if (known == null && (link.keyField() != null || link.recordIdsFromKeys()) && RecordIds.isValid(uid)) {
            // An object whose uid is a hub record id but whose mapping is missing: with a keyField,
            // one we created whose run stopped before its checkpoint; with record ids taken from
            // endpoint keys, one whose record exists already (another source with the same key, or
            // a mapping lost). Treat it as that record's object — adopted if it holds the same, a
            // conflict otherwise — never as a new record. A deleted record is brought back only
            // for endpoint keys: the key is the record's identity there.
            StoredRecord own = hubRecord(tx, pending, uid).orElse(null);
            IdMapping holder = own == null || !link.recordIdsFromKeys() ? null
                    : tx.mappingsByRecord(link.name(), List.of(own.id())).get(own.id());
            if (holder != null && !holder.uid().equals(uid)) {
                // The record of this key belongs to another object here (its key was renamed away
                // from this one): the new object gets a record of its own.
                keyTaken = true;
            } else if (own != null && !(own.deleted() && link.recordIdsFromKeys())) {
                known = new IdMapping(link.name(), uid, own.id(), -1, null, clock.instant());
            }
        }
        if (known == null) {
            String recordId = keyTaken ? recordIds.get() : newRecordId(object);
            ObjectNode data = mapping.toHub(null, object.fields());
            Instant changed = decider.sourceTime(object.fields());
            String text = data.toString();
            pending.add(new RecordWrite(RecordWrite.Op.PUT, recordId, null, false, text), uid, applied -> {
                pending.putMapping(uid, recordId, applied.record().version(), version, text);
                pending.changeTime(recordId, applied.record().version(), changed);
                mappings.put(uid, new IdMapping(link.name(), uid, recordId, applied.record().version(), version, clock.instant()));
                count(stats.inbound, applied);
            });
            return;
        }
        boolean renamed = !known.uid().equals(uid);
        if (renamed) {
            mappings.remove(known.uid());
        }
        boolean sameVersion = !renamed && version != null && version.equals(known.endpointVersion());
        if (sameVersion && !resyncing) {
            stats.inbound.skipped.incrementAndGet(); // our own write coming back, or a replay
            return;
        } // a resync compares the data even then: a change made with the tracking off keeps its version
        StoredRecord record = hubRecord(tx, pending, known.recordId()).orElse(null);
        if (record == null || record.deleted()) {
            // The hub deleted it; the endpoint changed it.
            if (record != null && record.version() == known.hubVersion() || version != null && version.equals(known.endpointVersion())) {
                remember(pending, mappings, uid, known.recordId(), record == null ? 0 : record.version(), version);
                stats.inbound.skipped.incrementAndGet();
                return;
            }
            resolveInbound(tx, pending, mappings, delta, known, record);
            return;
        }
        ObjectNode current = DataMapping.parse(record.data());
        ObjectNode merged = mapping.toHub(current, object.fields());
        if (DataMapping.same(merged, current)) {
            remember(pending, mappings, uid, record.id(), record.version(), version, record.dataText()); // already the same: adopt
            stats.inbound.skipped.incrementAndGet();
            return;
        }
        if (record.version() != known.hubVersion()) {
            if (sameVersion) {
                stats.inbound.skipped.incrementAndGet(); // only the hub changed: the outbound side writes it
                return;
            }
            resolveInbound(tx, pending, mappings, delta, known, record);
            return;
        }
        writeHub(pending, tx, mappings, uid, record.id(), record, merged, version, decider.sourceTime(object.fields()),
                stats.inbound);
    }

    private void inboundDelete(StoreTransaction tx, PendingWrites pending, BatchMappings mappings,
            SyncDelta delta, IdMapping known) {
        String uid = delta.uid().value();
        if (known == null) {
            stats.inbound.skipped.incrementAndGet();
            return;
        }
        StoredRecord record = hubRecord(tx, pending, known.recordId()).orElse(null);
        if (record == null || record.deleted()) {
            pending.removeMapping(uid);
            mappings.remove(uid);
            stats.inbound.skipped.incrementAndGet();
            return;
        }
        if (record.version() != known.hubVersion()) {
            resolveInbound(tx, pending, mappings, delta, known, record);
            return;
        }
        pending.add(new RecordWrite(RecordWrite.Op.DELETE, record.id(), Long.toString(record.version()), false, null),
                uid, applied -> count(stats.inbound, applied));
        pending.removeMapping(uid);
        mappings.remove(uid);
    }

    /** Both sides changed since they were last in sync: the policy decides, and it is recorded. */
    private void resolveInbound(StoreTransaction tx, PendingWrites pending, BatchMappings mappings,
            SyncDelta delta, IdMapping known, StoredRecord record) {
        pending.flush();
        stats.inbound.conflicts.incrementAndGet();
        String uid = delta.uid().value();
        boolean endpointDeleted = delta.type() == SyncDeltaType.DELETE;
        boolean hubDeleted = record == null || record.deleted();
        ObjectNode hubData = hubDeleted ? null : DataMapping.parse(record.data());
        ObjectNode endpointData = endpointDeleted ? null : mapping.toHub(hubData, delta.object().fields());
        String endpointVersion = endpointDeleted ? null : delta.object().version();
        Side winner = decider.decide(hubDeleted ? null : decider.hubTime(tx, record),
                endpointDeleted ? null : delta.object().fields().get(link.timestampField()));
        if (winner == null) {
            String id = tx.recordConflict(link.name(), known.recordId(), uid, ConflictState.OPEN, link.conflictPolicy().label(), null,
                    DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion,
                    "both sides changed since the last sync; parked for a person");
            ConflictRecord parked = new ConflictRecord(id, link.name(), known.recordId(), uid, ConflictState.OPEN,
                    link.conflictPolicy().label(), null, DataMapping.text(hubData), DataMapping.text(endpointData),
                    endpointVersion, null, clock.instant(), null, null);
            openConflicts.put("r:" + known.recordId(), parked);
            openConflicts.put("u:" + uid, parked);
            return;
        }
        tx.recordConflict(link.name(), known.recordId(), uid, ConflictState.RESOLVED, link.conflictPolicy().label(), winner.label(),
                DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion,
                "found on inbound: " + (endpointDeleted ? "endpoint deleted, " : "endpoint changed, ")
                        + (hubDeleted ? "hub deleted" : "hub changed") + "; " + winner.label() + " wins");
        if (winner == Side.HUB) {
            // Keep the hub's side and make sure the endpoint gets it, even across a crash.
            if (endpointDeleted) {
                pending.removeMapping(uid);
                mappings.remove(uid);
            } else {
                remember(pending, mappings, uid, known.recordId(), known.hubVersion(), endpointVersion);
            }
            tx.enqueueOutbound(link.name(), known.recordId());
            return;
        }
        if (endpointDeleted) {
            pending.add(new RecordWrite(RecordWrite.Op.DELETE, record.id(), Long.toString(record.version()), false, null),
                    uid, applied -> count(stats.inbound, applied));
            pending.removeMapping(uid);
            mappings.remove(uid);
        } else {
            writeHub(pending, tx, mappings, uid, known.recordId(), record, endpointData, endpointVersion,
                    decider.sourceTime(delta.object().fields()), stats.inbound);
        }
    }

    /**
     * Writes an endpoint's side to the hub record {@code recordId}. {@code record} is the hub's
     * current state of it — a tombstone, or null when the record is gone altogether (its collection
     * was deleted, or compaction removed its tombstone while an id mapping still names it): both
     * are written without an expected version, bringing the record back.
     */
    void writeHub(PendingWrites pending, StoreTransaction tx, BatchMappings mappings, String uid,
            String recordId, StoredRecord record, ObjectNode data, String endpointVersion, Instant changed,
            RunStats.Direction counters) {
        String ifMatch = record == null || record.deleted() ? null : Long.toString(record.version());
        String text = data.toString();
        pending.add(new RecordWrite(RecordWrite.Op.PUT, recordId, ifMatch, false, text),
                uid, applied -> {
                    remember(pending, mappings, uid, recordId, applied.record().version(), endpointVersion, text);
                    pending.changeTime(recordId, applied.record().version(), changed);
                    count(counters, applied);
                });
    }

    private void remember(PendingWrites pending, BatchMappings mappings, String uid, String recordId,
            long hubVersion, String endpointVersion) {
        remember(pending, mappings, uid, recordId, hubVersion, endpointVersion, null);
    }

    /**
     * {@code data}: the hub record's data at {@code hubVersion} when known (null: a copy kept for the
     * record at that same version stays, else none is kept).
     */
    private void remember(PendingWrites pending, BatchMappings mappings, String uid, String recordId,
            long hubVersion, String endpointVersion, String data) {
        pending.putMapping(uid, recordId, hubVersion, endpointVersion, data);
        mappings.removeRecord(recordId);
        mappings.put(uid, new IdMapping(link.name(), uid, recordId, hubVersion, endpointVersion, clock.instant()));
    }

    private String newRecordId(ConnectorObject object) {
        if (!link.recordIdsFromKeys()) {
            return recordIds.get();
        }
        String key = object.uid().value();
        if (!RecordIds.isValid(key)) {
            throw new EngineException("link '" + link.name() + "' takes record ids from endpoint keys, but the key '"
                    + (key.length() > 60 ? key.substring(0, 57) + "..." : key) + "' of a " + link.objectClass().name()
                    + " object cannot be one (1 to " + RecordIds.MAX_ID_LENGTH
                    + " characters from A-Z a-z 0-9 . _ ~ : @ -); use recordIds generated for this link");
        }
        return key;
    }

    static void count(RunStats.Direction counters, AppliedWrite applied) {
        switch (applied.outcome()) {
            case CREATED -> counters.created.incrementAndGet();
            case UPDATED -> counters.updated.incrementAndGet();
            case DELETED -> counters.deleted.incrementAndGet();
            default -> { }
        }
    }

    /**
     * A batch's id mappings by uid that also knows the uids each record was put under, so taking
     * a record's mapping out costs a look-up rather than a scan of the batch (which made a batch
     * quadratic in its size). Removals by uid leave stale entries in that index; they are checked
     * against the map when used.
     */
    static final class BatchMappings extends HashMap<String, IdMapping> {
        private final Map<String, Set<String>> uidsByRecord = new HashMap<>();

        BatchMappings(Map<String, IdMapping> found) {
            found.forEach(this::put);
        }

        @Override
        public IdMapping put(String uid, IdMapping mapping) {
            uidsByRecord.computeIfAbsent(mapping.recordId(), r -> new java.util.HashSet<>(2)).add(uid);
            return super.put(uid, mapping);
        }

        /** Removes every mapping of this record, under whichever uid. */
        void removeRecord(String recordId) {
            Set<String> uids = uidsByRecord.remove(recordId);
            if (uids != null) {
                for (String uid : uids) {
                    IdMapping mapping = get(uid);
                    if (mapping != null && mapping.recordId().equals(recordId)) {
                        remove(uid);
                    }
                }
            }
        }
    }
}
