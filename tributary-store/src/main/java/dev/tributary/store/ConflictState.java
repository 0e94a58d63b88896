package dev.tributary.store;

import java.util.Locale;

/** Where a conflict stands; stored and shown by its {@link #label()}. */
public enum ConflictState {
    /** Parked: waits for a person to resolve it. */
    OPEN,
    /** Decided, by a policy or a person. */
    RESOLVED,
    /** The endpoint refused the record; it is written again when it changes or on request. */
    REJECTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of a label; null if there is none such. */
    public static ConflictState parse(String label) {
        for (ConflictState state : values()) {
            if (state.label().equals(label)) {
                return state;
            }
        }
        return null;
    }
}
