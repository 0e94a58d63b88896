package dev.tributary.connector;

/** Marks an exception whose operation may succeed if repeated later; the engine retries it with backoff. */
public interface RetryableException {
}
