package dev.tributary.client;

import java.util.Map;

/**
 * The end of a {@code startSync}: exactly one of the two methods is called.
 *
 * <p>{@code onSuccess} receives {@code {"successResponse": {<service>: {…}}}}. {@code onFailure}
 * receives {@code {"successResponse": {…}, "failureResponse": {<service>: {"error": …, "message":
 * …}}}} — the services that succeeded are reported too; one failing service never hides the
 * others.
 */
public interface SyncCallback {

    void onSuccess(Map<String, Object> result);

    void onFailure(Map<String, Object> error);
}
