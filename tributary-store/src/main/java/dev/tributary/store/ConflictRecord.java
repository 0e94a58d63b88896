package dev.tributary.store;

import java.time.Instant;

/**
 * A conflict: a record that changed on both sides since they were last in sync, and what was
 * decided. Parked conflicts ({@code state} open) wait for a person; the others record the
 * decision a policy made.
 *
 * @param id the conflict's id
 * @param link the link it arose on
 * @param recordId the hub record, or null if there was none
 * @param uid the external object, or null if there was none
 * @param state where it stands
 * @param policy the link's policy when it arose
 * @param decision what was decided (hub, endpoint, merged), or null while open
 * @param hubData the hub's side as JSON (null: deleted)
 * @param endpointData the endpoint's side as JSON (null: deleted)
 * @param endpointVersion the endpoint object's version when it arose
 * @param detail a sentence for people
 * @param baseData what the link last had in sync, as JSON (null: not kept — the link's policy is
 *     not manual, or the record was never in sync — or deleted)
 */
public record ConflictRecord(String id, String link, String recordId, String uid, ConflictState state, String policy,
        String decision, String hubData, String endpointData, String endpointVersion, String detail,
        Instant createdAt, Instant resolvedAt, String baseData) {
}
