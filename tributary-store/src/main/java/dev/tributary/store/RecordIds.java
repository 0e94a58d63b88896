package dev.tributary.store;

import java.util.regex.Pattern;

/** The rules for record and collection names, shared by the store and its callers. */
public final class RecordIds {

    /** Longest record id, in characters. */
    public static final int MAX_ID_LENGTH = 256;

    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private RecordIds() {
    }

    /**
     * A new record id: a UUID whose leading bits are the time in milliseconds (the layout of RFC
     * 9562's version 7), the rest random. Ids made one after another sort one after another, so a
     * large load adds to the end of the store's indexes by record id instead of to random pages
     * all over them — at a million records, the difference between a few and thousands of pages
     * written per batch.
     */
    public static String newId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(high, low).toString();
    }

    /**
     * Whether {@code id} is a valid record id. Ids made only of dots ({@code .}, {@code ..}, …) are
     * not: clients normalize such path segments away, so a request for the record would reach
     * another resource (a {@code DELETE …/records/..} would become one of the collection).
     */
    public static boolean isValid(String id) {
        // Checked per character rather than with a regular expression: every record written is
        // checked, and a load writes a million of them.
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        boolean onlyDots = true;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!idChar(c)) {
                return false;
            }
            onlyDots &= c == '.';
        }
        return !onlyDots;
    }

    private static boolean idChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '~' || c == ':' || c == '@' || c == '-';
    }

    /** Throws {@link IllegalArgumentException} with a helpful message unless {@code id} is valid. */
    public static void requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid record id '" + abbreviate(id)
                    + "': use 1 to " + MAX_ID_LENGTH + " characters from A-Z a-z 0-9 . _ ~ : @ -, not only dots");
        }
    }

    /** Whether {@code name} is a valid collection name. */
    public static boolean isValidCollection(String name) {
        return name != null && COLLECTION.matcher(name).matches();
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is a valid collection name. */
    public static void requireValidCollection(String name) {
        if (!isValidCollection(name)) {
            throw new IllegalArgumentException("invalid collection name '" + abbreviate(name)
                    + "': use 1 to 64 characters from A-Z a-z 0-9 _ -, starting with a letter or digit");
        }
    }

    static String abbreviate(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }
}
