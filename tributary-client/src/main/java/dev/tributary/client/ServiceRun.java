package dev.tributary.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One object service's part of a sync: upload its pending changes (resending what a previous sync
 * left unanswered first), then download each object's changes, with progress events, per-batch
 * stats and the service's result. Runs on the client's own sync threads.
 */
final class ServiceRun {

    private final OfflineObjects client;
    private final String service;
    private final SyncOptions.ServiceOptions options;
    private final ProgressCallback progress;
    private final OfflineObjects.Totals totals;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private long uploaded;
    private long downloaded;
    private final List<Map<String, Object>> batches = new ArrayList<>();
    private final List<Map<String, Object>> conflicts = new ArrayList<>();
    private final List<Map<String, Object>> rejected = new ArrayList<>();

    ServiceRun(OfflineObjects client, String service, SyncOptions.ServiceOptions options, ProgressCallback progress,
            OfflineObjects.Totals totals) {
        this.client = client;
        this.service = service;
        this.options = options;
        this.progress = progress;
        this.totals = totals;
    }

    Map<String, Object> result(String status) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status);
        result.put("uploaded", uploaded);
        result.put("downloaded", downloaded);
        result.put("conflicts", conflicts);
        result.put("rejected", rejected);
        if (options.getSyncStats()) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("startTime", started.toString());
            stats.put("elapsedMs", (System.nanoTime() - startNanos) / 1_000_000);
            stats.put("recordsUploaded", uploaded);
            stats.put("recordsDownloaded", downloaded);
            stats.put("batches", batches);
            result.put("stats", stats);
        }
        return result;
    }

    private void batch(String phase, String object, int number, int records, Instant start, long startNanos) {
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("phase", phase);
        if (object != null) {
            batch.put("object", object);
        }
        batch.put("batch", number);
        batch.put("records", records);
        batch.put("startTime", start.toString());
        batch.put("elapsedMs", (System.nanoTime() - startNanos) / 1_000_000);
        batches.add(batch);
    }

    // ---- upload

    void upload() {
        progress.onProgress(OfflineObjects.event("upload", "started", service, null, 0, 0, totals));
        int number = resendUnanswered(0);
        while (true) {
            List<ObjectNode> changes = new ArrayList<>();
            Map<String, List<String>> ids = new LinkedHashMap<>();
            JsonNode objects = client.services.get(service).path("objects");
            for (var names = objects.fieldNames(); names.hasNext() && changes.size() < options.uploadBatchSize(); ) {
                String object = names.next();
                for (LocalStore.Row row : client.local.pendingRows(service, object, true, options.uploadBatchSize() - changes.size())) {
                    ObjectNode change = HubClient.JSON.createObjectNode();
                    change.put("object", object);
                    change.put("op", OfflineObjects.change(row));
                    change.put("id", row.id());
                    if (row.etag() != null) {
                        change.put("version", row.etag());
                    }
                    if (row.data() != null) {
                        change.set("data", row.data());
                    }
                    change.put("seq", row.seq());
                    changes.add(change);
                    ids.computeIfAbsent(object, o -> new ArrayList<>()).add(row.id());
                }
            }
            if (changes.isEmpty()) {
                break;
            }
            ObjectNode body = HubClient.JSON.createObjectNode();
            ArrayNode list = body.putArray("changes");
            changes.forEach(list::add);
            LocalStore.CachedUpload upload = new LocalStore.CachedUpload(UUID.randomUUID().toString(), service,
                    body.toString(), options.uploadRequestQueryParams());
            client.local.cacheUpload(upload, ids);
            number++;
            send(upload, number);
        }
        progress.onProgress(OfflineObjects.event("upload", "ended", service, null, 0, 0, totals));
    }

    /** Sends again, with their own ids, the requests whose answers were lost; the last batch number. */
    int resendUnanswered(int number) {
        for (LocalStore.CachedUpload cached : client.local.cachedUploads(service)) {
            number++;
            send(cached, number);
        }
        return number;
    }

    /** Sends one request (again, if it was cached) and applies its answer; waits out a hub still processing it. */
    private void send(LocalStore.CachedUpload upload, int number) {
        Instant start = Instant.now();
        long startNanos = System.nanoTime();
        JsonNode answer = null;
        Duration waited = Duration.ZERO;
        for (int attempt = 1; answer == null; attempt++) {
            try {
                answer = client.hub.upload(service, upload.requestId(), upload.parameters(), OfflineObjects.stripSeq(upload.body()));
            } catch (HubClient.InProgressException e) {
                // Short steps while the hub is at it; the hub's own figure while it waits out a stale claim.
                Duration pause = e.retryAfter().getSeconds() <= 1
                        ? Duration.ofMillis(Math.min(1000, 200L * attempt)) : e.retryAfter();
                if (waited.plus(pause).compareTo(OfflineObjects.MAX_IN_PROGRESS_WAIT) > 0) {
                    throw e;
                }
                OfflineObjects.sleep(pause);
                waited = waited.plus(pause);
            }
        }
        JsonNode sent = OfflineObjects.parse(upload.body()).path("changes");
        JsonNode results = answer.path("results");
        int records = sent.size();
        client.local.settleUpload(upload.requestId(), () -> {
            for (int i = 0; i < sent.size(); i++) {
                applyResult(sent.get(i), results.get(i));
            }
            return null;
        });
        uploaded += records;
        totals.uploaded.addAndGet(records);
        batch("upload", null, number, records, start, startNanos);
        progress.onProgress(OfflineObjects.event("upload", "inProgress", service, null, number, records, totals));
    }

    private void applyResult(JsonNode change, JsonNode result) throws java.sql.SQLException {
        String object = change.path("object").asText();
        String localId = change.path("id").asText();
        long seq = change.path("seq").asLong();
        OfflineObjects.Target target = client.target(service + "." + object);
        String outcome = result.path("outcome").asText();
        switch (outcome) {
            case "created", "updated" -> client.local.confirm(service, object, localId, result.path("id").asText(),
                    (ObjectNode) result.get("record"), result.path("etag").asText(), seq, target.keyFields());
            case "deleted" -> client.local.confirmDeleted(service, object, localId, seq);
            case "conflict" -> {
                // The hub's version replaces the change sent; a change made after it was sent stays pending.
                if (result.path("serverDeleted").asBoolean()) {
                    client.local.confirmDeleted(service, object, localId, seq);
                } else if (result.path("serverRecordHidden").asBoolean()) {
                    // The token may not read the collection: the change is undone locally.
                    client.local.refuse(service, object, localId);
                } else {
                    client.local.confirm(service, object, localId, result.path("id").asText(localId),
                            (ObjectNode) result.get("serverRecord"), result.path("etag").asText(), seq, target.keyFields());
                }
                conflicts.add(OfflineObjects.map((ObjectNode) result));
            }
            default -> {
                client.local.refuse(service, object, localId);
                rejected.add(OfflineObjects.map((ObjectNode) result));
            }
        }
    }

    // ---- download

    void download() {
        progress.onProgress(OfflineObjects.event("download", "started", service, null, 0, 0, totals));
        JsonNode objects = client.services.get(service).path("objects");
        int number = 0;
        for (var names = objects.fieldNames(); names.hasNext(); ) {
            String object = names.next();
            number = downloadObject(object, objects.get(object).path("collection").asText(), number);
        }
        progress.onProgress(OfflineObjects.event("download", "ended", service, null, 0, 0, totals));
    }

    private int downloadObject(String object, String collection, int number) {
        String filter = options.filters().get(object);
        try {
            return pages(object, collection, filter, client.local.token(service, object), number);
        } catch (HubClient.GoneException gone) {
            // The hub can no longer answer from our token: pending changes stay (uploaded first
            // when this sync uploads at all), the synced rows go, and the object is downloaded again.
            if (options.syncType() != SyncOptions.SyncType.DOWNLOAD_ONLY) {
                upload();
            }
            client.local.forgetSynced(service, object);
            return pages(object, collection, filter, null, number);
        }
    }

    private int pages(String object, String collection, String filter, String token, int number) {
        String pageToken = null;
        do {
            Instant start = Instant.now();
            long startNanos = System.nanoTime();
            JsonNode page = client.hub.feed(collection, token, pageToken, options.pageSize(), filter);
            List<JsonNode> items = new ArrayList<>();
            page.path("items").forEach(items::add);
            String next = page.path("nextPageToken").asText(null);
            String syncToken = page.path("nextSyncToken").asText(null);
            client.local.relaxedTransaction(() -> {
                client.local.download(service, object, items);
                if (syncToken != null) {
                    client.local.setToken(service, object, syncToken);
                }
                return null;
            });
            number++;
            downloaded += items.size();
            totals.downloaded.addAndGet(items.size());
            batch("download", object, number, items.size(), start, startNanos);
            progress.onProgress(OfflineObjects.event("download", "inProgress", service, object, number, items.size(), totals));
            pageToken = next;
        } while (pageToken != null);
        return number;
    }
}
