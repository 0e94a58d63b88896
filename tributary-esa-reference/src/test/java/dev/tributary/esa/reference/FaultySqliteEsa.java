package dev.tributary.esa.reference;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference adapter with switches for the faults tests need: a clock that is off, changes
 * stamped late, delayed writes, requests to sync again, a concurrent change racing an update —
 * and a record of the calls it received. Test code only (the test jar of this module).
 */
public final class FaultySqliteEsa extends SqliteEsa {

    private volatile Duration clockOffset = Duration.ZERO;
    private volatile Duration stampLag = Duration.ZERO;
    private volatile boolean delayedWrites;
    private final AtomicInteger syncAgain = new AtomicInteger();
    private volatile Map<String, Object> race;
    private final AtomicInteger delayedPolls = new AtomicInteger();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    public FaultySqliteEsa(Path file, Map<String, String> ddl) throws SQLException {
        super(file, ddl);
    }

    /** The adapter's clock runs this far ahead of the real one (negative: behind). */
    public FaultySqliteEsa clockOffset(Duration offset) {
        this.clockOffset = offset;
        return this;
    }

    /**
     * Stamps changes this far behind the clock that {@code getCurrentTime} reports (still
     * increasing with every change), like a system that stamps a write when it starts and makes
     * it visible when it commits.
     */
    public FaultySqliteEsa stampLag(Duration lag) {
        this.stampLag = lag;
        return this;
    }

    /** Writes from the hub answer EsaRecordDelayedException and complete after two polls. */
    public FaultySqliteEsa delayedWrites(boolean on) {
        this.delayedWrites = on;
        return this;
    }

    /** The next {@code times} syncs each ask for one more. */
    public FaultySqliteEsa syncAgain(int times) {
        syncAgain.set(times);
        return this;
    }

    /**
     * The next update from the hub meets a concurrent change: just before it is applied, the
     * external system writes these values to the same record (so the hub's last-seen is stale).
     */
    public FaultySqliteEsa raceNextUpdate(Map<String, Object> values) {
        this.race = Map.copyOf(values);
        return this;
    }

    @Override
    public FaultySqliteEsa deletions(Deletions mode) {
        super.deletions(mode);
        return this;
    }

    @Override
    public FaultySqliteEsa runModes(int bits) {
        super.runModes(bits);
        return this;
    }

    /** How many delayed-write polls the hub made. */
    public int delayedPolls() {
        return delayedPolls.get();
    }

    /** The names of the calls received, in order. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    protected Instant now() {
        return super.now().plus(clockOffset);
    }

    @Override
    protected Duration stampLag() {
        return stampLag;
    }

    @Override
    protected boolean delaysWrites() {
        return delayedWrites;
    }

    @Override
    protected void received(String call) {
        calls.add(call);
        if (call.equals("checkDelayed")) {
            delayedPolls.incrementAndGet();
        }
    }

    @Override
    protected void beforeUpdate(String structure, String id) {
        Map<String, Object> concurrent = race;
        if (concurrent != null) {
            race = null;
            put(structure, id, concurrent);
        }
    }

    @Override
    public boolean needSyncAgain() {
        super.needSyncAgain();
        return syncAgain.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
}
