package dev.tributary.connectors.memory;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.Uid;
import dev.tributary.connector.testkit.ConnectorFixture;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A fresh memory system per test. */
final class MemoryFixture implements ConnectorFixture {

    private static final ObjectClass ITEMS = new ObjectClass("items");
    private final String name = "kit-" + UUID.randomUUID();
    private final MemoryBackend backend = MemoryBackend.named(name);

    @Override
    public Connector newConnector() {
        return new MemoryConnector();
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("backend", name, "objectClasses", "items,others");
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
        return backend.create(ITEMS, null, fields).uid();
    }

    @Override
    public void updateExternally(Uid uid, Map<String, Object> fields) {
        backend.update(ITEMS, uid, null, fields);
    }

    @Override
    public void deleteExternally(Uid uid) {
        backend.delete(ITEMS, uid, null);
    }

    @Override
    public Optional<Uid> renameExternally(Uid uid, String newUid) {
        return Optional.of(backend.rename(ITEMS, uid, newUid).uid());
    }

    @Override
    public Map<String, Object> invalidSettings() {
        return Map.of("objectClasses", "good,bad name", "clockOffset", "soon", "colour", "blue");
    }

    @Override
    public Set<String> invalidSettingNames() {
        return Set.of("backend", "objectClasses", "clockOffset", "colour");
    }

    @Override
    public void close() {
        MemoryBackend.drop(name);
    }
}
