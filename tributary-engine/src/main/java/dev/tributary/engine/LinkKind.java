package dev.tributary.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;

/**
 * A kind of link the engine runs besides connector links — SData links, say. The kind keeps its
 * links' definitions and does one run's work; the engine does the rest, the same way as for
 * connector links: it starts runs on request and on schedule (one scheduler), keeps one run per
 * link at a time, retries retryable failures, cancels, records state, phase, progress and stats
 * in the run history, and reports every change to the run event listeners (metrics, the event
 * stream). A run of link {@code x} is recorded under the link name {@code <prefix>:x}.
 */
public interface LinkKind {

    /** The prefix of this kind's run names, e.g. {@code sdata}. */
    String prefix();

    /** Whether this kind has a link of this name. */
    boolean exists(String name);

    /** The links that run on their own, and how often. */
    Map<String, Duration> schedules();

    /**
     * Does one run of a link. Throwing fails the run (a retryable failure — a retryable
     * {@link EngineException}, connector or store exception — is retried first, with backoff);
     * returning succeeds it, or cancels it when {@link Run#cancelled()} became true.
     */
    void run(String name, Run run) throws Exception;

    /** What a kind's run reports through. */
    interface Run {

        /** The run's counters, per direction, as for connector links. */
        RunStats stats();

        /** Figures of the kind's own, shown in the stats next to {@code inbound} and {@code outbound}; change it while holding its lock. */
        ObjectNode details();

        /** Reports the phase and progress (0 to 1), saved with the stats at most every 250 ms. */
        void progress(String phase, double progress);

        /** Whether someone asked the run to stop. */
        boolean cancelled();
    }
}
