package dev.tributary.server.changes;

import dev.tributary.store.ChangePage;
import dev.tributary.store.CollectionInfo;
import dev.tributary.store.Store;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reads that the live feeds' clients, woken together by one commit, would each repeat: a
 * collection's change-log head, the collection, and a page of the change log. Each is read once and shared.
 *
 * <p>Implementation notes. Every wake-up counts one {@link #wake}. A woken reader notes the count
 * before it reads ({@link #now}) and takes a shared head or collection only when that one was
 * read after the same count — so it was read after the commit that woke the reader and sees it.
 * A page of the change log is shared by range: what {@code (after, bound]} held when one reader
 * read it is what any reader at that position would have been answered a moment earlier — a
 * record changed since has a position above {@code bound} and comes with the next sync, so no
 * change is lost or served out of order. Pages are kept only until the next few wake-ups.
 */
final class SharedReads {

    private record Stamped<T>(long wake, T value) {
    }

    private record PageKey(String collection, long after, long bound, int limit, boolean includeDeleted, long maxBytes) {
    }

    /** Pages kept at most; the oldest generation is dropped first. */
    private static final int MAX_PAGES = 512;

    private final Store store;
    private final AtomicLong wakes = new AtomicLong();
    private final Map<String, Stamped<Long>> heads = new ConcurrentHashMap<>();
    private final Map<String, Object> headLocks = new ConcurrentHashMap<>();
    private final Map<String, Stamped<Optional<CollectionInfo>>> collections = new ConcurrentHashMap<>();
    private final Map<PageKey, CompletableFuture<ChangePage>> pages = new ConcurrentHashMap<>();

    SharedReads(Store store) {
        this.store = store;
    }

    /** A commit woke the live readers: shared reads from before it no longer do. */
    void wake() {
        wakes.incrementAndGet();
    }

    /** The wake-up count a reader notes before it reads. */
    long now() {
        return wakes.get();
    }

    /** {@code collection}'s change-log head as read after wake-up {@code since}. */
    long head(String collection, long since) {
        Stamped<Long> cached = heads.get(collection);
        if (cached != null && cached.wake() >= since) {
            return cached.value();
        }
        if (headLocks.size() > MAX_PAGES) {
            headLocks.clear();
            heads.clear();
        }
        synchronized (headLocks.computeIfAbsent(collection, c -> new Object())) {
            cached = heads.get(collection);
            if (cached != null && cached.wake() >= since) {
                return cached.value();
            }
            long stamp = wakes.get();
            long value = store.changeLog().head(collection);
            heads.put(collection, new Stamped<>(stamp, value));
            return value;
        }
    }

    /** The collection as read after wake-up {@code since}. */
    Optional<CollectionInfo> collection(String name, long since) {
        Stamped<Optional<CollectionInfo>> cached = collections.get(name);
        if (cached != null && cached.wake() >= since) {
            return cached.value();
        }
        long stamp = wakes.get();
        Optional<CollectionInfo> value = store.collections().get(name);
        if (collections.size() > MAX_PAGES) {
            collections.clear();
        }
        collections.put(name, new Stamped<>(stamp, value));
        return value;
    }

    /** A page of the change log over {@code (after, bound]}, read once for everyone asking for the same range. */
    ChangePage page(String collection, long after, long bound, int limit, boolean includeDeleted, long maxBytes) {
        if (pages.size() > MAX_PAGES) {
            pages.clear();
        }
        PageKey key = new PageKey(collection, after, bound, limit, includeDeleted, maxBytes);
        CompletableFuture<ChangePage> mine = new CompletableFuture<>();
        CompletableFuture<ChangePage> shared = pages.putIfAbsent(key, mine);
        if (shared == null) {
            try {
                mine.complete(store.changeLog().read(collection, after, bound, limit, includeDeleted, maxBytes));
            } catch (RuntimeException e) {
                pages.remove(key, mine);
                mine.completeExceptionally(e);
            }
            shared = mine;
        }
        try {
            return shared.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
