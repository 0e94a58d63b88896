package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.engine.sdata.SDataLinkKind;
import dev.tributary.sdata.Digest;
import dev.tributary.sdata.SyncFeed;
import dev.tributary.sdata.SyncPass;
import dev.tributary.store.RunRecord;
import dev.tributary.store.SDataResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An SData link whose target could not apply entries of a page: the pass ends with that page and
 * the run fails naming the entry (it is retried first), so that the entries are sent again
 * instead of being passed by for good.
 */
class SDataLinkFailuresIT {

    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** The hub's side: a selection of five pages of one entry each. */
    private static final class Source implements SyncPass.Side {
        @Override
        public Digest digest() {
            return new Digest("hub", List.of());
        }

        @Override
        public String digestUrl() {
            return "hub";
        }

        @Override
        public SyncPass.Source select(Digest target, String targetDigestUrl) {
            return new SyncPass.Source() {
                @Override
                public SyncPass.Page first(int count) {
                    return page(0);
                }

                @Override
                public SyncPass.Page next(SyncPass.Page previous) {
                    return page(Integer.parseInt(previous.feed().next()));
                }

                @Override
                public void close() {
                }
            };
        }

        private static SyncPass.Page page(int index) {
            return new SyncPass.Page(new SyncFeed(Integer.toString(index), null, true, null,
                    List.of(new SyncFeed.Entry(null, "r" + index, null, null, true, null, null)),
                    index < 4 ? Integer.toString(index + 1) : null), new byte[0]);
        }

        @Override
        public SyncFeed apply(SyncPass.Page page) {
            throw new UnsupportedOperationException();
        }
    }

    /** The remote side: fails the entry of page 2 the first {@code failures} times it gets it. */
    private static final class Target implements SyncPass.Side {
        final List<String> received = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failures;

        Target(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public Digest digest() {
            return new Digest("remote", List.of());
        }

        @Override
        public String digestUrl() {
            return "remote";
        }

        @Override
        public SyncPass.Source select(Digest target, String targetDigestUrl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SyncFeed apply(SyncPass.Page page) {
            received.add(page.feed().id());
            boolean fail = page.feed().id().equals("2") && failures.getAndDecrement() > 0;
            return new SyncFeed(null, null, true, null, page.feed().entries().stream().map(entry -> new SyncFeed.Entry(null,
                    entry.uuid(), null, null, true, null, fail ? new SyncFeed.Outcome(500, "failed: the store was unavailable",
                    null, null, null) : new SyncFeed.Outcome(200, "OK", "DELETE", null, null))).toList(), null);
        }
    }

    private RunRecord run(Target target) throws Exception {
        h.store.collections().put("notes", null);
        h.store.sdata().put(new SDataResources.Resource("notes", "notes", "tributary", "records",
                "http://hub.invalid/sdata/tributary/records/-/notes", 2));
        h.store.sdata().putLink(new SDataResources.Link("to-b", "notes", "http://b.invalid/sdata/tributary/records/-/notes",
                "t", "out", null));
        SDataLinkKind kind = new SDataLinkKind(h.store, resource -> new Source(), link -> target);
        h.engine.registerKind(kind);
        return h.engine.await(h.engine.startRun(kind, "to-b", RunMode.MANUAL).id(), Duration.ofSeconds(60));
    }

    @Test
    void aPageTheTargetFailedEndsThePassAndTheRetrySendsItAgain() throws Exception {
        Target target = new Target(1);
        RunRecord run = run(target);
        assertThat(run.state()).as(run.error()).isEqualTo("succeeded");
        assertThat(target.received).as("the first pass ends with the failed page; the retry sends everything")
                .containsExactly("0", "1", "2", "0", "1", "2", "3", "4");
    }

    @Test
    void aTargetThatKeepsFailingFailsTheRunNamingTheEntry() throws Exception {
        Target target = new Target(Integer.MAX_VALUE);
        RunRecord run = run(target);
        assertThat(run.state()).isEqualTo("failed");
        assertThat(run.error()).contains("SData link to-b: out: the target did not apply 1 entries of page 3 (the first, r2:"
                + " 500 failed: the store was unavailable); the pass stops there");
        assertThat(target.received).as("no page after the failed one, in any attempt").doesNotContain("3", "4");
    }
}
