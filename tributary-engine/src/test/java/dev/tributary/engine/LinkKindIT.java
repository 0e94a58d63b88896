package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.store.RunRecord;
import dev.tributary.store.Runs;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Links of another kind run through the engine like connector links: one run system, one scheduler. */
class LinkKindIT {

    /** A kind whose links do what the test tells them. */
    private static final class Fake implements LinkKind {
        final Map<String, Duration> schedules = new ConcurrentHashMap<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        final CountDownLatch started = new CountDownLatch(1);
        volatile boolean waitForCancel;

        @Override
        public String prefix() {
            return "fake";
        }

        @Override
        public boolean exists(String name) {
            return !name.equals("missing");
        }

        @Override
        public Map<String, Duration> schedules() {
            return schedules;
        }

        @Override
        public void run(String name, Run run) throws Exception {
            started.countDown();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new EngineException("the remote side is busy", null, true);
            }
            while (waitForCancel && !run.cancelled()) {
                Thread.sleep(5);
            }
            run.progress("copying", 0.5);
            run.stats().outbound.updated.addAndGet(3);
            synchronized (run.details()) {
                run.details().putObject("out").put("applied", 3);
            }
        }
    }

    @Test
    void aKindsRunIsRetriedRecordedAndCancellable() throws Exception {
        try (EngineHarness h = new EngineHarness(); AutoCloseable registered = h.engine.registerKind(new Fake())) {
            Fake kind = new Fake();
            try (AutoCloseable other = h.engine.registerKind(kind)) {
                throw new AssertionError("a second kind with the same prefix was accepted");
            } catch (IllegalStateException expected) {
                assertThat(expected).hasMessageContaining("registered already");
            }
        }
        try (EngineHarness h = new EngineHarness()) {
            Fake kind = new Fake();
            h.engine.registerKind(kind);
            kind.failuresLeft.set(2);
            RunRecord run = h.engine.await(h.engine.startRun(kind, "a", RunMode.MANUAL).id(), Duration.ofSeconds(30));
            assertThat(run.link()).isEqualTo("fake:a");
            assertThat(run.state()).as(run.error()).isEqualTo("succeeded");
            var stats = EngineHarness.json(run.stats());
            assertThat(stats.at("/outbound/errors").asLong()).as("two retried failures").isEqualTo(2);
            assertThat(stats.at("/outbound/updated").asLong()).isEqualTo(3);
            assertThat(stats.at("/out/applied").asLong()).as("the kind's own figures").isEqualTo(3);
            assertThatThrownBy(() -> h.engine.startRun(kind, "missing", RunMode.MANUAL)).isInstanceOf(NotFoundException.class);

            kind.waitForCancel = true;
            RunRecord running = h.engine.startRun(kind, "a", RunMode.MANUAL);
            assertThat(kind.started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> h.engine.startRun(kind, "a", RunMode.MANUAL)).isInstanceOf(Runs.AlreadyActiveException.class);
            assertThat(h.engine.cancel(running.id())).isTrue();
            assertThat(h.engine.await(running.id(), Duration.ofSeconds(30)).state()).isEqualTo("cancelled");
        }
    }

    @Test
    void scheduledLinksAndJobsRunFromTheOneSchedulerAndKeepTheirRhythmAcrossARestart() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            Fake kind = new Fake();
            h.engine.registerKind(kind);
            kind.schedules.put("nightly", Duration.ofMinutes(10));
            AtomicInteger jobRuns = new AtomicInteger();
            h.engine.scheduleJob("count", Duration.ofMinutes(1), jobRuns::incrementAndGet);
            h.engine.tick();
            assertThat(h.engine.runs("fake:nightly", null, 10)).as("not yet due").isEmpty();
            h.clock.advance(Duration.ofMinutes(10));
            h.engine.tick();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jobRuns.get() == 1
                    && h.engine.runs("fake:nightly", null, 10).size() == 1
                    && h.engine.runs("fake:nightly", null, 10).get(0).state().equals("succeeded"));
            assertThat(h.engine.runs("fake:nightly", null, 10).get(0).mode()).isEqualTo("scheduled");

            h.restart();
            h.engine.registerKind(kind);
            h.clock.advance(Duration.ofMinutes(5));
            h.engine.tick();
            assertThat(h.engine.runs("fake:nightly", null, 10)).as("five minutes after the last run").hasSize(1);
            h.clock.advance(Duration.ofMinutes(5));
            h.engine.tick();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> h.engine.runs("fake:nightly", null, 10).size() == 2);
        }
    }
}
