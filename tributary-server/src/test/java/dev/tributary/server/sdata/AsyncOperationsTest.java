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
}
