package dev.tributary.connectors.esa;

import dev.tributary.connector.ClockOp;
import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ConnectorIOException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.FieldInfo;
import dev.tributary.connector.FieldType;
import dev.tributary.connector.InvalidSyncTokenException;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.ObjectClassInfo;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.RangeCountOp;
import dev.tributary.connector.RecordRejectedException;
import dev.tributary.connector.RelationInfo;
import dev.tributary.connector.ResultsHandler;
import dev.tributary.connector.Schema;
import dev.tributary.connector.SchemaOp;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncAgainOp;
import dev.tributary.connector.SyncDelta;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.SyncTokenResultsHandler;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConfigType;
import dev.tributary.connector.config.ConnectorConfig;
import dev.tributary.esa.EsaClient;
import dev.tributary.esa.EsaCursor;
import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaField;
import dev.tributary.esa.EsaProtocolException;
import dev.tributary.esa.EsaRecord;
import dev.tributary.esa.EsaRelation;
import dev.tributary.esa.EsaStructure;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.XmlNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Drives an External System Adapter over the ESA protocol.
 *
 * <p>Implementation notes.
 * <ul>
 * <li><b>Session.</b> The first call of a connector's life opens a session with {@code startSync}
 * (a version other than 1.0 is refused). Calls carry no session id, so this hub opens <b>one
 * session per adapter at a time</b> (per adapter URL): a second connector on the same adapter —
 * another link's run, an endpoint test — waits up to {@code sessionWait} for the first to end. While
 * the session is open a timer sends {@code leaseSession} whenever the adapter has not heard from
 * the hub for {@code leaseEvery}. {@link #dispose()} ends it with {@code endSync}, also after a
 * failure, since the engine always disposes.</li>
 * <li><b>The adapter's own stamps.</b> Tokens, versions and {@code last-seen} are the adapter's
 * own {@code modified-at} (and {@code deleted-at}) values, passed back unchanged — never
 * converted with a clock shift, which is measured anew each session and would move them. The
 * hub compares its clock with the adapter's only where it must (lastWriterWins, the Helper
 * API's times), and does that itself.</li>
 * <li><b>Tokens.</b> A token is the stamp of the newest change delivered, minus {@code overlap}
 * (zero by default); the next read asks for what changed after it. A read that delivers no
 * timed change keeps the token it started from. Each delta carries the token of its own change,
 * so a sync stopped half-way resumes where it stopped. This is exact when every change that
 * becomes visible after a read has a stamp later than every stamp that read returned; an adapter
 * that stamps writes before they become visible sets {@code overlap} to the longest such delay,
 * and records read twice carry the same version and change nothing. Changes without a stamp come
 * first, with the previous token.</li>
 * <li><b>Versions.</b> A record's version is its {@code modified-at}. A write sends the expected
 * version as {@code last-seen}; an {@code EsaRecordException} for a record that indeed changed
 * after it becomes a {@link VersionConflictException}.</li>
 * <li><b>Delayed writes</b> ({@code EsaRecordDelayedException}) are polled with
 * {@code checkDelayedCreate/Update/Delete} every {@code delayedPollInterval}, at most
 * {@code delayedPollLimit} times.</li>
 * </ul>
 */
public final class EsaConnector implements Connector, SyncOp, SearchOp, CreateOp, UpdateOp, DeleteOp, SchemaOp,
        ClockOp, SyncAgainOp, RangeCountOp {

    private EsaClient client;
    private String externalSystemId;
    private Duration overlap;
    private Duration delayedPollInterval;
    private int delayedPollLimit;
    private Duration leaseEvery;
    private Duration sessionWait;
    private int pagesAhead;
    /** The adapter's session permit, held from startSync to endSync. */
    private Semaphore sessionPermit;

    /** One session per adapter at a time, by the adapter's URL (calls carry no session id). */
    private static final ConcurrentHashMap<String, Semaphore> SESSIONS = new ConcurrentHashMap<>();
    private String locale;

    private boolean inSession;
    private volatile long lastCallNanos;
    private ScheduledExecutorService leaser;
    private Map<String, List<EsaField>> fields = new HashMap<>();
    private List<EsaStructure> structures;

    public EsaConnector() {
    }

    static ConfigDef definition() {
        return new ConfigDef()
                .required("url", ConfigType.STRING, "where the adapter takes calls, e.g. http://esa.example.com:8090/esa",
                        value -> {
                            String text = (String) value;
                            return text.startsWith("http://") || text.startsWith("https://") ? null
                                    : "must be an http:// or https:// URL";
                        })
                .secret("token", false, "bearer token the adapter expects, if it asks for one")
                .optional("externalSystemId", ConfigType.STRING,
                        "the external system id used with this adapter (configure, startSync, Helper API); the hub"
                                + " sets it to the endpoint's name unless given")
                .withDefault("timeout", ConfigType.DURATION, "PT60S", "how long one call may take")
                .withDefault("maxMessageBytes", ConfigType.INT, 32 * 1024 * 1024, "largest answer accepted",
                        ConfigDef.range(1024, 512L * 1024 * 1024))
                .withDefault("overlap", ConfigType.DURATION, "PT0S",
                        "re-read this much before the newest change seen, for adapters whose writes can commit late")
                .withDefault("delayedPollInterval", ConfigType.DURATION, "PT0.2S", "pause between polls of a delayed write")
                .withDefault("delayedPollLimit", ConfigType.INT, 300, "polls of a delayed write before giving up",
                        ConfigDef.range(1, 100_000))
                .withDefault("leaseEvery", ConfigType.DURATION, "PT60S",
                        "send leaseSession when the adapter has not heard from the hub this long")
                .withDefault("sessionWait", ConfigType.DURATION, "PT10M",
                        "how long to wait while another session with the same adapter is open (one at a time)")
                .withDefault("pagesAhead", ConfigType.INT, 1,
                        "cursor pages asked for while the one before is read (0: one call at a time, for an adapter"
                                + " that cannot answer two calls at once)", ConfigDef.range(0, 4))
                .optional("locale", ConfigType.STRING, "locale for labels in the schema, e.g. en");
    }

    @Override
    public ConfigDef configDef() {
        return definition();
    }

    @Override
    public void init(ConnectorConfig config) {
        String token = config.getSecret("token") == null ? null : config.getSecret("token").reveal();
        client = new EsaClient(URI.create(config.getString("url")), token, config.getDuration("timeout"),
                config.getInt("maxMessageBytes"));
        externalSystemId = config.has("externalSystemId") ? config.getString("externalSystemId") : "tributary";
        overlap = config.getDuration("overlap");
        delayedPollInterval = config.getDuration("delayedPollInterval");
        delayedPollLimit = config.getInt("delayedPollLimit");
        leaseEvery = config.getDuration("leaseEvery");
        sessionWait = config.getDuration("sessionWait");
        pagesAhead = config.getInt("pagesAhead");
        locale = config.getString("locale");
    }

    @Override
    public void test() {
        session();
        call("getStructureList");
    }

    @Override
    public void dispose() {
        if (leaser != null) {
            leaser.shutdownNow();
            leaser = null;
        }
        if (inSession) {
            inSession = false;
            try {
                raw(XmlNode.of("endSync"));
            } catch (RuntimeException e) {
                // The adapter may be gone; the session ends with us either way.
            }
        }
        releaseSession();
    }

    private void releaseSession() {
        if (sessionPermit != null) {
            sessionPermit.release();
            sessionPermit = null;
        }
    }

    /** Waits for the adapter to be free of other sessions of this hub. */
    private void acquireSession() {
        Semaphore permit = SESSIONS.computeIfAbsent(client.uri().toString(), uri -> new Semaphore(1, true));
        try {
            if (!permit.tryAcquire(sessionWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ConnectorIOException("another session with the adapter at " + client.uri() + " was still open after "
                        + sessionWait + " (the hub opens one session per adapter at a time); the run is retried later,"
                        + " or raise the endpoint's sessionWait");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException("interrupted while waiting for the adapter's session");
        }
        sessionPermit = permit;
    }

    // ---- session and calls

    /** Opens the session on first use. */
    private void session() {
        if (inSession) {
            return;
        }
        if (sessionPermit == null) {
            acquireSession();
        }
        String version;
        try {
            version = raw(XmlNode.of("startSync", XmlNode.text("external-system-id", externalSystemId)))
                    .textOf("value").orElse("");
        } catch (RuntimeException e) {
            releaseSession();
            throw e;
        }
        inSession = true;
        if (!"1.0".equals(version.strip())) {
            throw new ConnectorException("the adapter at " + client.uri() + " speaks ESA protocol version '" + version
                    + "'; the hub speaks 1.0");
        }
        if (!leaseEvery.isZero() && !leaseEvery.isNegative()) {
            leaser = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "esa-lease");
                thread.setDaemon(true);
                return thread;
            });
            long period = Math.max(100, leaseEvery.toMillis() / 2);
            leaser.scheduleAtFixedRate(this::leaseIfIdle, period, period, TimeUnit.MILLISECONDS);
        }
    }

    private void leaseIfIdle() {
        if (System.nanoTime() - lastCallNanos >= leaseEvery.toNanos()) {
            try {
                raw(XmlNode.of("leaseSession"));
            } catch (RuntimeException e) {
                // the next real call reports the problem
            }
        }
    }

    private XmlNode call(String name, XmlNode... args) {
        session();
        return raw(XmlNode.of(name, args));
    }

    private XmlNode raw(XmlNode call) {
        lastCallNanos = System.nanoTime();
        try {
            return client.callEsa(call);
        } catch (EsaClient.TransportException e) {
            throw new ConnectorIOException(e.getMessage(), e);
        } catch (EsaProtocolException e) {
            throw new ConnectorException("protocol error in " + call.name() + ": " + e.getMessage(), e);
        } catch (EsaFault fault) {
            if (fault.type() == EsaFault.Type.RECORD || fault.type() == EsaFault.Type.DELAYED) {
                throw fault;
            }
            throw new ConnectorException("the adapter failed " + call.name() + ": " + fault.getMessage(), fault);
        }
    }

    // ---- schema

    private List<EsaStructure> structures() {
        if (structures == null) {
            structures = call("getStructureList").all("structure").stream().map(EsaStructure::of).toList();
        }
        return structures;
    }

    private String structure(ObjectClass objectClass) {
        for (EsaStructure structure : structures()) {
            if (structure.name().equals(objectClass.name())) {
                return structure.name();
            }
        }
        throw new UnsupportedOperationException("the adapter has no structure '" + objectClass.name() + "'; it has "
                + structures().stream().map(EsaStructure::name).toList());
    }

    private List<EsaField> fields(String structure) {
        return fields.computeIfAbsent(structure, s -> call("getFieldList", withLocale(XmlNode.text("structure", s)))
                .all("field").stream().map(EsaField::of).toList());
    }

    private XmlNode[] withLocale(XmlNode structure) {
        return locale == null ? new XmlNode[] {structure} : new XmlNode[] {structure, XmlNode.text("locale", locale)};
    }

    @Override
    public Schema schema() {
        List<ObjectClassInfo> classes = new ArrayList<>();
        for (EsaStructure structure : structures()) {
            List<FieldInfo> infos = new ArrayList<>();
            for (EsaField field : fields(structure.name())) {
                infos.add(new FieldInfo(field.name(), fieldType(field.type()), field.required(), field.multiValued(),
                        field.readOnly()));
            }
            List<RelationInfo> relations = new ArrayList<>();
            for (XmlNode node : call("getRelations", withLocale(XmlNode.text("structure", structure.name())))
                    .all("relation")) {
                EsaRelation relation = EsaRelation.of(node);
                relations.add(new RelationInfo(relation.name(), relation.field(), new ObjectClass(relation.target())));
            }
            classes.add(new ObjectClassInfo(new ObjectClass(structure.name()), infos, relations));
        }
        return new Schema(classes);
    }

    static FieldType fieldType(String type) {
        return switch (type) {
            case "integer" -> FieldType.INTEGER;
            case "decimal" -> FieldType.DECIMAL;
            case "boolean" -> FieldType.BOOLEAN;
            case "date" -> FieldType.DATE;
            case "datetime" -> FieldType.TIMESTAMP;
            case "binary" -> FieldType.BINARY;
            default -> FieldType.STRING;
        };
    }

    @Override
    public Instant currentTime() {
        return EsaTime.parse(call("getCurrentTime").required("value"));
    }

    @Override
    public boolean needSyncAgain(ObjectClass objectClass) {
        return Boolean.parseBoolean(call("needSyncAgain").textOf("value").orElse("false").strip());
    }

    // ---- reading

    /** A change read from the adapter: a record, or a deletion (object null). */
    private record Change(String structure, String id, Instant at, ConnectorObject object) {
    }

    @Override
    public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
        session();
        Instant after = token == null ? null : instant(token);
        List<String> names = objectClass.isAll() ? structures().stream().map(EsaStructure::name).toList()
                : List.of(structure(objectClass));
        Delivery delivery = new Delivery(token, after, handler);
        List<Change> changes = new ArrayList<>();
        for (String structure : names) {
            for (XmlNode id : read(structure, "getDeleted", "getDeletedPaged", after, false, node -> node)) {
                changes.add(new Change(structure, id.text(), id.attribute("deleted-at").map(EsaTime::parse)
                        .orElse(null), null));
            }
            List<EsaField> schema = fields(structure);
            ObjectClass type = new ObjectClass(structure);
            // Each record becomes its change as its page is read. Pages an adapter promises oldest
            // first (order="oldest-first") are handed on as they come, merged with the deletions;
            // otherwise every change is held until all are read and put in time order.
            // (Streamed only when reading one structure: changes then holds its deletions alone.)
            boolean streamed = names.size() == 1;
            read(structure, "getModified", "getModifiedPaged", after, true, node -> {
                EsaRecord record = EsaRecord.of(node);
                return new Change(structure, record.id(), record.modifiedAt(), object(type, schema, record));
            }, oldestFirst -> oldestFirst && streamed ? delivery.merging(changes) : change -> {
                changes.add(change);
                return true;
            });
            delivery.settle();
            if (delivery.stopped) {
                return;
            }
        }
        // In time order; changes without a time first (they keep the previous token).
        changes.sort(BY_TIME);
        for (Change change : changes) {
            if (!delivery.deliver(change)) {
                return;
            }
        }
        if (handler instanceof SyncTokenResultsHandler tokens) {
            // The newest stamp delivered, never the adapter's clock: a stamp may lag that clock.
            tokens.handleResult(delivery.newest == null ? token
                    : new SyncToken(EsaTime.format(notBefore(delivery.newest.minus(overlap), after))));
        }
    }

    private static final java.util.Comparator<Change> BY_TIME = java.util.Comparator.comparing(Change::at,
            java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

    /** Hands changes to a sync's handler in time order, each with the token of its own change. */
    private final class Delivery {
        private final SyncToken previous;
        private final Instant after;
        private final SyncResultsHandler handler;
        Instant newest;
        boolean stopped;
        /** The last change handed on from pages promised oldest first. */
        private Change lastStreamed;
        /** The deletions being merged with such pages, and how many of them are handed on. */
        private List<Change> merged;
        private int mergedFrom;

        Delivery(SyncToken token, Instant after, SyncResultsHandler handler) {
            this.previous = token == null ? new SyncToken(EsaTime.format(Instant.EPOCH)) : token;
            this.after = after;
            this.handler = handler;
            this.newest = after;
        }

        boolean deliver(Change change) {
            SyncToken deltaToken = previous;
            if (change.at() != null) {
                newest = newest == null || change.at().isAfter(newest) ? change.at() : newest;
                deltaToken = new SyncToken(EsaTime.format(notBefore(change.at().minus(overlap), after)));
            }
            SyncDelta delta = change.object() == null
                    ? SyncDelta.builder().type(SyncDeltaType.DELETE).token(deltaToken)
                            .objectClass(new ObjectClass(change.structure())).uid(new Uid(change.id())).build()
                    : SyncDelta.builder().type(SyncDeltaType.CREATE_OR_UPDATE).token(deltaToken).object(change.object())
                            .build();
            stopped = !handler.handle(delta);
            return !stopped;
        }

        /**
         * Hands on records of pages promised oldest first as they come, each after the deletions
         * (of {@code deletions}) at or before its time; {@link #settle} then leaves the rest in the
         * list. A record older than the one before fails the sync: the tokens handed on already
         * would pass it by.
         */
        Sink<Change> merging(List<Change> deletions) {
            deletions.sort(BY_TIME);
            merged = deletions;
            mergedFrom = 0;
            return record -> {
                if (lastStreamed != null && BY_TIME.compare(lastStreamed, record) > 0) {
                    throw new ConnectorException("the adapter promised its records oldest first, but record " + record.id()
                            + " (" + record.at() + ") came after record " + lastStreamed.id() + " (" + lastStreamed.at()
                            + "); the sync stops");
                }
                lastStreamed = record;
                while (mergedFrom < deletions.size() && BY_TIME.compare(deletions.get(mergedFrom), record) <= 0) {
                    if (!deliver(deletions.get(mergedFrom++))) {
                        return false;
                    }
                }
                return deliver(record);
            };
        }

        /** After a read: the deletions handed on with its records leave their list. */
        void settle() {
            if (merged != null) {
                merged.subList(0, mergedFrom).clear();
                merged = null;
            }
        }
    }

    /** Where a read's entries go, in the order read; false stops the read. */
    private interface Sink<T> {
        boolean accept(T entry);
    }

    private static Instant notBefore(Instant instant, Instant floor) {
        return floor != null && instant.isBefore(floor) ? floor : instant;
    }

    /**
     * The token of everything visible now: the newest stamp among the records and deletions the
     * adapter holds (minus {@code overlap}), the epoch when it holds none. Not the adapter's clock,
     * which its stamps may lag.
     */
    @Override
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        session();
        List<String> names = objectClass.isAll() ? structures().stream().map(EsaStructure::name).toList()
                : List.of(structure(objectClass));
        Instant newest = Instant.EPOCH;
        for (String structure : names) {
            for (XmlNode id : read(structure, "getDeleted", "getDeletedPaged", null, false, node -> node)) {
                Instant at = id.attribute("deleted-at").map(EsaTime::parse).orElse(null);
                newest = at != null && at.isAfter(newest) ? at : newest;
            }
            for (EsaRecord record : read(structure, "getModified", "getModifiedPaged", null, true, EsaRecord::of)) {
                newest = record.modifiedAt() != null && record.modifiedAt().isAfter(newest) ? record.modifiedAt() : newest;
            }
        }
        return new SyncToken(EsaTime.format(newest.equals(Instant.EPOCH) ? newest : newest.minus(overlap)));
    }

    private static Instant instant(SyncToken token) {
        if (!(token.value() instanceof String text)) {
            throw new InvalidSyncTokenException("an ESA token is a timestamp, not a " + token.valueType());
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidSyncTokenException("'" + text + "' is not an ESA token (a UTC timestamp)");
        }
    }

    /**
     * Everything a getModified/getDeleted call answers: inline, or when it answers null, page by
     * page through a cursor that is closed afterwards whatever happens.
     */
    private <T> List<T> read(String structure, String inlineCall, String pagedCall, Instant after, boolean records,
            Function<XmlNode, T> convert) {
        List<T> all = new ArrayList<>();
        read(structure, inlineCall, pagedCall, after, records, convert, oldestFirst -> entry -> {
            all.add(entry);
            return true;
        });
        return all;
    }

    /**
     * The same, each entry handed to the sink {@code sinkFor} gives — told whether the adapter
     * promised its records oldest first (a cursor's {@code order="oldest-first"}) — as its page is
     * read; a sink that answers false stops the read.
     */
    private <T> void read(String structure, String inlineCall, String pagedCall, Instant after, boolean records,
            Function<XmlNode, T> convert, Function<Boolean, Sink<T>> sinkFor) {
        List<XmlNode> args = new ArrayList<>(List.of(XmlNode.text("structure", structure)));
        if (after != null) {
            args.add(XmlNode.text("after", EsaTime.format(after)));
        }
        XmlNode inline = call(inlineCall, args.toArray(XmlNode[]::new));
        String entry = records ? "record" : "id";
        if (!inline.textOf("nullValue").map(v -> v.strip().equals("true")).orElse(false)) {
            Sink<T> sink = sinkFor.apply(false);
            for (XmlNode node : inline.all(entry)) {
                if (!sink.accept(convert.apply(node))) {
                    return;
                }
            }
            return;
        }
        EsaCursor cursor = EsaCursor.of(call(pagedCall, args.toArray(XmlNode[]::new)).child("cursor")
                .orElseThrow(() -> new ConnectorException(pagedCall + " answered no cursor")));
        Sink<T> sink = sinkFor.apply(records && cursor.oldestFirst());
        ExecutorService readers = pagesAhead == 0 || cursor.pages() < 2 ? null
                : Executors.newFixedThreadPool(pagesAhead + 1, r -> {
                    Thread thread = new Thread(r, "esa-read-ahead");
                    thread.setDaemon(true);
                    return thread;
                });
        ArrayDeque<Future<List<XmlNode>>> asked = new ArrayDeque<>();
        try {
            int next = 0;
            for (int page = 0; page < cursor.pages(); page++) {
                List<XmlNode> entries;
                if (readers == null) {
                    entries = readPage(cursor, page, entry);
                } else {
                    // Pages are asked for in order, up to pagesAhead beyond the one converted now:
                    // the adapter writes the next while this side parses the last.
                    for (; next < cursor.pages() && next <= page + pagesAhead; next++) {
                        int index = next;
                        asked.add(readers.submit(() -> readPage(cursor, index, entry)));
                    }
                    entries = answer(asked.poll());
                }
                for (XmlNode node : entries) {
                    if (!sink.accept(convert.apply(node))) {
                        return;
                    }
                }
            }
        } finally {
            asked.forEach(page -> page.cancel(true));
            if (readers != null) {
                readers.shutdownNow();
            }
            call("closeCursor", XmlNode.text("cursor-id", cursor.id()));
        }
    }

    private List<XmlNode> readPage(EsaCursor cursor, int page, String entry) {
        return call("readDataPage", XmlNode.text("cursor-id", cursor.id()), XmlNode.text("page-index", Integer.toString(page)))
                .all(entry);
    }

    /** A page asked for ahead: its entries, or the failure of its call as that call would have thrown it. */
    private static List<XmlNode> answer(Future<List<XmlNode>> page) {
        try {
            return page.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new ConnectorException("reading a page failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException("interrupted while reading a page from the adapter");
        }
    }

    private ConnectorObject object(ObjectClass structure, List<EsaField> schema, EsaRecord record) {
        if (record.id() == null) {
            throw new ConnectorException("the adapter sent a " + structure.name() + " record without id");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (EsaField field : schema) {
            if (!record.values().containsKey(field.name())) {
                continue;
            }
            List<String> texts = record.values().get(field.name());
            if (texts == null || texts.isEmpty()) {
                values.put(field.name(), null);
            } else if (field.multiValued()) {
                values.put(field.name(), texts.stream().map(t -> EsaValues.parse(t, field, record.id())).toList());
            } else {
                values.put(field.name(), EsaValues.parse(texts.get(0), field, record.id()));
            }
        }
        String version = record.modifiedAt() == null ? null : EsaTime.format(record.modifiedAt());
        return new ConnectorObject(structure, new Uid(record.id()), version, values);
    }

    @Override
    public SearchResult search(ObjectClass objectClass, ResultsHandler handler, OperationOptions options) {
        String structure = structure(objectClass);
        List<EsaField> schema = fields(structure);
        ObjectClass type = new ObjectClass(structure);
        List<EsaRecord> records = read(structure, "getModified", "getModifiedPaged", null, true, EsaRecord::of);
        int from = 0;
        if (options.pagedResultsCookie() != null) {
            try {
                from = Integer.parseInt(options.pagedResultsCookie());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + options.pagedResultsCookie() + "' is not a cookie of this search");
            }
        }
        int to = Math.min(records.size(), from + options.pageSize());
        for (int i = from; i < to; i++) {
            if (!handler.handle(object(type, schema, records.get(i)))) {
                return SearchResult.LAST_PAGE;
            }
        }
        return to < records.size() ? new SearchResult(Integer.toString(to)) : SearchResult.LAST_PAGE;
    }

    @Override
    public Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid, OperationOptions options) {
        String structure = structure(objectClass);
        XmlNode answer = call("read", XmlNode.text("structure", structure), XmlNode.text("id", uid.value()));
        return answer.child("record").map(node -> object(new ObjectClass(structure), fields(structure), EsaRecord.of(node)));
    }

    @Override
    public long countRange(ObjectClass objectClass, long fromInclusive, long toExclusive) {
        String structure = structure(objectClass);
        if (toExclusive <= fromInclusive) {
            return 0;
        }
        return Long.parseLong(call("countRange", XmlNode.text("structure", structure),
                XmlNode.text("min-id", Long.toString(fromInclusive)), XmlNode.text("max-id", Long.toString(toExclusive - 1)))
                .required("value").strip());
    }

    // ---- writing

    @Override
    public VersionedUid create(ObjectClass objectClass, Map<String, Object> values, OperationOptions options) {
        String structure = structure(objectClass);
        EsaRecord record = new EsaRecord(null, null, EsaValues.format(values, fields(structure), structure));
        XmlNode answer = write(structure, "create", null, null, () -> call("create", XmlNode.text("structure", structure),
                record.toNode()));
        EsaRecord created = EsaRecord.of(answer.child("record")
                .orElseThrow(() -> new ConnectorException("create answered no record")));
        return new VersionedUid(new Uid(created.id()), created.modifiedAt() == null ? null
                : EsaTime.format(created.modifiedAt()));
    }

    @Override
    public VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion, Map<String, Object> values,
            OperationOptions options) {
        String structure = structure(objectClass);
        EsaRecord record = new EsaRecord(uid.value(), null, EsaValues.format(values, fields(structure), structure));
        List<XmlNode> args = new ArrayList<>(List.of(XmlNode.text("structure", structure)));
        lastSeen(expectedVersion, args);
        args.add(record.toNode());
        XmlNode answer = write(structure, "update", uid, expectedVersion, () -> call("update", args.toArray(XmlNode[]::new)));
        String stamp = answer.textOf("value").orElse(null);
        return new VersionedUid(uid, stamp == null || stamp.isBlank() ? null : EsaTime.format(EsaTime.parse(stamp)));
    }

    @Override
    public void delete(ObjectClass objectClass, Uid uid, String expectedVersion, OperationOptions options) {
        String structure = structure(objectClass);
        if (get(objectClass, uid, OperationOptions.DEFAULTS).isEmpty()) {
            throw new UnknownUidException(objectClass, uid);
        }
        List<XmlNode> args = new ArrayList<>(List.of(XmlNode.text("structure", structure)));
        lastSeen(expectedVersion, args);
        args.add(XmlNode.text("id", uid.value()));
        write(structure, "delete", uid, expectedVersion, () -> call("delete", args.toArray(XmlNode[]::new)));
    }

    private void lastSeen(String expectedVersion, List<XmlNode> args) {
        if (expectedVersion != null) {
            Instant stamp;
            try {
                stamp = Instant.parse(expectedVersion);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + expectedVersion + "' is not a version of this connector");
            }
            args.add(XmlNode.text("last-seen", EsaTime.format(stamp)));
        }
    }

    /** Runs a write, waiting out a delayed one and turning a stale last-seen into a version conflict. */
    private XmlNode write(String structure, String kind, Uid uid, String expectedVersion,
            java.util.function.Supplier<XmlNode> send) {
        try {
            return send.get();
        } catch (EsaFault fault) {
            if (fault.type() == EsaFault.Type.DELAYED) {
                return awaitDelayed(structure, kind, uid, expectedVersion, fault);
            }
            throw refused(structure, uid, expectedVersion, fault);
        }
    }

    private XmlNode awaitDelayed(String structure, String kind, Uid uid, String expectedVersion, EsaFault delayed) {
        String check = "checkDelayed" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
        String token = delayed.token();
        if (token == null) {
            throw new ConnectorException("the adapter delayed a " + kind + " without a token to poll");
        }
        for (int poll = 0; poll < delayedPollLimit; poll++) {
            try {
                Thread.sleep(delayedPollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectorException("interrupted while waiting for a delayed " + kind);
            }
            try {
                return call(check, XmlNode.text("structure", structure), XmlNode.text("token", token));
            } catch (EsaFault fault) {
                if (fault.type() != EsaFault.Type.DELAYED) {
                    throw refused(structure, uid, expectedVersion, fault);
                }
                if (fault.token() != null) {
                    token = fault.token();
                }
            }
        }
        throw new ConnectorIOException("the adapter's delayed " + kind + " (token " + token + ") was still pending after "
                + delayedPollLimit + " polls");
    }

    private RuntimeException refused(String structure, Uid uid, String expectedVersion, EsaFault fault) {
        if (uid != null && expectedVersion != null) {
            Optional<ConnectorObject> current = get(new ObjectClass(structure), uid, OperationOptions.DEFAULTS);
            if (current.isPresent() && current.get().version() != null
                    && Instant.parse(current.get().version()).isAfter(Instant.parse(expectedVersion))) {
                return new VersionConflictException(uid, expectedVersion, current.get().version());
            }
            if (current.isEmpty()) {
                return new UnknownUidException(new ObjectClass(structure), uid);
            }
        }
        String message = "the adapter refused the record" + (fault.id() == null ? "" : " " + fault.id()) + ": "
                + fault.getMessage();
        if (fault.type() == EsaFault.Type.RECORD) {
            // One record could not be written; the sync goes on (the XSD's meaning of this fault).
            return new RecordRejectedException(uid, message);
        }
        return new ConnectorException(message);
    }
}
