package dev.tributary.connectors.connidbundle;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import dev.tributary.connector.testkit.ConnectorContractTest;
import dev.tributary.connector.testkit.ConnectorFixture;
import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.connectors.connid.ConnIdConnectorProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Both bridges at once: the hub's ConnId host loads this bundle from a plugins directory as the
 * connector type {@code connid:TributaryJdbc}, and Tributary's own connector contract kit runs
 * against it. Every call crosses our SPI, ConnId's facade, the adapter and our SPI again, so the
 * kit's checks (exactly one delta per change, deletions, versions as revisions, paging, tokens)
 * hold only if both mappings lose nothing.
 */
class BundleRoundTripContractIT extends ConnectorContractTest {

    @Override
    protected ConnectorFixture createFixture() throws Exception {
        return new Fixture();
    }

    private static final class Fixture implements ConnectorFixture {
        private final ExternalDatabases.Scratch db = ExternalDatabases.postgresSchema();
        private final Path plugins;
        private final AtomicInteger next = new AtomicInteger();

        Fixture() throws IOException, SQLException {
            plugins = Files.createTempDirectory("tributary-plugins-");
            Path bundle = Path.of(System.getProperty("bundleJar"));
            Files.copy(bundle, plugins.resolve(bundle.getFileName()));
            try (Connection connection = DriverManager.getConnection(db.jdbcUrl());
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), count INTEGER,"
                        + " active BOOLEAN)");
            }
        }

        @Override
        public Connector newConnector() {
            System.setProperty("tributary.plugins", plugins.toString());
            try {
                ConnectorProvider type = new ConnIdConnectorProvider().types().stream()
                        .filter(t -> t.name().equals("connid:TributaryJdbc")).findFirst()
                        .orElseThrow(() -> new AssertionError("the hub's ConnId host does not offer the bundle"));
                return type.create();
            } finally {
                System.clearProperty("tributary.plugins");
            }
        }

        @Override
        public Map<String, Object> settings() {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("url", db.jdbcUrl());
            settings.put("tables", "items");
            settings.put("keyGeneration", "uuid");
            settings.put("installTriggers", "true");
            settings.put("reportRevisions", "true");
            return settings;
        }

        @Override
        public ObjectClass objectClass() {
            return new ObjectClass("items");
        }

        @Override
        public Map<String, Object> fields(int n) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", "item " + n);
            fields.put("count", (long) n);
            fields.put("active", n % 2 == 0);
            return fields;
        }

        @Override
        public Uid createExternally(Map<String, Object> fields) {
            String id = "x" + next.incrementAndGet();
            execute("INSERT INTO items (id, name, count, active) VALUES (?, ?, ?, ?)", id, fields.get("name"),
                    fields.get("count"), fields.get("active"));
            return new Uid(id);
        }

        @Override
        public void updateExternally(Uid uid, Map<String, Object> fields) {
            execute("UPDATE items SET name = ?, count = ?, active = ? WHERE id = ?", fields.get("name"), fields.get("count"),
                    fields.get("active"), uid.value());
        }

        @Override
        public void deleteExternally(Uid uid) {
            execute("DELETE FROM items WHERE id = ?", uid.value());
        }

        @Override
        public Optional<Uid> renameExternally(Uid uid, String newUid) {
            execute("UPDATE items SET id = ? WHERE id = ?", newUid, uid.value());
            return Optional.of(new Uid(newUid));
        }

        @Override
        public boolean distinguishesCreatesFromUpdates() {
            return false;
        }

        @Override
        public Map<String, Object> invalidSettings() {
            Map<String, Object> settings = new LinkedHashMap<>(settings());
            settings.put("batchSize", "lots");
            settings.put("tabels", "items");
            return settings;
        }

        @Override
        public Set<String> invalidSettingNames() {
            return Set.of("batchSize", "tabels");
        }

        private void execute(String sql, Object... values) {
            try (Connection connection = DriverManager.getConnection(db.jdbcUrl());
                    PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                statement.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            db.close();
            try (var files = Files.walk(plugins)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
