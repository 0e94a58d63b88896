package dev.tributary.store;

import java.util.List;

/**
 * A page of the change log of one collection.
 *
 * @param incarnation the collection's incarnation when the page was read
 * @param records records whose latest change lies in the requested range, in seq order
 * @param hasMore whether more records lie in the range after the last one returned
 * @param horizon the collection's compaction horizon read after the records; if it is above the
 *     range's lower bound, a tombstone in the range may have been removed and the page must not
 *     be trusted for an incremental sync
 */
public record ChangePage(long incarnation, List<StoredRecord> records, boolean hasMore,
        long horizon) {
}
