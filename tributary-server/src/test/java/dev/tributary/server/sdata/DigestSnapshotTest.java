package dev.tributary.server.sdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.sdata.Digest;
import dev.tributary.store.SDataResources;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A source's digest and the head its selection reads to are one snapshot: a target commit that
 * lands between the two reads never leaves the digest claiming changes the selection misses.
 */
class DigestSnapshotTest {

    private static final String HUB = "http://hub/sdata/tributary/records/-/notes";
    private static final String X = "http://x/e";

    @Test
    void aCommitBetweenTheTwoReadsNeverMakesTheDigestClaimWhatTheSelectionMisses() {
        SDataResources.Resource resource = new SDataResources.Resource("notes", "notes", "tributary", "records", HUB, 1);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        // Before: the hub's change log ends at 10 and it knows endpoint X up to tick 3. A $syncTarget
        // from X then writes X's ticks 3 and 4 as hub changes 11 and 12 and moves X's entry to 5.
        AtomicLong head = new AtomicLong(10);
        AtomicLong xTick = new AtomicLong(3);
        AtomicBoolean committed = new AtomicBoolean();
        Runnable commit = () -> {
            if (committed.compareAndSet(false, true)) {
                head.set(12);
                xTick.set(5);
            }
        };
        // The commit lands right after whichever read comes first.
        Digest digest = dev.tributary.engine.sdata.HubDigests.snapshot(resource, () -> {
            List<SDataResources.DigestRow> rows = List.of(new SDataResources.DigestRow(X, xTick.get(), now, 3));
            commit.run();
            return rows;
        }, () -> {
            long value = head.get();
            commit.run();
            return value;
        }, now);
        long claimedX = digest.tick(X);
        long readTo = digest.tick(HUB) - 1;
        assertThat(claimedX <= 3 || readTo >= 12)
                .as("the digest claims X up to %d while the selection reads the change log only to %d", claimedX, readTo)
                .isTrue();
    }
}
