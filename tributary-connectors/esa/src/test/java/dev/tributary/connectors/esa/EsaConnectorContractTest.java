package dev.tributary.connectors.esa;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import dev.tributary.connector.testkit.ConnectorContractTest;
import dev.tributary.connector.testkit.ConnectorFixture;
import dev.tributary.esa.kit.EsaServer;
import dev.tributary.esa.reference.SqliteEsa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The connector contract kit against the reference ESA, over HTTP. */
class EsaConnectorContractTest extends ConnectorContractTest {

    @Override
    protected ConnectorFixture createFixture() throws Exception {
        return new Fixture();
    }

    static final class Fixture implements ConnectorFixture {
        final Path dir;
        final SqliteEsa esa;
        final EsaServer server;

        Fixture() throws Exception {
            dir = Files.createTempDirectory("tributary-esa-");
            esa = new SqliteEsa(dir.resolve("external.db"), Map.of("items", "name TEXT, count INTEGER, active BOOLEAN",
                    "others", "title TEXT"));
            // Small inline limit and pages, so the kit's syncs and searches also go through cursors.
            server = EsaServer.start(esa, 0, EsaServer.Options.defaults().withToken("t0ken").withPaging(3, 2));
        }

        @Override
        public Connector newConnector() {
            return new EsaConnector();
        }

        @Override
        public Map<String, Object> settings() {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("url", server.uri().toString());
            settings.put("token", "t0ken");
            settings.put("delayedPollInterval", "PT0.01S");
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
            return new Uid(esa.put("items", null, fields));
        }

        @Override
        public void updateExternally(Uid uid, Map<String, Object> fields) {
            esa.put("items", uid.value(), fields);
        }

        @Override
        public void deleteExternally(Uid uid) {
            esa.remove("items", uid.value());
        }

        @Override
        public boolean distinguishesCreatesFromUpdates() {
            return false;
        }

        @Override
        public Map<String, Object> invalidSettings() {
            return Map.of("url", "ftp://nowhere", "timeout", "soon", "delayedPollLimit", "0");
        }

        @Override
        public Set<String> invalidSettingNames() {
            return Set.of("url", "timeout", "delayedPollLimit");
        }

        @Override
        public void close() throws Exception {
            server.close();
            esa.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
