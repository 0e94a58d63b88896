package dev.tributary.engine;

import dev.tributary.connector.ConnectorException;
import dev.tributary.store.StoreException;
import java.time.Duration;

/**
 * Retries with exponential backoff — the one place the hub retries. Only failures marked
 * retryable (a connector's {@code RetryableException}, a store's transient failure) are retried;
 * every attempt starts again from durable state, so a retry never applies anything twice.
 */
final class Retry {

    /** Waits; tests pass one that does not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final int attempts;
    private final Duration first;
    private final Duration max;
    private final Sleeper sleeper;

    Retry(int attempts, Duration first, Duration max, Sleeper sleeper) {
        this.attempts = attempts;
        this.first = first;
        this.max = max;
        this.sleeper = sleeper;
    }

    static boolean retryable(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectorException c && c.isRetryable()
                    || e instanceof StoreException s && s.retryable()
                    || e instanceof EngineException x && x.retryable()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code work}, retrying retryable failures; counts each failed attempt in {@code errors}. */
    void run(Runnable work, java.util.concurrent.atomic.AtomicLong errors) {
        Duration wait = first;
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                if (!retryable(e) || attempt >= attempts) {
                    throw e;
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait = wait.multipliedBy(2).compareTo(max) > 0 ? max : wait.multipliedBy(2);
            }
        }
    }
}
