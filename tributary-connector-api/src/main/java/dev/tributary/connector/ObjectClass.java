package dev.tributary.connector;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The kind of object a connector reads or writes: a table, a structure, an LDAP object class.
 *
 * <p>{@link #ALL} stands for every object class a connector can sync at once; deltas delivered
 * for it name their own object class.
 *
 * @param name the object class name; letters, digits and {@code _ . - $}, at most 128 characters
 */
public record ObjectClass(String name) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.$-]{1,128}");

    /** Every object class at once, in the manner of OpenICF's {@code __ALL__}. */
    public static final ObjectClass ALL = new ObjectClass("__ALL__");

    public ObjectClass {
        Objects.requireNonNull(name, "object class name");
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "invalid object class name '" + name
                            + "': use 1 to 128 letters, digits or _ . - $");
        }
    }

    /** Whether this is {@link #ALL}. */
    public boolean isAll() {
        return this.equals(ALL);
    }

    @Override
    public String toString() {
        return name;
    }
}
