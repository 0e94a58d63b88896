package dev.tributary.engine;

import dev.tributary.store.AppliedWrite;
import dev.tributary.store.IdMapping;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hub writes of one store transaction waiting to be applied in a batch, with what to record once
 * their versions are known, and the id-map changes that depend on them — applied in order, the
 * mappings after the record writes, so a mapping never names a version that is not there.
 */
final class PendingWrites {
    /** One change to the id map, in order. */
    private sealed interface MappingOp permits Put, Remove {
    }

    /** {@code data}: the hub record's data at the mapping's version when known here, else null. */
    private record Put(IdMapping mapping, String data) implements MappingOp {
    }

    private record Remove(String uid) implements MappingOp {
    }

    private final StoreTransaction tx;
    private final String link;
    private final String collection;
    private final String origin;
    private final Clock clock;
    private final List<RecordWrite> writes = new ArrayList<>();
    private final List<java.util.function.Consumer<AppliedWrite>> then = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final Set<String> uids = new HashSet<>();
    /** Id-map changes in order; written batched, after the record writes they depend on. */
    private final List<MappingOp> mappingOps = new ArrayList<>();
    /** Source times of the hub versions written, stored with the mappings. */
    private final List<StoreTransaction.ChangeTime> changeTimes = new ArrayList<>();

    void changeTime(String recordId, long version, Instant time) {
        if (time != null) {
            changeTimes.add(new StoreTransaction.ChangeTime(recordId, version, time));
        }
    }

    void putMapping(String uid, String recordId, long hubVersion, String endpointVersion) {
        putMapping(uid, recordId, hubVersion, endpointVersion, null);
    }

    /** A mapping with the hub record's data at {@code hubVersion}: what the link last had in sync. */
    void putMapping(String uid, String recordId, long hubVersion, String endpointVersion, String data) {
        mappingOps.add(new Put(new IdMapping(link, uid, recordId, hubVersion, endpointVersion, clock.instant()), data));
    }

    void removeMapping(String uid) {
        mappingOps.add(new Remove(uid));
    }

    private void writeMappings() {
        List<IdMapping> run = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        for (MappingOp op : mappingOps) {
            if (op instanceof Put put) {
                IdMapping mapping = put.mapping();
                if (!removals.isEmpty()) {
                    tx.removeMappings(link, removals);
                    removals = new ArrayList<>();
                }
                run.add(mapping);
                bases.add(put.data());
            } else {
                if (!run.isEmpty()) {
                    tx.putMappings(link, run, keepBases ? bases : null);
                    run = new ArrayList<>();
                    bases = new ArrayList<>();
                }
                removals.add(((Remove) op).uid());
            }
        }
        tx.putMappings(link, run, keepBases ? bases : null);
        tx.removeMappings(link, removals);
        mappingOps.clear();
        tx.putChangeTimes(collection, changeTimes);
        changeTimes.clear();
    }

    /** Whether to keep what each mapped record was when last in sync (links whose conflicts wait for a person). */
    private final boolean keepBases;

    PendingWrites(StoreTransaction tx, String link, String collection, String origin, Clock clock, boolean keepBases) {
        this.keepBases = keepBases;
        this.tx = tx;
        this.link = link;
        this.collection = collection;
        this.origin = origin;
        this.clock = clock;
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
            List<AppliedWrite> applied = tx.apply(collection, writes, origin);
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
