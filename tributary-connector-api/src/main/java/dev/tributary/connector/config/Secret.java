package dev.tributary.connector.config;

import java.util.Objects;

/** A secret setting's value. It never shows itself in {@link #toString()}, so it cannot leak into logs. */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret itself; pass it on only to the external system. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /**
     * What a secret looks like wherever it is shown (API answers, logs). Sent back in place of a
     * secret, it means "keep the stored one" — only where the secret still goes to the same place.
     */
    public static final String MASK = "******";

    @Override
    public String toString() {
        return MASK;
    }
}
