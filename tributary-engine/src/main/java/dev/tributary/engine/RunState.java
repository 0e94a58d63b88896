package dev.tributary.engine;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A run's lifecycle: {@code QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED}. */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The states this one may move to. */
    public Set<RunState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
            default -> EnumSet.noneOf(RunState.class);
        };
    }

    /** This state's successor, or an exception when the move is not allowed. */
    public RunState moveTo(RunState target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a run cannot go from " + label() + " to " + target.label());
        }
        return target;
    }

    public static RunState parse(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
