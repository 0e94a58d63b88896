package dev.tributary.server.auth;

import dev.tributary.store.RecordIds;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * What a token may do. {@code admin} (alias {@code *}) may do everything; {@code read:<c>} and
 * {@code write:<c>} grant reading or writing the records of collection {@code c}, with {@code *}
 * as the collection meaning every collection. Writing does not imply reading.
 *
 * @param kind what is granted
 * @param collection the collection it is granted on, {@code *} for all; null for admin
 */
public record Scope(Kind kind, String collection) {

    /** The kinds of grant. */
    public enum Kind { ADMIN, READ, WRITE, TRIGGER }

    public static final Scope ADMIN = new Scope(Kind.ADMIN, null);

    public static Scope read(String collection) {
        return new Scope(Kind.READ, collection);
    }

    public static Scope write(String collection) {
        return new Scope(Kind.WRITE, collection);
    }

    /** Lets an external system ask for runs of an endpoint's links and report its deletions. */
    public static Scope trigger(String endpoint) {
        return new Scope(Kind.TRIGGER, endpoint);
    }

    /** Parses one scope, with a message that lists the valid forms when it is not one. */
    public static Scope parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.equals("admin") || value.equals("*")) {
            return ADMIN;
        }
        int colon = value.indexOf(':');
        if (colon > 0) {
            String kind = value.substring(0, colon).toLowerCase(Locale.ROOT);
            String collection = value.substring(colon + 1);
            if ((kind.equals("read") || kind.equals("write") || kind.equals("trigger"))
                    && (collection.equals("*") || RecordIds.isValidCollection(collection))) {
                return new Scope(Kind.valueOf(kind.toUpperCase(Locale.ROOT)), collection);
            }
        }
        throw new IllegalArgumentException("invalid scope '" + value
                + "': use admin, *, read:<collection>, write:<collection> (collection * = all),"
                + " or trigger:<endpoint>");
    }

    /** Parses scopes, dropping duplicates; every invalid one is reported at once. */
    public static List<Scope> parseAll(Collection<String> texts) {
        List<String> problems = new ArrayList<>();
        LinkedHashSet<Scope> scopes = new LinkedHashSet<>();
        for (String text : texts) {
            try {
                scopes.add(parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("give at least one scope, e.g. --scope read:tasks");
        }
        return List.copyOf(scopes);
    }

    /** Whether this scope grants {@code wanted}. */
    public boolean grants(Scope wanted) {
        if (kind == Kind.ADMIN) {
            return true;
        }
        return kind == wanted.kind
                && ("*".equals(collection) || collection.equals(wanted.collection));
    }

    @Override
    public String toString() {
        return kind == Kind.ADMIN ? "admin" : kind.name().toLowerCase(Locale.ROOT) + ":" + collection;
    }
}
