package dev.tributary.engine.sdata;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.engine.Direction;
import dev.tributary.engine.EngineException;
import dev.tributary.engine.LinkKind;
import dev.tributary.engine.RunStats;
import dev.tributary.sdata.HttpSide;
import dev.tributary.sdata.SyncPass;
import dev.tributary.store.SDataResources;
import dev.tributary.store.Store;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SData links as a {@link LinkKind} of the sync engine: a run makes one catch-up pass per
 * direction between one of the hub's resource kinds (its local side, in process) and a remote
 * SData provider's (over HTTP with the link's token) — {@code out}, {@code in}, or both — with
 * each pass's figures as the run's counters of that direction and in full under {@code out} and
 * {@code in}. Runs are recorded under {@code sdata:<name>}.
 */
public final class SDataLinkKind implements LinkKind {

    private static final Logger LOG = LoggerFactory.getLogger(SDataLinkKind.class);

    private final Store store;
    private final Function<SDataResources.Resource, SyncPass.Side> local;
    private final Function<SDataResources.Link, SyncPass.Side> remote;

    /** @param local the hub's own side of a resource kind */
    public SDataLinkKind(Store store, Function<SDataResources.Resource, SyncPass.Side> local) {
        this(store, local, link -> new HttpSide(link.remoteUrl(), link.remoteToken()));
    }

    /** @param remote the other side of a link (over HTTP, but for tests) */
    public SDataLinkKind(Store store, Function<SDataResources.Resource, SyncPass.Side> local,
            Function<SDataResources.Link, SyncPass.Side> remote) {
        this.store = store;
        this.local = local;
        this.remote = remote;
    }

    @Override
    public String prefix() {
        return "sdata";
    }

    @Override
    public boolean exists(String name) {
        return store.sdata().link(name).isPresent();
    }

    @Override
    public Map<String, Duration> schedules() {
        Map<String, Duration> schedules = new LinkedHashMap<>();
        for (SDataResources.Link link : store.sdata().links()) {
            if (link.every() != null) {
                schedules.put(link.name(), link.every());
            }
        }
        return schedules;
    }

    /** Entries asked for per page: this hub's provider's largest page. */
    static final int PAGE_SIZE = 1000;

    @Override
    public void run(String name, Run run) {
        SDataResources.Link link = store.sdata().link(name)
                .orElseThrow(() -> new IllegalStateException("SData link '" + name + "' was deleted"));
        SDataResources.Resource resource = store.sdata().get(link.resource())
                .orElseThrow(() -> new IllegalStateException("resource kind '" + link.resource() + "' is gone"));
        SyncPass.Side hub = local.apply(resource);
        SyncPass.Side other = remote.apply(link);
        // Pages of the provider's largest count (a provider that gives fewer links to the rest).
        SyncPass pass = new SyncPass(PAGE_SIZE);
        Direction direction = Direction.parse(link.direction());
        if (direction == null) {
            throw new IllegalStateException("SData link '" + name + "' has direction '" + link.direction() + "'");
        }
        String stopped = null;
        if (direction.outbound() && !run.cancelled()) {
            run.progress("out", 0.1);
            SyncPass.Result out = pass.run(hub, other, line -> { });
            record(run, link.name(), "out", run.stats().outbound, out);
            stopped = out.stopped() == null ? null : "out: " + out.stopped();
        }
        if (direction.inbound() && !run.cancelled()) {
            run.progress("in", 0.5);
            SyncPass.Result in = pass.run(other, hub, line -> { });
            record(run, link.name(), "in", run.stats().inbound, in);
            stopped = in.stopped() == null ? stopped : (stopped == null ? "" : stopped + "; ") + "in: " + in.stopped();
        }
        if (stopped != null) {
            // Entries a target could not apply: the run fails (and is tried again) rather than
            // passing them by; the next pass sends them again.
            throw new EngineException("SData link " + link.name() + ": " + stopped, null, true);
        }
    }

    /** A pass's figures: as the run's counters of that direction, and in full under {@code out} or {@code in}. */
    private static void record(Run run, String link, String direction, RunStats.Direction counters, SyncPass.Result result) {
        counters.read.addAndGet(result.entries());
        counters.updated.addAndGet(result.applied());
        counters.skipped.addAndGet(result.notApplied());
        counters.conflicts.addAndGet(result.conflictsLost());
        counters.errors.addAndGet(result.failed());
        counters.pages.addAndGet(result.pages());
        LOG.info("SData link {} {}: {} pages, {} entries, {} applied, {} not applied, {} conflicts lost, {} failed", link,
                direction, result.pages(), result.entries(), result.applied(), result.notApplied(), result.conflictsLost(),
                result.failed());
        synchronized (run.details()) {
            ObjectNode figures = run.details().putObject(direction);
            figures.put("pages", result.pages()).put("entries", result.entries()).put("applied", result.applied())
                    .put("notApplied", result.notApplied()).put("conflictsLost", result.conflictsLost())
                    .put("failed", result.failed());
        }
    }
}
