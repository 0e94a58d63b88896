package dev.tributary.server.sdata;

import dev.tributary.sdata.Tracking;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Asynchronous SData operations (core 11.5), by tracking id: a POST starts one (a replayed POST
 * with the same tracking id finds it instead of starting another); GET answers its tracking
 * while it runs and its result when done, as often as asked; DELETE ends it, and after that the
 * id answers Gone. Operations nobody touched for the idle time are dropped.
 *
 * @param <R> what an operation produces
 */
final class AsyncOperations<R> implements AutoCloseable {

    /** One operation. */
    static final class Operation<R> {
        final String id;
        final String owner;
        final Instant started;
        volatile Instant touched;
        volatile String phase = "Initialization";
        volatile String detail = "starting";
        volatile double progress;
        volatile Future<R> future;

        Operation(String id, String owner, Instant now) {
            this.id = id;
            this.owner = owner;
            this.started = now;
            this.touched = now;
        }

        void report(String newPhase, String newDetail, double newProgress) {
            phase = newPhase;
            detail = newDetail;
            progress = newProgress;
        }

        Tracking tracking(Instant now) {
            long elapsed = Duration.between(started, now).toSeconds();
            long remaining = progress <= 0 ? 1 : Math.max(0, (long) (elapsed / progress * (1 - progress)));
            return new Tracking(phase, detail, Math.min(1, progress), elapsed, remaining, 50);
        }
    }

    /** The work of an operation; it may report progress on the operation. */
    interface Work<R> {
        R run(Operation<R> operation) throws Exception;
    }

    private final Map<String, Operation<R>> operations = new ConcurrentHashMap<>();
    private final Map<String, Instant> ended = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final Clock clock;
    private final Supplier<Duration> idle;
    private volatile java.util.function.Consumer<Operation<R>> onEnd = operation -> { };

    AsyncOperations(String name, Clock clock, Supplier<Duration> idle) {
        this(clock, idle, Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "sdata-" + name);
            thread.setDaemon(true);
            return thread;
        }), true);
    }

    /**
     * With the given workers: the engine's request workers in the hub (closing cancels this
     * instance's operations, the pool stays), or a test's, which uses it to hold a submission.
     */
    AsyncOperations(Clock clock, Supplier<Duration> idle, ExecutorService workers) {
        this(clock, idle, workers, false);
    }

    private AsyncOperations(Clock clock, Supplier<Duration> idle, ExecutorService workers, boolean ownsWorkers) {
        this.clock = clock;
        this.idle = idle;
        this.workers = workers;
        this.ownsWorkers = ownsWorkers;
    }

    private final boolean ownsWorkers;

    /** Called with each operation that ends (deleted, dropped, or closed with the rest). */
    void onEnd(java.util.function.Consumer<Operation<R>> listener) {
        this.onEnd = listener;
    }

    /** How many live operations have a key that matches. */
    long count(java.util.function.Predicate<String> key) {
        expire();
        return operations.keySet().stream().filter(key).count();
    }

    /** The ids of the live operations that match. */
    java.util.List<String> ids(java.util.function.Predicate<String> key) {
        expire();
        return operations.keySet().stream().filter(key).toList();
    }

    /** Starts an operation, or answers the one already started with this id (a replayed POST). */
    Operation<R> start(String id, String owner, Work<R> work) {
        return start(id, owner, () -> { }, work);
    }

    /**
     * Starts an operation, or answers the one already started with this id (a replayed POST).
     * {@code beforeWork} runs once, for a new operation only, before its work can begin: what
     * the work's end records (its result, for other nodes) then always comes after what
     * {@code beforeWork} records. When it throws, nothing is started.
     */
    synchronized Operation<R> start(String id, String owner, Runnable beforeWork, Work<R> work) {
        expire();
        Operation<R> existing = operations.get(id);
        if (existing != null) {
            existing.touched = clock.instant();
            return existing;
        }
        if (ended.containsKey(id)) {
            throw new GoneException("tracking id '" + shown(id) + "' was used by an operation that has ended");
        }
        Operation<R> operation = new Operation<>(id, owner, clock.instant());
        beforeWork.run();
        // Published only once its future is set: readers (get is not synchronized) may use it at once.
        operation.future = workers.submit(() -> work.run(operation));
        operations.put(id, operation);
        return operation;
    }

    /** The operation, if it still exists; Gone when it was deleted or dropped. */
    Operation<R> get(String id) {
        expire();
        Operation<R> operation = operations.get(id);
        if (operation == null) {
            if (ended.containsKey(id)) {
                throw new GoneException("the operation '" + shown(id) + "' has ended");
            }
            return null;
        }
        operation.touched = clock.instant();
        return operation;
    }

    /** Ends an operation; false when there is none (or it had already ended). */
    boolean delete(String id) {
        Operation<R> removed = operations.remove(id);
        if (removed == null) {
            if (ended.containsKey(id)) {
                throw new GoneException("the operation '" + shown(id) + "' has already ended");
            }
            return false;
        }
        removed.future.cancel(true);
        ended.put(id, clock.instant());
        onEnd.accept(removed);
        return true;
    }

    private void expire() {
        Instant limit = clock.instant().minus(idle.get());
        operations.entrySet().removeIf(e -> {
            if (e.getValue().touched.isBefore(limit)) {
                e.getValue().future.cancel(true);
                ended.put(e.getKey(), clock.instant());
                onEnd.accept(e.getValue());
                return true;
            }
            return false;
        });
        Instant forget = clock.instant().minus(idle.get().multipliedBy(10));
        ended.values().removeIf(at -> at.isBefore(forget));
    }

    @Override
    public void close() {
        if (ownsWorkers) {
            workers.shutdownNow();
        } else {
            operations.values().forEach(operation -> {
                if (operation.future != null) {
                    operation.future.cancel(true);
                }
            });
        }
        operations.values().forEach(operation -> onEnd.accept(operation));
        operations.clear();
    }

    /** An id as its client gave it: the last segment of a scoped key ({@code kind/token/id}). */
    private static String shown(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    /** The tracking id belonged to an operation that has ended (410). */
    static final class GoneException extends RuntimeException {
        GoneException(String message) {
            super(message);
        }
    }
}
