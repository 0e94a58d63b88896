package dev.tributary.sdata;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An endpoint's digest of a resource kind (SData 4.2): for every endpoint it knows, the first tick
 * of that endpoint's changes it has not absorbed, with the endpoint's conflict priority.
 *
 * @param origin the endpoint the digest describes
 * @param entries one per endpoint, in the order they were first seen
 */
public record Digest(String origin, List<DigestEntry> entries) {

    /** The priority of an endpoint a digest does not list (the middle of 1–9). */
    public static final int DEFAULT_PRIORITY = 5;

    public Digest {
        Map<String, DigestEntry> unique = new LinkedHashMap<>();
        for (DigestEntry entry : entries) {
            if (unique.putIfAbsent(entry.endpoint(), entry) != null) {
                throw new IllegalArgumentException("the digest lists endpoint " + entry.endpoint() + " twice");
            }
        }
        entries = List.copyOf(entries);
    }

    public Optional<DigestEntry> entry(String endpoint) {
        return entries.stream().filter(e -> e.endpoint().equals(endpoint)).findFirst();
    }

    /** The first tick of the endpoint not absorbed: 0 for an endpoint the digest does not know. */
    public long tick(String endpoint) {
        return entry(endpoint).map(DigestEntry::tick).orElse(0L);
    }

    public int priority(String endpoint) {
        return entry(endpoint).map(DigestEntry::conflictPriority).orElse(DEFAULT_PRIORITY);
    }

    /** This digest with one entry replaced (or added at the end). */
    public Digest with(DigestEntry replacement) {
        List<DigestEntry> copy = new ArrayList<>();
        boolean replaced = false;
        for (DigestEntry entry : entries) {
            if (entry.endpoint().equals(replacement.endpoint())) {
                copy.add(replacement);
                replaced = true;
            } else {
                copy.add(entry);
            }
        }
        if (!replaced) {
            copy.add(replacement);
        }
        return new Digest(origin, copy);
    }

    /**
     * After a target applied (or decided about) an entry with this state: the entry's endpoint is
     * absorbed up to just above the entry's tick (SData 5.5); never lowered.
     */
    public Digest afterEntry(SyncState state, int priorityIfNew, Instant now) {
        Absorbing absorbing = absorbing();
        return absorbing.absorb(state, endpoint -> priorityIfNew, now) ? absorbing.digest() : this;
    }

    /** This digest as one that absorbs entries in place. */
    public Absorbing absorbing() {
        return new Absorbing(this);
    }

    /**
     * A digest taking entry after entry as {@link #afterEntry} does, in place: a target applying a
     * page of a thousand entries makes one digest when it needs to look at it, not one per entry.
     * Not thread-safe.
     */
    public static final class Absorbing {
        private final String origin;
        private final List<DigestEntry> entries;
        private Digest made;

        private Absorbing(Digest from) {
            this.origin = from.origin();
            this.entries = new ArrayList<>(from.entries());
            this.made = from;
        }

        /**
         * Absorbs an entry's state (SData 5.5); {@code priorityIfNew} gives the priority of an
         * endpoint the digest does not list yet. Whether the digest changed.
         */
        public boolean absorb(SyncState state, java.util.function.ToIntFunction<String> priorityIfNew, Instant now) {
            long tick = state.tick() + 1;
            for (int i = 0; i < entries.size(); i++) {
                DigestEntry current = entries.get(i);
                if (current.endpoint().equals(state.endpoint())) {
                    if (current.tick() >= tick) {
                        return false;
                    }
                    entries.set(i, new DigestEntry(state.endpoint(), tick, now, current.conflictPriority()));
                    made = null;
                    return true;
                }
            }
            entries.add(new DigestEntry(state.endpoint(), tick, now, priorityIfNew.applyAsInt(state.endpoint())));
            made = null;
            return true;
        }

        /** The digest as it is now. */
        public Digest digest() {
            if (made == null) {
                made = new Digest(origin, entries);
            }
            return made;
        }
    }

    /**
     * At the end of a catch-up feed: every tick becomes the larger of this and the source's
     * (SData 5.5); endpoints only the source knows are added with the source's priority.
     */
    public Digest afterCatchUp(Digest source, Instant now) {
        Digest result = this;
        for (DigestEntry theirs : source.entries()) {
            Optional<DigestEntry> ours = result.entry(theirs.endpoint());
            if (ours.isEmpty()) {
                result = result.with(new DigestEntry(theirs.endpoint(), theirs.tick(), now, theirs.conflictPriority()));
            } else if (ours.get().tick() < theirs.tick()) {
                result = result.with(new DigestEntry(theirs.endpoint(), theirs.tick(), now, ours.get().conflictPriority()));
            }
        }
        return result;
    }

    /**
     * What a source must send a target with this digest (SData 2.5): for each endpoint where the
     * source is ahead, the changes from the target's tick on. The map holds those endpoints and
     * their thresholds; {@link #selects} applies it.
     */
    public static Map<String, Long> selection(Digest source, Digest target) {
        Map<String, Long> thresholds = new LinkedHashMap<>();
        for (DigestEntry entry : source.entries()) {
            long theirs = target.tick(entry.endpoint());
            if (entry.tick() > theirs) {
                thresholds.put(entry.endpoint(), theirs);
            }
        }
        return thresholds;
    }

    /** Whether a resource in this state belongs in a feed selected with these thresholds. */
    public static boolean selects(Map<String, Long> thresholds, SyncState state) {
        Long from = thresholds.get(state.endpoint());
        return from != null && state.tick() >= from;
    }
}
