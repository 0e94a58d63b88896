package dev.tributary.engine;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.runtime.GuardedConnector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The connector types the hub knows, found through {@link ServiceLoader}. */
public final class ConnectorRegistry {

    private final Map<String, ConnectorProvider> providers = new LinkedHashMap<>();

    /** The providers on the class path. */
    public static ConnectorRegistry load() {
        ConnectorRegistry registry = new ConnectorRegistry();
        for (ConnectorProvider provider : ServiceLoader.load(ConnectorProvider.class)) {
            registry.providers.put(provider.name(), provider);
        }
        return registry;
    }

    public List<String> names() {
        return List.copyOf(providers.keySet());
    }

    public Optional<ConnectorProvider> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** A connector of this type, not yet initialized (to look at its settings and capabilities). */
    public Connector prototype(String type) {
        return provider(type).orElseThrow(() -> new NotFoundException("no connector type '" + type + "'; known: "
                + String.join(", ", names()))).create();
    }

    /** A connector of this type, initialized with {@code settings}, behind the runtime guard. */
    public GuardedConnector open(String type, Map<String, Object> settings) {
        return GuardedConnector.open(prototype(type), settings);
    }
}
