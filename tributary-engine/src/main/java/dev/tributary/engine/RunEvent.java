package dev.tributary.engine;

/**
 * A run's progress, as its listeners (and the API's server-sent events) see it.
 *
 * @param runId the run
 * @param link its link
 * @param state queued, running, succeeded, failed or cancelled
 * @param phase what it is doing
 * @param progress from 0 to 1
 * @param stats per-direction counters
 * @param error why it failed, or null
 */
public record RunEvent(String runId, String link, RunState state, String phase, double progress, RunStats.Snapshot stats,
        String error) {
}
