package dev.tributary.esa.kit;

import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaField;
import dev.tributary.esa.EsaParameter;
import dev.tributary.esa.EsaRecord;
import dev.tributary.esa.EsaRelation;
import dev.tributary.esa.EsaStructure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An External System Adapter written in Java: implement this and hand it to {@link EsaServer}.
 * The server speaks the protocol (XML, validation, call ids, cursors, faults); the adapter answers
 * in plain Java. Methods with defaults are optional.
 *
 * <p>Timestamps are on the external system's clock; the hub corrects for the difference using
 * {@link #currentTime()}. To refuse a record, throw {@link EsaFault#record}; to accept a write
 * that completes later, throw {@link EsaFault#delayed} and answer {@link #delayedResult} later.
 */
public interface ExternalSystemAdapter {

    /** The first call of every sync; answer the protocol version. */
    default String startSync(String externalSystemId) {
        return "1.0";
    }

    /** The last call of every sync, also after failures. */
    default void endSync() {
    }

    /**
     * Called when the hub creates (or, with {@code force}, re-creates) the endpoint. Answer the
     * external system id to use: a configured adapter keeps its id unless {@code force}.
     *
     * @param helper the hub's Helper API for this external system, or null when the hub gave none
     */
    default String configure(String externalSystemId, boolean force, HelperApi helper) {
        return externalSystemId;
    }

    /** Bits of the run modes allowed: 1 manual, 2 scheduled, 4 on the external system's request. */
    default int allowedRunModes() {
        return 1 | 2 | 4;
    }

    /** The external system's current time. */
    default Instant currentTime() {
        return Instant.now();
    }

    /** Whether the hub should sync again right after this sync. */
    default boolean needSyncAgain() {
        return false;
    }

    /** Keeps a session alive during a long sync. */
    default void leaseSession() {
    }

    /** The settings the hub should keep for this adapter. */
    default List<EsaParameter> parametersMeta(String locale) {
        return List.of();
    }

    List<EsaStructure> structures();

    /** A structure's fields, without the id and modified-at. */
    List<EsaField> fields(String structure, String locale);

    default List<EsaRelation> relations(String structure, String locale) {
        return List.of();
    }

    /**
     * Records changed after {@code after} (null: all), oldest first (the server sorts a list out
     * of that order, and tells the hub its cursors' pages are in it). The server sends them inline
     * or, when there are many, through a cursor.
     */
    List<EsaRecord> modified(String structure, Instant after);

    /**
     * What {@link #modified} answers, for the server to read a page at a time. The default reads
     * {@link #modified} whole, and a cursor then holds every record until the hub closes it;
     * override this when the system can read its changes in runs from one view of its data (a
     * query in one read transaction, say), and a cursor holds one page at a time instead. Null
     * as {@link #modified}'s null.
     */
    default RecordPages modifiedPages(String structure, Instant after) {
        List<EsaRecord> records = modified(structure, after);
        return records == null ? null : RecordPages.of(records);
    }

    /**
     * Records read a run at a time, oldest first (records without a stamp first), all from one view
     * of the external system: what changes while a cursor is open is the next sync's. The server
     * makes one call at a time, reads runs in order as the hub reads pages (again, or out of
     * order, only when the hub asks so), checks the order, and closes them once answered inline,
     * when the hub closes the cursor, or when the cursor is left idle.
     */
    interface RecordPages extends AutoCloseable {

        /** How many records there are. */
        int size();

        /** The records at positions {@code from} (inclusive) to {@code to} (exclusive). */
        List<EsaRecord> read(int from, int to);

        /** Releases what the records are read from. */
        @Override
        default void close() {
        }

        /** Records already read, in any order: sorted oldest first (stably) here. */
        static RecordPages of(List<EsaRecord> records) {
            List<EsaRecord> sorted = List.copyOf(records);
            for (int i = 1; i < sorted.size(); i++) {
                if (OLDEST_FIRST.compare(sorted.get(i - 1), sorted.get(i)) > 0) {
                    List<EsaRecord> copy = new ArrayList<>(sorted);
                    copy.sort(OLDEST_FIRST);
                    sorted = List.copyOf(copy);
                    break;
                }
            }
            List<EsaRecord> all = sorted;
            return new RecordPages() {
                @Override
                public int size() {
                    return all.size();
                }

                @Override
                public List<EsaRecord> read(int from, int to) {
                    return all.subList(from, to);
                }
            };
        }

        /** The order records are read in: by {@code modified-at}, records without a stamp first. */
        Comparator<EsaRecord> OLDEST_FIRST = Comparator.comparing(EsaRecord::modifiedAt,
                Comparator.nullsFirst(Comparator.naturalOrder()));
    }

    /** A deleted record's id and when it was deleted (null if the system does not know). */
    record Deletion(String id, Instant at) {
    }

    /** Records deleted after {@code after}, oldest first; empty if the system cannot tell. */
    default List<Deletion> deleted(String structure, Instant after) {
        return List.of();
    }

    /** One record, or null when there is none with that id. */
    EsaRecord read(String structure, String id);

    /** What a write did: the record's id (new for a create) and when it now stands modified. */
    record Written(String id, Instant modifiedAt) {
    }

    /** Creates a record (it has no id); answers its new id and modified time. */
    Written create(String structure, EsaRecord record);

    /**
     * Updates a record, if it has not changed since {@code lastSeen} (null: do not check); a
     * record that changed since is refused with {@link EsaFault#record}.
     */
    Written update(String structure, Instant lastSeen, EsaRecord record);

    /** Deletes a record, if it has not changed since {@code lastSeen} (null: do not check). */
    void delete(String structure, Instant lastSeen, String id);

    /** How many records have ids in {@code [minId, maxId]} (numerically). */
    default long countRange(String structure, String minId, String maxId) {
        throw EsaFault.failed("this adapter cannot count id ranges");
    }

    /**
     * The outcome of a delayed create, update or delete (the hub polls with
     * {@code checkDelayedCreate/Update/Delete}): what was written, or a fault — still delayed
     * ({@link EsaFault#delayed}) or refused ({@link EsaFault#record}).
     */
    default Written checkDelayed(String structure, String token) {
        throw EsaFault.failed("this adapter has no delayed writes");
    }
}
