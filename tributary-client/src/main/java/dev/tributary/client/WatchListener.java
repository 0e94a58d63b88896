package dev.tributary.client;

import java.util.Map;

/**
 * Hears what {@link OfflineObjects#watch} does: each sync it ran because the hub had changes for
 * this device, and each problem it is riding out (it keeps watching and retries by itself).
 */
public interface WatchListener {

    /** A sync ran; {@code result} is what {@link SyncCallback} would receive (success or failure). */
    void onSync(Map<String, Object> result);

    /** Waiting on the hub failed (it is unreachable, or refused); the watch retries with a growing pause. */
    default void onError(OfflineException error) {
    }
}
