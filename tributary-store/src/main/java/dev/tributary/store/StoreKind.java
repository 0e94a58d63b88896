package dev.tributary.store;

/** The database behind a store. */
public enum StoreKind {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String label;

    StoreKind(String label) {
        this.label = label;
    }

    /** The lower-case name shown in {@code /health} and logs. */
    public String label() {
        return label;
    }

    static StoreKind fromJdbcUrl(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported store URL '" + redact(url)
                + "': use jdbc:sqlite:<file> or jdbc:postgresql://host:port/database");
    }

    /** The URL without its query string, which may carry a password. */
    static String redact(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }
}
