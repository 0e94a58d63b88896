package dev.tributary.connector;

import java.util.Set;

/**
 * Options of an operation, normalized by the runtime before a connector sees them.
 *
 * @param pageSize how many results per page (search) or per batch (sync); at least 1
 * @param pagedResultsCookie where a search page starts (from {@link SearchResult}); null for the first
 * @param fieldsToGet the fields wanted, or null for all
 * @param origin for a write: where the change came from; {@link ChangeOrigin#NONE} otherwise
 */
public record OperationOptions(int pageSize, String pagedResultsCookie, Set<String> fieldsToGet, ChangeOrigin origin) {

    /** Page size when none is asked for. */
    public static final int DEFAULT_PAGE_SIZE = 500;
    /** Largest page size the runtime passes on. */
    public static final int MAX_PAGE_SIZE = 10_000;

    public static final OperationOptions DEFAULTS = new OperationOptions(DEFAULT_PAGE_SIZE, null, null, ChangeOrigin.NONE);

    public OperationOptions {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be from 1 to " + MAX_PAGE_SIZE + ", not " + pageSize);
        }
        fieldsToGet = fieldsToGet == null ? null : Set.copyOf(fieldsToGet);
        origin = origin == null ? ChangeOrigin.NONE : origin;
    }

    public OperationOptions(int pageSize, String pagedResultsCookie, Set<String> fieldsToGet) {
        this(pageSize, pagedResultsCookie, fieldsToGet, ChangeOrigin.NONE);
    }

    public OperationOptions withOrigin(ChangeOrigin from) {
        return new OperationOptions(pageSize, pagedResultsCookie, fieldsToGet, from);
    }

    public OperationOptions withPageSize(int size) {
        return new OperationOptions(size, pagedResultsCookie, fieldsToGet, origin);
    }

    public OperationOptions withPagedResultsCookie(String cookie) {
        return new OperationOptions(pageSize, cookie, fieldsToGet, origin);
    }
}
