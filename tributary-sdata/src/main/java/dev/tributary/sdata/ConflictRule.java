package dev.tributary.sdata;

import java.util.Objects;

/**
 * What a target does with a feed entry, by SData 5.4.
 *
 * <p>Implementation notes. Comparisons are strict, as the specification states them: a digest
 * "contains" a state when it has an entry for the state's endpoint whose tick is strictly greater
 * than the state's tick. In a conflict the lower conflict priority wins; at equal priorities the
 * later stamp wins; at equal stamps (which the specification leaves open) the endpoint whose URL
 * sorts first wins — a fixed choice, so that every node decides the same way.
 */
public final class ConflictRule {

    /** The decision about one entry. */
    public record Decision(boolean apply, boolean conflict, String reason) {
    }

    /** The decision about an entry whose resource the target does not have: it is applied, whatever the digests say. */
    public static final Decision NEW_AT_TARGET = new Decision(true, false, "new at the target");

    private ConflictRule() {
    }

    /**
     * @param sourceDigest the feed's digest
     * @param targetDigest the target's own digest
     * @param source the entry's sync state
     * @param target the target resource's sync state, or null when the target has no such resource
     */
    public static Decision decide(Digest sourceDigest, Digest targetDigest, SyncState source, SyncState target) {
        Objects.requireNonNull(source, "source state");
        if (target == null) {
            return NEW_AT_TARGET;
        }
        if (source.endpoint().equals(target.endpoint())) {
            return source.tick() > target.tick()
                    ? new Decision(true, false, "a later change from the same endpoint")
                    : new Decision(false, false, "the target already has this change or a later one from the same endpoint");
        }
        if (contains(sourceDigest, target)) {
            return new Decision(true, false, "the source has seen the target's version");
        }
        if (contains(targetDigest, source)) {
            return new Decision(false, false, "the target has seen the source's version");
        }
        int sourcePriority = sourceDigest.priority(source.endpoint());
        int targetPriority = targetDigest.priority(target.endpoint());
        if (sourcePriority != targetPriority) {
            boolean sourceWins = sourcePriority < targetPriority;
            return new Decision(sourceWins, true, "conflict: priority " + sourcePriority + " (source) vs "
                    + targetPriority + " (target)");
        }
        int byStamp = source.stamp().compareTo(target.stamp());
        if (byStamp != 0) {
            return new Decision(byStamp > 0, true, "conflict: equal priorities, the later stamp wins");
        }
        boolean sourceWins = source.endpoint().compareTo(target.endpoint()) < 0;
        return new Decision(sourceWins, true, "conflict: equal priorities and stamps, the endpoint sorting first wins");
    }

    private static boolean contains(Digest digest, SyncState state) {
        return digest.entry(state.endpoint()).map(e -> e.tick() > state.tick()).orElse(false);
    }
}
