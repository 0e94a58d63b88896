package dev.tributary.server.changes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.filter.Filter;
import dev.tributary.filter.FilterParser;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.ChangePage;
import dev.tributary.store.CollectionInfo;
import dev.tributary.store.CollectionNotFoundException;
import dev.tributary.store.Store;
import dev.tributary.store.StoredRecord;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Listing and incremental sync of a collection, with Google Calendar semantics.
 *
 * <p>Implementation notes. Every sync, full or incremental, reads the key-compacted change log
 * over a range of positions {@code (after, bound]}. The bound is the log's committed head when
 * the first page is served and travels in every page token, so the {@code nextSyncToken} of the
 * last page stands for the state at the first page: whatever changes while a client pages gets a
 * position above the bound and reaches the client in its next incremental sync — never lost,
 * never half-seen. A full sync returns live records (tombstones only with {@code showDeleted});
 * an incremental sync returns every record changed in the range once, in its latest state,
 * tombstones included. With a filter, a changed record that no longer matches is returned as a
 * deleted entry with {@code "removed": "filter"}: the log keeps no earlier states, so the hub
 * cannot tell whether the client ever held it, and clients ignore removals of records they do
 * not have. A page may hold fewer than {@code maxResults} items when the filter skips records.
 */
final class ChangeFeed {

    /** Page size when the client gives none. */
    static final int DEFAULT_MAX_RESULTS = 250;
    /** Largest page a client may ask for. */
    static final int MAX_MAX_RESULTS = 2500;
    /**
     * A page also ends once its records' data pass this many bytes (it always holds at least one
     * record), so large records never make a page too big to serve.
     */
    static final long MAX_PAGE_BYTES = 8L * 1024 * 1024;

    private static final Set<String> PARAMETERS =
            Set.of("maxResults", "pageToken", "syncToken", "filter", "showDeleted", "wait");
    /** The longest a long-poll may wait. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final byte[] NO_FILTER = Filter.fingerprintOf("");

    private final Store store;
    private final SyncTokenCodec codec;
    private final FeedWaiters waiters;
    /** Where a woken long-poll reads again (never the committing thread). */
    private final Executor workers;
    /** What live readers woken by one commit read once between them. */
    private final SharedReads shared;

    ChangeFeed(Store store, FeedWaiters waiters, Executor workers) {
        this.store = store;
        this.codec = new SyncTokenCodec(store.epoch(), store.tokenSigningKey());
        this.waiters = waiters;
        this.workers = workers;
        this.shared = new SharedReads(store);
    }

    /** Set when the node is stopping: waiting long-polls answer, streams end with {@code reconnect}. */
    private volatile boolean stopping;

    /** The node is stopping: every waiting long-poll answers now and every change stream ends. */
    void drain() {
        stopping = true;
        waiters.wake("*");
        subscribers.values().forEach(set -> set.forEach(Subscriber::kick));
    }

    /** A commit to a collection (or "*": any) woke the live readers; call before waking them. */
    void woken() {
        shared.wake();
    }

    /** A feed request, checked: what to read and how to answer. */
    private record Query(String collection, int maxResults, boolean showDeleted, Filter filter, String syncToken,
            String pageToken, Duration waitFor) {
    }

    /** A page read: its records and the token that follows it. */
    private record Page(List<StoredRecord> records, Filter filter, boolean incremental, String nextPageToken,
            String nextSyncToken, String resumeToken) {
    }

    void list(Context ctx) {
        String collection = RecordsApi.collectionName(ctx);
        Authenticator.principal(ctx).require(Scope.read(collection));
        for (String parameter : ctx.queryParamMap().keySet()) {
            if (!PARAMETERS.contains(parameter)) {
                throw ApiException.badRequest("unknown query parameter '" + parameter + "'; use "
                        + String.join(", ", PARAMETERS.stream().sorted().toList()));
            }
        }
        Query query = new Query(collection, maxResults(single(ctx, "maxResults")),
                flag(single(ctx, "showDeleted"), "showDeleted"), parseFilter(single(ctx, "filter")),
                single(ctx, "syncToken"), single(ctx, "pageToken"), waitOf(ctx));
        if (query.waitFor() == null) {
            respond(ctx, read(query));
            return;
        }
        // Long-poll: registered before the first read, so a commit in between is not missed.
        long deadline = System.nanoTime() + query.waitFor().toNanos();
        CompletableFuture<Void> woken = waiters.await(collection, query.syncToken());
        Page first;
        try {
            first = read(query);
        } catch (RuntimeException e) {
            waiters.forget(collection, woken);
            throw e;
        }
        if (!first.records().isEmpty()) {
            waiters.forget(collection, woken);
            respond(ctx, first);
            return;
        }
        ctx.future(() -> poll(query, woken, deadline).thenAccept(page -> respond(ctx, page)));
    }

    /**
     * Waits for a relevant change: each wake-up reads again from the same token; at the deadline
     * the answer is an empty page with the token that was sent, byte for byte.
     */
    private CompletableFuture<Page> poll(Query query, CompletableFuture<Void> woken, long deadline) {
        long left = deadline - System.nanoTime();
        return woken.completeOnTimeout(null, Math.max(0, left), TimeUnit.NANOSECONDS).thenComposeAsync(ignored -> {
            // Its slot first: the future's own clean-up may not have run yet, and this request
            // must not count twice against its token's limit when it waits again.
            waiters.forget(query.collection(), woken);
            boolean timedOut = deadline - System.nanoTime() <= 0 || stopping;
            CompletableFuture<Void> next = timedOut ? null : waiters.await(query.collection(), query.syncToken());
            // Noted after waiting again: a commit woken before this is in what is read, one after wakes `next`.
            long since = shared.now();
            Page page;
            try {
                page = read(query, since);
            } catch (RuntimeException e) {
                if (next != null) {
                    waiters.forget(query.collection(), next);
                }
                throw e;
            }
            if (!page.records().isEmpty() || timedOut) {
                if (next != null) {
                    waiters.forget(query.collection(), next);
                }
                return CompletableFuture.completedFuture(page.records().isEmpty()
                        ? new Page(List.of(), page.filter(), true, null, query.syncToken(), query.syncToken()) : page);
            }
            return poll(query, next, deadline);
        }, workers);
    }

    // ---- server-sent events

    /** Largest {@code data} of one {@code changes} event's page, in records. */
    static final int STREAM_PAGE = 500;
    /**
     * How long one stream may keep a worker writing a backlog its reader has not caught up with;
     * past it the stream ends with a {@code reconnect} event carrying the token to resume from.
     * Writes block on a full connection rather than buffer, so this bounds a slow reader's hold.
     */
    static volatile Duration slowReaderLimit = Duration.ofSeconds(30);
    /** How often an idle stream sends a comment, so proxies and clients know it is alive. */
    static volatile Duration heartbeat = Duration.ofSeconds(20);

    private final Map<String, Set<Subscriber>> subscribers = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code GET /v1/collections/{c}/changes?syncToken=&filter=}: the change feed as server-sent
     * events. {@code changes} events carry {@code {"items": […]}} with the token after them as
     * {@code id}; {@code caught-up} ({@code {}}) follows whenever everything committed was sent; a
     * comment every {@link #heartbeat}; a token that cannot be honored (or a collection deleted under
     * the stream) ends it with {@code fullSyncRequired} carrying the error JSON. {@code Last-Event-ID}
     * resumes exactly after the last event received and wins over {@code syncToken}.
     */
    void stream(io.javalin.http.sse.SseClient client) {
        Context ctx = client.ctx();
        String collection = RecordsApi.collectionName(ctx);
        Filter filter = parseFilter(single(ctx, "filter"));
        String token = startToken(ctx);
        Subscriber subscriber = new Subscriber(client, collection, filter, token);
        subscribers.computeIfAbsent(collection, c -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(subscriber);
        client.onClose(() -> subscribers.getOrDefault(collection, Set.of()).remove(subscriber));
        client.keepAlive();
        subscriber.kick();
        subscriber.heartbeat();
    }

    /**
     * What refuses a change stream with an HTTP status — its scope, its parameters, a missing
     * token — checked before the stream starts (an event stream's 200 goes out before its handler
     * runs). A token that cannot be honored is told in the stream, as {@code fullSyncRequired}.
     */
    void checkStream(Context ctx) {
        String collection = RecordsApi.collectionName(ctx);
        Authenticator.principal(ctx).require(Scope.read(collection));
        for (String parameter : ctx.queryParamMap().keySet()) {
            if (!Set.of("syncToken", "filter").contains(parameter)) {
                throw ApiException.badRequest("unknown query parameter '" + parameter + "'; use filter, syncToken");
            }
        }
        parseFilter(single(ctx, "filter"));
        if (startToken(ctx) == null) {
            throw ApiException.badRequest("a change stream starts from a syncToken (run a full sync first)");
        }
        store.collections().get(collection).orElseThrow(() ->
                ApiException.notFound("collection '" + collection + "' does not exist"));
    }

    /** Where a stream starts: after its Last-Event-ID (a reconnecting client) or at its syncToken. */
    private static String startToken(Context ctx) {
        String resume = ctx.header("Last-Event-ID");
        return resume != null && !resume.isBlank() ? resume.strip() : single(ctx, "syncToken");
    }

    /** Tells the change streams of a collection ("*": all) to look again. */
    void wakeStreams(String collection) {
        if ("*".equals(collection)) {
            subscribers.values().forEach(set -> set.forEach(Subscriber::kick));
        } else {
            subscribers.getOrDefault(collection, Set.of()).forEach(Subscriber::kick);
        }
    }

    /** One open change stream: reads and sends on the request workers, one drain at a time. */
    private final class Subscriber {
        private final io.javalin.http.sse.SseClient client;
        private final String collection;
        private final Filter filter;
        private volatile String token;
        private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean again = true;

        Subscriber(io.javalin.http.sse.SseClient client, String collection, Filter filter, String token) {
            this.client = client;
            this.collection = collection;
            this.filter = filter;
            this.token = token;
        }

        void kick() {
            again = true;
            schedule();
        }

        private void schedule() {
            if (draining.compareAndSet(false, true)) {
                workers.execute(this::drain);
            }
        }

        /** A heartbeat waiting to be written by the next drain (all writes of a stream happen in its drain, one at a time). */
        private volatile boolean beat;

        void heartbeat() {
            CompletableFuture.delayedExecutor(ChangeFeed.heartbeat.toMillis(), TimeUnit.MILLISECONDS, workers).execute(() -> {
                if (!client.terminated()) {
                    beat = true;
                    schedule();
                    heartbeat();
                }
            });
        }

        /**
         * Events of one drain, written and flushed together: one write per commit for a live
         * stream rather than one per event (and without the per-event buffers of a generic emitter).
         */
        private final StringBuilder pending = new StringBuilder();

        private void event(String name, String data, String id) {
            pending.append("event: ").append(name).append('\n');
            if (id != null) {
                pending.append("id: ").append(id).append('\n');
            }
            // JSON as the hub writes it holds no line breaks; data is one line.
            pending.append("data: ").append(data).append("\n\n");
        }

        /** Sends what is pending; a connection that fails to take it ends the stream. */
        private void flush() {
            if (pending.length() == 0) {
                return;
            }
            try {
                var response = client.ctx().res();
                response.getOutputStream().write(pending.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                response.flushBuffer();
            } catch (IOException | RuntimeException e) {
                client.close();
            } finally {
                pending.setLength(0);
            }
        }

        private void drain() {
            long started = System.nanoTime();
            try {
                if (beat && !client.terminated()) {
                    beat = false;
                    pending.append(": alive\n\n");
                    flush();
                }
                while (again && !client.terminated()) {
                    again = false;
                    long since = shared.now();
                    boolean sent = false;
                    while (!client.terminated()) {
                        Page page = read(new Query(collection, STREAM_PAGE, false, filter, token, null, null), since);
                        if (!page.records().isEmpty()) {
                            event("changes", itemsJson(page), page.resumeToken());
                            sent = true;
                        }
                        token = page.resumeToken();
                        if (page.nextPageToken() == null) {
                            break;
                        }
                        flush();
                        if (System.nanoTime() - started > slowReaderLimit.toNanos()) {
                            // The reader takes in less than the hub has for it: the backlog stays in
                            // the change log, not in memory or on a worker, and the reader resumes.
                            event("reconnect", Json.MAPPER.createObjectNode().put("syncToken", token).toString(), token);
                            flush();
                            client.close();
                            return;
                        }
                    }
                    if (sent || first) {
                        first = false;
                        event("caught-up", "{}", token);
                    }
                    flush();
                }
                if (stopping && !client.terminated()) {
                    // The node stops: the reader resumes from here on another node.
                    event("reconnect", Json.MAPPER.createObjectNode().put("syncToken", token).toString(), token);
                    flush();
                    client.close();
                }
            } catch (ApiException e) {
                event("fullSyncRequired", e.json(), null);
                flush();
                client.close();
            } catch (RuntimeException e) {
                client.close();
            } finally {
                pending.setLength(0);
                draining.set(false);
                if ((again || beat) && !client.terminated()) {
                    schedule();
                }
            }
        }

        private boolean first = true;
    }

    private static String itemsJson(Page page) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("items");
            for (StoredRecord record : page.records()) {
                writeItem(json, record, page.filter(), true);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Duration waitOf(Context ctx) {
        String text = single(ctx, "wait");
        if (text == null) {
            return null;
        }
        Duration wait;
        try {
            wait = Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("wait must be an ISO-8601 duration such as PT25S, not '" + text + "'");
        }
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw ApiException.badRequest("wait must be between PT0S and " + MAX_WAIT);
        }
        if (single(ctx, "syncToken") == null || single(ctx, "pageToken") != null) {
            throw ApiException.badRequest("wait holds an incremental sync's first page: send it with a syncToken and"
                    + " without a pageToken");
        }
        return wait;
    }

    private Page read(Query query) {
        return read(query, -1);
    }

    /**
     * Reads a page; {@code since} ≥ 0 (a live reader woken at that count) shares the head, the
     * collection and the page with the others woken with it ({@link SharedReads}).
     */
    private Page read(Query query, long since) {
        String collection = query.collection();
        Filter filter = query.filter();
        String syncToken = query.syncToken();
        String pageToken = query.pageToken();
        boolean showDeleted = query.showDeleted();
        int maxResults = query.maxResults();
        boolean incremental = syncToken != null;

        CollectionInfo info = (since >= 0 ? shared.collection(collection, since) : store.collections().get(collection))
                .orElseThrow(() -> ApiException.notFound("collection '" + collection + "' does not exist"));
        byte[] filterPrint = filter == null ? NO_FILTER : filter.fingerprint();
        long after = 0;
        if (incremental) {
            SyncTokenCodec.SyncPosition sync = codec.decodeSync(syncToken);
            checkCollection(sync.collection(), sync.incarnation(), info, "syncToken");
            if (!Arrays.equals(sync.filter(), filterPrint)) {
                throw ApiException.badRequest("this syncToken was issued for a different filter; "
                        + "pass the same filter as the sync that produced it (or run a full sync)");
            }
            after = sync.position();
        }
        byte[] queryPrint = Filter.fingerprintOf(String.join("\n", incremental ? "incremental" : "full",
                syncToken == null ? "" : syncToken, filter == null ? "" : filter.canonical(),
                Boolean.toString(showDeleted), Integer.toString(maxResults)));
        long bound;
        if (pageToken != null) {
            SyncTokenCodec.PagePosition page = codec.decodePage(pageToken);
            checkCollection(page.collection(), page.incarnation(), info, "pageToken");
            if (!Arrays.equals(page.query(), queryPrint)) {
                throw ApiException.badRequest("this pageToken belongs to a different query; repeat the "
                        + "first page's query exactly (same syncToken, filter, showDeleted, maxResults)");
            }
            if (page.after() < after || page.after() > page.bound()) {
                throw ApiException.invalidSyncToken("the pageToken does not fit this query");
            }
            after = page.after();
            bound = page.bound();
        } else {
            bound = since >= 0 ? shared.head(collection, since) : store.changeLog().head(collection);
            if (after > bound) {
                // Only a token this store signed gets here: the store was restored from a backup
                // taken before the token was issued.
                throw ApiException.fullSyncRequired("the syncToken is ahead of this hub's change log "
                        + "(was the store restored from a backup?); wipe the local copy and run a full sync");
            }
        }
        if (incremental && info.horizon() > after) {
            throw horizonPassed();
        }

        ChangePage page;
        try {
            page = since >= 0 ? shared.page(collection, after, bound, maxResults, incremental || showDeleted, MAX_PAGE_BYTES)
                    : store.changeLog().read(collection, after, bound, maxResults, incremental || showDeleted, MAX_PAGE_BYTES);
        } catch (CollectionNotFoundException e) {
            throw ApiException.fullSyncRequired("collection '" + collection
                    + "' was deleted while syncing; run a full sync");
        }
        if (page.incarnation() != info.incarnation()) {
            throw ApiException.fullSyncRequired("collection '" + collection
                    + "' was recreated while syncing; wipe the local copy and run a full sync");
        }
        if (incremental && page.horizon() > after) {
            throw horizonPassed();
        }
        String next = page.hasMore()
                ? codec.encode(new SyncTokenCodec.PagePosition(collection, info.incarnation(),
                        page.records().get(page.records().size() - 1).seq(), bound, queryPrint))
                : null;
        String nextSync = page.hasMore() ? null
                : codec.encode(new SyncTokenCodec.SyncPosition(collection, info.incarnation(), bound, filterPrint));
        // A sync token just after the page's last record: where a change stream resumes mid-way.
        String resume = page.hasMore() ? codec.encode(new SyncTokenCodec.SyncPosition(collection, info.incarnation(),
                page.records().get(page.records().size() - 1).seq(), filterPrint)) : nextSync;
        return new Page(page.records(), filter, incremental, next, nextSync, resume);
    }

    private static void respond(Context ctx, Page page) {
        Json.stream(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#records");
            json.writeArrayFieldStart("items");
            for (StoredRecord record : page.records()) {
                writeItem(json, record, page.filter(), page.incremental());
            }
            json.writeEndArray();
            if (page.nextPageToken() != null) {
                json.writeStringField("nextPageToken", page.nextPageToken());
            } else {
                json.writeStringField("nextSyncToken", page.nextSyncToken());
            }
            json.writeEndObject();
        });
    }

    private static void writeItem(com.fasterxml.jackson.core.JsonGenerator json, StoredRecord record,
            Filter filter, boolean incremental) throws IOException {
        if (record.deleted() || filter == null) {
            RecordJson.write(json, record, false, null);
            return;
        }
        JsonNode data;
        try {
            data = Json.readStored(record.data());
        } catch (IOException e) {
            throw new IllegalStateException("stored record " + record.id() + " is not valid JSON", e);
        }
        if (filter.matches(field -> Json.plainValue(data.get(field)))) {
            RecordJson.write(json, record, false, null);
        } else if (incremental) {
            RecordJson.write(json, record, true, null);
        }
    }

    private static void checkCollection(String tokenCollection, long incarnation, CollectionInfo info,
            String parameter) {
        if (!tokenCollection.equals(info.name())) {
            throw ApiException.invalidSyncToken("the " + parameter + " belongs to collection '"
                    + tokenCollection + "', not '" + info.name() + "'");
        }
        if (incarnation != info.incarnation()) {
            throw ApiException.fullSyncRequired("collection '" + info.name()
                    + "' was deleted and created again since this " + parameter
                    + " was issued; wipe the local copy and run a full sync");
        }
    }

    private static ApiException horizonPassed() {
        return ApiException.fullSyncRequired("this syncToken is older than the collection's "
                + "tombstone retention, so deletions since then are no longer known; wipe the local "
                + "copy and run a full sync");
    }

    private static String single(Context ctx, String name) {
        var values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw ApiException.badRequest("query parameter '" + name + "' is given more than once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static int maxResults(String text) {
        if (text == null) {
            return DEFAULT_MAX_RESULTS;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("maxResults must be a whole number from 1 to " + MAX_MAX_RESULTS);
        }
        if (value < 1 || value > MAX_MAX_RESULTS) {
            throw ApiException.badRequest("maxResults must be from 1 to " + MAX_MAX_RESULTS + ", not " + value);
        }
        return value;
    }

    private static boolean flag(String text, String name) {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw ApiException.badRequest(name + " must be true or false");
    }

    private static Filter parseFilter(String text) {
        if (text == null) {
            return null;
        }
        try {
            return FilterParser.parse(text);
        } catch (FilterParser.FilterSyntaxException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
