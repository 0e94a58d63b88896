package dev.tributary.store;

import java.time.Instant;

/**
 * A hub record and the external object it corresponds to through one link, with the versions of
 * both when they were last in sync: a side whose current version differs has changed since.
 *
 * @param link the link
 * @param uid the external object's uid
 * @param recordId the hub record's id
 * @param hubVersion the hub record's version when last in sync
 * @param endpointVersion the external object's version when last in sync (null if it has none)
 * @param syncedAt when they were last in sync
 */
public record IdMapping(String link, String uid, String recordId, long hubVersion, String endpointVersion,
        Instant syncedAt) {
}
