package dev.tributary.connectors.jdbc;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import dev.tributary.connector.testkit.ConnectorFixture;
import dev.tributary.connector.testkit.ExternalDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh database with two tables, {@code items} and {@code others}, changed "externally" with
 * plain SQL the way an application would.
 */
final class JdbcFixture implements ConnectorFixture {

    private static final ObjectClass ITEMS = new ObjectClass("items");

    final String url;
    private final AutoCloseable cleanup;
    private final Connection sql;
    private final AtomicInteger ids = new AtomicInteger();

    private JdbcFixture(String url, AutoCloseable cleanup, String booleanType) throws SQLException {
        this.url = url;
        this.cleanup = cleanup;
        this.sql = DriverManager.getConnection(url);
        try (Statement statement = sql.createStatement()) {
            for (String table : List.of("items", "others")) {
                statement.execute("CREATE TABLE " + table + " (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), count INTEGER, "
                        + "active " + booleanType + ")");
            }
        }
    }

    static JdbcFixture postgres() throws SQLException {
        ExternalDatabases.Scratch schema = ExternalDatabases.postgresSchema();
        return new JdbcFixture(schema.jdbcUrl(), schema, "BOOLEAN");
    }

    static JdbcFixture mariadb() throws SQLException {
        ExternalDatabases.Scratch database = ExternalDatabases.mariadbDatabase();
        return new JdbcFixture(database.jdbcUrl(), database, "BOOLEAN");
    }

    static JdbcFixture sqlite() throws Exception {
        Path dir = Files.createTempDirectory("tributary-jdbc-");
        return new JdbcFixture("jdbc:sqlite:" + dir.resolve("external.db"), () -> {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }, "BOOLEAN");
    }

    /** Plain SQL on the fixture's own connection (auto-commit). */
    Connection sql() {
        return sql;
    }

    @Override
    public Connector newConnector() {
        return new JdbcConnector();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("url", url);
        settings.put("tables", "items,others");
        settings.put("keyGeneration", "uuid");
        settings.put("installTriggers", "true");
        settings.put("batchSize", "7");
        return settings;
    }

    @Override
    public ObjectClass objectClass() {
        return ITEMS;
    }

    @Override
    public Map<String, Object> fields(int n) {
        return Map.of("name", "item " + n, "count", n, "active", n % 2 == 0);
    }

    @Override
    public Uid createExternally(Map<String, Object> fields) {
        String id = "u" + ids.incrementAndGet();
        List<String> names = new ArrayList<>(fields.keySet());
        String statement = "INSERT INTO items (id, " + String.join(", ", names) + ") VALUES (?"
                + ", ?".repeat(names.size()) + ")";
        run(statement, id, names.stream().map(fields::get).toArray());
        return new Uid(id);
    }

    @Override
    public void updateExternally(Uid uid, Map<String, Object> fields) {
        List<String> names = new ArrayList<>(fields.keySet());
        String statement = "UPDATE items SET " + String.join(", ", names.stream().map(n -> n + " = ?").toList())
                + " WHERE id = ?";
        Object[] values = new Object[names.size() + 1];
        for (int i = 0; i < names.size(); i++) {
            values[i] = fields.get(names.get(i));
        }
        values[names.size()] = uid.value();
        run(statement, null, values);
    }

    @Override
    public void deleteExternally(Uid uid) {
        run("DELETE FROM items WHERE id = ?", null, uid.value());
    }

    @Override
    public Optional<Uid> renameExternally(Uid uid, String newUid) {
        run("UPDATE items SET id = ? WHERE id = ?", null, newUid, uid.value());
        return Optional.of(new Uid(newUid));
    }

    @Override
    public boolean distinguishesCreatesFromUpdates() {
        return false;
    }

    @Override
    public Map<String, Object> invalidSettings() {
        return Map.of("url", "jdbc:oracle:thin:@x", "batchSize", "0", "deletion", "sometimes",
                "keyColumn", "1bad", "changeDetection", "timestamp", "installTriggers", "true");
    }

    @Override
    public Set<String> invalidSettingNames() {
        return Set.of("url", "batchSize", "deletion", "keyColumn", "tables", "installTriggers");
    }

    private void run(String statement, Object first, Object... rest) {
        try (PreparedStatement prepared = sql.prepareStatement(statement)) {
            int p = 1;
            if (first != null) {
                prepared.setObject(p++, first);
            }
            for (Object value : rest) {
                prepared.setObject(p++, value);
            }
            prepared.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        sql.close();
        cleanup.close();
    }
}
