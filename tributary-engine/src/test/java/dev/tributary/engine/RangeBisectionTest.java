package dev.tributary.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RangeBisectionTest {

    @Test
    void findsExactlyTheMissingIdsWithinTheCountBound() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            int n = 1 + random.nextInt(2000);
            List<Long> known = new ArrayList<>();
            long id = 0;
            for (int i = 0; i < n; i++) {
                id += 1 + random.nextInt(3);
                known.add(id);
            }
            TreeSet<Long> present = new TreeSet<>(known);
            TreeSet<Long> deleted = new TreeSet<>();
            int k = random.nextInt(Math.min(n, 12) + 1);
            while (deleted.size() < k) {
                deleted.add(known.get(random.nextInt(n)));
            }
            present.removeAll(deleted);
            // the system also has ids the hub does not know yet; they must not hide deletions
            for (int extra = 0; extra < 5; extra++) {
                present.add(id + 1 + extra);
            }
            AtomicInteger counts = new AtomicInteger();
            List<Long> missing = RangeBisection.missing(known, (min, max) -> {
                counts.incrementAndGet();
                return present.subSet(min, true, max, true).size();
            });
            assertThat(missing).as("seed %d", seed).containsExactlyElementsOf(deleted);
            int log = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
            assertThat(counts.get()).as("seed %d: %d deletions among %d", seed, k, n).isLessThanOrEqualTo(1 + 2 * k * log);
        }
    }
}
