package dev.tributary.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds which of the ids the hub knows a system no longer has, by counting ranges: a range of
 * known ids in which the system counts as many records as the hub knows is complete; one with
 * fewer is split in two, down to single ids. For k deletions among n known ids that is at most
 * 1 + 2·k·⌈log2 n⌉ counts, instead of n lookups. Used by the {@code countRange} deletion strategy
 * and by the ESA Helper API's {@code detectDeleted}.
 */
public final class RangeBisection {

    /** Counts the system's records with ids in {@code [min, max]}, both inclusive. */
    @FunctionalInterface
    public interface Counter {
        long count(long min, long max);
    }

    private RangeBisection() {
    }

    /** The known ids the system no longer has, in ascending order; {@code known} must be sorted and distinct. */
    public static List<Long> missing(List<Long> known, Counter counter) {
        List<Long> gone = new ArrayList<>();
        if (!known.isEmpty()) {
            bisect(known, 0, known.size() - 1, counter, gone);
        }
        return gone;
    }

    private static void bisect(List<Long> known, int lo, int hi, Counter counter, List<Long> gone) {
        long count = counter.count(known.get(lo), known.get(hi));
        int expected = hi - lo + 1;
        if (count >= expected) {
            return;
        }
        if (count == 0 || lo == hi) {
            gone.addAll(known.subList(lo, hi + 1));
            return;
        }
        int mid = (lo + hi) >>> 1;
        bisect(known, lo, mid, counter, gone);
        bisect(known, mid + 1, hi, counter, gone);
    }
}
