package dev.tributary.server.changes;

import dev.tributary.server.ApiException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Long-polls waiting for a collection to change: each is a future completed by the store's
 * wake-ups (this process's commits, other processes' through the store, or "*" when those cannot
 * be heard). A waiter holds no thread and no database connection. Bounded: at most
 * {@link #PER_TOKEN} waiters with the same token (429 beyond) and {@link #TOTAL} in all (503).
 */
final class FeedWaiters {

    /** Waiters one token may have at once. */
    static final int PER_TOKEN = 8;
    /** Waiters in all. */
    static final int TOTAL = 10_000;

    private final Map<String, Set<CompletableFuture<Void>>> byCollection = new ConcurrentHashMap<>();
    private final Map<CompletableFuture<Void>, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perToken = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    /** A future completed at the collection's next wake-up; {@link #forget} it when no longer waited for. */
    CompletableFuture<Void> await(String collection, String token) {
        AtomicInteger mine = perToken.computeIfAbsent(token, t -> new AtomicInteger());
        if (mine.incrementAndGet() > PER_TOKEN) {
            mine.decrementAndGet();
            throw new ApiException(429, "tooManyRequests", "this syncToken already has " + PER_TOKEN
                    + " requests waiting; wait for one of them").retryAfter(1);
        }
        if (total.incrementAndGet() > TOTAL) {
            total.decrementAndGet();
            mine.decrementAndGet();
            throw new ApiException(503, "serviceUnavailable", "the hub holds as many waiting requests as it may;"
                    + " retry later").retryAfter(5);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        tokens.put(future, token);
        byCollection.computeIfAbsent(collection, c -> ConcurrentHashMap.newKeySet()).add(future);
        future.whenComplete((ignored, error) -> forget(collection, future));
        return future;
    }

    /** No longer waits (answered, failed or timed out); idempotent. */
    void forget(String collection, CompletableFuture<Void> future) {
        Set<CompletableFuture<Void>> waiting = byCollection.get(collection);
        if (waiting != null && waiting.remove(future)) {
            total.decrementAndGet();
            String token = tokens.remove(future);
            AtomicInteger mine = token == null ? null : perToken.get(token);
            if (mine != null && mine.decrementAndGet() <= 0) {
                perToken.remove(token, mine);
            }
        }
    }

    /** A collection ("*": any) may have changed: its waiters look again. */
    void wake(String collection) {
        if ("*".equals(collection)) {
            byCollection.values().forEach(set -> set.forEach(future -> future.complete(null)));
            return;
        }
        Set<CompletableFuture<Void>> waiting = byCollection.get(collection);
        if (waiting != null) {
            waiting.forEach(future -> future.complete(null));
        }
    }
}
