package dev.tributary.engine;

/** Which way a link moves changes. */
public enum Direction {
    /** From the endpoint into the hub. */
    IN("in"),
    /** From the hub out to the endpoint. */
    OUT("out"),
    /** Both: inbound first, then outbound, in one run. */
    BOTH("both");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean inbound() {
        return this != OUT;
    }

    public boolean outbound() {
        return this != IN;
    }

    /** The direction of a label ({@code in}, {@code out}, {@code both}); null if none. */
    public static Direction parse(String text) {
        for (Direction direction : values()) {
            if (direction.label.equals(text)) {
                return direction;
            }
        }
        return null;
    }
}
