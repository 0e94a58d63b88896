package dev.tributary.client;

/** Something the offline client could not do; the message says what and what to do about it. */
public class OfflineException extends RuntimeException {

    private final boolean retryable;

    public OfflineException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    public OfflineException(String message) {
        this(message, null, false);
    }

    /** Whether syncing again later may succeed (the network, a busy hub). */
    public boolean retryable() {
        return retryable;
    }
}
