package dev.tributary.esa.kit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tributary.esa.EsaCursor;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaField;
import dev.tributary.esa.EsaMessage;
import dev.tributary.esa.EsaParameter;
import dev.tributary.esa.EsaProtocolException;
import dev.tributary.esa.EsaRecord;
import dev.tributary.esa.EsaRelation;
import dev.tributary.esa.EsaStructure;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.XmlNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link ExternalSystemAdapter} over HTTP: {@code POST /esa} takes one
 * {@code <esa-call>} and answers one {@code <result>} or {@code <fault>} with the call's id.
 *
 * <p>Implementation notes. Every request is read up to the size limit and validated before the
 * adapter sees it; a refused message gets a {@code ProtocolException} fault and HTTP 400. The
 * server decides between an inline answer and a cursor for {@code getModified}/{@code getDeleted}:
 * more than {@link Options#inlineLimit()} entries answer {@code nullValue}, and the hub then asks
 * {@code getModifiedPaged}, which holds the entries in a cursor of {@link Options#pageSize()}
 * pages until {@code closeCursor} (or until it is left unused for {@link Options#cursorIdle()});
 * records an adapter reads in runs ({@link ExternalSystemAdapter#modifiedPages}) are read a page
 * at a time as the hub asks.
 */
public final class EsaServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EsaServer.class);

    static {
        // Without TCP_NODELAY the JDK's server and a client's delayed ACK stall every small
        // exchange for ~40 ms; the protocol is one small exchange per call.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * @param token the bearer token the hub must send, or null to accept any caller
     * @param maxBytes the largest request accepted
     * @param inlineLimit the most entries answered inline before the hub is sent to a cursor
     * @param pageSize entries per cursor page
     * @param cursorIdle how long an unread cursor is kept
     */
    public record Options(String token, int maxBytes, int inlineLimit, int pageSize, Duration cursorIdle) {

        public static Options defaults() {
            return new Options(null, EsaMessage.DEFAULT_MAX_BYTES, 5_000, 5_000, Duration.ofMinutes(10));
        }

        public Options withToken(String value) {
            return new Options(value, maxBytes, inlineLimit, pageSize, cursorIdle);
        }

        public Options withPaging(int inline, int page) {
            return new Options(token, maxBytes, inline, page, cursorIdle);
        }

        public Options withMaxBytes(int value) {
            return new Options(token, value, inlineLimit, pageSize, cursorIdle);
        }
    }

    private record Cursor(Entries entries, int pageSize, Instant[] lastUsed) {
    }

    /**
     * What the adapter answered, written a run at a time: records as they are ({@link
     * EsaMessage#writeRecords}), ids turned into elements.
     */
    private interface Entries extends AutoCloseable {
        int size();

        /** The entries from {@code from} to {@code to}. */
        Answer answer(int from, int to);

        @Override
        default void close() {
        }
    }

    /** Deleted ids, held whole (an id and a stamp each). */
    private record Ids(List<ExternalSystemAdapter.Deletion> items) implements Entries {
        static Ids of(List<ExternalSystemAdapter.Deletion> items) {
            return items == null ? null : new Ids(List.copyOf(items));
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public Answer answer(int from, int to) {
            List<XmlNode> nodes = new ArrayList<>(to - from);
            for (ExternalSystemAdapter.Deletion item : items.subList(from, to)) {
                nodes.add(id(item));
            }
            return Answer.of(nodes);
        }
    }

    /**
     * Records read from the adapter's {@link ExternalSystemAdapter.RecordPages} a run at a time
     * (a cursor holds what the adapter holds: with its own paging, one page; otherwise every
     * record), checked to be as many as due and oldest first — within a run, and against the
     * run before when the hub reads on in order.
     */
    private static final class Records implements Entries {
        private final ExternalSystemAdapter.RecordPages pages;
        private final int size;
        private int nextFrom = -1;
        private EsaRecord last;
        private boolean closed;

        Records(ExternalSystemAdapter.RecordPages pages) {
            this.pages = pages;
            int counted;
            try {
                counted = pages.size();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            if (counted < 0) {
                close();
                throw EsaFault.failed("the adapter counted " + counted + " records");
            }
            this.size = counted;
        }

        static Records of(ExternalSystemAdapter.RecordPages pages) {
            return pages == null ? null : new Records(pages);
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public synchronized Answer answer(int from, int to) {
            if (closed) {
                throw EsaFault.failed("the cursor's records were released (closed, or idle too long)");
            }
            List<EsaRecord> run = pages.read(from, to);
            if (run == null || run.size() != to - from) {
                throw EsaFault.failed("the adapter read " + (run == null ? "no" : run.size()) + " records where "
                        + (to - from) + " were due (records " + from + " to " + to + " of " + size + ")");
            }
            EsaRecord before = from == nextFrom ? last : null;
            for (EsaRecord record : run) {
                if (record == null) {
                    throw EsaFault.failed("the adapter read a null record among records " + from + " to " + to);
                }
                if (before != null && ExternalSystemAdapter.RecordPages.OLDEST_FIRST.compare(before, record) > 0) {
                    throw EsaFault.failed("the adapter's records are not oldest first: '" + record.id()
                            + "' comes after '" + before.id() + "', modified later");
                }
                before = record;
            }
            nextFrom = to;
            last = before;
            return new Answer(null, run);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    pages.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing an adapter's records failed", e);
                }
            }
        }
    }

    private final ExternalSystemAdapter adapter;
    private final Options options;
    private final HttpServer http;
    private final ExecutorService workers;
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger pagesRead = new java.util.concurrent.atomic.AtomicInteger();
    private volatile HelperApi helper;

    private EsaServer(ExternalSystemAdapter adapter, Options options, InetSocketAddress address) throws IOException {
        this.adapter = adapter;
        this.options = options;
        this.http = HttpServer.create(address, 0);
        this.workers = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "esa-server");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(workers);
        http.createContext("/esa", this::handle);
        http.start();
    }

    /** Starts serving the adapter; port 0 picks a free port. */
    public static EsaServer start(ExternalSystemAdapter adapter, int port, Options options) throws IOException {
        return new EsaServer(adapter, options, new InetSocketAddress("127.0.0.1", port));
    }

    /** Where the hub should send its calls. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/esa");
    }

    /** The Helper API the hub gave in its last {@code configure}, or null. */
    public HelperApi helper() {
        return helper;
    }

    /** Cursors still open (for tests: the hub must close every cursor it opens). */
    public int openCursors() {
        return cursors.size();
    }

    /** Cursor pages answered so far (for tests: how far a reader got). */
    public int pagesRead() {
        return pagesRead.get();
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
        keepUnsent(null);
        cursors.values().forEach(cursor -> cursor.entries().close());
        cursors.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (options.token() != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, EsaMessage.fault("unknown", new EsaFault(EsaFault.Type.AUTHENTICATION,
                        "a valid bearer token is required", null, null)));
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(options.maxBytes() + 1);
            }
            EsaMessage call;
            try {
                call = EsaMessage.parse(body, options.maxBytes());
                if (call.kind() != EsaMessage.Kind.ESA_CALL) {
                    throw new EsaProtocolException("an ESA takes <esa-call> messages, not <" + call.kind().element() + ">");
                }
            } catch (EsaProtocolException e) {
                reply(exchange, 400, EsaMessage.fault("unknown", new EsaFault(EsaFault.Type.PROTOCOL, e.getMessage(), null,
                        null)));
                return;
            }
            EsaMessage answer;
            try {
                Answer answered = answer(call.body());
                if (answered.records() != null) {
                    reply(exchange, 200, call.id(), () -> EsaMessage.writeRecords(call.id(), answered.records()));
                    return;
                }
                answer = EsaMessage.result(call.id(), answered.nodes());
            } catch (EsaFault fault) {
                answer = EsaMessage.fault(call.id(), fault);
            } catch (EsaProtocolException | IllegalArgumentException e) {
                answer = EsaMessage.fault(call.id(), new EsaFault(EsaFault.Type.PROTOCOL, e.getMessage(), null, null));
            } catch (RuntimeException e) {
                LOG.warn("{} failed", call.callName(), e);
                answer = EsaMessage.fault(call.id(), EsaFault.failed(call.callName() + " failed: " + e));
            }
            reply(exchange, 200, answer);
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                options.token().getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange exchange, int status, EsaMessage message) throws IOException {
        reply(exchange, status, message.id(), message::write);
    }

    /** Answers a call with what {@code written} writes — or, when it cannot be written, with a fault that says why. */
    private static void reply(HttpExchange exchange, int status, String callId, java.util.function.Supplier<byte[]> written)
            throws IOException {
        byte[] bytes;
        try {
            bytes = written.get();
        } catch (EsaProtocolException e) {
            // A value no XML document can carry (a control character, a lone surrogate): the
            // answer cannot be sent, and the fault says which record and field stopped it.
            LOG.warn("cannot answer call {}: {}", callId, e.getMessage());
            bytes = EsaMessage.fault(callId, EsaFault.failed("the answer cannot be sent: " + e.getMessage())).write();
        }
        exchange.getResponseHeaders().add("Content-Type", "application/xml; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * What a call is answered with: elements, or — for the calls that answer records, which come
     * by the thousand — the records themselves, written without elements (see {@link
     * EsaMessage#writeRecords}).
     */
    private record Answer(List<XmlNode> nodes, List<EsaRecord> records) {
        static Answer of(List<XmlNode> nodes) {
            return new Answer(nodes, null);
        }
    }

    private Answer answer(XmlNode call) {
        return switch (call.name()) {
            case "getModified" -> {
                expireCursors();
                yield inline(call, Records.of(adapter.modifiedPages(call.required("structure"), after(call))));
            }
            case "getDeleted" -> {
                expireCursors();
                yield inline(call, Ids.of(adapter.deleted(call.required("structure"), after(call))));
            }
            case "readDataPage" -> {
                expireCursors();
                yield page(call.required("cursor-id"), Integer.parseInt(call.required("page-index")));
            }
            default -> Answer.of(dispatch(call));
        };
    }

    private List<XmlNode> dispatch(XmlNode call) {
        expireCursors();
        return switch (call.name()) {
            case "startSync" -> values(adapter.startSync(call.required("external-system-id")));
            case "endSync" -> {
                adapter.endSync();
                yield List.of();
            }
            case "configure" -> {
                String url = call.textOf("helper-url").orElse(null);
                String secret = call.textOf("helper-secret").orElse(null);
                String system = call.required("external-system-id");
                HelperApi given = url == null || secret == null ? null : new HelperApi(URI.create(url), system, secret);
                String answer = adapter.configure(system, "true".equals(call.required("force")), given);
                if (given != null && (answer.equals(system) || "true".equals(call.required("force")))) {
                    helper = given;
                }
                yield values(answer);
            }
            case "getAllowedRunModes" -> values(Integer.toString(adapter.allowedRunModes()));
            case "getCurrentTime" -> values(EsaTime.format(adapter.currentTime()));
            case "needSyncAgain" -> values(Boolean.toString(adapter.needSyncAgain()));
            case "leaseSession" -> {
                adapter.leaseSession();
                yield List.of();
            }
            case "getParametersMeta" -> map(adapter.parametersMeta(call.textOf("locale").orElse(null)), EsaParameter::toNode);
            case "getStructureList" -> map(adapter.structures(), EsaStructure::toNode);
            case "getFieldList" -> map(adapter.fields(call.required("structure"), call.textOf("locale").orElse(null)),
                    EsaField::toNode);
            case "getRelations" -> map(adapter.relations(call.required("structure"), call.textOf("locale").orElse(null)),
                    EsaRelation::toNode);
            case "getModifiedPaged" -> cursor(call, () -> Records.of(adapter.modifiedPages(call.required("structure"),
                    after(call))), true);
            case "getDeletedPaged" -> cursor(call, () -> Ids.of(adapter.deleted(call.required("structure"), after(call))),
                    false);
            case "closeCursor" -> {
                Cursor closed = cursors.remove(call.required("cursor-id"));
                if (closed != null) {
                    closed.entries().close();
                }
                yield List.of();
            }
            case "read" -> {
                EsaRecord record = adapter.read(call.required("structure"), call.required("id"));
                yield record == null ? List.of(XmlNode.text("nullValue", "true")) : List.of(record.toNode());
            }
            case "create" -> created(adapter.create(call.required("structure"),
                    EsaRecord.of(call.child("record").orElseThrow())));
            case "update" -> stamp(adapter.update(call.required("structure"),
                    call.textOf("last-seen").map(EsaTime::parse).orElse(null),
                    EsaRecord.of(call.child("record").orElseThrow())));
            case "delete" -> {
                adapter.delete(call.required("structure"), call.textOf("last-seen").map(EsaTime::parse).orElse(null),
                        call.required("id"));
                yield values("true");
            }
            case "countRange" -> values(Long.toString(adapter.countRange(call.textOf("structure").orElse(null),
                    call.required("min-id"), call.required("max-id"))));
            case "checkDelayedCreate" -> created(adapter.checkDelayed(call.required("structure"), call.required("token")));
            case "checkDelayedUpdate" -> stamp(adapter.checkDelayed(call.required("structure"), call.required("token")));
            case "checkDelayedDelete" -> {
                // Answered as delete answers, as the protocol says of the checkDelayed… calls.
                adapter.checkDelayed(call.required("structure"), call.required("token"));
                yield values("true");
            }
            default -> throw new EsaProtocolException("unknown call <" + call.name() + ">");
        };
    }

    private static Instant after(XmlNode call) {
        return call.textOf("after").map(EsaTime::parse).orElse(null);
    }

    private static List<XmlNode> created(ExternalSystemAdapter.Written written) {
        return List.of(new EsaRecord(written.id(), written.modifiedAt(), Map.of()).toNode());
    }

    private static List<XmlNode> stamp(ExternalSystemAdapter.Written written) {
        return List.of(XmlNode.text("value", EsaTime.format(written.modifiedAt())));
    }

    private static List<XmlNode> values(String value) {
        return List.of(XmlNode.text("value", value));
    }

    private static <T> List<XmlNode> map(List<T> items, Function<T, XmlNode> toNode) {
        return items == null ? null : items.stream().map(toNode).toList();
    }

    private static XmlNode id(ExternalSystemAdapter.Deletion deletion) {
        return deletion.at() == null ? XmlNode.text("id", deletion.id())
                : XmlNode.text("id", deletion.id()).with("deleted-at", EsaTime.format(deletion.at()));
    }

    /** What an inline call too large to answer read, kept for the paged call the hub makes next. */
    private record Unsent(String key, Entries entries, Instant at) {
    }

    private final AtomicReference<Unsent> unsent = new AtomicReference<>();

    private static String key(XmlNode call) {
        return call.name().replace("Paged", "") + "|" + call.required("structure") + "|" + call.textOf("after").orElse("");
    }

    private void keepUnsent(Unsent kept) {
        Unsent before = unsent.getAndSet(kept);
        if (before != null) {
            before.entries().close();
        }
    }

    private Answer inline(XmlNode call, Entries entries) {
        if (entries == null || entries.size() > options.inlineLimit()) {
            keepUnsent(entries == null ? null : new Unsent(key(call), entries, Instant.now()));
            return Answer.of(List.of(XmlNode.text("nullValue", "true")));
        }
        try (entries) {
            return entries.answer(0, entries.size());
        }
    }

    private List<XmlNode> cursor(XmlNode call, java.util.function.Supplier<Entries> read, boolean records) {
        Unsent kept = unsent.getAndSet(null);
        Entries entries;
        if (kept != null && kept.key().equals(key(call))) {
            entries = kept.entries();
        } else {
            if (kept != null) {
                kept.entries().close();
            }
            entries = read.get();
        }
        Entries all = entries == null ? new Ids(List.of()) : entries;
        String id = UUID.randomUUID().toString();
        cursors.put(id, new Cursor(all, options.pageSize(), new Instant[] {Instant.now()}));
        int pages = (all.size() + options.pageSize() - 1) / options.pageSize();
        return List.of(new EsaCursor(id, pages, options.pageSize(), (long) all.size(), records, records).toNode());
    }

    private Answer page(String cursorId, int index) {
        Cursor cursor = cursors.get(cursorId);
        if (cursor == null) {
            throw EsaFault.failed("no open cursor '" + cursorId + "' (closed, or idle too long)");
        }
        cursor.lastUsed()[0] = Instant.now();
        int from = index * cursor.pageSize();
        if (index < 0 || (from >= cursor.entries().size() && index > 0)) {
            throw EsaFault.failed("cursor '" + cursorId + "' has no page " + index);
        }
        pagesRead.incrementAndGet();
        return cursor.entries().answer(from, Math.min(cursor.entries().size(), from + cursor.pageSize()));
    }

    /** Releases cursors left idle, and what an inline call kept that no paged call came for. */
    private void expireCursors() {
        Instant limit = Instant.now().minus(options.cursorIdle());
        Unsent kept = unsent.get();
        if (kept != null && kept.at().isBefore(limit) && unsent.compareAndSet(kept, null)) {
            kept.entries().close();
        }
        for (Iterator<Cursor> open = cursors.values().iterator(); open.hasNext();) {
            Cursor cursor = open.next();
            if (cursor.lastUsed()[0].isBefore(limit)) {
                open.remove();
                cursor.entries().close();
            }
        }
    }
}
