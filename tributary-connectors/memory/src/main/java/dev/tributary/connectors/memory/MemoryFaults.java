package dev.tributary.connectors.memory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Faults a memory connector injects, for engine tests: fail the n-th next call of an operation,
 * slow an operation down, fail a sync after some deltas, or leave out the final token.
 *
 * <p>Operation names: {@code sync}, {@code getLatestSyncToken}, {@code search}, {@code get},
 * {@code create}, {@code update}, {@code delete}, {@code schema}, {@code currentTime}, {@code test}.
 */
public final class MemoryFaults {

    private final Map<String, Integer> failIn = new HashMap<>();
    private final Map<String, RuntimeException> failWith = new HashMap<>();
    private final Map<String, Duration> delays = new HashMap<>();
    private int failSyncAfterDeltas = -1;
    private RuntimeException failSyncWith;
    private boolean dropFinalToken;
    private int syncAgain;
    private RuntimeException down;

    /** The {@code n}-th next call (1 = the next one) of {@code operation} throws {@code error}. */
    public synchronized MemoryFaults failCall(String operation, int n, RuntimeException error) {
        if (n < 1) {
            throw new IllegalArgumentException("n starts at 1");
        }
        failIn.put(operation, n);
        failWith.put(operation, error);
        return this;
    }

    /** Every call of {@code operation} first waits {@code delay}. */
    public synchronized MemoryFaults delay(String operation, Duration delay) {
        delays.put(operation, delay);
        return this;
    }

    /** The next sync throws {@code error} after delivering {@code deltas} deltas. */
    public synchronized MemoryFaults failSyncAfter(int deltas, RuntimeException error) {
        failSyncAfterDeltas = deltas;
        failSyncWith = error;
        return this;
    }

    /** Whether syncs leave out the final token (as some real connectors do). */
    public synchronized MemoryFaults dropFinalToken(boolean drop) {
        dropFinalToken = drop;
        return this;
    }

    /** The next {@code times} runs end by asking for another run (needSyncAgain answers true). */
    public synchronized MemoryFaults requestSyncAgain(int times) {
        syncAgain = times;
        return this;
    }

    synchronized boolean takeSyncAgain() {
        if (syncAgain > 0) {
            syncAgain--;
            return true;
        }
        return false;
    }

    /** Every call of every operation throws {@code error} until {@link #up()} (an endpoint that is down). */
    public synchronized MemoryFaults down(RuntimeException error) {
        down = error;
        return this;
    }

    /** Ends {@link #down}. */
    public synchronized MemoryFaults up() {
        down = null;
        return this;
    }

    /** Removes every fault. */
    public synchronized void clear() {
        failIn.clear();
        failWith.clear();
        delays.clear();
        failSyncAfterDeltas = -1;
        failSyncWith = null;
        dropFinalToken = false;
        syncAgain = 0;
        down = null;
    }

    /** Called at the start of every operation. */
    void enter(String operation) {
        Duration delay;
        RuntimeException error = null;
        synchronized (this) {
            if (down != null) {
                throw down;
            }
            delay = delays.get(operation);
            Integer remaining = failIn.get(operation);
            if (remaining != null) {
                if (remaining == 1) {
                    failIn.remove(operation);
                    error = failWith.remove(operation);
                } else {
                    failIn.put(operation, remaining - 1);
                }
            }
        }
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** Called before delivering the n-th delta (from 0) of a sync. */
    synchronized void beforeDelta(int delivered) {
        if (failSyncAfterDeltas >= 0 && delivered >= failSyncAfterDeltas) {
            RuntimeException error = failSyncWith;
            failSyncAfterDeltas = -1;
            failSyncWith = null;
            throw error;
        }
    }

    synchronized boolean dropsFinalToken() {
        return dropFinalToken;
    }
}
