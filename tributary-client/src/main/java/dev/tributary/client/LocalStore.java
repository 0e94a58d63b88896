package dev.tributary.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The device's copy: one SQLite file per app, one table per object, plus sync tokens, the
 * service definitions and the upload cache.
 *
 * <p>Implementation notes. Each row keeps the record as the app sees it ({@code data}), the last
 * version the hub confirmed ({@code base} and {@code etag}), a state — {@code synced}, or
 * pending as {@code created}, {@code updated} or {@code deleted} — and the sequence number of its
 * latest local change. A row included in an upload request carries the request's id until the
 * answer is applied, so it is never sent twice in different requests; if the app changes it
 * again meanwhile, its sequence number moves on, and applying the answer keeps the newer local
 * change (updating only the confirmed base). All methods are synchronized: one writer, and the
 * file stays consistent when the process dies.
 */
final class LocalStore implements AutoCloseable {

    /** One local record. */
    record Row(String id, ObjectNode data, ObjectNode base, String etag, String state, long seq, String request) {
        boolean pending() {
            return !state.equals("synced");
        }
    }

    private final Connection connection;

    LocalStore(Path file) {
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS services (name TEXT PRIMARY KEY, definition TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS tokens (service TEXT NOT NULL, object TEXT NOT NULL,"
                        + " token TEXT NOT NULL, PRIMARY KEY (service, object))");
                statement.execute("CREATE TABLE IF NOT EXISTS upload_cache (request_id TEXT PRIMARY KEY, service TEXT NOT NULL,"
                        + " body TEXT NOT NULL, parameters TEXT NOT NULL, created_at INTEGER NOT NULL)");
                statement.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', '0')");
            }
        } catch (SQLException | IOException e) {
            throw new OfflineException("cannot open the local store " + file + ": " + e.getMessage(), e, false);
        }
    }

    static String table(String service, String object) {
        return "\"o_" + service + "__" + object + "\"";
    }

    // ---- transactions

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** A transaction that is durable when it commits (local edits, upload requests about to be sent). */
    synchronized <T> T transaction(Work<T> work) {
        return transaction(work, true);
    }

    /**
     * A transaction that may be lost if the device loses power right after it commits, but never
     * out of order: the next durable commit makes it durable too (WAL). For what can be redone —
     * a downloaded page with its token, an applied upload answer (the request is resent and
     * answered from the hub's cache) — it saves a disk flush.
     */
    synchronized <T> T relaxedTransaction(Work<T> work) {
        return transaction(work, false);
    }

    private <T> T transaction(Work<T> work, boolean durable) {
        if (!durable) {
            pragma("PRAGMA synchronous = NORMAL");
        }
        try {
            return run(work);
        } finally {
            if (!durable) {
                pragma("PRAGMA synchronous = FULL");
            }
        }
    }

    private void pragma(String pragma) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(pragma);
        } catch (SQLException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    private <T> T run(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    /** Prepared statements by SQL, reused (a page of a download runs the same few thousands of times). */
    private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();

    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Closes the cached statements (before the schema changes, and at the end). */
    private void forgetStatements() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // closing a statement of a store we are done with
            }
        }
        statements.clear();
    }

    private int update(String sql, Object... values) throws SQLException {
        PreparedStatement statement = prepared(sql);
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
        return statement.executeUpdate();
    }

    // ---- services

    synchronized void saveService(String name, JsonNode definition) {
        transaction(() -> {
            update("INSERT INTO services (name, definition) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition",
                    name, definition.toString());
            forgetStatements();
            for (var objects = definition.path("objects").fieldNames(); objects.hasNext(); ) {
                String object = objects.next();
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + table(name, object) + " (id TEXT PRIMARY KEY,"
                            + " data TEXT, base TEXT, etag TEXT, state TEXT NOT NULL, seq INTEGER NOT NULL, request TEXT)");
                    // Pending rows, in the order they changed: a partial index keeps finding them cheap.
                    statement.execute("CREATE INDEX IF NOT EXISTS \"o_" + name + "__" + object + "_pending\" ON "
                            + table(name, object) + " (seq) WHERE state <> 'synced'");
                }
            }
            return null;
        });
    }

    synchronized Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name, definition FROM services ORDER BY name")) {
            while (rows.next()) {
                services.put(rows.getString(1), HubClient.JSON.readTree(rows.getString(2)));
            }
            return services;
        } catch (SQLException | IOException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    /** Removes every object table, token, cached upload and service definition. */
    synchronized void wipe() {
        Map<String, JsonNode> services = services();
        forgetStatements();
        transaction(() -> {
            try (Statement statement = connection.createStatement()) {
                for (Map.Entry<String, JsonNode> service : services.entrySet()) {
                    for (var objects = service.getValue().path("objects").fieldNames(); objects.hasNext(); ) {
                        statement.execute("DROP TABLE IF EXISTS " + table(service.getKey(), objects.next()));
                    }
                }
                statement.execute("DELETE FROM services");
                statement.execute("DELETE FROM tokens");
                statement.execute("DELETE FROM upload_cache");
            }
            return null;
        });
    }

    // ---- rows

    private long nextSeq() throws SQLException {
        update("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq'");
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT value FROM meta WHERE key = 'seq'")) {
            row.next();
            return Long.parseLong(row.getString(1));
        }
    }

    private static ObjectNode object(String json) {
        if (json == null) {
            return null;
        }
        try {
            return (ObjectNode) HubClient.JSON.readTree(json);
        } catch (IOException e) {
            throw new OfflineException("a local record is damaged: " + e.getMessage(), e, false);
        }
    }

    private static Row row(ResultSet rows) throws SQLException {
        return new Row(rows.getString(1), object(rows.getString(2)), object(rows.getString(3)), rows.getString(4),
                rows.getString(5), rows.getLong(6), rows.getString(7));
    }

    private static final String COLUMNS = "id, data, base, etag, state, seq, request";

    synchronized Optional<Row> row(String service, String object, String id) {
        try {
            PreparedStatement select = prepared("SELECT " + COLUMNS + " FROM " + table(service, object) + " WHERE id = ?");
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(row(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    /** Every row of an object holding a record (not pending deletions), in key order. */
    List<Row> liveRows(String service, String object) {
        return select(service, object, "data IS NOT NULL ORDER BY id");
    }

    /** An object's pending rows in the order they were changed; only those in no upload request when {@code unsent}. */
    List<Row> pendingRows(String service, String object, boolean unsent, int limit) {
        return select(service, object, "state <> 'synced'" + (unsent ? " AND request IS NULL" : "") + " ORDER BY seq LIMIT "
                + Math.max(0, limit));
    }

    private synchronized List<Row> select(String service, String object, String condition) {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table(service, object)
                + " WHERE " + condition)) {
            List<Row> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(row(rows));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    /** Records a local change: {@code data} null deletes. */
    void change(String service, String object, String id, ObjectNode data, String state) {
        transaction(() -> {
            Optional<Row> existing = row(service, object, id);
            long seq = nextSeq();
            if (existing.isEmpty()) {
                update("INSERT INTO " + table(service, object) + " (id, data, state, seq) VALUES (?, ?, ?, ?)",
                        id, data.toString(), state, seq);
            } else if (data == null && existing.get().base() == null && existing.get().request() == null) {
                // Created here and never sent: deleting it leaves nothing to upload.
                update("DELETE FROM " + table(service, object) + " WHERE id = ?", id);
            } else {
                // What the hub must be told: a record it has (a base) is updated or deleted; one it has not, created.
                String newState = data == null ? "deleted" : existing.get().base() != null ? "updated" : "created";
                update("UPDATE " + table(service, object) + " SET data = ?, state = ?, seq = ? WHERE id = ?",
                        data == null ? null : data.toString(), newState, seq, id);
            }
            return null;
        });
    }

    /** Restores rows to their confirmed state (all pending rows of the object when ids is null). */
    int rollback(String service, String object, List<String> ids) {
        return transaction(() -> {
            int count = 0;
            for (Row row : pendingRows(service, object, false, Integer.MAX_VALUE)) {
                if (ids != null && !ids.contains(row.id())) {
                    continue;
                }
                if (row.base() == null) {
                    update("DELETE FROM " + table(service, object) + " WHERE id = ?", row.id());
                } else {
                    update("UPDATE " + table(service, object) + " SET data = base, state = 'synced', request = NULL WHERE id = ?",
                            row.id());
                }
                count++;
            }
            return count;
        });
    }

    // ---- upload

    /** A cached upload request. */
    record CachedUpload(String requestId, String service, String body, Map<String, String> parameters) {
    }

    /** Stores a request before it is sent and marks its rows, in one transaction. */
    void cacheUpload(CachedUpload upload, Map<String, List<String>> idsByObject) {
        String parameters;
        try {
            parameters = HubClient.JSON.writeValueAsString(upload.parameters());
        } catch (IOException e) {
            throw new OfflineException("cannot write upload parameters", e, false);
        }
        transaction(() -> {
            update("INSERT INTO upload_cache (request_id, service, body, parameters, created_at) VALUES (?, ?, ?, ?, ?)",
                    upload.requestId(), upload.service(), upload.body(), parameters, System.currentTimeMillis());
            for (Map.Entry<String, List<String>> object : idsByObject.entrySet()) {
                for (String id : object.getValue()) {
                    update("UPDATE " + table(upload.service(), object.getKey()) + " SET request = ? WHERE id = ?",
                            upload.requestId(), id);
                }
            }
            return null;
        });
    }

    synchronized List<CachedUpload> cachedUploads(String service) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT request_id, service, body, parameters FROM upload_cache WHERE service = ? ORDER BY created_at, request_id")) {
            select.setString(1, service);
            List<CachedUpload> uploads = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<String, String> parameters = new LinkedHashMap<>();
                    HubClient.JSON.readTree(rows.getString(4)).fields()
                            .forEachRemaining(p -> parameters.put(p.getKey(), p.getValue().asText()));
                    uploads.add(new CachedUpload(rows.getString(1), rows.getString(2), rows.getString(3), parameters));
                }
            }
            return uploads;
        } catch (SQLException | IOException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    /** Runs {@code apply} and forgets the cached request in one transaction. */
    <T> T settleUpload(String requestId, Work<T> apply) {
        return relaxedTransaction(() -> {
            T result = apply.run();
            update("DELETE FROM upload_cache WHERE request_id = ?", requestId);
            return result;
        });
    }

    /**
     * The hub confirmed a row (created or updated): it becomes synced — unless the app changed it
     * again since it was sent, then the change stays pending over the confirmed base. A key the hub
     * assigned replaces the local one (in the row and in the key fields of a newer local change).
     */
    void confirm(String service, String object, String localId, String id, ObjectNode record, String etag, long sentSeq,
            List<String> keyFields) throws SQLException {
        Optional<Row> row = row(service, object, localId);
        boolean newer = row.isPresent() && row.get().seq() != sentSeq;
        if (!localId.equals(id)) {
            update("DELETE FROM " + table(service, object) + " WHERE id = ?", localId);
        }
        if (newer) {
            // Changed again since it was sent: the newer change stays pending, now based on the confirmed version.
            ObjectNode data = null;
            if (row.get().data() != null) {
                data = row.get().data().deepCopy();
                for (String field : keyFields) {
                    data.set(field, record.get(field));
                }
            }
            update("INSERT INTO " + table(service, object) + " (id, data, base, etag, state, seq) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET data = excluded.data, base = excluded.base, etag = excluded.etag,"
                    + " state = excluded.state, seq = excluded.seq, request = NULL",
                    id, data == null ? null : data.toString(), record.toString(), etag, data == null ? "deleted" : "updated",
                    row.get().seq());
        } else {
            update("INSERT INTO " + table(service, object) + " (id, data, base, etag, state, seq) VALUES (?, ?, ?, ?, 'synced', 0)"
                    + " ON CONFLICT (id) DO UPDATE SET data = excluded.data, base = excluded.base, etag = excluded.etag,"
                    + " state = 'synced', request = NULL", id, record.toString(), record.toString(), etag);
        }
    }

    /** The hub confirmed a deletion (or holds the record deleted): the row goes unless changed again. */
    void confirmDeleted(String service, String object, String id, long sentSeq) throws SQLException {
        Optional<Row> row = row(service, object, id);
        if (row.isPresent() && row.get().seq() != sentSeq && row.get().data() != null) {
            update("UPDATE " + table(service, object) + " SET base = NULL, etag = NULL, state = 'created', request = NULL"
                    + " WHERE id = ?", id);
        } else {
            update("DELETE FROM " + table(service, object) + " WHERE id = ?", id);
        }
    }

    /** The hub refused a change: the row returns to its confirmed state. */
    void refuse(String service, String object, String id) throws SQLException {
        Optional<Row> row = row(service, object, id);
        if (row.isEmpty()) {
            return;
        }
        if (row.get().base() == null) {
            update("DELETE FROM " + table(service, object) + " WHERE id = ?", id);
        } else {
            update("UPDATE " + table(service, object) + " SET data = base, state = 'synced', request = NULL WHERE id = ?", id);
        }
    }

    // ---- download

    /** Applies downloaded items: live records are stored; deleted ones removed, pending local changes kept. */
    void download(String service, String object, List<JsonNode> items) throws SQLException {
        java.util.Set<String> pending = new java.util.HashSet<>();
        try (ResultSet rows = prepared("SELECT id FROM " + table(service, object) + " WHERE state <> 'synced'").executeQuery()) {
            while (rows.next()) {
                pending.add(rows.getString(1));
            }
        }
        for (JsonNode item : items) {
            String id = item.path("id").asText();
            boolean deleted = item.path("deleted").asBoolean();
            if (pending.contains(id)) {
                // A local change waits for upload: keep it; the hub's version becomes the base it is checked against.
                update("UPDATE " + table(service, object) + " SET base = ?, etag = ? WHERE id = ?",
                        deleted ? null : item.get("data").toString(), deleted ? null : item.path("etag").asText(), id);
            } else if (deleted) {
                update("DELETE FROM " + table(service, object) + " WHERE id = ?", id);
            } else {
                String data = item.get("data").toString();
                update("INSERT INTO " + table(service, object) + " (id, data, base, etag, state, seq) VALUES (?, ?, ?, ?, 'synced', 0)"
                        + " ON CONFLICT (id) DO UPDATE SET data = excluded.data, base = excluded.base, etag = excluded.etag,"
                        + " state = 'synced', request = NULL", id, data, data, item.path("etag").asText());
            }
        }
    }

    /** Removes an object's synced rows (pending ones stay) and its token, before a full download. */
    void forgetSynced(String service, String object) {
        transaction(() -> {
            update("DELETE FROM " + table(service, object) + " WHERE state = 'synced' AND request IS NULL");
            update("DELETE FROM tokens WHERE service = ? AND object = ?", service, object);
            return null;
        });
    }

    synchronized String token(String service, String object) {
        try (PreparedStatement select = connection.prepareStatement("SELECT token FROM tokens WHERE service = ? AND object = ?")) {
            select.setString(1, service);
            select.setString(2, object);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new OfflineException("the local store failed: " + e.getMessage(), e, false);
        }
    }

    void setToken(String service, String object, String token) throws SQLException {
        update("INSERT INTO tokens (service, object, token) VALUES (?, ?, ?) ON CONFLICT (service, object)"
                + " DO UPDATE SET token = excluded.token", service, object, token);
    }

    @Override
    public synchronized void close() {
        forgetStatements();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new OfflineException("closing the local store failed: " + e.getMessage(), e, false);
        }
    }
}
