package dev.tributary.engine;

/** The root of the engine's errors. {@link #retryable()} says whether a later attempt may succeed. */
public class EngineException extends RuntimeException {

    private final boolean retryable;

    public EngineException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    public EngineException(String message) {
        this(message, null, false);
    }

    public boolean retryable() {
        return retryable;
    }
}
