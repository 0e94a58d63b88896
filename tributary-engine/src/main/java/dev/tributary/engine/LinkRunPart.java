package dev.tributary.engine;

import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.store.LinkRecord;
import dev.tributary.store.Store;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/** What the parts of a {@link LinkRun} share: the link, its endpoint's connector, the store, the run's counters. */
abstract class LinkRunPart {

    static final int INBOUND_BATCH = 2000;
    static final int OUTBOUND_PAGE = 2000;

    final Store store;
    final Clock clock;
    final Definitions.Link link;
    final Definitions.Endpoint endpoint;
    final GuardedConnector connector;
    final RunStats stats;
    final LinkRun.ProgressSink progress;
    final BooleanSupplier cancelled;
    final DataMapping mapping;
    /** The origin of the hub writes this link makes: {@code endpoint:<name>}. */
    final String origin;
    final java.util.function.Supplier<String> recordIds;

    LinkRunPart(LinkRun.Context context) {
        this.store = context.store();
        this.clock = context.clock();
        this.link = context.link();
        this.endpoint = context.endpoint();
        this.connector = context.connector();
        this.stats = context.stats();
        this.progress = context.progress();
        this.cancelled = context.cancelled();
        this.mapping = new DataMapping(link.fieldMap());
        this.origin = "endpoint:" + endpoint.name();
        this.recordIds = context.recordIds();
    }

    /** The link's stored state (tokens, checkpoints) now. */
    LinkRecord state() {
        return store.links().get(link.name()).orElseThrow(() -> new NotFoundException("link '" + link.name()
                + "' was deleted during its run"));
    }
}
