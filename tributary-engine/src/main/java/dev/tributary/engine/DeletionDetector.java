package dev.tributary.engine;

import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncToken;
import dev.tributary.store.DeletionLog;
import dev.tributary.store.IdMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletion detection after the inbound read, by the link's strategy: the durable log of tracked
 * deletions, a full enumeration, or a binary search over counted uid ranges. What it finds is
 * applied through the {@link InboundApplier}, like deletions the connector reports.
 */
final class DeletionDetector extends LinkRunPart {

    private final InboundApplier inbound;

    DeletionDetector(LinkRun.Context context, InboundApplier inbound) {
        super(context);
        this.inbound = inbound;
    }

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
            List<SyncDelta> deltas = entries.stream().map(e -> inbound.deletion(e.uid(), new SyncToken(e.seq()))).toList();
            long last = entries.get(entries.size() - 1).seq();
            store.transact(link.collection(), tx -> {
                inbound.applyInbound(tx, deltas);
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
                gone.add(inbound.deletion(known.uid(), new SyncToken("enumerate")));
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
            gone.add(inbound.deletion(Long.toString(uid), new SyncToken("countRange")));
        }
        applyDeletions(gone);
    }

    private void applyDeletions(List<SyncDelta> gone) {
        for (int from = 0; from < gone.size(); from += INBOUND_BATCH) {
            List<SyncDelta> chunk = gone.subList(from, Math.min(gone.size(), from + INBOUND_BATCH));
            store.transact(link.collection(), tx -> {
                inbound.applyInbound(tx, chunk);
                return null;
            });
        }
    }
}
