package dev.tributary.engine;

import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One pass of a link: inbound (connector deltas into the store), deletion detection, then
 * outbound (change log out to the connector) — in that order, so that the endpoint's changes are
 * known before the hub's are written, and conflicts are seen from both sides.
 *
 * <p>The pass is done by its parts, each in a class of its own: the {@link InboundApplier}, the
 * {@link DeletionDetector}, the {@link OutboundWriter}, and the {@link ConflictDecider} both
 * sides ask; {@link PendingWrites} batches a transaction's hub writes with the id-map changes that
 * follow them.
 *
 * <p>Implementation notes — the invariants and how the parts keep them.
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

    static final int INBOUND_BATCH = LinkRunPart.INBOUND_BATCH;
    static final int OUTBOUND_PAGE = LinkRunPart.OUTBOUND_PAGE;

    /** Where a run reports its phase and progress. */
    interface ProgressSink {
        void report(String phase, double progress);
    }

    /** What a pass works with. */
    record Context(Store store, Clock clock, Definitions.Link link, Definitions.Endpoint endpoint, GuardedConnector connector,
            RunStats stats, ProgressSink progress, BooleanSupplier cancelled, Supplier<String> recordIds) {
    }

    private final ConflictDecider decider;
    private final InboundApplier inbound;
    private final DeletionDetector deletions;
    private final OutboundWriter outbound;

    LinkRun(Store store, Clock clock, Definitions.Link link, Definitions.Endpoint endpoint, GuardedConnector connector,
            RunStats stats, ProgressSink progress, BooleanSupplier cancelled, Supplier<String> recordIds) {
        Context context = new Context(store, clock, link, endpoint, connector, stats, progress, cancelled, recordIds);
        this.decider = new ConflictDecider(context);
        this.inbound = new InboundApplier(context, decider);
        this.deletions = new DeletionDetector(context, inbound);
        this.outbound = new OutboundWriter(context, decider, inbound);
    }

    /** Measures the endpoint's clock shift, once per pass (see {@link ConflictDecider}). */
    void measureClockShift() {
        decider.measureClockShift();
    }

    Duration clockShift() {
        return decider.clockShift();
    }

    /** Reads the endpoint's changes since the stored token and applies them. */
    void inbound() {
        inbound.inbound();
    }

    /** Reads every endpoint object and applies what differs (a resync's inbound half). */
    void resyncInbound() {
        inbound.resyncInbound();
    }

    /** Finds and applies deletions by the link's strategy. */
    void detectDeletions() {
        deletions.detectDeletions();
    }

    /** Writes the hub's changes since the checkpoint to the endpoint. */
    void outbound() {
        outbound.outbound();
    }

    /** Compares every hub record with a listing of the endpoint and writes what differs (a resync's outbound half). */
    void resyncOutbound() {
        outbound.resyncOutbound();
    }
}
