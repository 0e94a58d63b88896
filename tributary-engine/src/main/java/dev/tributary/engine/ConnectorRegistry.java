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
    private final List<String> problems = new java.util.ArrayList<>();

    /** The providers on the class path, with the types each offers (plug-in hosts offer several). */
    public static ConnectorRegistry load() {
        ConnectorRegistry registry = new ConnectorRegistry();
        for (ConnectorProvider provider : ServiceLoader.load(ConnectorProvider.class)) {
            for (ConnectorProvider type : provider.types()) {
                registry.providers.put(type.name(), type);
            }
            registry.problems.addAll(provider.problems());
        }
        return registry;
    }

    /** Every connector type, in the order found. */
    public List<ConnectorProvider> providers() {
        return List.copyOf(providers.values());
    }

    /** Plug-ins that were found but could not be offered, each with the reason. */
    public List<String> problems() {
        return List.copyOf(problems);
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
