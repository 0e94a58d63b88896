package dev.tributary.connectors.jdbc;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.BatchWriteOp;
import dev.tributary.connector.ClockOp;
import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorException;
import dev.tributary.connector.ConnectorIOException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.CreateOp;
import dev.tributary.connector.DeleteOp;
import dev.tributary.connector.FieldInfo;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.ObjectClassInfo;
import dev.tributary.connector.RangeCountOp;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.RelationInfo;
import dev.tributary.connector.ResultsHandler;
import dev.tributary.connector.Schema;
import dev.tributary.connector.SchemaOp;
import dev.tributary.connector.SearchOp;
import dev.tributary.connector.SearchResult;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.SyncOp;
import dev.tributary.connector.SyncResultsHandler;
import dev.tributary.connector.SyncToken;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.UpdateOp;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.VersionedUid;
import dev.tributary.connector.Write;
import dev.tributary.connector.WriteOutcome;
import java.sql.BatchUpdateException;
import java.util.HashSet;
import java.util.Set;
import dev.tributary.connector.config.ConfigDef;
import dev.tributary.connector.config.ConnectorConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * Syncs tables of a PostgreSQL, MariaDB or SQLite database: one table per object class, the
 * primary key as uid.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Change-log detection</b> (the default): triggers installed by {@link ChangeTracking}
 *       give every written row the next value of a counter, in commit order, and write deletions
 *       and renames to a tracking table. A sync reads, for each table, rows and tracking entries
 *       with a change value in {@code (token, head]} — head being the counter's committed value
 *       read at the start — in batches, merges them in change order and delivers each with its
 *       change value as token. A row's version is its change value, so a write's expected
 *       version is checked in the write's own {@code WHERE} clause.</li>
 *   <li><b>Timestamp detection</b>: rows ordered by (timestamp, key); a token is the last
 *       delivered pair, so resuming is exact even among equal timestamps, and a batch never ends
 *       between rows of equal timestamp. Rows newer than the database's own clock minus
 *       {@code timestampLag} wait for the next sync, which gives transactions that commit late
 *       that long to become visible.</li>
 *   <li>The connector cannot tell an insert from an update, so rows arrive as
 *       {@link SyncDeltaType#CREATE_OR_UPDATE}.</li>
 * </ul>
 */
public final class JdbcConnector implements Connector, SyncOp, SearchOp, CreateOp, UpdateOp, DeleteOp, SchemaOp,
        ClockOp, BatchWriteOp, RangeCountOp, dev.tributary.connector.ChangeNotificationOp {

    /** A synced table and its columns. */
    record Table(ObjectClass objectClass, String name, Tables.Column key, Tables.Column change,
            Tables.Column softDelete, List<Tables.Column> data, Map<String, Tables.Column> byField) {
    }


    private JdbcSettings settings;
    private Dialect dialect;
    private Connection connection;
    /** Whether INSERT … RETURNING works on this database; found at the first insert. */
    private Boolean insertReturning;
    private ChangeDetection detection;
    private final Map<ObjectClass, Table> tables = new LinkedHashMap<>();
    /** PostgreSQL with change tracking: hears the triggers' notifications, once asked to. */
    private PostgresChanges notifications;
    /** SQLite: watches the database file's data version, once asked to. */
    private SqliteChanges sqliteChanges;

    @Override
    public ConfigDef configDef() {
        return JdbcSettings.definition();
    }

    @Override
    public void init(ConnectorConfig config) {
        settings = JdbcSettings.from(config);
        dialect = settings.dialect();
        detection = detection(this);
        try {
            Connection c = connection();
            if (settings.installTriggers()) {
                ChangeTracking.install(c, settings);
            }
            for (String name : settings.tables()) {
                tables.put(new ObjectClass(name), describe(c, name));
            }
        } catch (SQLException e) {
            throw fail(e, "reading the tables");
        }
    }

    private static ChangeDetection detection(JdbcConnector connector) {
        return connector.settings.changeLog() ? new ChangeLogDetection(connector, connector.dialect, connector.settings)
                : new TimestampDetection(connector, connector.dialect, connector.settings);
    }

    private Table describe(Connection c, String name) throws SQLException {
        Tables.requireTable(c, dialect, name);
        Tables.Column key = null;
        Tables.Column change = null;
        Tables.Column softDelete = null;
        List<Tables.Column> data = new ArrayList<>();
        Map<String, Tables.Column> byField = new LinkedHashMap<>();
        for (Tables.Column column : Tables.columns(c, dialect, name)) {
            if (column.name().equals(settings.keyColumn())) {
                key = column;
                byField.put(column.name(), column);
            } else if (column.name().equals(settings.changeColumn())) {
                change = column;
            } else if (column.name().equals(settings.softDeleteColumn())) {
                softDelete = column;
            } else {
                data.add(column);
                byField.put(column.name(), column);
            }
        }
        List<String> missing = new ArrayList<>();
        if (key == null) {
            missing.add("key column '" + settings.keyColumn() + "'");
        }
        if (change == null && !settings.upsert()) {
            missing.add((settings.changeLog() ? "change-log column '" : "timestamp column '") + settings.changeColumn()
                    + "'" + (settings.changeLog() ? " (install change tracking: tributary connectors install-triggers,"
                    + " or set installTriggers=true)" : ""));
        }
        if (settings.softDelete() && softDelete == null) {
            missing.add("soft-delete column '" + settings.softDeleteColumn() + "'");
        }
        if (settings.changeLog() && change != null && !settings.upsert()
                && !ChangeTracking.installed(c, dialect, name, settings.changeColumn())) {
            missing.add("change tracking (install it: tributary connectors install-triggers, or set installTriggers=true)");
        }
        if (!missing.isEmpty()) {
            throw new ConnectorException("table '" + name + "' lacks " + String.join(", ", missing));
        }
        return new Table(new ObjectClass(name), name, key, change, softDelete, List.copyOf(data), byField);
    }

    private Properties login() {
        Properties properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password().reveal());
        }
        return properties;
    }

    /**
     * PostgreSQL with change-log detection: the tracking triggers {@code NOTIFY} each changed
     * table, heard on a connection of its own. SQLite: {@code PRAGMA data_version}, asked every
     * 100 ms, moves when another connection commits. MariaDB and PostgreSQL with timestamp
     * detection: null, the engine polls.
     */
    @Override
    public synchronized AutoCloseable onChanges(ObjectClass objectClass, Runnable listener) {
        Table table = table(objectClass);
        if (settings.upsert()) {
            return null;
        }
        if (dialect == Dialect.SQLITE) {
            if (sqliteChanges == null) {
                sqliteChanges = new SqliteChanges(settings.url(), login());
            }
            return sqliteChanges.add(listener);
        }
        if (dialect != Dialect.POSTGRESQL || !settings.changeLog()) {
            return null;
        }
        if (notifications == null) {
            notifications = new PostgresChanges(settings.url(), login());
        }
        return notifications.add(table.name(), listener);
    }

    Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Properties properties = login();
            // Batched inserts and upserts as multi-row statements: one round trip per batch
            // rather than per row (about 4x faster into MariaDB). A URL that sets it decides.
            if (dialect == Dialect.MARIADB && !settings.url().contains("rewriteBatchedStatements")) {
                properties.setProperty("rewriteBatchedStatements", "true");
            } else if (dialect == Dialect.POSTGRESQL && !settings.url().contains("reWriteBatchedInserts")) {
                properties.setProperty("reWriteBatchedInserts", "true");
            }
            connection = DriverManager.getConnection(settings.url(), properties);
            if (dialect == Dialect.SQLITE) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA busy_timeout = 15000");
                }
            } else if (dialect == Dialect.MARIADB) {
                // TIMESTAMP columns are converted to and from the session's zone: in UTC their
                // wall-clock values are the instants, whatever the server's or the hub's zone.
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET time_zone = '+00:00'");
                }
            }
        }
        return connection;
    }

    private ConnectorException fail(SQLException e, String what) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean transientFailure = state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("57P01") || e.getErrorCode() == 1213 || e.getErrorCode() == 1205
                || (dialect == Dialect.SQLITE && (e.getErrorCode() == 5 || e.getErrorCode() == 6));
        if (state.startsWith("08")) {
            closeQuietly();
        }
        String message = "database failed while " + what + ": " + e.getMessage();
        return transientFailure ? new ConnectorIOException(message, e) : new ConnectorException(message, e);
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is being thrown away
        }
        connection = null;
    }

    @Override
    public void test() {
        try (Statement statement = connection().createStatement()) {
            statement.execute(dialect.selectNow());
        } catch (SQLException e) {
            throw fail(e, "testing the connection");
        }
    }

    @Override
    public void dispose() {
        synchronized (this) {
            if (notifications != null) {
                notifications.close();
                notifications = null;
            }
            if (sqliteChanges != null) {
                sqliteChanges.close();
                sqliteChanges = null;
            }
        }
        closeQuietly();
    }

    private Table table(ObjectClass objectClass) {
        Table table = tables.get(objectClass);
        if (table == null) {
            throw new UnsupportedOperationException("no table " + objectClass + " is configured; tables: "
                    + settings.tables());
        }
        return table;
    }

    String columnList(Table table) {
        // An upsert target may have no change column: its place is kept, empty.
        StringBuilder columns = new StringBuilder(dialect.quote(table.key().name())).append(", ")
                .append(table.change() == null ? "NULL" : dialect.quote(table.change().name()));
        if (table.softDelete() != null) {
            columns.append(", ").append(dialect.quote(table.softDelete().name()));
        }
        for (Tables.Column column : table.data()) {
            columns.append(", ").append(dialect.quote(column.name()));
        }
        return columns.toString();
    }

    String version(ResultSet rows, int index) throws SQLException {
        return detection.version(rows, index);
    }

    /** Reads a row selected with {@link #columnList}; null data fields are kept as null. */
    ConnectorObject readObject(Table table, ResultSet rows) throws SQLException {
        String uid = rows.getString(1);
        String version = table.change() == null ? null : version(rows, 2);
        int offset = table.softDelete() != null ? 4 : 3;
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < table.data().size(); i++) {
            fields.put(table.data().get(i).name(), Values.read(rows, offset + i, table.data().get(i)));
        }
        return new ConnectorObject(table.objectClass(), new Uid(uid), version, fields);
    }

    boolean softDeleted(Table table, ResultSet rows) throws SQLException {
        if (table.softDelete() == null) {
            return false;
        }
        Object flag = Values.read(rows, 3, table.softDelete());
        return Boolean.TRUE.equals(flag) || (flag instanceof Number n && n.intValue() != 0);
    }

    // ---- SyncOp

    @Override
    public void sync(ObjectClass objectClass, SyncToken token, SyncResultsHandler handler, OperationOptions options) {
        requireReadable();
        List<Table> targets = objectClass.isAll() ? List.copyOf(tables.values()) : List.of(table(objectClass));
        try {
            detection.sync(targets, token, handler, Math.min(options.pageSize(), settings.batchSize()));
        } catch (SQLException e) {
            throw fail(e, "reading changes");
        }
    }









    @Override
    public SyncToken getLatestSyncToken(ObjectClass objectClass) {
        requireReadable();
        List<Table> targets = objectClass.isAll() ? List.copyOf(tables.values()) : List.of(table(objectClass));
        try {
            return detection.latestToken(targets);
        } catch (SQLException e) {
            throw fail(e, "reading the latest change");
        }
    }

    /** An upsert target keeps no changes to read: links may only write to it. */
    private void requireReadable() {
        if (settings.upsert()) {
            throw new ConnectorException("this endpoint has writeMode upsert: it is a write-only target and keeps no"
                    + " changes to read; link it with direction outbound, or use writeMode tracked to read it");
        }
    }

    // ---- SearchOp

    @Override
    public SearchResult search(ObjectClass objectClass, ResultsHandler handler, OperationOptions options) {
        Table table = table(objectClass);
        String key = dialect.quote(table.key().name());
        String sql = "SELECT " + columnList(table) + " FROM " + dialect.quote(table.name()) + " WHERE 1 = 1"
                + notSoftDeleted(table) + (options.pagedResultsCookie() == null ? "" : " AND " + key + " > ?")
                + " ORDER BY " + key + " LIMIT ?";
        try (PreparedStatement select = connection().prepareStatement(sql)) {
            int p = 1;
            if (options.pagedResultsCookie() != null
                    && !Values.bindKey(select, p++, options.pagedResultsCookie(), table.key())) {
                throw new IllegalArgumentException("invalid paged results cookie");
            }
            select.setInt(p, options.pageSize() + 1);
            List<ConnectorObject> page = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    page.add(readObject(table, rows));
                }
            }
            boolean more = page.size() > options.pageSize();
            List<ConnectorObject> shown = more ? page.subList(0, options.pageSize()) : page;
            for (ConnectorObject object : shown) {
                if (!handler.handle(object)) {
                    return new SearchResult(object.uid().value());
                }
            }
            return more ? new SearchResult(shown.get(shown.size() - 1).uid().value()) : SearchResult.LAST_PAGE;
        } catch (SQLException e) {
            throw fail(e, "searching " + table.name());
        }
    }

    String notSoftDeleted(Table table) {
        if (table.softDelete() == null) {
            return "";
        }
        String column = dialect.quote(table.softDelete().name());
        return " AND (" + column + " IS NULL OR " + column + " = " + (dialect == Dialect.POSTGRESQL ? "false" : "0") + ")";
    }

    @Override
    public Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid, OperationOptions options) {
        Table table = table(objectClass);
        try {
            return readOne(connection(), table, uid.value());
        } catch (SQLException e) {
            throw fail(e, "reading " + table.name() + " " + uid);
        }
    }

    Optional<ConnectorObject> readOne(Connection c, Table table, String uid) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + columnList(table) + " FROM "
                + dialect.quote(table.name()) + " WHERE " + dialect.quote(table.key().name()) + " = ?"
                + notSoftDeleted(table))) {
            if (!Values.bindKey(select, 1, uid, table.key())) {
                return Optional.empty();
            }
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(readObject(table, rows)) : Optional.empty();
            }
        }
    }

    // ---- writes

    private interface Transaction<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Transaction<T> work) {
        try {
            Connection c = connection();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw fail(e, what);
        }
    }

    /**
     * Whether a failed write collided with a row's unique key: PostgreSQL's unique_violation
     * (23505), MariaDB's duplicate entry (1062), SQLite's primary-key or unique constraint. Other
     * integrity violations (a NOT NULL column left empty, a check, a foreign key) are not.
     */
    static boolean duplicateKey(SQLException e) {
        if (e instanceof org.sqlite.SQLiteException sqlite) {
            return sqlite.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || sqlite.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
        }
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    private Tables.Column column(Table table, String field) {
        Tables.Column column = table.byField().get(field);
        if (column == null) {
            throw new IllegalArgumentException("table " + table.name() + " has no column for field '" + field
                    + "'; its columns are " + table.byField().keySet());
        }
        return column;
    }

    @Override
    public VersionedUid create(ObjectClass objectClass, Map<String, Object> fields, OperationOptions options) {
        if (settings.upsert()) {
            return upsertOne(objectClass, Write.create(fields));
        }
        Table table = table(objectClass);
        Map<String, Object> values = new LinkedHashMap<>(fields);
        if (!values.containsKey(table.key().name()) && settings.keyGeneration().equals("uuid")) {
            values.put(table.key().name(), UUID.randomUUID().toString());
        }
        List<Tables.Column> columns = new ArrayList<>();
        for (String field : values.keySet()) {
            columns.add(column(table, field));
        }
        String sql = "INSERT INTO " + dialect.quote(table.name()) + " ("
                + String.join(", ", columns.stream().map(col -> dialect.quote(col.name())).toList()) + ") VALUES ("
                + String.join(", ", columns.stream().map(col -> "?").toList()) + ")";
        if (columns.isEmpty()) {
            sql = dialect == Dialect.MARIADB ? "INSERT INTO " + dialect.quote(table.name()) + " () VALUES ()"
                    : "INSERT INTO " + dialect.quote(table.name()) + " DEFAULT VALUES";
        }
        String insert = sql;
        return inTransaction("creating a row in " + table.name(), c -> {
            String uid;
            try (PreparedStatement statement = dialect == Dialect.POSTGRESQL
                    ? c.prepareStatement(insert, new String[] {table.key().name()})
                    : c.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS)) {
                int p = 1;
                for (Tables.Column column : columns) {
                    Values.bind(statement, p++, values.get(column.name()), column);
                }
                try {
                    statement.executeUpdate();
                } catch (SQLException e) {
                    if (duplicateKey(e) && values.containsKey(table.key().name())) {
                        throw new AlreadyExistsException(objectClass, new Uid(String.valueOf(values.get(table.key().name()))));
                    }
                    throw e;
                }
                if (values.containsKey(table.key().name())) {
                    uid = String.valueOf(values.get(table.key().name()));
                } else {
                    try (ResultSet keys = statement.getGeneratedKeys()) {
                        if (!keys.next()) {
                            throw new ConnectorException("table " + table.name() + " generated no key; set keyGeneration=uuid"
                                    + " or give the key field");
                        }
                        uid = keys.getString(1);
                    }
                }
            }
            return new VersionedUid(new Uid(uid), currentVersion(c, table, uid)
                    .orElseThrow(() -> new ConnectorException("the created row " + uid + " cannot be read back")));
        });
    }

    private Optional<String> currentVersion(Connection c, Table table, String uid) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + dialect.quote(table.change().name()) + " FROM "
                + dialect.quote(table.name()) + " WHERE " + dialect.quote(table.key().name()) + " = ?"
                + notSoftDeleted(table))) {
            if (!Values.bindKey(select, 1, uid, table.key())) {
                return Optional.empty();
            }
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.ofNullable(version(row, 1)) : Optional.empty();
            }
        }
    }

    /** Adds the expected-version condition; false if the version cannot be one of this table's. */
    /** Adds the expected-version condition; false if the version cannot be one of this table's. */
    private boolean bindVersion(PreparedStatement statement, int index, String expectedVersion, Table table)
            throws SQLException {
        return detection.bindVersion(statement, index, expectedVersion, table);
    }

    private RuntimeException missingOrConflict(Connection c, Table table, Uid uid, String expectedVersion)
            throws SQLException {
        Optional<String> actual = currentVersion(c, table, uid.value());
        if (actual.isEmpty()) {
            return new UnknownUidException(table.objectClass(), uid);
        }
        return new VersionConflictException(uid, expectedVersion, actual.get());
    }

    @Override
    public VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion, Map<String, Object> fields,
            OperationOptions options) {
        if (settings.upsert()) {
            return upsertOne(objectClass, Write.update(uid, null, fields));
        }
        Table table = table(objectClass);
        List<Tables.Column> columns = new ArrayList<>();
        for (String field : fields.keySet()) {
            columns.add(column(table, field));
        }
        String sql = updateSql(table, columns.stream().map(Tables.Column::name).toList(), expectedVersion != null);
        return inTransaction("updating " + table.name() + " " + uid, c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int p = 1;
                for (Tables.Column column : columns) {
                    Values.bind(statement, p++, fields.get(column.name()), column);
                }
                if (!Values.bindKey(statement, p++, uid.value(), table.key())) {
                    throw new UnknownUidException(objectClass, uid);
                }
                if (expectedVersion != null && !bindVersion(statement, p, expectedVersion, table)) {
                    throw missingOrConflict(c, table, uid, expectedVersion);
                }
                int changed;
                try {
                    changed = statement.executeUpdate();
                } catch (SQLException e) {
                    if (duplicateKey(e) && fields.containsKey(table.key().name())) {
                        throw new AlreadyExistsException(objectClass, new Uid(String.valueOf(fields.get(table.key().name()))));
                    }
                    throw e;
                }
                if (changed == 0) {
                    throw missingOrConflict(c, table, uid, expectedVersion);
                }
            }
            String newUid = fields.containsKey(table.key().name()) ? String.valueOf(fields.get(table.key().name())) : uid.value();
            return new VersionedUid(new Uid(newUid), currentVersion(c, table, newUid).orElse(null));
        });
    }

    @Override
    public void delete(ObjectClass objectClass, Uid uid, String expectedVersion, OperationOptions options) {
        if (settings.upsert()) {
            upsertOne(objectClass, Write.delete(uid, null));
            return;
        }
        Table table = table(objectClass);
        String sql = deleteSql(table, expectedVersion != null);
        inTransaction("deleting " + table.name() + " " + uid, c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int p = 1;
                if (table.softDelete() != null) {
                    statement.setBoolean(p++, true);
                }
                if (!Values.bindKey(statement, p++, uid.value(), table.key())) {
                    throw new UnknownUidException(objectClass, uid);
                }
                if (expectedVersion != null && !bindVersion(statement, p, expectedVersion, table)) {
                    throw missingOrConflict(c, table, uid, expectedVersion);
                }
                if (statement.executeUpdate() == 0) {
                    throw missingOrConflict(c, table, uid, expectedVersion);
                }
            }
            return null;
        });
    }

    // ---- BatchWriteOp

    /**
     * Writes a batch in one transaction with batched statements: inserts grouped by their column
     * sets, guarded updates and deletes whose zero row counts are then told apart as missing or
     * changed. A batch naming a uid twice, a create whose key the database generates on SQLite
     * (its driver returns one generated key per batch), or a batch the database refuses as a whole
     * (a key inserted concurrently) is done one write at a time instead.
     */
    @Override
    public List<WriteOutcome> write(ObjectClass objectClass, List<Write> writes, OperationOptions options) {
        Table table = table(objectClass);
        Set<String> uids = new HashSet<>();
        boolean repeated = false;
        boolean generatedOnSqlite = false;
        for (Write write : writes) {
            String uid = write.kind() == Write.Kind.CREATE ? keyOf(table, write.fields()) : write.uid().value();
            repeated |= uid != null && !uids.add(uid);
            generatedOnSqlite |= write.kind() == Write.Kind.CREATE && uid == null && dialect == Dialect.SQLITE
                    && !settings.keyGeneration().equals("uuid");
        }
        if (!repeated && !generatedOnSqlite) {
            try {
                return inTransaction("writing a batch to " + table.name(), c -> settings.upsert()
                        ? upsertBatch(c, table, writes) : writeBatch(c, table, writes));
            } catch (ConnectorException e) {
                if (!(e.getCause() instanceof BatchUpdateException)) {
                    throw e;
                }
            }
        }
        return BatchWriteOp.oneAtATime(objectClass, writes, options, this, this, this);
    }

    /** One write of an upsert target, as a batch of one; a refusal is thrown. */
    private VersionedUid upsertOne(ObjectClass objectClass, Write write) {
        Table table = table(objectClass);
        WriteOutcome outcome = inTransaction("writing to " + table.name(), c -> upsertBatch(c, table, List.of(write)))
                .get(0);
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
        return outcome.result();
    }

    /**
     * Writes a batch to an upsert target ({@code writeMode: upsert}): creates and updates become
     * one {@code INSERT … ON CONFLICT/DUPLICATE KEY UPDATE} per column set, batched, deletes a
     * plain {@code DELETE}; nothing is checked against a version and nothing read back, so every
     * outcome has no version. An update that renames a row (a new key) is an {@code UPDATE} by
     * the old key, or an upsert under the new key if the old row is gone; a create without a key
     * is an insert whose key the database generates.
     */
    private List<WriteOutcome> upsertBatch(Connection c, Table table, List<Write> writes) throws SQLException {
        WriteOutcome[] outcomes = new WriteOutcome[writes.size()];
        String[] finalUids = new String[writes.size()];
        String keyName = table.key().name();
        List<Map<String, Object>> values = new ArrayList<>();
        Map<String, List<Integer>> upsertGroups = new LinkedHashMap<>();
        Map<String, List<Integer>> insertGroups = new LinkedHashMap<>();
        List<Integer> renames = new ArrayList<>();
        List<Integer> deletes = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            for (Map.Entry<String, Object> field : write.fields().entrySet()) {
                column(table, field.getKey());
                row.put(field.getKey(), field.getValue());
            }
            values.add(row);
            switch (write.kind()) {
                case DELETE -> deletes.add(i);
                case UPDATE -> {
                    Object newKey = row.get(keyName);
                    if (newKey != null && !String.valueOf(newKey).equals(write.uid().value())) {
                        renames.add(i);
                    } else {
                        row.remove(keyName);
                        upsertGroups.computeIfAbsent(otherFields(row, keyName), k -> new ArrayList<>()).add(i);
                    }
                }
                case CREATE -> {
                    if (!row.containsKey(keyName) && settings.keyGeneration().equals("uuid")) {
                        row.put(keyName, UUID.randomUUID().toString());
                    }
                    if (row.get(keyName) == null) {
                        row.remove(keyName);
                        insertGroups.computeIfAbsent(otherFields(row, keyName), k -> new ArrayList<>()).add(i);
                    } else {
                        upsertGroups.computeIfAbsent(otherFields(row, keyName), k -> new ArrayList<>()).add(i);
                    }
                }
            }
        }
        for (List<Integer> group : upsertGroups.values()) {
            List<String> fields = values.get(group.get(0)).keySet().stream().filter(f -> !f.equals(keyName)).toList();
            try (PreparedStatement statement = c.prepareStatement(upsertSql(table, fields))) {
                boolean any = false;
                for (int i : group) {
                    Write write = writes.get(i);
                    String key = write.kind() == Write.Kind.CREATE ? String.valueOf(values.get(i).get(keyName))
                            : write.uid().value();
                    if (!Values.bindKey(statement, 1, key, table.key())) {
                        outcomes[i] = WriteOutcome.refused(new UnknownUidException(table.objectClass(), new Uid(key)));
                        statement.clearParameters();
                        continue;
                    }
                    int p = 2;
                    for (String field : fields) {
                        Values.bind(statement, p++, values.get(i).get(field), column(table, field));
                    }
                    statement.addBatch();
                    any = true;
                    finalUids[i] = key;
                }
                if (any) {
                    statement.executeBatch();
                }
            }
        }
        for (List<Integer> group : insertGroups.values()) {
            insertGroup(c, table, group, values, finalUids, null);
        }
        for (int i : renames) {
            Write write = writes.get(i);
            List<String> fields = List.copyOf(values.get(i).keySet());
            try (PreparedStatement statement = c.prepareStatement(updateSql(table, fields, false))) {
                int p = 1;
                for (String field : fields) {
                    Values.bind(statement, p++, values.get(i).get(field), column(table, field));
                }
                boolean matched = Values.bindKey(statement, p, write.uid().value(), table.key())
                        && statement.executeUpdate() > 0;
                String newKey = String.valueOf(values.get(i).get(keyName));
                if (!matched) {
                    // The old row is gone: the record is written under its new key.
                    Map<String, Object> others = new LinkedHashMap<>(values.get(i));
                    others.remove(keyName);
                    try (PreparedStatement upsert = c.prepareStatement(upsertSql(table, List.copyOf(others.keySet())))) {
                        Values.bind(upsert, 1, values.get(i).get(keyName), table.key());
                        int q = 2;
                        for (Map.Entry<String, Object> field : others.entrySet()) {
                            Values.bind(upsert, q++, field.getValue(), column(table, field.getKey()));
                        }
                        upsert.executeUpdate();
                    }
                }
                finalUids[i] = newKey;
            }
        }
        if (!deletes.isEmpty()) {
            try (PreparedStatement statement = c.prepareStatement(deleteSql(table, false))) {
                boolean any = false;
                for (int i : deletes) {
                    Write write = writes.get(i);
                    int p = 1;
                    if (table.softDelete() != null) {
                        statement.setBoolean(p++, true);
                    }
                    finalUids[i] = write.uid().value();
                    if (!Values.bindKey(statement, p, write.uid().value(), table.key())) {
                        statement.clearParameters();
                        continue; // no row can have this key: it is deleted already
                    }
                    statement.addBatch();
                    any = true;
                }
                if (any) {
                    statement.executeBatch(); // a row already gone is deleted all the same
                }
            }
        }
        canonical(table, finalUids);
        for (int i = 0; i < writes.size(); i++) {
            if (outcomes[i] == null) {
                outcomes[i] = WriteOutcome.done(new VersionedUid(new Uid(finalUids[i]), null));
            }
        }
        return List.of(outcomes);
    }

    /** The names of a row's fields other than the key, joined: writes with the same ones share a statement. */
    private static String otherFields(Map<String, Object> row, String keyName) {
        return String.join(",", row.keySet().stream().filter(f -> !f.equals(keyName)).toList());
    }

    /**
     * The upsert of one row of an upsert target: the key first, then {@code fields}; a
     * soft-deleted row comes back to life.
     */
    private String upsertSql(Table table, List<String> fields) {
        String key = dialect.quote(table.key().name());
        String no = dialect == Dialect.POSTGRESQL ? "false" : "0";
        List<String> columns = new ArrayList<>(List.of(key));
        List<String> placeholders = new ArrayList<>(List.of("?"));
        List<String> sets = new ArrayList<>();
        for (String field : fields) {
            String column = dialect.quote(field);
            columns.add(column);
            placeholders.add("?");
            sets.add(column + " = " + (dialect == Dialect.MARIADB ? "VALUES(" + column + ")" : "EXCLUDED." + column));
        }
        if (table.softDelete() != null) {
            String column = dialect.quote(table.softDelete().name());
            columns.add(column);
            placeholders.add(no);
            sets.add(column + " = " + no);
        }
        String insert = "INSERT INTO " + dialect.quote(table.name()) + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", placeholders) + ")";
        if (dialect == Dialect.MARIADB) {
            return insert + " ON DUPLICATE KEY UPDATE " + (sets.isEmpty() ? key + " = " + key : String.join(", ", sets));
        }
        return insert + " ON CONFLICT (" + key + ") DO " + (sets.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", sets));
    }

    private String keyOf(Table table, Map<String, Object> fields) {
        Object key = fields.get(table.key().name());
        return key == null ? null : Values.canonicalKey(String.valueOf(key), table.key());
    }

    /** Outcomes name rows by their own keys, whatever spelling the writes used (see {@link Values#canonicalKey}). */
    private static void canonical(Table table, String[] uids) {
        for (int i = 0; i < uids.length; i++) {
            uids[i] = Values.canonicalKey(uids[i], table.key());
        }
    }

    private List<WriteOutcome> writeBatch(Connection c, Table table, List<Write> writes) throws SQLException {
        WriteOutcome[] outcomes = new WriteOutcome[writes.size()];
        String[] finalUids = new String[writes.size()];
        // Creates: keys chosen up front, taken keys refused, the rest inserted in groups of equal column sets.
        Map<String, List<Integer>> insertGroups = new LinkedHashMap<>();
        List<Map<String, Object>> values = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            Map<String, Object> row = new LinkedHashMap<>(write.fields());
            if (write.kind() == Write.Kind.CREATE) {
                if (!row.containsKey(table.key().name()) && settings.keyGeneration().equals("uuid")) {
                    row.put(table.key().name(), UUID.randomUUID().toString());
                }
                for (String field : row.keySet()) {
                    column(table, field);
                }
                insertGroups.computeIfAbsent(String.join(",", row.keySet()), k -> new ArrayList<>()).add(i);
            }
            values.add(row);
        }
        Map<String, String> inserted = new java.util.HashMap<>();
        Set<String> taken = existingKeys(c, table, insertGroups.values().stream().flatMap(List::stream)
                .map(i -> keyOf(table, values.get(i))).filter(java.util.Objects::nonNull).toList());
        for (List<Integer> group : insertGroups.values()) {
            List<Integer> fresh = new ArrayList<>();
            for (int i : group) {
                String key = keyOf(table, values.get(i));
                if (key != null && taken.contains(key)) {
                    outcomes[i] = WriteOutcome.refused(new AlreadyExistsException(table.objectClass(), new Uid(key)));
                } else {
                    fresh.add(i);
                }
            }
            if (!fresh.isEmpty()) {
                insertGroup(c, table, fresh, values, finalUids, inserted);
            }
        }
        // Updates and deletes: guarded statements in batches; a zero count is looked at afterwards.
        List<Integer> unmatched = new ArrayList<>();
        Map<String, List<Integer>> changeGroups = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            if (write.kind() == Write.Kind.CREATE) {
                continue;
            }
            for (String field : write.fields().keySet()) {
                column(table, field);
            }
            String shape = write.kind() + ":" + (write.expectedVersion() != null) + ":" + String.join(",", write.fields().keySet());
            changeGroups.computeIfAbsent(shape, k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : changeGroups.values()) {
            Write first = writes.get(group.get(0));
            String sql = first.kind() == Write.Kind.UPDATE ? updateSql(table, List.copyOf(first.fields().keySet()),
                    first.expectedVersion() != null) : deleteSql(table, first.expectedVersion() != null);
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                List<Integer> bound = new ArrayList<>();
                for (int i : group) {
                    Write write = writes.get(i);
                    int p = 1;
                    if (write.kind() == Write.Kind.UPDATE) {
                        for (String field : write.fields().keySet()) {
                            Values.bind(statement, p++, write.fields().get(field), column(table, field));
                        }
                    } else if (table.softDelete() != null) {
                        statement.setBoolean(p++, true);
                    }
                    if (!Values.bindKey(statement, p++, write.uid().value(), table.key())
                            || (write.expectedVersion() != null && !bindVersion(statement, p, write.expectedVersion(), table))) {
                        unmatched.add(i);
                        statement.clearParameters();
                        continue;
                    }
                    statement.addBatch();
                    bound.add(i);
                }
                if (!bound.isEmpty()) {
                    int[] counts = statement.executeBatch();
                    for (int k = 0; k < bound.size(); k++) {
                        int i = bound.get(k);
                        if (counts[k] == 0) {
                            unmatched.add(i);
                        } else {
                            Write write = writes.get(i);
                            finalUids[i] = write.kind() == Write.Kind.UPDATE && write.fields().containsKey(table.key().name())
                                    ? String.valueOf(write.fields().get(table.key().name())) : write.uid().value();
                        }
                    }
                }
            }
        }
        for (int i : unmatched) {
            Write write = writes.get(i);
            outcomes[i] = WriteOutcome.refused((ConnectorException) missingOrConflict(c, table, write.uid(),
                    write.expectedVersion()));
        }
        canonical(table, finalUids);
        // Rows inserted with RETURNING brought their versions back; the others are read.
        Map<String, String> versions = versions(c, table, java.util.Arrays.stream(finalUids)
                .filter(uid -> uid != null && !inserted.containsKey(uid)).toList());
        inserted.forEach(versions::putIfAbsent);
        for (int i = 0; i < writes.size(); i++) {
            if (outcomes[i] == null) {
                String version = writes.get(i).kind() == Write.Kind.DELETE ? null : versions.get(finalUids[i]);
                outcomes[i] = WriteOutcome.done(new VersionedUid(new Uid(finalUids[i]), version));
            }
        }
        return List.of(outcomes);
    }

    /**
     * Inserts rows of one column set. {@code versions}, when not null, receives the version of each
     * row inserted whose version the insert itself can return (see {@link #insertReturning}).
     */
    private void insertGroup(Connection c, Table table, List<Integer> group, List<Map<String, Object>> values,
            String[] finalUids, Map<String, String> versions) throws SQLException {
        List<String> fields = List.copyOf(values.get(group.get(0)).keySet());
        if (versions != null && !fields.isEmpty() && fields.contains(table.key().name()) && table.change() != null
                && insertReturning(c)) {
            insertReturning(c, table, group, values, fields, finalUids, versions);
            return;
        }
        String sql = fields.isEmpty()
                ? (dialect == Dialect.MARIADB ? "INSERT INTO " + dialect.quote(table.name()) + " () VALUES ()"
                        : "INSERT INTO " + dialect.quote(table.name()) + " DEFAULT VALUES")
                : "INSERT INTO " + dialect.quote(table.name()) + " ("
                        + String.join(", ", fields.stream().map(dialect::quote).toList()) + ") VALUES ("
                        + String.join(", ", fields.stream().map(f -> "?").toList()) + ")";
        boolean generated = !fields.contains(table.key().name());
        try (PreparedStatement statement = generated && dialect == Dialect.POSTGRESQL
                ? c.prepareStatement(sql, new String[] {table.key().name()})
                : generated ? c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : c.prepareStatement(sql)) {
            for (int i : group) {
                int p = 1;
                for (String field : fields) {
                    Values.bind(statement, p++, values.get(i).get(field), column(table, field));
                }
                statement.addBatch();
            }
            statement.executeBatch();
            if (generated) {
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    for (int i : group) {
                        if (!keys.next()) {
                            throw new ConnectorException("table " + table.name() + " returned fewer generated keys than rows");
                        }
                        finalUids[i] = keys.getString(1);
                    }
                }
            } else {
                for (int i : group) {
                    finalUids[i] = keyOf(table, values.get(i));
                }
            }
        }
    }

    /** Rows per multi-row INSERT … RETURNING (bound parameters stay far below the drivers' limits). */
    private static final int RETURNING_ROWS = 1000;

    /**
     * Inserts rows with keys in multi-row statements that return each row's key and version
     * (PostgreSQL, MariaDB 10.5 and later): the values the change-tracking triggers (BEFORE
     * INSERT) gave them, as a read after the insert would find them, without that read — which
     * cost about a quarter of writing into a change-tracked MariaDB table.
     */
    private void insertReturning(Connection c, Table table, List<Integer> group, List<Map<String, Object>> values,
            List<String> fields, String[] finalUids, Map<String, String> versions) throws SQLException {
        String columns = String.join(", ", fields.stream().map(dialect::quote).toList());
        String row = "(" + String.join(", ", java.util.Collections.nCopies(fields.size(), "?")) + ")";
        int perStatement = Math.max(1, Math.min(RETURNING_ROWS, 30_000 / fields.size()));
        for (int from = 0; from < group.size(); from += perStatement) {
            List<Integer> chunk = group.subList(from, Math.min(group.size(), from + perStatement));
            String sql = "INSERT INTO " + dialect.quote(table.name()) + " (" + columns + ") VALUES "
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), row))
                    + " RETURNING " + dialect.quote(table.key().name()) + ", " + dialect.quote(table.change().name());
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int p = 1;
                for (int i : chunk) {
                    for (String field : fields) {
                        Values.bind(statement, p++, values.get(i).get(field), column(table, field));
                    }
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        versions.put(rows.getString(1), version(rows, 2));
                    }
                }
            }
            for (int i : chunk) {
                finalUids[i] = keyOf(table, values.get(i));
            }
        }
    }

    /** Whether the database returns rows from an INSERT: PostgreSQL, and MariaDB from 10.5 (not MySQL). */
    private boolean insertReturning(Connection c) throws SQLException {
        if (insertReturning == null) {
            insertReturning = switch (dialect) {
                case POSTGRESQL -> true;
                case MARIADB -> mariaDbAtLeast(c.getMetaData().getDatabaseProductVersion(), 10, 5);
                default -> false;
            };
        }
        return insertReturning;
    }

    /** Whether a server version string is MariaDB's at or after {@code major.minor}. */
    static boolean mariaDbAtLeast(String version, int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)").matcher(version);
        if (!version.contains("MariaDB") || !m.find()) {
            return false;
        }
        int foundMajor = Integer.parseInt(m.group(1));
        return foundMajor > major || (foundMajor == major && Integer.parseInt(m.group(2)) >= minor);
    }

    /**
     * The UPDATE of a row's fields, for single and batched writes alike: by key, not soft-deleted,
     * with the expected version when {@code guarded}; with timestamp detection it sets the
     * timestamp too (the triggers keep a change-log column). No fields still makes a change, with
     * a new version.
     */
    private String updateSql(Table table, List<String> fields, boolean guarded) {
        String key = dialect.quote(table.key().name());
        List<String> sets = new ArrayList<>(fields.stream().map(f -> dialect.quote(f) + " = ?").toList());
        if (setOnWrite(table) != null) {
            sets.add(setOnWrite(table));
        }
        if (sets.isEmpty()) {
            sets.add(key + " = " + key);
        }
        return "UPDATE " + dialect.quote(table.name()) + " SET " + String.join(", ", sets) + " WHERE " + key + " = ?"
                + notSoftDeleted(table) + (guarded ? " AND " + dialect.quote(table.change().name()) + " = ?" : "");
    }

    /** What a write sets besides its fields (a timestamp column), or null; an upsert target without that column sets nothing. */
    private String setOnWrite(Table table) {
        return table.change() == null ? null : detection.setOnWrite(table);
    }

    /** The DELETE of a row (an UPDATE of its soft-delete flag, when the table has one), for single and batched writes. */
    private String deleteSql(Table table, boolean guarded) {
        String condition = " WHERE " + dialect.quote(table.key().name()) + " = ?" + notSoftDeleted(table)
                + (guarded ? " AND " + dialect.quote(table.change().name()) + " = ?" : "");
        return table.softDelete() != null
                ? "UPDATE " + dialect.quote(table.name()) + " SET " + dialect.quote(table.softDelete().name()) + " = ?"
                        + (setOnWrite(table) == null ? "" : ", " + setOnWrite(table))
                        + condition
                : "DELETE FROM " + dialect.quote(table.name()) + condition;
    }

    private Set<String> existingKeys(Connection c, Table table, List<String> keys) throws SQLException {
        return versions(c, table, keys).keySet();
    }

    /** Current versions of the rows with these keys (soft-deleted rows included for keys, not versions). */
    private Map<String, String> versions(Connection c, Table table, List<String> keys) throws SQLException {
        Map<String, String> found = new java.util.HashMap<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = new ArrayList<>();
            for (String key : keys.subList(from, Math.min(keys.size(), from + 500))) {
                if (!table.key().integral() || key.matches("-?\\d{1,18}")) {
                    chunk.add(key);
                }
            }
            if (chunk.isEmpty()) {
                continue;
            }
            try (PreparedStatement select = c.prepareStatement("SELECT " + dialect.quote(table.key().name()) + ", "
                    + dialect.quote(table.change().name()) + " FROM " + dialect.quote(table.name()) + " WHERE "
                    + dialect.quote(table.key().name()) + " IN (" + String.join(",", chunk.stream().map(k -> "?").toList())
                    + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    Values.bindKey(select, i + 1, chunk.get(i), table.key());
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.put(rows.getString(1), version(rows, 2));
                    }
                }
            }
        }
        return found;
    }

    // ---- RangeCountOp

    @Override
    public long countRange(ObjectClass objectClass, long fromInclusive, long toExclusive) {
        Table table = table(objectClass);
        if (!table.key().integral()) {
            throw new UnsupportedOperationException("table " + table.name() + " has a non-numeric key; countRange needs numbers");
        }
        String key = dialect.quote(table.key().name());
        try (PreparedStatement count = connection().prepareStatement("SELECT count(*) FROM " + dialect.quote(table.name())
                + " WHERE " + key + " >= ? AND " + key + " < ?" + notSoftDeleted(table))) {
            count.setLong(1, fromInclusive);
            count.setLong(2, toExclusive);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw fail(e, "counting rows of " + table.name());
        }
    }

    // ---- SchemaOp, ClockOp

    @Override
    public Schema schema() {
        try {
            Connection c = connection();
            List<ObjectClassInfo> classes = new ArrayList<>();
            for (Table table : tables.values()) {
                List<FieldInfo> fields = new ArrayList<>();
                fields.add(new FieldInfo(table.key().name(), table.key().fieldType(), true, false, false));
                for (Tables.Column column : table.data()) {
                    fields.add(FieldInfo.of(column.name(), column.fieldType()));
                }
                classes.add(new ObjectClassInfo(table.objectClass(), fields, relations(c, table)));
            }
            return new Schema(classes);
        } catch (SQLException e) {
            throw fail(e, "reading the schema");
        }
    }

    private List<RelationInfo> relations(Connection c, Table table) throws SQLException {
        List<RelationInfo> relations = new ArrayList<>();
        try (ResultSet keys = c.getMetaData().getImportedKeys(dialect == Dialect.MARIADB ? c.getCatalog() : null,
                dialect == Dialect.POSTGRESQL ? c.getSchema() : null, table.name())) {
            while (keys.next()) {
                String target = keys.getString("PKTABLE_NAME");
                ObjectClass targetClass = tables.keySet().stream().filter(o -> o.name().equalsIgnoreCase(target))
                        .findFirst().orElse(null);
                if (targetClass != null) {
                    String field = keys.getString("FKCOLUMN_NAME");
                    String name = keys.getString("FK_NAME");
                    relations.add(new RelationInfo(name == null ? field : name, field, targetClass));
                }
            }
        }
        return relations;
    }

    @Override
    public Instant currentTime() {
        try {
            return databaseTime(connection());
        } catch (SQLException e) {
            throw fail(e, "reading the database's time");
        }
    }

    Instant databaseTime(Connection c) throws SQLException {
        try (Statement statement = c.createStatement(); ResultSet row = statement.executeQuery(dialect.selectNow())) {
            row.next();
            if (dialect == Dialect.SQLITE) {
                return Instant.parse(row.getString(1));
            }
            var meta = row.getMetaData();
            Object value = Values.read(row, 1, new Tables.Column("now", meta.getColumnType(1), meta.getColumnTypeName(1), dialect));
            return (Instant) value;
        }
    }

    /**
     * Installs change tracking for the tables named in {@code settings} (the connector's own
     * settings, validated as usual), without starting a connector.
     *
     * @return what was done, a line per table, for people
     */
    public static List<String> installChangeTracking(Map<String, ?> settings) {
        JdbcConnector connector = new JdbcConnector();
        connector.settings = JdbcSettings.from(connector.configDef().validate(settings));
        connector.dialect = connector.settings.dialect();
        connector.detection = detection(connector);
        try {
            List<String> lines = new ArrayList<>();
            for (ChangeTracking.Installed installed : ChangeTracking.install(connector.connection(), connector.settings)) {
                lines.add(installed.table() + ": " + String.join(", ", installed.steps()));
            }
            return lines;
        } catch (SQLException e) {
            throw connector.fail(e, "installing change tracking");
        } finally {
            connector.dispose();
        }
    }
}
