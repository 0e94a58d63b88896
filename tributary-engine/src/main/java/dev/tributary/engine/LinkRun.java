package dev.tributary.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ClockOp;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.ChangeOrigin;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.PartialBatchException;
import dev.tributary.connector.RecordRejectedException;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.store.AppliedWrite;
import dev.tributary.store.ChangePage;
import dev.tributary.store.ConflictRecord;
import dev.tributary.store.ConflictState;
import dev.tributary.store.DeletionLog;
import dev.tributary.store.IdMapping;
import dev.tributary.store.LinkRecord;
import dev.tributary.store.RecordIds;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.Store;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of a link: inbound (connector deltas into the store), deletion detection, then
 * outbound (change log out to the connector) — in that order, so that the endpoint's changes are
 * known before the hub's are written, and conflicts are seen from both sides.
 *
 * <p>Implementation notes — the invariants and how this class keeps them.
 * <ul>
 *   <li><b>Acked prefix.</b> Inbound deltas are applied in batches, each in one store
 *       transaction together with the token of its last delta: the token never runs ahead of what
 *       is durable, and a crash replays at most the batch in flight. Outbound writes go to the
 *       connector first and the checkpoint (with the id-map updates) is stored after them; a crash
 *       in between repeats the writes, which are recognized (below) instead of applied twice.</li>
 *   <li><b>Idempotent apply.</b> The id map keeps, per record and object, the versions on both
 *       sides when they were last in sync. An inbound delta whose version is the one recorded (our
 *       own write coming back, or a replay) changes nothing, nor does one that brings what the hub
 *       already holds. An outbound write refused as a conflict or an existing key is looked at:
 *       if the endpoint already holds what we meant to write, it is adopted.</li>
 *   <li><b>No echo.</b> Outbound skips changes whose origin is this link's endpoint, and
 *       records whose hub version is the one last synced with it.</li>
 *   <li><b>No silent conflict loss.</b> A record changed on both sides since they were last in
 *       sync is a conflict; the link's policy decides and the decision is recorded, or it is
 *       parked (manual) and the record is skipped both ways until a person resolves it. A side
 *       the hub won goes on the durable outbound queue, so it reaches the endpoint even if the
 *       run stops.</li>
 * </ul>
 */
final class LinkRun {

    private static final Logger LOG = LoggerFactory.getLogger(LinkRun.class);

    static final int INBOUND_BATCH = 2000;
    static final int OUTBOUND_PAGE = 2000;

    private final Store store;
    private final Clock clock;
    private final Definitions.Link link;
    private final Definitions.Endpoint endpoint;
    private final GuardedConnector connector;
    private final RunStats stats;
    private final ProgressSink progress;
    private final BooleanSupplier cancelled;
    private final DataMapping mapping;
    private final String origin;
    private final java.util.function.Supplier<String> recordIds;
    private Duration clockShift = Duration.ZERO;
    /** Open conflicts of the link while a batch is applied, keyed "r:"+record id and "u:"+uid. */
    private final Map<String, ConflictRecord> openConflicts = new HashMap<>();
    /** Whether the inbound side reads everything to compare (a resync), not only what changed. */
    private boolean resyncing;

    /** Where a run reports its phase and progress. */
    interface ProgressSink {
        void report(String phase, double progress);
    }

    LinkRun(Store store, Clock clock, Definitions.Link link, Definitions.Endpoint endpoint, GuardedConnector connector,
            RunStats stats, ProgressSink progress, BooleanSupplier cancelled, java.util.function.Supplier<String> recordIds) {
        this.store = store;
        this.recordIds = recordIds;
        this.clock = clock;
        this.link = link;
        this.endpoint = endpoint;
        this.connector = connector;
        this.stats = stats;
        this.progress = progress;
        this.cancelled = cancelled;
        this.mapping = new DataMapping(link.fieldMap());
        this.origin = "endpoint:" + endpoint.name();
    }

    /**
     * The clock shift (endpoint minus hub), measured once per pass when the link reads the
     * endpoint's change times (a {@code timestampField}): lastWriterWins compares them, and they
     * are kept with the hub versions they produce.
     */
    void measureClockShift() {
        if (link.timestampField() != null && connector.supports(ClockOp.class)) {
            Instant before = clock.instant();
            Instant theirs = connector.currentTime();
            Instant after = clock.instant();
            Instant ours = before.plus(Duration.between(before, after).dividedBy(2));
            clockShift = Duration.between(ours, theirs);
        }
    }

    Duration clockShift() {
        return clockShift;
    }

    private LinkRecord state() {
        return store.links().get(link.name()).orElseThrow(() -> new NotFoundException("link '" + link.name()
                + "' was deleted during its run"));
    }

    // =====================================================================================
    // Inbound

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
        List<SyncDelta> batch = new ArrayList<>();
        try {
            SyncToken end = connector.sync(link.objectClass(), token, delta -> {
                batch.add(delta);
                stats.inbound.read.incrementAndGet();
                if (batch.size() >= INBOUND_BATCH) {
                    commitInbound(batch, delta.token(), true);
                    batch.clear();
                    stats.inbound.pages.incrementAndGet();
                    progress.report("inbound", inboundEstimate(stats.inbound.read.get()));
                }
                return !cancelled.getAsBoolean();
            }, OperationOptions.DEFAULTS);
            commitInbound(batch, end, true);
            stats.inbound.pages.incrementAndGet();
        } catch (InvalidSyncTokenException e) {
            reconcile();
        } finally {
            stats.inbound.elapsedMs.addAndGet((System.nanoTime() - started) / 1_000_000);
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

    private SyncDelta deletion(String uid, SyncToken token) {
        return SyncDelta.builder().type(SyncDeltaType.DELETE).token(token).objectClass(link.objectClass())
                .uid(new Uid(uid)).build();
    }

    /** Applies deltas and stores {@code token} (when {@code storeToken}) in one transaction. */
    private void commitInbound(List<SyncDelta> deltas, SyncToken token, boolean storeToken) {
        if (deltas.isEmpty() && !storeToken) {
            return;
        }
        store.transact(tx -> {
            applyInbound(tx, deltas);
            if (storeToken) {
                tx.setInboundToken(link.name(), token);
            }
            return null;
        });
    }

    /** Hub writes waiting to be applied, with what to record once their versions are known. */
    private final class PendingWrites {
        private final StoreTransaction tx;
        private final List<RecordWrite> writes = new ArrayList<>();
        private final List<java.util.function.Consumer<AppliedWrite>> then = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private final Set<String> uids = new HashSet<>();
        /** Id-map changes in order; written batched, after the record writes they depend on. */
        private final List<Object> mappingOps = new ArrayList<>();
        /** Source times of the hub versions written, stored with the mappings. */
        private final List<StoreTransaction.ChangeTime> changeTimes = new ArrayList<>();

        void changeTime(String recordId, long version, Instant time) {
            if (time != null) {
                changeTimes.add(new StoreTransaction.ChangeTime(recordId, version, time));
            }
        }

        void putMapping(String uid, String recordId, long hubVersion, String endpointVersion) {
            mappingOps.add(new IdMapping(link.name(), uid, recordId, hubVersion, endpointVersion, clock.instant()));
        }

        void removeMapping(String uid) {
            mappingOps.add(uid);
        }

        private void writeMappings() {
            List<IdMapping> run = new ArrayList<>();
            List<String> removals = new ArrayList<>();
            for (Object op : mappingOps) {
                if (op instanceof IdMapping mapping) {
                    if (!removals.isEmpty()) {
                        tx.removeMappings(link.name(), removals);
                        removals = new ArrayList<>();
                    }
                    run.add(mapping);
                } else {
                    if (!run.isEmpty()) {
                        tx.putMappings(link.name(), run);
                        run = new ArrayList<>();
                    }
                    removals.add((String) op);
                }
            }
            tx.putMappings(link.name(), run);
            tx.removeMappings(link.name(), removals);
            mappingOps.clear();
            tx.putChangeTimes(link.collection(), changeTimes);
            changeTimes.clear();
        }

        PendingWrites(StoreTransaction tx) {
            this.tx = tx;
        }

        /** Applies what is pending before a delta about an object already touched in this batch. */
        void beforeObject(String uid) {
            if (uid != null && uids.contains(uid)) {
                flush();
            }
        }

        /** Adds a write about the external object {@code uid} (null when there is none). */
        void add(RecordWrite write, String uid, java.util.function.Consumer<AppliedWrite> after) {
            if (ids.contains(write.id()) || writes.size() >= dev.tributary.store.ChangeLog.MAX_BATCH) {
                flush();
            }
            ids.add(write.id());
            if (uid != null) {
                uids.add(uid);
            }
            writes.add(write);
            then.add(after);
        }

        void flush() {
            if (!writes.isEmpty()) {
                List<AppliedWrite> applied = tx.apply(link.collection(), writes, origin);
                for (int i = 0; i < applied.size(); i++) {
                    then.get(i).accept(applied.get(i));
                }
            }
            writeMappings();
            writes.clear();
            then.clear();
            ids.clear();
            uids.clear();
        }
    }

    private void applyInbound(StoreTransaction tx, List<SyncDelta> deltas) {
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
        Map<String, IdMapping> mappings = new HashMap<>(tx.mappingsByUid(link.name(), uids));
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
        PendingWrites pending = new PendingWrites(tx);
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

    private void inboundChange(StoreTransaction tx, PendingWrites pending, Map<String, IdMapping> mappings,
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
            Instant changed = sourceTime(object.fields());
            pending.add(new RecordWrite(RecordWrite.Op.PUT, recordId, null, false, data.toString()), uid, applied -> {
                pending.putMapping(uid, recordId, applied.record().version(), version);
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
            remember(pending, mappings, uid, record.id(), record.version(), version); // already the same: adopt
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
        writeHub(pending, tx, mappings, uid, record.id(), record, merged, version, sourceTime(object.fields()),
                stats.inbound);
    }

    private void inboundDelete(StoreTransaction tx, PendingWrites pending, Map<String, IdMapping> mappings,
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
    private void resolveInbound(StoreTransaction tx, PendingWrites pending, Map<String, IdMapping> mappings,
            SyncDelta delta, IdMapping known, StoredRecord record) {
        pending.flush();
        stats.inbound.conflicts.incrementAndGet();
        String uid = delta.uid().value();
        boolean endpointDeleted = delta.type() == SyncDeltaType.DELETE;
        boolean hubDeleted = record == null || record.deleted();
        ObjectNode hubData = hubDeleted ? null : DataMapping.parse(record.data());
        ObjectNode endpointData = endpointDeleted ? null : mapping.toHub(hubData, delta.object().fields());
        String endpointVersion = endpointDeleted ? null : delta.object().version();
        Side winner = decide(hubDeleted ? null : hubTime(tx, record),
                endpointDeleted ? null : delta.object().fields().get(link.timestampField()));
        if (winner == null) {
            String id = tx.recordConflict(link.name(), known.recordId(), uid, ConflictState.OPEN, link.conflictPolicy().label(), null,
                    DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion,
                    "both sides changed since the last sync; parked for a person");
            ConflictRecord parked = new ConflictRecord(id, link.name(), known.recordId(), uid, ConflictState.OPEN,
                    link.conflictPolicy().label(), null, DataMapping.text(hubData), DataMapping.text(endpointData),
                    endpointVersion, null, clock.instant(), null);
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
                    sourceTime(delta.object().fields()), stats.inbound);
        }
    }

    /**
     * When the hub's current version of a record changed: the source time stored with it (the
     * time an endpoint gave the change, corrected to hub time) or, without one, when the version
     * reached the hub.
     */
    private Instant hubTime(StoreTransaction tx, StoredRecord record) {
        return tx.changeTimes(link.collection(), Map.of(record.id(), record.version())).getOrDefault(record.id(),
                record.updated());
    }

    /** The change time an endpoint gives an object, in hub time; null when it gives none. */
    private Instant sourceTime(Map<String, Object> fields) {
        if (link.timestampField() == null) {
            return null;
        }
        Instant time = DataMapping.time(fields.get(link.timestampField()));
        return time == null ? null : time.minus(clockShift);
    }

    /**
     * Who wins by the policy: the hub, the endpoint, or null to park. For lastWriterWins the hub's
     * time is its current version's change time ({@link #hubTime}); the endpoint's is its
     * timestamp field, corrected by the clock shift; a side without a time (a deletion) counts as
     * happening now. On equal times the hub's side stays.
     */
    private Side decide(Instant hubTime, Object endpointTimeField) {
        return switch (link.conflictPolicy()) {
            case HUB_WINS -> Side.HUB;
            case ENDPOINT_WINS -> Side.ENDPOINT;
            case MANUAL -> null;
            case LAST_WRITER_WINS -> {
                Instant now = clock.instant();
                Instant endpointTime = DataMapping.time(endpointTimeField);
                Instant theirs = endpointTime == null ? now : endpointTime.minus(clockShift);
                Instant ours = hubTime == null ? now : hubTime;
                yield theirs.isAfter(ours) ? Side.ENDPOINT : Side.HUB;
            }
        };
    }

    /**
     * Writes an endpoint's side to the hub record {@code recordId}. {@code record} is the hub's
     * current state of it — a tombstone, or null when the record is gone altogether (its collection
     * was deleted, or compaction removed its tombstone while an id mapping still names it): both
     * are written without an expected version, bringing the record back.
     */
    private void writeHub(PendingWrites pending, StoreTransaction tx, Map<String, IdMapping> mappings, String uid,
            String recordId, StoredRecord record, ObjectNode data, String endpointVersion, Instant changed,
            RunStats.Direction counters) {
        String ifMatch = record == null || record.deleted() ? null : Long.toString(record.version());
        pending.add(new RecordWrite(RecordWrite.Op.PUT, recordId, ifMatch, false, data.toString()),
                uid, applied -> {
                    remember(pending, mappings, uid, recordId, applied.record().version(), endpointVersion);
                    pending.changeTime(recordId, applied.record().version(), changed);
                    count(counters, applied);
                });
    }

    private void remember(PendingWrites pending, Map<String, IdMapping> mappings, String uid, String recordId,
            long hubVersion, String endpointVersion) {
        pending.putMapping(uid, recordId, hubVersion, endpointVersion);
        mappings.values().removeIf(m -> m.recordId().equals(recordId));
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

    private static void count(RunStats.Direction counters, AppliedWrite applied) {
        switch (applied.outcome()) {
            case CREATED -> counters.created.incrementAndGet();
            case UPDATED -> counters.updated.incrementAndGet();
            case DELETED -> counters.deleted.incrementAndGet();
            default -> { }
        }
    }

    // =====================================================================================
    // Deletion detection

    /** Finds deletions the connector does not report, by the link's strategy. */
    void detectDeletions() {
        switch (link.deletionDetection()) {
            case NATIVE -> { }
            case TRACKED -> consumeDeletionLog();
            case ENUMERATE -> enumerate();
            case COUNT_RANGE -> countRanges();
            default -> throw new IllegalStateException();
        }
    }

    private void consumeDeletionLog() {
        progress.report("deletions", 0);
        while (true) {
            long checkpoint = state().deletionsCheckpoint();
            List<DeletionLog.Entry> entries = store.deletionLog().after(endpoint.name(), link.objectClass().name(),
                    checkpoint, INBOUND_BATCH);
            if (entries.isEmpty()) {
                return;
            }
            List<SyncDelta> deltas = entries.stream().map(e -> deletion(e.uid(), new SyncToken(e.seq()))).toList();
            long last = entries.get(entries.size() - 1).seq();
            store.transact(tx -> {
                applyInbound(tx, deltas);
                tx.setDeletionsCheckpoint(link.name(), last);
                return null;
            });
        }
    }

    private void enumerate() {
        progress.report("deletions", 0);
        Set<String> existing = new HashSet<>();
        String cookie = null;
        do {
            SearchResult result = connector.search(link.objectClass(), object -> existing.add(object.uid().value()),
                    OperationOptions.DEFAULTS.withPagedResultsCookie(cookie));
            cookie = result.pagedResultsCookie();
        } while (cookie != null);
        List<SyncDelta> gone = new ArrayList<>();
        for (IdMapping known : store.links().mappings(link.name())) {
            if (!existing.contains(known.uid())) {
                gone.add(deletion(known.uid(), new SyncToken("enumerate")));
            }
        }
        applyDeletions(gone);
    }

    private void countRanges() {
        progress.report("deletions", 0);
        List<Long> known = new ArrayList<>();
        for (IdMapping mapping : store.links().mappings(link.name())) {
            try {
                known.add(Long.parseLong(mapping.uid()));
            } catch (NumberFormatException e) {
                throw new EngineException("link '" + link.name() + "' uses countRange, but uid '" + mapping.uid()
                        + "' is not a number");
            }
        }
        known.sort(Long::compare);
        List<Long> distinct = known.stream().distinct().toList();
        List<SyncDelta> gone = new ArrayList<>();
        for (long uid : RangeBisection.missing(distinct,
                (min, max) -> connector.countRange(link.objectClass(), min, max + 1))) {
            gone.add(deletion(Long.toString(uid), new SyncToken("countRange")));
        }
        applyDeletions(gone);
    }

    private void applyDeletions(List<SyncDelta> gone) {
        for (int from = 0; from < gone.size(); from += INBOUND_BATCH) {
            List<SyncDelta> chunk = gone.subList(from, Math.min(gone.size(), from + INBOUND_BATCH));
            store.transact(tx -> {
                applyInbound(tx, chunk);
                return null;
            });
        }
    }

    // =====================================================================================
    // Outbound

    /** Writes the hub's changes since the checkpoint (and the queued records) to the endpoint. */
    void outbound() {
        long started = System.nanoTime();
        progress.report("outbound", 0);
        try {
            drainQueue();
            long start = state().outboundCheckpoint();
            long head = store.changeLog().head();
            long checkpoint = start;
            while (checkpoint < head && !cancelled.getAsBoolean()) {
                ChangePage page = store.changeLog().read(link.collection(), checkpoint, head, OUTBOUND_PAGE, true);
                long last = page.records().isEmpty() || !page.hasMore() ? head
                        : page.records().get(page.records().size() - 1).seq();
                List<StoredRecord> candidates = new ArrayList<>();
                for (StoredRecord record : page.records()) {
                    stats.outbound.read.incrementAndGet();
                    if (origin.equals(record.origin())) {
                        stats.outbound.skipped.incrementAndGet(); // no echo
                    } else {
                        candidates.add(record);
                    }
                }
                writeOut(candidates, last, false, null);
                stats.outbound.pages.incrementAndGet();
                checkpoint = last;
                progress.report("outbound", head == start ? 1 : (double) (checkpoint - start) / (head - start));
            }
        } finally {
            stats.outbound.elapsedMs.addAndGet((System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * Resync, outbound: lists what the endpoint holds, compares every hub record of the collection
     * (tombstones too) with it, and writes what is missing or different — a record whose mapped
     * object is gone is created again, one that differs is updated, an object of a deleted record
     * is deleted. What the id map believed no longer counts; the listing does. Ends with the
     * outbound checkpoint at the change-log head it compared up to.
     */
    void resyncOutbound() {
        long started = System.nanoTime();
        progress.report("outbound", 0);
        try {
            if (!connector.supports(SearchOp.class)) {
                throw new EngineException("a resync compares what the endpoint holds with the hub, and connector '"
                        + endpoint.connector() + "' cannot list its objects", null, false);
            }
            drainQueue();
            Map<String, Listed> listed = new HashMap<>();
            Map<List<String>, List<String>> fieldSets = new HashMap<>();
            String cookie = null;
            do {
                SearchResult result = connector.search(link.objectClass(), object -> {
                    ObjectNode there = mapping.toHub(null, object.fields());
                    List<String> names = new ArrayList<>();
                    there.fieldNames().forEachRemaining(names::add);
                    java.util.Collections.sort(names);
                    listed.put(object.uid().value(), new Listed(object.version(), fieldSets.computeIfAbsent(names, n -> n),
                            digest(there, names)));
                    return !cancelled.getAsBoolean();
                }, OperationOptions.DEFAULTS.withPagedResultsCookie(cookie));
                cookie = result.pagedResultsCookie();
            } while (cookie != null && !cancelled.getAsBoolean());
            long head = store.changeLog().head();
            long position = 0;
            while (position < head && !cancelled.getAsBoolean()) {
                ChangePage page = store.changeLog().read(link.collection(), position, head, OUTBOUND_PAGE, true);
                long last = page.records().isEmpty() || !page.hasMore() ? head
                        : page.records().get(page.records().size() - 1).seq();
                stats.outbound.read.addAndGet(page.records().size());
                writeOut(page.records(), -1, false, listed);
                stats.outbound.pages.incrementAndGet();
                position = last;
                progress.report("outbound", head == 0 ? 1 : (double) position / head);
            }
            if (!cancelled.getAsBoolean()) {
                store.transact(tx -> {
                    tx.setOutboundCheckpoint(link.name(), Math.max(head, state().outboundCheckpoint()));
                    return null;
                });
            }
        } finally {
            stats.outbound.elapsedMs.addAndGet((System.nanoTime() - started) / 1_000_000);
        }
    }

    /** An endpoint object as a resync's listing keeps it: its version and a digest of its mapped fields. */
    private record Listed(String version, List<String> fields, String digest) {
    }

    /** A digest of these fields of hub-shaped data; numbers by value, a missing field as null. */
    private static String digest(ObjectNode data, List<String> fields) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String field : fields) {
            sha.update(field.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(DataMapping.canonical(data.get(field)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(sha.digest(), 16));
    }

    private void drainQueue() {
        while (true) {
            List<String> queued = store.links().outboundQueue(link.name(), OUTBOUND_PAGE);
            if (queued.isEmpty()) {
                return;
            }
            Map<String, StoredRecord> records = store.transact(tx -> tx.records(link.collection(), queued));
            List<StoredRecord> present = new ArrayList<>();
            for (String id : queued) {
                StoredRecord record = records.get(id);
                if (record != null) {
                    present.add(record);
                }
            }
            Set<String> missing = new HashSet<>(queued);
            present.forEach(r -> missing.remove(r.id()));
            // A queued record that is gone altogether (its collection was deleted, or compaction
            // removed its tombstone) is a deletion on the hub's side: the endpoint's object goes too.
            Map<String, IdMapping> orphaned = missing.isEmpty() ? Map.of()
                    : store.links().mappingsByRecord(link.name(), missing);
            for (IdMapping known : orphaned.values()) {
                present.add(new StoredRecord(known.recordId(), known.hubVersion(), -1, true, clock.instant(), null, null));
                missing.remove(known.recordId());
            }
            writeOut(present, -1, true, null);
            if (!missing.isEmpty()) {
                store.transact(tx -> {
                    missing.forEach(id -> tx.dequeueOutbound(link.name(), id));
                    return null;
                });
            }
        }
    }

    /** One outbound write and the record it comes from. */
    private record Planned(StoredRecord record, IdMapping known, Write write, Map<String, Object> fields) {
    }

    /**
     * Writes records to the endpoint, then records the results (mappings, decisions, the
     * checkpoint {@code checkpoint} unless negative, dequeued records) in one transaction. With a
     * resync's {@code listed} objects, what the endpoint holds decides what is written, not the
     * versions the id map remembers.
     */
    private void writeOut(List<StoredRecord> records, long checkpoint, boolean queued, Map<String, Listed> listed) {
        Map<String, IdMapping> mappings = store.links().mappingsByRecord(link.name(),
                records.stream().map(StoredRecord::id).toList());
        // One look-up for both: records parked as conflicts are skipped; refusals of records written now end.
        Map<String, Set<ConflictState>> conflictStates = store.conflicts().unsettled(link.name(),
                records.stream().map(StoredRecord::id).toList());
        Set<String> parked = new HashSet<>();
        Set<String> refusedBefore = new HashSet<>();
        conflictStates.forEach((id, states) -> {
            if (states.contains(ConflictState.OPEN)) {
                parked.add(id);
            }
            if (states.contains(ConflictState.REJECTED)) {
                refusedBefore.add(id);
            }
        });
        List<Planned> plan = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (StoredRecord record : records) {
            IdMapping known = mappings.get(record.id());
            if (parked.contains(record.id())) {
                stats.outbound.skipped.incrementAndGet();
                continue;
            }
            if (listed != null) {
                Listed there = known == null ? null : listed.get(known.uid());
                if (known != null && there == null) {
                    stale.add(known.uid()); // the id map says it is there; it is not
                    known = null;
                } else if (known != null) {
                    if (!record.deleted() && there.digest().equals(digest(mapping.toHub(null,
                            mapping.toEndpoint(DataMapping.parse(record.data()))), there.fields()))) {
                        stats.outbound.skipped.incrementAndGet(); // the same on both sides
                        continue;
                    }
                    known = new IdMapping(known.link(), known.uid(), known.recordId(), known.hubVersion(), there.version(),
                            known.syncedAt());
                }
            } else if (!queued && known != null && known.hubVersion() == record.version()) {
                stats.outbound.skipped.incrementAndGet(); // already in sync
                continue;
            }
            if (record.deleted()) {
                if (known == null) {
                    stats.outbound.skipped.incrementAndGet();
                    continue;
                }
                plan.add(new Planned(record, known, Write.delete(new Uid(known.uid()), known.endpointVersion())
                        .withOrigin(ChangeOrigin.parse(record.origin())), Map.of()));
                continue;
            }
            Map<String, Object> fields = mapping.toEndpoint(DataMapping.parse(record.data()));
            if (known == null) {
                Map<String, Object> create = new LinkedHashMap<>(fields);
                if (link.keyField() != null) {
                    create.put(link.keyField(), record.id());
                }
                plan.add(new Planned(record, null, Write.create(create).withOrigin(ChangeOrigin.parse(record.origin())), fields));
            } else {
                plan.add(new Planned(record, known, Write.update(new Uid(known.uid()), known.endpointVersion(), fields)
                        .withOrigin(ChangeOrigin.parse(record.origin())), fields));
            }
        }
        List<WriteOutcome> outcomes;
        RuntimeException stopped = null;
        try {
            outcomes = plan.isEmpty() ? List.of()
                    : connector.write(link.objectClass(), plan.stream().map(Planned::write).toList(), OperationOptions.DEFAULTS);
        } catch (PartialBatchException partial) {
            // The endpoint failed part-way: what the first writes did (created objects' uids above all) is kept.
            outcomes = partial.completed();
            stopped = partial.failure();
        }
        List<Resolved> resolved = new ArrayList<>();
        for (WriteOutcome outcome : outcomes) {
            try {
                resolved.add(settle(plan.get(resolved.size()), outcome));
            } catch (RuntimeException e) {
                stopped = e; // this write's failure stops the run; the ones settled before it are kept
                break;
            }
        }
        // The records whose writes are settled (and those that needed none) are done with; a failure leaves the rest.
        Set<String> unsettled = new HashSet<>();
        for (int i = resolved.size(); i < plan.size(); i++) {
            unsettled.add(plan.get(i).record().id());
        }
        boolean complete = stopped == null;
        // Refusals of records now written are over.
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < resolved.size(); i++) {
            if (outcomes.get(i).succeeded() && refusedBefore.contains(plan.get(i).record().id())) {
                accepted.add(plan.get(i).record().id());
            }
        }
        store.transact(tx -> {
            tx.supersedeRejections(link.name(), accepted);
            PendingWrites pending = new PendingWrites(tx);
            stale.forEach(pending::removeMapping);
            for (Resolved result : resolved) {
                result.record(tx, pending);
            }
            pending.flush();
            if (queued) {
                records.stream().filter(r -> !unsettled.contains(r.id())).forEach(r -> tx.dequeueOutbound(link.name(), r.id()));
            }
            if (checkpoint >= 0 && complete) {
                tx.setOutboundCheckpoint(link.name(), checkpoint);
            }
            return null;
        });
        if (stopped != null) {
            throw stopped;
        }
    }

    /** What to record for one outbound write, decided after it was attempted. */
    private interface Resolved {
        void record(StoreTransaction tx, PendingWrites pending);
    }

    private Resolved settle(Planned planned, WriteOutcome outcome) {
        StoredRecord record = planned.record();
        if (outcome.succeeded()) {
            switch (planned.write().kind()) {
                case CREATE -> stats.outbound.created.incrementAndGet();
                case UPDATE -> stats.outbound.updated.incrementAndGet();
                case DELETE -> stats.outbound.deleted.incrementAndGet();
                default -> { }
            }
            if (planned.write().kind() == Write.Kind.DELETE) {
                return (tx, pending) -> pending.removeMapping(planned.known().uid());
            }
            String uid = outcome.result().uid().value();
            String version = outcome.result().version();
            return (tx, pending) -> pending.putMapping(uid, record.id(), record.version(), version);
        }
        ConnectorException failure = outcome.failure();
        if (failure instanceof RecordRejectedException) {
            // The endpoint refused this one record: recorded, skipped; it goes again when it changes or on request.
            stats.outbound.rejected.incrementAndGet();
            LOG.warn("link {}: the endpoint refused record {} ({}); the run goes on", link.name(), record.id(),
                    failure.getMessage());
            String uid = planned.known() == null ? null : planned.known().uid();
            return (tx, pending) -> tx.recordConflict(link.name(), record.id(), uid, ConflictState.REJECTED, link.conflictPolicy().label(),
                    null, record.deleted() ? null : record.dataText(), null,
                    planned.known() == null ? null : planned.known().endpointVersion(),
                    "the endpoint refused the " + planned.write().kind().name().toLowerCase(java.util.Locale.ROOT) + ": "
                            + failure.getMessage());
        }
        if (planned.write().kind() == Write.Kind.DELETE && failure instanceof UnknownUidException) {
            stats.outbound.skipped.incrementAndGet(); // already gone
            return (tx, pending) -> pending.removeMapping(planned.known().uid());
        }
        Uid target = failure instanceof AlreadyExistsException
                ? (link.keyField() == null ? null : new Uid(String.valueOf(planned.write().fields().get(link.keyField()))))
                : planned.write().uid();
        Optional<ConnectorObject> current = target == null ? Optional.empty()
                : connector.get(link.objectClass(), target, OperationOptions.DEFAULTS);
        if (current.isPresent() && planned.write().kind() != Write.Kind.DELETE && !record.deleted()
                && mapping.sameOnEndpoint(DataMapping.parse(record.data()), current.get().fields())) {
            // The endpoint already holds what we meant to write (a write repeated after a crash): adopt it.
            stats.outbound.skipped.incrementAndGet();
            ConnectorObject object = current.get();
            return (tx, pending) -> pending.putMapping(object.uid().value(), record.id(), record.version(),
                    object.version());
        }
        if (!(failure instanceof VersionConflictException || failure instanceof UnknownUidException
                || failure instanceof AlreadyExistsException)) {
            throw failure;
        }
        return conflictOutbound(planned, current.orElse(null));
    }

    /** The endpoint changed (or deleted, or created) what the hub changed: the policy decides. */
    private Resolved conflictOutbound(Planned planned, ConnectorObject current) {
        stats.outbound.conflicts.incrementAndGet();
        StoredRecord record = planned.record();
        ObjectNode hubData = record.deleted() ? null : DataMapping.parse(record.data());
        ObjectNode endpointData = current == null ? null : mapping.toHub(hubData, current.fields());
        String endpointVersion = current == null ? null : current.version();
        String uid = current != null ? current.uid().value() : planned.known() != null ? planned.known().uid() : null;
        Side winner = decide(record.deleted() ? null : store.transact(tx -> hubTime(tx, record)),
                current == null ? null : current.fields().get(link.timestampField()));
        if (winner == null) {
            return (tx, pending) -> tx.recordConflict(link.name(), record.id(), uid, ConflictState.OPEN, link.conflictPolicy().label(),
                    null, DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion,
                    "both sides changed since the last sync; parked for a person");
        }
        String detail = "found on outbound: hub " + (record.deleted() ? "deleted" : "changed") + ", endpoint "
                + (current == null ? "deleted" : "changed") + "; " + winner.label() + " wins";
        if (winner == Side.HUB) {
            // Write again over the endpoint's current version.
            Optional<VersionedWrite> forced = force(planned, current);
            return (tx, pending) -> {
                tx.recordConflict(link.name(), record.id(), uid, ConflictState.RESOLVED, link.conflictPolicy().label(), Side.HUB.label(),
                        DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion, detail);
                if (forced.isEmpty()) {
                    if (planned.known() != null) {
                        pending.removeMapping(planned.known().uid());
                    }
                } else {
                    pending.putMapping(forced.get().uid(), record.id(), record.version(), forced.get().version());
                }
            };
        }
        return (tx, pending) -> {
            tx.recordConflict(link.name(), record.id(), uid, ConflictState.RESOLVED, link.conflictPolicy().label(), Side.ENDPOINT.label(),
                    DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion, detail);
            Map<String, IdMapping> mappings = new HashMap<>();
            if (current == null) {
                if (!record.deleted()) {
                    pending.add(new RecordWrite(RecordWrite.Op.DELETE, record.id(), Long.toString(record.version()), false,
                            null), uid, applied -> count(stats.outbound, applied));
                }
                if (planned.known() != null) {
                    pending.removeMapping(planned.known().uid());
                }
            } else {
                writeHub(pending, tx, mappings, uid, record.id(), record, endpointData, endpointVersion,
                        sourceTime(current.fields()), stats.outbound);
            }
        };
    }

    private record VersionedWrite(String uid, String version) {
    }

    /** The hub won on outbound: write its side over whatever the endpoint holds now. */
    private Optional<VersionedWrite> force(Planned planned, ConnectorObject current) {
        StoredRecord record = planned.record();
        if (record.deleted()) {
            if (current != null) {
                connector.delete(link.objectClass(), current.uid(), current.version(), writeOptions(record));
                stats.outbound.deleted.incrementAndGet();
            }
            return Optional.empty();
        }
        if (current == null) {
            Map<String, Object> create = new LinkedHashMap<>(planned.fields());
            if (link.keyField() != null) {
                create.put(link.keyField(), record.id());
            }
            var created = connector.create(link.objectClass(), create, writeOptions(record));
            stats.outbound.created.incrementAndGet();
            return Optional.of(new VersionedWrite(created.uid().value(), created.version()));
        }
        var updated = connector.update(link.objectClass(), current.uid(), current.version(), planned.fields(),
                writeOptions(record));
        stats.outbound.updated.incrementAndGet();
        return Optional.of(new VersionedWrite(updated.uid().value(), updated.version()));
    }

    /** Options of a write to the connector, carrying where the hub's change came from. */
    private static OperationOptions writeOptions(StoredRecord record) {
        return OperationOptions.DEFAULTS.withOrigin(ChangeOrigin.parse(record.origin()));
    }
}
