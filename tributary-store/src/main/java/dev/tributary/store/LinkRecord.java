package dev.tributary.store;

import dev.tributary.connector.SyncToken;
import java.time.Instant;

/**
 * A link between an endpoint and a collection, with its durable sync state.
 *
 * @param name the link's name
 * @param definition the link's settings as a JSON object (the engine reads them)
 * @param endpoint the endpoint it links
 * @param inboundToken the connector token after the last durably applied inbound delta, or null
 * @param outboundCheckpoint the change-log position up to which changes were written out
 * @param deletionsCheckpoint the deletion-log position up to which tracked deletions were applied
 * @param nextRunAt when its schedule runs it next, or null
 * @param pausedAt when it was paused (no run starts until it is resumed), or null
 */
public record LinkRecord(String name, String definition, String endpoint, SyncToken inboundToken,
        long outboundCheckpoint, long deletionsCheckpoint, Instant nextRunAt, Instant createdAt, Instant updatedAt,
        Instant pausedAt) {
}
