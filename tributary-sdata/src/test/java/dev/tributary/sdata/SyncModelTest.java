package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked examples of SData's sync chapter (sections 2.5, 2.6, 5.4, 5.5), as tests. */
class SyncModelTest {

    private static final Instant T = Instant.parse("2008-10-30T14:52:03.281Z");

    /** A digest written as the specification's tables write it: (node tick priority)… */
    private static Digest digest(String origin, Object... triples) {
        Digest digest = new Digest(origin, java.util.List.of());
        for (int i = 0; i < triples.length; i += 3) {
            digest = digest.with(new DigestEntry((String) triples[i], ((Number) triples[i + 1]).longValue(), T,
                    (Integer) triples[i + 2]));
        }
        return digest;
    }

    private static SyncState state(String node, long tick) {
        return new SyncState(node, tick, T);
    }

    @Test
    void selectionTakesTheChangesTheTargetHasNotSeenFromTheEndpointsTheSourceIsAheadOn() {
        // 2.5, N1 -> N2: N1 (N1 6)(N2 7)(N3 9), N2 (N1 5)(N2 8)(N3 8): select N1 in [5,6[ and N3 in [8,9[
        Digest n1 = digest("N1", "N1", 6, 1, "N2", 7, 2, "N3", 9, 3);
        Digest n2 = digest("N2", "N1", 5, 1, "N2", 8, 2, "N3", 8, 3);
        Map<String, Long> selection = Digest.selection(n1, n2);
        assertThat(selection).containsExactly(Map.entry("N1", 5L), Map.entry("N3", 8L));
        assertThat(Digest.selects(selection, state("N1", 5))).isTrue();
        assertThat(Digest.selects(selection, state("N1", 4))).isFalse();
        assertThat(Digest.selects(selection, state("N3", 8))).isTrue();
        assertThat(Digest.selects(selection, state("N3", 7))).isFalse();
        assertThat(Digest.selects(selection, state("N2", 7))).as("N2 is not ahead on N1").isFalse();
        // and back, N2 -> N1 after the first pass: N2 (N1 6)(N2 8)(N3 9) selects N2 in [7, 8[
        Digest n2After = digest("N2", "N1", 6, 1, "N2", 8, 2, "N3", 9, 3);
        assertThat(Digest.selection(n2After, n1)).containsExactly(Map.entry("N2", 7L));
        assertThat(Digest.selection(n2After, n2After)).as("in sync: nothing").isEmpty();
    }

    @Test
    void theConflictExamplesOfSection26() {
        Digest n1 = digest("N1", "N1", 6, 1, "N2", 7, 2, "N3", 9, 3);
        Digest n2 = digest("N2", "N1", 5, 1, "N2", 8, 2, "N3", 8, 3);
        // a) same node, higher tick: no conflict, N1 more recent
        assertThat(ConflictRule.decide(n1, n2, state("N1", 5), state("N1", 4)))
                .isEqualTo(new ConflictRule.Decision(true, false, "a later change from the same endpoint"));
        // b) N2's (N2 6) is below N1's digest entry (N2 7): no conflict, apply
        assertThat(ConflictRule.decide(n1, n2, state("N1", 5), state("N2", 6)).apply()).isTrue();
        assertThat(ConflictRule.decide(n1, n2, state("N1", 5), state("N2", 6)).conflict()).isFalse();
        // c) (N1 5) vs (N2 7): neither digest contains the other: conflict, N1 wins by priority 1 < 2
        ConflictRule.Decision c = ConflictRule.decide(n1, n2, state("N1", 5), state("N2", 7));
        assertThat(c.conflict()).isTrue();
        assertThat(c.apply()).isTrue();
        // d) (N3 7) on N2 is contained in N1's digest (N3 9): no conflict, apply
        assertThat(ConflictRule.decide(n1, n2, state("N1", 5), state("N3", 7)).conflict()).isFalse();
        // e) (N3 8) from N1 vs (N2 7) on N2: conflict. Section 5.4 compares the priorities of the two states'
        // endpoints, N3 (3) and N2 (2), so N2's version stays. (2.6's table comments "N1 wins because its
        // priority (1) is less than N3 (3)", which matches neither state's endpoint; 5.4 is the normative rule.)
        ConflictRule.Decision e = ConflictRule.decide(n1, n2, state("N3", 8), state("N2", 7));
        assertThat(e.conflict()).isTrue();
        assertThat(e.apply()).isFalse();
    }

    @Test
    void theTargetKeepsWhatItHasAlreadySeenAndStampsThenEndpointsBreakTies() {
        Digest source = digest("S", "S", 10, 4, "T", 3, 4);
        Digest target = digest("T", "S", 8, 4, "T", 6, 4);
        // the target's digest says it has S's changes below 8: an older S change is ignored, no conflict
        assertThat(ConflictRule.decide(source, target, state("S", 7), state("T", 5)))
                .extracting(ConflictRule.Decision::apply, ConflictRule.Decision::conflict).containsExactly(false, false);
        // strictness: a tick equal to the digest's is not contained
        assertThat(ConflictRule.decide(source, target, state("S", 8), state("T", 5)).conflict()).isTrue();
        // equal priorities: the later stamp wins
        SyncState early = new SyncState("S", 9, T);
        SyncState late = new SyncState("T", 5, T.plusSeconds(1));
        assertThat(ConflictRule.decide(source, target, early, late).apply()).isFalse();
        assertThat(ConflictRule.decide(source, target, new SyncState("S", 9, T.plusSeconds(2)), late).apply()).isTrue();
        // equal stamps: the endpoint sorting first wins, the same way on both sides
        SyncState s = new SyncState("S", 9, T);
        SyncState t = new SyncState("T", 5, T);
        assertThat(ConflictRule.decide(source, target, s, t).apply()).as("S sorts before T: S wins").isTrue();
        assertThat(ConflictRule.decide(target, source, t, s).apply()).as("the other way round: T loses").isFalse();
        assertThat(ConflictRule.decide(source, target, s, null).apply()).as("new at the target").isTrue();
    }

    @Test
    void theImmediateExampleOfSection58UpdatesOnlyTheEntrysEndpoint() {
        // target (app1 6)(app2 11)(app3 10); immediate entry (app1 6); source digest (app1 7)(app2 10)(app3 15)
        Digest target = digest("app2", "app1", 6, 1, "app2", 11, 2, "app3", 10, 3);
        Digest source = digest("app1", "app1", 7, 1, "app2", 10, 2, "app3", 15, 3);
        assertThat(ConflictRule.decide(source, target, state("app1", 6), null).apply()).isTrue();
        Digest after = target.afterEntry(state("app1", 6), 1, T);
        assertThat(after.tick("app1")).isEqualTo(7);
        assertThat(after.tick("app2")).isEqualTo(11);
        assertThat(after.tick("app3")).as("no end-of-feed merge in immediate mode: app3's 15 is for a later catch-up")
                .isEqualTo(10);
    }

    @Test
    void theDigestUpdatesOfSection55() {
        // target (A 5)(B 11)(C 8); entries (A 5) then (C 8); then (A 6)(B 11)(C 9)
        Digest target = digest("B", "A", 5, 2, "B", 11, 1, "C", 8, 3);
        Digest after = target.afterEntry(state("A", 5), 5, T).afterEntry(state("C", 8), 5, T);
        assertThat(after.tick("A")).isEqualTo(6);
        assertThat(after.tick("B")).isEqualTo(11);
        assertThat(after.tick("C")).isEqualTo(9);
        assertThat(after.afterEntry(state("A", 2), 5, T)).as("never lowered").isSameAs(after);
        // end of a catch-up feed: source (A 6)(B 10)(C 10) -> (A 6)(B 11)(C 10)
        Digest source = digest("A", "A", 6, 2, "B", 10, 1, "C", 10, 3, "D", 4, 7);
        Digest end = after.afterCatchUp(source, T);
        assertThat(end.tick("A")).isEqualTo(6);
        assertThat(end.tick("B")).isEqualTo(11);
        assertThat(end.tick("C")).isEqualTo(10);
        assertThat(end.entry("D").orElseThrow().conflictPriority()).as("a new endpoint keeps its priority").isEqualTo(7);
        assertThat(end.entry("B").orElseThrow().conflictPriority()).isEqualTo(1);
    }

    /**
     * A digest absorbing entries in place ends where the same entries taken one {@link
     * Digest#afterEntry} at a time end, after every entry: seeded random feeds over a few
     * endpoints, known and new, ticks up, down and repeated.
     */
    @Test
    void absorbingInPlaceAgreesWithAfterEntryOnRandomFeeds() {
        java.util.Random random = new java.util.Random(20261206);
        String[] endpoints = {"A", "B", "C", "D", "E"};
        for (int feed = 0; feed < 2_000; feed++) {
            Digest step = digest("A", "A", random.nextInt(20), 1 + random.nextInt(9), "B", random.nextInt(20),
                    1 + random.nextInt(9));
            Map<String, Integer> sourcePriorities = Map.of("A", 3, "B", 4, "C", 1 + random.nextInt(9), "D", 9, "E", 5);
            Digest.Absorbing absorbing = step.absorbing();
            assertThat(absorbing.digest()).isEqualTo(step);
            for (int entry = 0; entry < 1 + random.nextInt(40); entry++) {
                SyncState state = new SyncState(endpoints[random.nextInt(endpoints.length)], random.nextInt(30),
                        T.plusSeconds(random.nextInt(100)));
                Instant now = T.plusMillis(entry);
                Digest next = step.afterEntry(state, sourcePriorities.get(state.endpoint()), now);
                boolean changed = absorbing.absorb(state, sourcePriorities::get, now);
                assertThat(changed).as("feed %d entry %d changed", feed, entry).isEqualTo(next != step);
                assertThat(absorbing.digest()).as("feed %d entry %d", feed, entry).isEqualTo(next);
                step = next;
            }
        }
    }
}
