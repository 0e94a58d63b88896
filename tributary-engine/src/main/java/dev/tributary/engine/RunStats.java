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

        void write(ObjectNode json) {
            json.put("read", read.get());
            json.put("created", created.get());
            json.put("updated", updated.get());
            json.put("deleted", deleted.get());
            json.put("skipped", skipped.get());
            json.put("conflicts", conflicts.get());
            json.put("errors", errors.get());
            json.put("rejected", rejected.get());
            json.put("pages", pages.get());
            json.put("elapsedMs", elapsedMs.get());
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

    public ObjectNode toJson() {
        ObjectNode json = Definitions.JSON.createObjectNode();
        inbound.write(json.putObject("inbound"));
        outbound.write(json.putObject("outbound"));
        json.put("reconciled", reconciled);
        json.put("syncAgain", syncAgain.get());
        synchronized (details) {
            details.fields().forEachRemaining(field -> json.set(field.getKey(), field.getValue().deepCopy()));
        }
        return json;
    }
}
