package dev.tributary.connectors.connid;

import dev.tributary.connector.Connector;
import dev.tributary.connector.ConnectorProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.identityconnectors.framework.api.ConnectorInfo;

/**
 * Hosts ConnId/OpenICF connector bundles: every connector in the jars of the plugins directory
 * becomes a connector type, {@code connid:<name>} — {@code connid:DatabaseTable},
 * {@code connid:CSVDir} — whose settings are the bundle's configuration properties.
 *
 * <p>The plugins directory is the system property {@code tributary.plugins}, else the environment
 * variable {@code TRIBUTARY_PLUGINS}, else {@code plugins} in the working directory.
 */
public final class ConnIdConnectorProvider implements ConnectorProvider {

    /** The prefix of the connector types this provider offers. */
    public static final String PREFIX = "connid:";

    private final Path directory;

    public ConnIdConnectorProvider() {
        this(pluginsDirectory());
    }

    ConnIdConnectorProvider(Path directory) {
        this.directory = directory;
    }

    /** Where bundles are looked for. */
    public static Path pluginsDirectory() {
        String configured = System.getProperty("tributary.plugins");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("TRIBUTARY_PLUGINS");
        }
        return Path.of(configured == null || configured.isBlank() ? "plugins" : configured);
    }

    @Override
    public String name() {
        return "connid";
    }

    @Override
    public String description() {
        return "ConnId/OpenICF connector bundles from " + directory;
    }

    @Override
    public Connector create() {
        throw new UnsupportedOperationException("use one of the connid:<name> types, one per connector found in "
                + directory);
    }

    @Override
    public List<ConnectorProvider> types() {
        List<ConnectorInfo> found = ConnIdBundles.scan(directory).connectors();
        Map<String, Integer> names = new HashMap<>();
        found.forEach(info -> names.merge(shortName(info), 1, Integer::sum));
        List<ConnectorProvider> types = new ArrayList<>();
        for (ConnectorInfo info : found) {
            String name = shortName(info);
            // Two versions of one connector: name each by its version too.
            String type = PREFIX + name + (names.get(name) > 1 ? "@" + info.getConnectorKey().getBundleVersion() : "");
            types.add(new Type(type, info));
        }
        return types;
    }

    @Override
    public List<String> problems() {
        return ConnIdBundles.scan(directory).problems();
    }

    /** {@code DatabaseTable} for {@code net.tirasa.connid.bundles.db.table.DatabaseTableConnector}. */
    static String shortName(ConnectorInfo info) {
        String connector = info.getConnectorKey().getConnectorName();
        String simple = connector.substring(connector.lastIndexOf('.') + 1);
        return simple.endsWith("Connector") && simple.length() > "Connector".length()
                ? simple.substring(0, simple.length() - "Connector".length()) : simple;
    }

    /** One connector of a bundle, as a connector type. */
    private record Type(String name, ConnectorInfo info) implements ConnectorProvider {
        @Override
        public String description() {
            return info.getConnectorDisplayName() + " — ConnId bundle " + info.getConnectorKey().getBundleName() + " "
                    + info.getConnectorKey().getBundleVersion();
        }

        @Override
        public Connector create() {
            return new ConnIdConnector(info);
        }
    }
}
