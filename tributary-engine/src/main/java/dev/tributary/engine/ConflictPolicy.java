package dev.tributary.engine;

/** Who wins when a record changed on both sides since they were last in sync. */
public enum ConflictPolicy {
    /** The hub's version is kept and written to the endpoint. */
    HUB_WINS("hubWins"),
    /** The endpoint's version replaces the hub's. */
    ENDPOINT_WINS("endpointWins"),
    /**
     * The later change wins: the hub record's update time against the endpoint object's
     * timestamp field, corrected by the endpoint's clock shift.
     */
    LAST_WRITER_WINS("lastWriterWins"),
    /** Both sides are parked for a person, who resolves it through the API. */
    MANUAL("manual");

    private final String label;

    ConflictPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static ConflictPolicy parse(String text) {
        for (ConflictPolicy policy : values()) {
            if (policy.label.equals(text)) {
                return policy;
            }
        }
        return null;
    }
}
