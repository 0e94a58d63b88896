package dev.tributary.store;

import java.time.Instant;

/**
 * One run of a link.
 *
 * @param id the run's id
 * @param link the link run
 * @param mode manual, scheduled or external
 * @param state queued, running, succeeded, failed or cancelled
 * @param phase what it is doing (inbound, outbound, deletions…), or null
 * @param progress from 0 to 1
 * @param stats per-direction counters, as a JSON object
 * @param error why it failed, or null
 */
public record RunRecord(String id, String link, String mode, String state, String phase, double progress,
        String stats, String error, Instant createdAt, Instant startedAt, Instant finishedAt) {
}
