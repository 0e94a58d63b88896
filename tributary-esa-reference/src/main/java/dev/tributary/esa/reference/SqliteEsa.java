package dev.tributary.esa.reference;

import dev.tributary.esa.EsaFault;
import dev.tributary.esa.EsaField;
import dev.tributary.esa.EsaParameter;
import dev.tributary.esa.EsaRecord;
import dev.tributary.esa.EsaRelation;
import dev.tributary.esa.EsaStructure;
import dev.tributary.esa.EsaTime;
import dev.tributary.esa.kit.ExternalSystemAdapter;
import dev.tributary.esa.kit.HelperApi;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference ESA: an external system made of SQLite tables, served through the kit. Each table
 * is a structure; its {@code id INTEGER PRIMARY KEY AUTOINCREMENT} column is the record id and
 * its {@code modified_at} column (written by the adapter on its own clock) the record's modified
 * time; every other column is a field. Deleted ids are kept in {@code esa_deleted} so that
 * {@code getDeleted} can report them.
 *
 * <p>The applications of the "external system" change it through {@link #put} and
 * {@link #remove}, which stamp and log like any other write. Switches for tests and demos shift
 * the adapter's clock, make writes delayed, ask for another sync, hide deletions (so the hub must
 * find them by itself), report deletions through the Helper API, and restrict run modes.
 *
 * <p>Not thread-safe beyond what SQLite serializes: calls are handled one at a time.
 */
public class SqliteEsa implements ExternalSystemAdapter {

    /** How the adapter lets the hub know about deletions. */
    public enum Deletions {
        /** {@code getDeleted} answers from the deletion log. */
        REPORT,
        /** {@code getDeleted} answers nothing: the hub must enumerate or count ranges. */
        HIDE,
        /** {@code getDeleted} answers nothing; each deletion is sent to the Helper API's trackRecordDeletion. */
        TRACK
    }

    private final Path file;
    private final Connection db;
    private final List<String> tables;
    private final Clock realClock;
    private volatile Deletions deletions = Deletions.REPORT;
    private volatile int runModes = 7;
    private volatile String configuredSystemId;
    private Instant lastStamp;
    private volatile HelperApi helper;
    private final Map<String, PendingWrite> delayed = new ConcurrentHashMap<>();
    private final AtomicInteger countRangeCalls = new AtomicInteger();

    private record PendingWrite(String kind, String structure, Instant lastSeen, EsaRecord record, int pollsLeft) {
    }

    /**
     * Opens (creating if needed) a SQLite file whose tables are the given structures. Tables are
     * created from {@code ddl} ({@code name -> column definitions}) when missing.
     */
    public SqliteEsa(Path file, Map<String, String> ddl) throws SQLException {
        this.file = file;
        this.db = DriverManager.getConnection("jdbc:sqlite:" + file);
        this.tables = List.copyOf(ddl.keySet());
        this.realClock = Clock.systemUTC();
        try (Statement statement = db.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("CREATE TABLE IF NOT EXISTS esa_deleted (structure TEXT NOT NULL, id TEXT NOT NULL,"
                    + " deleted_at TEXT NOT NULL)");
            for (Map.Entry<String, String> table : ddl.entrySet()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + identifier(table.getKey())
                        + " (id INTEGER PRIMARY KEY AUTOINCREMENT, modified_at TEXT NOT NULL"
                        + (table.getValue().isBlank() ? "" : ", " + table.getValue()) + ")");
                statement.execute("CREATE INDEX IF NOT EXISTS " + identifier(table.getKey() + "_modified") + " ON "
                        + identifier(table.getKey()) + " (modified_at)");
            }
        }
    }

    // ---- options

    public SqliteEsa deletions(Deletions mode) {
        this.deletions = mode;
        return this;
    }

    public SqliteEsa runModes(int bits) {
        this.runModes = bits;
        return this;
    }

    /** The Helper API given at configure, or null. */
    public HelperApi helper() {
        return helper;
    }

    /** How many countRange calls the hub made (what the hub's detectDeleted costs an adapter). */
    public int countRangeCalls() {
        return countRangeCalls.get();
    }

    // ---- what a test fixture may vary (the reference adapter itself behaves plainly)

    /** The adapter's clock. */
    protected Instant now() {
        return realClock.instant();
    }

    /** How far behind {@link #now()} changes are stamped (still increasing with every change). */
    protected Duration stampLag() {
        return Duration.ZERO;
    }

    /** Whether writes from the hub answer EsaRecordDelayedException and complete after two polls. */
    protected boolean delaysWrites() {
        return false;
    }

    /** Told of every protocol call, by its name, before it is handled. */
    protected void received(String call) {
    }

    /** Called before an update from the hub is applied to a record. */
    protected void beforeUpdate(String structure, String id) {
    }

    // ---- the external system's own applications

    /** Inserts (id null) or updates a record as an application of the external system would; answers its id. */
    public synchronized String put(String structure, String id, Map<String, Object> values) {
        return write(structure, id, values);
    }

    /** Deletes a record as an application of the external system would (logged, and tracked if so switched). */
    public synchronized void remove(String structure, String id) {
        Instant now = nextStamp();
        exec("DELETE FROM " + identifier(structure) + " WHERE id = ?", Long.parseLong(id));
        exec("INSERT INTO esa_deleted (structure, id, deleted_at) VALUES (?, ?, ?)", structure, id, EsaTime.format(now));
        if (deletions == Deletions.TRACK && helper != null) {
            helper.trackRecordDeletion(structure, now, id);
        }
    }

    /** Every record of a structure, by id (for tests). */
    public synchronized Map<String, EsaRecord> all(String structure) {
        Map<String, EsaRecord> records = new LinkedHashMap<>();
        for (EsaRecord record : select(structure, null, null)) {
            records.put(record.id(), record);
        }
        return records;
    }

    // ---- the protocol

    @Override
    public String startSync(String externalSystemId) {
        received("startSync");
        return "1.0";
    }

    @Override
    public void endSync() {
        received("endSync");
    }

    @Override
    public synchronized String configure(String externalSystemId, boolean force, HelperApi given) {
        received("configure");
        if (configuredSystemId == null || force) {
            configuredSystemId = externalSystemId;
            helper = given;
        }
        return configuredSystemId;
    }

    @Override
    public int allowedRunModes() {
        return runModes;
    }

    @Override
    public Instant currentTime() {
        received("getCurrentTime");
        return now();
    }

    @Override
    public boolean needSyncAgain() {
        received("needSyncAgain");
        return false;
    }

    @Override
    public void leaseSession() {
        received("leaseSession");
    }

    @Override
    public List<EsaParameter> parametersMeta(String locale) {
        return List.of(new EsaParameter("region", "string", "Region", "Which region's records to sync", true, false,
                        List.of("eu", "us"), List.of("eu")),
                new EsaParameter("apiKey", "secret", "API key", "Key of the external system's API", false, false, List.of(),
                        List.of()),
                new EsaParameter("batch", "integer", "Batch", "Records per batch", false, false, List.of(), List.of("100")));
    }

    @Override
    public List<EsaStructure> structures() {
        received("getStructureList");
        return tables.stream().map(t -> new EsaStructure(t, t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1)))
                .toList();
    }

    @Override
    public synchronized List<EsaField> fields(String structure, String locale) {
        List<EsaField> fields = new ArrayList<>();
        for (String[] column : columns(structure)) {
            fields.add(new EsaField(column[0], fieldType(column[1]), column[0], false, false, false, null));
        }
        return fields;
    }

    @Override
    public synchronized List<EsaRelation> relations(String structure, String locale) {
        List<EsaRelation> relations = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA foreign_key_list(" + identifier(structure) + ")")) {
            while (rows.next()) {
                relations.add(new EsaRelation(rows.getString("from"), rows.getString("from"), rows.getString("table"), null));
            }
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
        return relations;
    }

    @Override
    public synchronized List<EsaRecord> modified(String structure, Instant after) {
        received("getModified");
        return select(structure, after, null);
    }

    /**
     * The same records read a page at a time, from one read transaction on a connection of their
     * own (the file is in WAL mode: the applications' writes go on meanwhile and are the next
     * sync's), so that a cursor holds a page and not every record.
     */
    @Override
    public synchronized RecordPages modifiedPages(String structure, Instant after) {
        received("getModified");
        requireStructure(structure);
        return new Snapshot(structure, columns(structure), after);
    }

    /** Changed records in one read transaction: counted when opened, read by position or after the last run. */
    private final class Snapshot implements RecordPages {
        private final Connection reader;
        private final List<String[]> columns;
        private final String select;
        private final String after;
        private final int size;
        private int nextFrom = -1;
        private String lastStamp;
        private long lastId;

        Snapshot(String structure, List<String[]> columns, Instant after) {
            this.columns = columns;
            this.after = after == null ? null : EsaTime.format(after);
            this.select = selectFrom(structure, columns) + " WHERE modified_at > ?";
            try {
                reader = DriverManager.getConnection("jdbc:sqlite:" + file);
            } catch (SQLException e) {
                throw EsaFault.failed(e.getMessage());
            }
            try {
                reader.setAutoCommit(false); // the count's read begins the transaction every page is read in
                try (PreparedStatement count = reader.prepareStatement("SELECT count(*) FROM " + identifier(structure)
                        + " WHERE modified_at > ?")) {
                    count.setString(1, this.after == null ? "" : this.after);
                    try (ResultSet rows = count.executeQuery()) {
                        rows.next();
                        this.size = Math.toIntExact(rows.getLong(1));
                    }
                }
            } catch (SQLException | ArithmeticException e) {
                close();
                throw EsaFault.failed(e.getMessage());
            }
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public synchronized List<EsaRecord> read(int from, int to) {
            boolean onward = from == nextFrom && lastStamp != null;
            String sql = select + (onward ? " AND (modified_at, id) > (?, ?) ORDER BY modified_at, id LIMIT ?"
                    : " ORDER BY modified_at, id LIMIT ? OFFSET ?");
            List<EsaRecord> records = new ArrayList<>(to - from);
            try (PreparedStatement page = reader.prepareStatement(sql)) {
                page.setString(1, after == null ? "" : after);
                if (onward) {
                    page.setString(2, lastStamp);
                    page.setLong(3, lastId);
                    page.setInt(4, to - from);
                } else {
                    page.setInt(2, to - from);
                    page.setInt(3, from);
                }
                try (ResultSet rows = page.executeQuery()) {
                    while (rows.next()) {
                        records.add(record(rows, columns));
                        lastStamp = rows.getString(2);
                        lastId = rows.getLong(1);
                    }
                }
            } catch (SQLException e) {
                throw EsaFault.failed(e.getMessage());
            }
            nextFrom = records.isEmpty() ? -1 : from + records.size();
            return records;
        }

        @Override
        public void close() {
            try {
                reader.close(); // ends the read transaction
            } catch (SQLException e) {
                throw EsaFault.failed(e.getMessage());
            }
        }
    }

    @Override
    public synchronized List<Deletion> deleted(String structure, Instant after) {
        received("getDeleted");
        if (deletions != Deletions.REPORT) {
            return List.of();
        }
        requireStructure(structure);
        List<Deletion> ids = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement("SELECT id, deleted_at FROM esa_deleted WHERE structure = ?"
                + (after == null ? "" : " AND deleted_at > ?") + " ORDER BY deleted_at, rowid")) {
            select.setString(1, structure);
            if (after != null) {
                select.setString(2, EsaTime.format(after));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(new Deletion(rows.getString(1), EsaTime.parse(rows.getString(2))));
                }
            }
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
        return ids;
    }

    @Override
    public synchronized EsaRecord read(String structure, String id) {
        received("read");
        if (!id.strip().matches("\\d{1,18}")) {
            return null;
        }
        List<EsaRecord> found = select(structure, null, parseId(id));
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public synchronized Written create(String structure, EsaRecord record) {
        received("create");
        return writeOrDelay("create", structure, null, new EsaRecord(null, null, record.values()));
    }

    @Override
    public synchronized Written update(String structure, Instant lastSeen, EsaRecord record) {
        received("update");
        if (record.id() == null) {
            throw EsaFault.failed("update needs the record's id; use create for new records");
        }
        beforeUpdate(structure, record.id());
        return writeOrDelay("update", structure, lastSeen, record);
    }

    private Written writeOrDelay(String kind, String structure, Instant lastSeen, EsaRecord record) {
        requireStructure(structure);
        if (delaysWrites()) {
            String token = kind + "-" + System.nanoTime();
            delayed.put(token, new PendingWrite(kind, structure, lastSeen, record, 2));
            throw EsaFault.delayed(record.id(), token);
        }
        return apply(kind, structure, lastSeen, record);
    }

    private Written apply(String kind, String structure, Instant lastSeen, EsaRecord record) {
        if (kind.equals("delete")) {
            deleteNow(structure, lastSeen, record.id());
            return new Written(record.id(), now());
        }
        if (record.id() != null) {
            EsaRecord current = read(structure, record.id());
            if (current == null) {
                throw EsaFault.record(record.id(), "no record " + record.id() + " in " + structure);
            }
            if (lastSeen != null && current.modifiedAt().isAfter(lastSeen)) {
                throw EsaFault.record(record.id(), "record " + record.id() + " changed at "
                        + EsaTime.format(current.modifiedAt()) + ", after last-seen " + EsaTime.format(lastSeen));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String[] column : columns(structure)) {
            types.put(column[0], fieldType(column[1]));
        }
        record.values().forEach((name, list) -> {
            String type = types.get(name);
            if (type == null) {
                throw EsaFault.record(record.id(), structure + " has no field '" + name + "'");
            }
            values.put(name, list == null || list.isEmpty() ? null : typed(list.get(0), type, name, record.id()));
        });
        String id = write(structure, record.id(), values);
        return new Written(id, read(structure, id).modifiedAt());
    }

    @Override
    public synchronized void delete(String structure, Instant lastSeen, String id) {
        received("delete");
        if (delaysWrites()) {
            writeOrDelay("delete", structure, lastSeen, new EsaRecord(id, null, Map.of()));
        }
        deleteNow(structure, lastSeen, id);
    }

    private void deleteNow(String structure, Instant lastSeen, String id) {
        EsaRecord current = read(structure, id);
        if (current == null) {
            return;
        }
        if (lastSeen != null && current.modifiedAt().isAfter(lastSeen)) {
            throw EsaFault.record(id, "record " + id + " changed at " + EsaTime.format(current.modifiedAt())
                    + ", after last-seen " + EsaTime.format(lastSeen));
        }
        exec("DELETE FROM " + identifier(structure) + " WHERE id = ?", parseId(id));
        exec("INSERT INTO esa_deleted (structure, id, deleted_at) VALUES (?, ?, ?)", structure, id,
                EsaTime.format(nextStamp()));
    }

    @Override
    public synchronized long countRange(String structure, String minId, String maxId) {
        received("countRange");
        countRangeCalls.incrementAndGet();
        String table = structure == null ? tables.get(0) : structure;
        requireStructure(table);
        try (PreparedStatement count = db.prepareStatement("SELECT COUNT(*) FROM " + identifier(table)
                + " WHERE id >= ? AND id <= ?")) {
            count.setLong(1, parseId(minId));
            count.setLong(2, parseId(maxId));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
    }

    @Override
    public synchronized Written checkDelayed(String structure, String token) {
        received("checkDelayed");
        PendingWrite pending = delayed.get(token);
        if (pending == null || !pending.structure().equals(structure)) {
            throw EsaFault.failed("no delayed write '" + token + "' on " + structure);
        }
        if (pending.pollsLeft() > 1) {
            delayed.put(token, new PendingWrite(pending.kind(), pending.structure(), pending.lastSeen(), pending.record(),
                    pending.pollsLeft() - 1));
            throw EsaFault.delayed(pending.record().id(), token);
        }
        delayed.remove(token);
        return apply(pending.kind(), pending.structure(), pending.lastSeen(), pending.record());
    }

    // ---- SQLite

    /**
     * The stamp of the next change: the adapter's time, but always later than every earlier
     * stamp (of any table, or of a deletion), so that "changed after t" never splits a tie.
     */
    private Instant nextStamp() {
        Instant stamp = now().minus(stampLag()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (lastStamp == null) {
            lastStamp = latestStamp();
        }
        if (lastStamp != null && !stamp.isAfter(lastStamp)) {
            stamp = lastStamp.plusMillis(1);
        }
        lastStamp = stamp;
        return stamp;
    }

    private String write(String structure, String id, Map<String, Object> values) {
        requireStructure(structure);
        Instant stamp = nextStamp();
        List<String> names = new ArrayList<>(values.keySet());
        names.forEach(SqliteEsa::identifier);
        try {
            if (id == null) {
                String sql = "INSERT INTO " + identifier(structure) + " (modified_at"
                        + names.stream().map(n -> ", " + identifier(n)).reduce("", String::concat) + ") VALUES (?"
                        + ", ?".repeat(names.size()) + ")";
                try (PreparedStatement insert = db.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                    insert.setString(1, EsaTime.format(stamp));
                    for (int i = 0; i < names.size(); i++) {
                        insert.setObject(i + 2, values.get(names.get(i)));
                    }
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        return Long.toString(keys.getLong(1));
                    }
                }
            }
            String sql = "UPDATE " + identifier(structure) + " SET modified_at = ?"
                    + names.stream().map(n -> ", " + identifier(n) + " = ?").reduce("", String::concat) + " WHERE id = ?";
            try (PreparedStatement update = db.prepareStatement(sql)) {
                update.setString(1, EsaTime.format(stamp));
                for (int i = 0; i < names.size(); i++) {
                    update.setObject(i + 2, values.get(names.get(i)));
                }
                update.setLong(names.size() + 2, parseId(id));
                if (update.executeUpdate() == 0) {
                    throw EsaFault.record(id, "no record " + id + " in " + structure);
                }
                return id;
            }
        } catch (SQLException e) {
            throw EsaFault.record(id, e.getMessage());
        }
    }

    private Instant latestStamp() {
        StringBuilder sql = new StringBuilder("SELECT MAX(t) FROM (SELECT MAX(deleted_at) AS t FROM esa_deleted");
        tables.forEach(table -> sql.append(" UNION ALL SELECT MAX(modified_at) FROM ").append(identifier(table)));
        sql.append(")");
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql.toString())) {
            rows.next();
            String latest = rows.getString(1);
            return latest == null ? null : EsaTime.parse(latest);
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
    }

    private List<EsaRecord> select(String structure, Instant after, Long id) {
        requireStructure(structure);
        List<String[]> columns = columns(structure);
        StringBuilder sql = new StringBuilder(selectFrom(structure, columns));
        if (id != null) {
            sql.append(" WHERE id = ?");
        } else if (after != null) {
            sql.append(" WHERE modified_at > ?");
        }
        sql.append(" ORDER BY modified_at, id");
        List<EsaRecord> records = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(sql.toString())) {
            if (id != null) {
                select.setLong(1, id);
            } else if (after != null) {
                select.setString(1, EsaTime.format(after));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    records.add(record(rows, columns));
                }
            }
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
        return records;
    }

    /** {@code SELECT id, modified_at, <the columns> FROM <structure>}: the rows {@link #record} reads. */
    private static String selectFrom(String structure, List<String[]> columns) {
        StringBuilder sql = new StringBuilder("SELECT id, modified_at");
        columns.forEach(c -> sql.append(", ").append(identifier(c[0])));
        return sql.append(" FROM ").append(identifier(structure)).toString();
    }

    /** A row of {@code id, modified_at} and the columns as a record. */
    private static EsaRecord record(ResultSet rows, List<String[]> columns) throws SQLException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            Object value = rows.getObject(i + 3);
            values.put(columns.get(i)[0], value == null ? null : List.of(text(value, fieldType(columns.get(i)[1]))));
        }
        return new EsaRecord(rows.getString(1), EsaTime.parse(rows.getString(2)), values);
    }

    private static String text(Object value, String type) {
        if (type.equals("boolean") && value instanceof Number n) {
            return Boolean.toString(n.intValue() != 0);
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }

    private static Object typed(String text, String type, String field, String id) {
        try {
            return switch (type) {
                case "integer" -> Long.parseLong(text.strip());
                case "decimal" -> new java.math.BigDecimal(text.strip());
                case "boolean" -> Boolean.parseBoolean(text.strip()) ? 1 : 0;
                case "binary" -> Base64.getDecoder().decode(text.strip());
                default -> text;
            };
        } catch (IllegalArgumentException e) {
            throw EsaFault.record(id, "field '" + field + "' cannot hold '" + text + "' (" + type + ")");
        }
    }

    /** Column name and declared type of a structure's fields (not id and modified_at). */
    private List<String[]> columns(String structure) {
        requireStructure(structure);
        List<String[]> columns = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA table_info(" + identifier(structure) + ")")) {
            while (rows.next()) {
                String name = rows.getString("name");
                if (!name.equals("id") && !name.equals("modified_at")) {
                    columns.add(new String[] {name, rows.getString("type")});
                }
            }
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
        return columns;
    }

    private static String fieldType(String declared) {
        String type = declared == null ? "" : declared.toUpperCase(Locale.ROOT);
        if (type.startsWith("BOOL")) {
            return "boolean";
        }
        if (type.contains("INT")) {
            return "integer";
        }
        if (type.contains("REAL") || type.contains("NUM") || type.contains("DEC") || type.contains("DOUB")) {
            return "decimal";
        }
        if (type.equals("DATE")) {
            return "date";
        }
        if (type.contains("DATETIME") || type.contains("TIMESTAMP")) {
            return "datetime";
        }
        if (type.contains("BLOB")) {
            return "binary";
        }
        return "string";
    }

    private void requireStructure(String structure) {
        if (!tables.contains(structure)) {
            throw EsaFault.failed("no structure '" + structure + "'; there are " + tables);
        }
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            throw EsaFault.failed("ids are whole numbers, not '" + id + "'");
        }
    }

    private static String identifier(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw EsaFault.failed("'" + name + "' is not a plain name");
        }
        return "\"" + name + "\"";
    }

    private void exec(String sql, Object... values) {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw EsaFault.failed(e.getMessage());
        }
    }

    /** Closes the database. */
    public void close() throws SQLException {
        db.close();
    }
}
