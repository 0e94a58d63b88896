package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordIdsTest {

    /** The per-character check agrees with the documented rule, written as a regular expression. */
    @Test
    void validIdsAreOneTo256AllowedCharactersNotOnlyDots() {
        java.util.regex.Pattern rule = java.util.regex.Pattern.compile("[A-Za-z0-9._~:@-]{1,256}");
        for (char c = 0; c < 0x3000; c++) {
            for (String id : new String[] {String.valueOf(c), "a" + c, c + "b", "x" + c + "y"}) {
                boolean expected = rule.matcher(id).matches() && !id.chars().allMatch(ch -> ch == '.');
                assertThat(RecordIds.isValid(id)).as("'%s' (U+%04X)", id, (int) c).isEqualTo(expected);
            }
        }
        assertThat(RecordIds.isValid("a".repeat(256))).isTrue();
        assertThat(RecordIds.isValid("a".repeat(257))).isFalse();
        assertThat(RecordIds.isValid("")).isFalse();
        assertThat(RecordIds.isValid(null)).isFalse();
        assertThat(RecordIds.isValid(".")).isFalse();
        assertThat(RecordIds.isValid("...")).isFalse();
        assertThat(RecordIds.isValid("..a")).isTrue();
        assertThat(RecordIds.isValid("0189-ab_c~d:e@f.g")).isTrue();
    }

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
