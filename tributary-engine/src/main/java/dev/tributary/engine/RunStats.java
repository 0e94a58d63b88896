package dev.tributary.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLong;

/** What a run did, per direction. */
public final class RunStats {

    /** Counters of one direction. */
    public static final class Direction {
        public final AtomicLong read = new AtomicLong();
        public final AtomicLong created = new AtomicLong();
        public final AtomicLong updated = new AtomicLong();
        public final AtomicLong deleted = new AtomicLong();
        public final AtomicLong skipped = new AtomicLong();
        public final AtomicLong conflicts = new AtomicLong();
        public final AtomicLong errors = new AtomicLong();
        /** Records the other side refused (each recorded as a conflict in state rejected); the run went on. */
        public final AtomicLong rejected = new AtomicLong();
        public final AtomicLong pages = new AtomicLong();
        public final AtomicLong elapsedMs = new AtomicLong();

        Counts snapshot() {
            return new Counts(read.get(), created.get(), updated.get(), deleted.get(), skipped.get(), conflicts.get(),
                    errors.get(), rejected.get(), pages.get(), elapsedMs.get());
        }

        /** Records, objects changed by this direction. */
        public long changes() {
            return created.get() + updated.get() + deleted.get();
        }
    }

    public final Direction inbound = new Direction();
    public final Direction outbound = new Direction();
    /** Whether the run had to reconcile in full because the connector refused its token. */
    public volatile boolean reconciled;
    /** How many extra passes the connector asked for. */
    public final AtomicLong syncAgain = new AtomicLong();

    /** Figures of a link kind's own (see {@link LinkKind}), shown next to {@code inbound} and {@code outbound}. */
    public final ObjectNode details = Definitions.JSON.createObjectNode();

    /** The counters now, as values. */
    public Snapshot snapshot() {
        ObjectNode extra;
        synchronized (details) {
            extra = details.deepCopy();
        }
        return new Snapshot(inbound.snapshot(), outbound.snapshot(), reconciled, syncAgain.get(), extra);
    }

    public ObjectNode toJson() {
        return snapshot().toJson();
    }

    /** One direction's counters at a moment. */
    public record Counts(long read, long created, long updated, long deleted, long skipped, long conflicts, long errors,
            long rejected, long pages, long elapsedMs) {

        /** Records, objects changed by this direction. */
        public long changes() {
            return created + updated + deleted;
        }

        void write(ObjectNode json) {
            json.put("read", read);
            json.put("created", created);
            json.put("updated", updated);
            json.put("deleted", deleted);
            json.put("skipped", skipped);
            json.put("conflicts", conflicts);
            json.put("errors", errors);
            json.put("rejected", rejected);
            json.put("pages", pages);
            json.put("elapsedMs", elapsedMs);
        }
    }

    /**
     * A run's stats at a moment, as run events carry them.
     *
     * @param details figures of a link kind's own (see {@link LinkKind}), shown next to the directions
     */
    public record Snapshot(Counts inbound, Counts outbound, boolean reconciled, long syncAgain, ObjectNode details) {

        /** The JSON the run history and the API show. */
        public ObjectNode toJson() {
            ObjectNode json = Definitions.JSON.createObjectNode();
            inbound.write(json.putObject("inbound"));
            outbound.write(json.putObject("outbound"));
            json.put("reconciled", reconciled);
            json.put("syncAgain", syncAgain);
            details.fields().forEachRemaining(field -> json.set(field.getKey(), field.getValue().deepCopy()));
            return json;
        }
    }
}
