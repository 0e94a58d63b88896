package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordIdsTest {

    @Test
    void newIdsAreValidUniqueVersion7UuidsThatSortInTheOrderTheyWereMade() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = RecordIds.newId();
            assertThat(RecordIds.isValid(id)).isTrue();
            assertThat(seen.add(id)).as("unique").isTrue();
        }
        UUID uuid = UUID.fromString(RecordIds.newId());
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).as("the time in milliseconds")
                .isBetween(System.currentTimeMillis() - 1_000, System.currentTimeMillis());
        // Made a few milliseconds apart, ids sort as text in the order they were made: a large
        // load appends to the store's indexes by record id.
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            made.add(RecordIds.newId());
            Thread.sleep(2);
        }
        assertThat(made).isSorted();
    }
}
