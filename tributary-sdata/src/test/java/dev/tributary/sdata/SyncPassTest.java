package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pass reads the source's next page while the target applies the one before: the target still
 * gets every page once and in order, a failed read fails the pass after the page before was
 * applied, and the selection is closed only after no read goes on.
 */
class SyncPassTest {

    /** A source of {@code pages} pages of one entry each, failing the read of page {@code failAt} (or never). */
    private static final class Pages implements SyncPass.Side {
        final int pages;
        final int failAt;
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch secondAsked = new CountDownLatch(1);
        volatile boolean reading;

        Pages(int pages, int failAt) {
            this.pages = pages;
            this.failAt = failAt;
        }

        SyncPass.Page page(int index) {
            List<SyncFeed.Entry> entries = List.of(new SyncFeed.Entry(null, "r" + index, null, null, true, null, null));
            return new SyncPass.Page(new SyncFeed(Integer.toString(index), null, true, null, entries,
                    index + 1 < pages ? Integer.toString(index + 1) : null), new byte[0]);
        }

        @Override
        public Digest digest() {
            return new Digest("source", List.of());
        }

        @Override
        public String digestUrl() {
            return "source";
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
                    reading = true;
                    try {
                        int index = Integer.parseInt(previous.feed().next());
                        events.add("read " + index);
                        if (index == 1) {
                            secondAsked.countDown();
                        }
                        if (index == failAt) {
                            throw new SyncPass.PassException("page " + index + " is gone");
                        }
                        return page(index);
                    } finally {
                        reading = false;
                    }
                }

                @Override
                public void close() {
                    assertThat(reading).as("no read goes on when the selection closes").isFalse();
                    events.add("closed");
                }
            };
        }

        @Override
        public SyncFeed apply(SyncPass.Page page) {
            throw new UnsupportedOperationException();
        }
    }

    /** A target that records what it applies; applying page 0 waits until page 1 is asked for. */
    private static final class Target implements SyncPass.Side {
        final Pages source;
        final List<String> applied = Collections.synchronizedList(new ArrayList<>());
        /** The page whose entry the target answers with this status instead of 200 (-1: none). */
        int failPage = -1;
        int failStatus = 500;

        Target(Pages source) {
            this.source = source;
        }

        @Override
        public Digest digest() {
            return new Digest("target", List.of());
        }

        @Override
        public String digestUrl() {
            return "target";
        }

        @Override
        public SyncPass.Source select(Digest target, String targetDigestUrl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SyncFeed apply(SyncPass.Page page) {
            if (page.feed().id().equals("0") && source.pages > 1) {
                try {
                    assertThat(source.secondAsked.await(10, TimeUnit.SECONDS)).as("page 1 is read while page 0 is applied").isTrue();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            applied.add(page.feed().id());
            source.events.add("applied " + page.feed().id());
            boolean fail = page.feed().id().equals(Integer.toString(failPage));
            List<SyncFeed.Entry> results = page.feed().entries().stream().map(entry -> new SyncFeed.Entry(null, entry.uuid(),
                    null, null, true, null, fail ? new SyncFeed.Outcome(failStatus, "failed: the store was unavailable", null,
                    null, null) : new SyncFeed.Outcome(200, "OK", "DELETE", null, null))).toList();
            return new SyncFeed(null, null, true, null, results, null);
        }
    }

    @Test
    void everyPageIsAppliedOnceInOrderWhileTheNextIsRead() {
        Pages source = new Pages(50, -1);
        Target target = new Target(source);
        SyncPass.Result result = new SyncPass(1).run(source, target, line -> { });
        assertThat(target.applied).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(Integer::toString).toList());
        assertThat(result.pages()).isEqualTo(50);
        assertThat(result.applied()).isEqualTo(50);
        assertThat(source.events).last().isEqualTo("closed");
    }

    @Test
    void aFailedReadFailsThePassAfterThePageBeforeAndTheSelectionIsClosed() {
        Pages source = new Pages(10, 4);
        Target target = new Target(source);
        assertThatThrownBy(() -> new SyncPass(1).run(source, target, line -> { })).isInstanceOf(SyncPass.PassException.class)
                .hasMessage("page 4 is gone");
        assertThat(target.applied).containsExactly("0", "1", "2", "3");
        assertThat(source.events).last().isEqualTo("closed");
    }

    /**
     * Entries a target could not apply end the pass with their page: later pages would raise the
     * target's digest over them (and the end of the catch-up take the source's), and they would
     * not be sent again until they changed. Refusals below 500 are the target's decision and do
     * not stop it.
     */
    @Test
    void entriesTheTargetCouldNotApplyEndThePassWithTheirPage() {
        Pages source = new Pages(10, -1);
        Target target = new Target(source);
        target.failPage = 3;
        SyncPass.Result result = new SyncPass(1).run(source, target, line -> { });
        assertThat(target.applied).containsExactly("0", "1", "2", "3");
        assertThat(result.pages()).isEqualTo(4);
        assertThat(result.applied()).isEqualTo(3);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.stopped()).isEqualTo("the target did not apply 1 entries of page 4 (the first, r3: 500 failed: the"
                + " store was unavailable); the pass stops there so that they are not passed by; the next pass sends them again");
        assertThat(source.events).last().isEqualTo("closed");

        Pages last = new Pages(3, -1);
        Target failsLast = new Target(last);
        failsLast.failPage = 2;
        SyncPass.Result atTheEnd = new SyncPass(1).run(last, failsLast, line -> { });
        assertThat(atTheEnd.stopped()).startsWith("the target did not apply 1 entries of page 3 (the first, r2:")
                .doesNotContain("stops there");

        Pages refused = new Pages(5, -1);
        Target refuses = new Target(refused);
        refuses.failPage = 1;
        refuses.failStatus = 400;
        SyncPass.Result through = new SyncPass(1).run(refused, refuses, line -> { });
        assertThat(refuses.applied).hasSize(5);
        assertThat(through.stopped()).isNull();
        assertThat(through.failed()).isEqualTo(1);
    }
}
