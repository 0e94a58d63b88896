package dev.tributary.server.sdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.store.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncOperationsTest {

    @Test
    void replaysFindTheOperationAbandonedOnesExpireAndEndedIdsAreGone() throws Exception {
        ManualClock clock = new ManualClock();
        AtomicInteger runs = new AtomicInteger();
        try (AsyncOperations<String> operations = new AsyncOperations<>("test", clock, () -> Duration.ofMinutes(10))) {
            AsyncOperations.Operation<String> first = operations.start("t1", "r", op -> "done " + runs.incrementAndGet());
            AsyncOperations.Operation<String> replay = operations.start("t1", "r", op -> "done " + runs.incrementAndGet());
            assertThat(replay).isSameAs(first);
            assertThat(first.future.get()).isEqualTo("done 1");
            assertThat(runs.get()).as("a replayed POST starts nothing").isEqualTo(1);

            clock.advance(Duration.ofMinutes(9));
            assertThat(operations.get("t1")).as("read within the idle time").isSameAs(first);
            clock.advance(Duration.ofMinutes(11));
            assertThatThrownBy(() -> operations.get("t1")).isInstanceOf(AsyncOperations.GoneException.class);
            assertThatThrownBy(() -> operations.start("t1", "r", op -> "again"))
                    .isInstanceOf(AsyncOperations.GoneException.class);

            operations.start("t2", "r", op -> "x");
            assertThat(operations.delete("t2")).isTrue();
            assertThatThrownBy(() -> operations.delete("t2")).isInstanceOf(AsyncOperations.GoneException.class);
            assertThat(operations.delete("never")).isFalse();
            assertThat(operations.get("never")).isNull();
        }
    }

    /** A concurrent poll never sees an operation whose future is not set yet. */
    @Test
    void anOperationIsVisibleOnlyOnceItsFutureIsSet() throws Exception {
        java.util.concurrent.CountDownLatch submitting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.ExecutorService slowSubmit = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                submitting.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                pool.execute(command);
            }

            @Override
            public void shutdown() {
                pool.shutdown();
            }

            @Override
            public java.util.List<Runnable> shutdownNow() {
                return pool.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return pool.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return pool.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
                return pool.awaitTermination(timeout, unit);
            }
        };
        try (AsyncOperations<String> operations = new AsyncOperations<>(new ManualClock(), () -> Duration.ofMinutes(10),
                slowSubmit)) {
            Thread starter = new Thread(() -> operations.start("t1", "r", op -> "done"));
            starter.start();
            submitting.await();
            AsyncOperations.Operation<String> seen = operations.get("t1");
            assertThat(seen == null || seen.future != null).as("published before its future was set").isTrue();
            release.countDown();
            starter.join();
            assertThat(operations.get("t1").future.get()).isEqualTo("done");
        }
    }
    /**
     * What a new operation records before its work (the shared "running" row) comes before what
     * its work records at the end, even when the work runs at once: a result recorded first would
     * be overwritten by a "running" that nothing ends, and other nodes would answer 202 forever.
     */
    @Test
    void beforeWorkRunsBeforeTheWorkOnlyForANewOperationAndAFailureStartsNothing() throws Exception {
        java.util.List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.ExecutorService direct = new java.util.concurrent.AbstractExecutorService() {
            private volatile boolean shut;

            @Override
            public void execute(Runnable command) {
                command.run(); // the quickest worker there can be: done before submit returns
            }

            @Override
            public void shutdown() {
                shut = true;
            }

            @Override
            public java.util.List<Runnable> shutdownNow() {
                shut = true;
                return java.util.List.of();
            }

            @Override
            public boolean isShutdown() {
                return shut;
            }

            @Override
            public boolean isTerminated() {
                return shut;
            }

            @Override
            public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
                return true;
            }
        };
        try (AsyncOperations<String> operations = new AsyncOperations<>(new ManualClock(), () -> Duration.ofMinutes(10),
                direct)) {
            operations.start("t1", "r", () -> events.add("recorded t1"), op -> {
                events.add("work of t1");
                return "done";
            });
            assertThat(events).containsExactly("recorded t1", "work of t1");
            operations.start("t1", "r", () -> events.add("recorded again"), op -> "again");
            assertThat(events).as("a replay records nothing").containsExactly("recorded t1", "work of t1");

            assertThatThrownBy(() -> operations.start("t2", "r", () -> {
                throw new IllegalStateException("store unreachable");
            }, op -> "never")).hasMessage("store unreachable");
            assertThat(operations.get("t2")).as("nothing started").isNull();
        }
    }
}
