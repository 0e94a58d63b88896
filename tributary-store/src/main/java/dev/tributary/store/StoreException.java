package dev.tributary.store;

/**
 * The root of every error the store raises. {@link #retryable()} says whether the same call may
 * succeed if repeated later (a lost connection, a busy database); retries live in the caller.
 */
public class StoreException extends RuntimeException {

    private final boolean retryable;

    public StoreException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    public StoreException(String message) {
        this(message, null, false);
    }

    /** Whether repeating the operation later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
