package dev.tributary.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.ChangeOrigin;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.PartialBatchException;
import dev.tributary.connector.RecordRejectedException;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import dev.tributary.store.ChangePage;
import dev.tributary.store.ConflictState;
import dev.tributary.store.IdMapping;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The outbound side of a run: the durable queue first, then the change log from the link's
 * checkpoint (or, for a resync, every record against a listing of the endpoint), written to the
 * connector in batches guarded by the versions the id map remembers; each write's outcome is
 * settled — recorded, adopted when the endpoint already holds it, refused, or a conflict for the
 * {@link ConflictDecider} — and the checkpoint stored only after the writes before it.
 */
final class OutboundWriter extends LinkRunPart {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundWriter.class);

    private final ConflictDecider decider;
    private final InboundApplier inbound;

    OutboundWriter(LinkRun.Context context, ConflictDecider decider, InboundApplier inbound) {
        super(context);
        this.decider = decider;
        this.inbound = inbound;
    }

    /** Writes the hub's changes since the checkpoint (and the queued records) to the endpoint. */
    void outbound() {
        long started = System.nanoTime();
        progress.report("outbound", 0);
        try {
            drainQueue();
            long start = state().outboundCheckpoint();
            long head = store.changeLog().head(link.collection());
            long checkpoint = start;
            // Page N+1 is written to the endpoint (on a thread of its own) while the results of
            // page N are recorded in the store (on this thread, which holds the link's lease), in
            // page order: each page's mappings and checkpoint commit only after every page before it.
            java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "tributary-write-" + link.name());
                thread.setDaemon(true);
                return thread;
            });
            java.util.concurrent.Future<Written> inFlight = null;
            // Once a page's writes stop part-way (the endpoint failed), later pages are not written:
            // they would reach the endpoint without being recorded.
            java.util.concurrent.atomic.AtomicBoolean halted = new java.util.concurrent.atomic.AtomicBoolean();
            try {
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
                    java.util.concurrent.Future<Written> next = writer.submit(() -> {
                        if (halted.get()) {
                            return null; // not written; the failure before it ends the pass
                        }
                        try {
                            Written written = write(candidates, last, false, null);
                            halted.set(written.stopped() != null);
                            return written;
                        } catch (RuntimeException | Error e) {
                            halted.set(true);
                            throw e;
                        }
                    });
                    if (inFlight != null) {
                        java.util.concurrent.Future<Written> previous = inFlight;
                        inFlight = next;
                        record(await(previous));
                    } else {
                        inFlight = next;
                    }
                    stats.outbound.pages.incrementAndGet();
                    checkpoint = last;
                    progress.report("outbound", head == start ? 1 : (double) (checkpoint - start) / (head - start));
                }
                if (inFlight != null) {
                    java.util.concurrent.Future<Written> previous = inFlight;
                    inFlight = null;
                    record(await(previous));
                }
            } finally {
                // A page still being written when this pass fails is left unrecorded, as after a
                // crash between writing and recording: the next run writes it again (an endpoint
                // that holds it already is adopted). The endpoint is not used after this returns.
                writer.shutdown();
                awaitQuietly(writer);
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
            long head = store.changeLog().head(link.collection());
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
                store.transact(link.collection(), tx -> {
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
            Map<String, StoredRecord> records = store.transact(link.collection(), tx -> tx.records(link.collection(), queued));
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
                store.transact(link.collection(), tx -> {
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
        record(write(records, checkpoint, queued, listed));
    }

    /** A page written to the endpoint whose results are yet to be recorded in the store. */
    private record Written(List<StoredRecord> records, long checkpoint, boolean queued, List<Resolved> resolved,
            List<String> stale, List<String> accepted, Set<String> unsettled, RuntimeException stopped) {
    }

    /** The results of a page written out, checkpoint included, in one transaction; then its failure, if any. */
    private void record(Written written) {
        if (written == null) {
            throw new IllegalStateException("a page was not written after an earlier one failed");
        }
        boolean complete = written.stopped() == null;
        store.transact(link.collection(), tx -> {
            tx.supersedeRejections(link.name(), written.accepted());
            PendingWrites pending = new PendingWrites(tx, link.name(), link.collection(), origin, clock,
                link.keepsSyncedCopies());
            written.stale().forEach(pending::removeMapping);
            for (Resolved result : written.resolved()) {
                result.record(tx, pending);
            }
            pending.flush();
            if (written.queued()) {
                written.records().stream().filter(r -> !written.unsettled().contains(r.id()))
                        .forEach(r -> tx.dequeueOutbound(link.name(), r.id()));
            }
            if (written.checkpoint() >= 0 && complete) {
                tx.setOutboundCheckpoint(link.name(), written.checkpoint());
            }
            return null;
        });
        if (written.stopped() != null) {
            throw written.stopped();
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the endpoint", e);
        }
    }

    private static void awaitQuietly(java.util.concurrent.ExecutorService writer) {
        try {
            while (!writer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                LOG.info("still waiting for a write to the endpoint to end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes records to the endpoint and settles each outcome; what to record is returned, for
     * {@link #record}. With a resync's {@code listed} objects, what the endpoint holds decides what
     * is written, not the versions the id map remembers.
     */
    private Written write(List<StoredRecord> records, long checkpoint, boolean queued, Map<String, Listed> listed) {
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
        // Refusals of records now written are over.
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < resolved.size(); i++) {
            if (outcomes.get(i).succeeded() && refusedBefore.contains(plan.get(i).record().id())) {
                accepted.add(plan.get(i).record().id());
            }
        }
        return new Written(records, checkpoint, queued, resolved, stale, accepted, unsettled, stopped);
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
            return (tx, pending) -> pending.putMapping(uid, record.id(), record.version(), version, record.dataText());
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
        Side winner = decider.decide(record.deleted() ? null : store.transact(link.collection(), tx -> decider.hubTime(tx, record)),
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
                    pending.putMapping(forced.get().uid(), record.id(), record.version(), forced.get().version(),
                            record.dataText());
                }
            };
        }
        return (tx, pending) -> {
            tx.recordConflict(link.name(), record.id(), uid, ConflictState.RESOLVED, link.conflictPolicy().label(), Side.ENDPOINT.label(),
                    DataMapping.text(hubData), DataMapping.text(endpointData), endpointVersion, detail);
            InboundApplier.BatchMappings mappings = new InboundApplier.BatchMappings(Map.of());
            if (current == null) {
                if (!record.deleted()) {
                    pending.add(new RecordWrite(RecordWrite.Op.DELETE, record.id(), Long.toString(record.version()), false,
                            null), uid, applied -> InboundApplier.count(stats.outbound, applied));
                }
                if (planned.known() != null) {
                    pending.removeMapping(planned.known().uid());
                }
            } else {
                inbound.writeHub(pending, tx, mappings, uid, record.id(), record, endpointData, endpointVersion,
                        decider.sourceTime(current.fields()), stats.outbound);
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
