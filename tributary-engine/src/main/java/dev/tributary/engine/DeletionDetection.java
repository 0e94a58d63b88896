package dev.tributary.engine;

/** How a link learns that the endpoint deleted an object. */
public enum DeletionDetection {
    /** The connector reports deletions as DELETE deltas. */
    NATIVE("native"),
    /** The external system reports deletions to the hub's deletion log. */
    TRACKED("tracked"),
    /** The hub lists every uid it knows and asks the endpoint which still exist. */
    ENUMERATE("enumerate"),
    /** Binary search over ranges of monotonic numeric uids, comparing counts. */
    COUNT_RANGE("countRange");

    private final String label;

    DeletionDetection(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static DeletionDetection parse(String text) {
        for (DeletionDetection detection : values()) {
            if (detection.label.equals(text)) {
                return detection;
            }
        }
        return null;
    }
}
