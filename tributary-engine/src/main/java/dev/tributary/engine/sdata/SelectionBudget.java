package dev.tributary.engine.sdata;

/**
 * Counts the bytes of selected keys against a total; a selection reserves as it goes and
 * releases when it ends.
 */
public final class SelectionBudget {
    private final long total;
    private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();

    public SelectionBudget(long total) {
        this.total = total;
    }

    public boolean tryReserve(long keys) {
        while (true) {
            long now = used.get();
            if (now + keys > total) {
                return false;
            }
            if (used.compareAndSet(now, now + keys)) {
                return true;
            }
        }
    }

    public void release(long keys) {
        used.addAndGet(-keys);
    }

    /** The keys of one selection: reserved as it selects, all given back when it ends (once). */
    public final class Reservation {
        private long held;
        private boolean closed;

        public synchronized boolean reserve(long bytes) {
            if (closed || !tryReserve(bytes)) {
                return false;
            }
            held += bytes;
            return true;
        }

        public synchronized void close() {
            if (!closed) {
                closed = true;
                release(held);
                held = 0;
            }
        }
    }

    public long total() {
        return total;
    }

    public long used() {
        return used.get();
    }
}
