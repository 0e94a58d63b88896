package dev.tributary.client;

import java.util.Map;

/**
 * Progress of a {@code startSync}, in this order: {@code sync/started}; for each object service
 * (interleaved across services in parallel mode): {@code upload/started}, one {@code
 * upload/inProgress} per batch, {@code upload/ended}, {@code download/started}, one {@code
 * download/inProgress} per downloaded page (naming its object), {@code download/ended}; and last
 * {@code sync/ended}. When the hub answers 410 for an object's sync token, that service's upload
 * events repeat (pending changes go up first) before the object is downloaded in full.
 *
 * <p>Each event is a map with {@code phase} (sync, upload, download), {@code state} (started,
 * inProgress, ended), and where they apply {@code service}, {@code object}, {@code batch} (from 1),
 * {@code records} (in the batch), and running totals {@code totalUploaded} and {@code
 * totalDownloaded}. Events may come from several threads; a callback should not block.
 */
@FunctionalInterface
public interface ProgressCallback {

    void onProgress(Map<String, Object> event);
}
