package dev.tributary.engine.sdata;

import dev.tributary.sdata.Digest;
import dev.tributary.sdata.SyncFeed;
import dev.tributary.sdata.SyncPass;
import dev.tributary.store.SDataResources;
import java.util.List;
import java.util.UUID;

/**
 * One of the hub's own resource kinds as a side of a pass, in process: the same selection (within
 * the same memory budget), feed pages and target apply as the provider's SData URLs, without HTTP
 * or an access token. An SData link uses it for its local end.
 */
public final class LocalSide implements SyncPass.Side {

    private final SDataResources.Resource resource;
    private final HubDigests digests;
    private final SyncSourceSelector selector;
    private final SyncTargetApplier applier;
    private final SelectionBudget budget;
    private final String url;

    public LocalSide(SDataResources.Resource resource, HubDigests digests, SyncSourceSelector selector, SyncTargetApplier applier,
            SelectionBudget budget, String url) {
        this.resource = resource;
        this.digests = digests;
        this.selector = selector;
        this.applier = applier;
        this.budget = budget;
        this.url = url;
    }

    @Override
    public Digest digest() {
        return digests.digest(resource);
    }

    @Override
    public String digestUrl() {
        return url + "/$syncDigest";
    }

    @Override
    public SyncPass.Source select(Digest target, String targetDigestUrl) {
        SelectionBudget.Reservation reservation = budget.new Reservation();
        SyncSourceSelector.Selection selection;
        try {
            selection = selector.select(resource, target, (phase, detail, progress) -> { }, reservation);
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
        String id = UUID.randomUUID().toString();
        String location = url + "/$syncSource('" + id + "')";
        List<SyncSourceSelector.Selected> keys = selection.entries();
        return new SyncPass.Source() {
            /** Where the next page starts, and its size (the first page's). */
            private int position;
            private int count;

            @Override
            public SyncPass.Page first(int size) {
                count = size;
                return page(0);
            }

            @Override
            public SyncPass.Page next(SyncPass.Page previous) {
                return page(position);
            }

            private SyncPass.Page page(int from) {
                int begin = Math.min(keys.size(), from);
                int end = Math.min(keys.size(), begin + count);
                position = end;
                String next = end < keys.size() ? location + "?startIndex=" + (end + 1) + "&count=" + count : null;
                SyncFeed feed = new SyncFeed(location, "Synchronization feed " + id, true, selection.digest(),
                        selector.entries(resource, keys.subList(begin, end)), next);
                byte[] xml = feed.write(SDataNames.contractNamespace(resource), SDataNames.element(resource),
                        location + "?startIndex=" + (begin + 1) + "&count=" + count);
                return new SyncPass.Page(feed, xml);
            }

            @Override
            public void close() {
                reservation.close();
            }
        };
    }

    @Override
    public SyncFeed apply(SyncPass.Page page) {
        applier.check(resource, page.feed());
        List<SyncFeed.Entry> outcomes = applier.apply(resource, page.feed(), (phase, detail, progress) -> { });
        String id = UUID.randomUUID().toString();
        return new SyncFeed(url + "/$syncTarget('" + id + "')", "Synchronization results " + id, true, null, outcomes, null);
    }
}
