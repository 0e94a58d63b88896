package dev.tributary.engine;

import java.util.Locale;

/** How a run was started; an endpoint's allowed run modes say which may start runs of its links. */
public enum RunMode {
    MANUAL, SCHEDULED, EXTERNAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static RunMode parse(String text) {
        for (RunMode mode : values()) {
            if (mode.label().equals(text)) {
                return mode;
            }
        }
        return null;
    }
}
