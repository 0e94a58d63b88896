package dev.tributary.connector;

import java.util.Objects;

/**
 * The identifier an external system gives one of its objects. Never blank; compared by value.
 *
 * @param value the identifier as the external system spells it
 */
public record Uid(String value) {

    /** Longest identifier accepted, in characters; longer ones are refused rather than cut. */
    public static final int MAX_LENGTH = 1024;

    public Uid {
        Objects.requireNonNull(value, "uid value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a uid must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "a uid must be at most " + MAX_LENGTH + " characters, got " + value.length());
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
