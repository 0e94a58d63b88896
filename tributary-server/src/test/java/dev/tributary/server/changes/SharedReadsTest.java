package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.store.ManualClock;
import dev.tributary.store.RecordWrite;
import dev.tributary.store.Store;
import dev.tributary.store.StoreBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live readers share a read only when it was made after the wake-up that woke them. */
class SharedReadsTest {

    @Test
    void aReadFromBeforeAWakeUpIsNotSharedAfterIt() {
        try (StoreBackend backend = StoreBackend.sqlite(); Store store = backend.open(new ManualClock())) {
            store.collections().put("notes", null);
            SharedReads shared = new SharedReads(store);
            store.changeLog().apply("notes", List.of(RecordWrite.put("a", "{}")), "test");
            shared.wake();
            long first = shared.now();
            long head = shared.head("notes", first);
            assertThat(head).isEqualTo(store.changeLog().head("notes"));

            // A commit; until its wake-up is counted, readers of the earlier one share the earlier head.
            store.changeLog().apply("notes", List.of(RecordWrite.put("b", "{}")), "test");
            assertThat(shared.head("notes", first)).isEqualTo(head);
            shared.wake();
            long second = shared.now();
            assertThat(shared.head("notes", second)).as("read again after the wake-up").isEqualTo(store.changeLog().head("notes")).isGreaterThan(head);
            assertThat(shared.page("notes", head, shared.head("notes", second), 10, true, Long.MAX_VALUE).records())
                    .extracting(record -> record.id()).containsExactly("b");

            // The collection likewise: deleted, then a reader woken after that does not see the old one.
            assertThat(shared.collection("notes", second)).isPresent();
            store.collections().delete("notes");
            shared.wake();
            assertThat(shared.collection("notes", shared.now())).isEmpty();
        }
    }
}
