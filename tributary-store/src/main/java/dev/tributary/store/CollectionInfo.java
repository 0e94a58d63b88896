package dev.tributary.store;

import java.time.Duration;
import java.time.Instant;

/**
 * A collection of records.
 *
 * @param name the collection's name
 * @param incarnation never reused: a collection deleted and created again has a new one, which
 *     invalidates every sync token of the old one
 * @param retention how long tombstones of deleted records are kept before compaction
 * @param horizon the highest change-log position whose tombstone was compacted away; a sync from
 *     a position below it can no longer be answered completely
 * @param createdAt when the collection was created
 */
public record CollectionInfo(
        String name, long incarnation, Duration retention, long horizon, Instant createdAt) {
}
