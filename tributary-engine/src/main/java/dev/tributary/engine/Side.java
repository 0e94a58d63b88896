package dev.tributary.engine;

import java.util.Locale;

/**
 * A side of a conflict between the hub and an endpoint: who a policy lets win, or what a person
 * takes when resolving ({@link #MERGED}: data of their own). Stored and shown by its label.
 */
public enum Side {
    HUB, ENDPOINT, MERGED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The side of a label; null if there is none such. */
    public static Side parse(String label) {
        for (Side side : values()) {
            if (side.label().equals(label)) {
                return side;
            }
        }
        return null;
    }
}
