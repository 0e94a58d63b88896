package dev.tributary.connectors.connidbundle;

import dev.tributary.connector.Connector;
import dev.tributary.connectors.jdbc.JdbcConnectorProvider;
import java.sql.Driver;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.identityconnectors.framework.spi.ConnectorClass;

/**
 * Tributary's JDBC connector (PostgreSQL, MariaDB, SQLite; trigger-kept change log, deletions from
 * a tracking table) as a ConnId connector.
 */
@ConnectorClass(configurationClass = TributaryJdbcConfiguration.class, displayNameKey = "connector.display",
        categoryKey = "connector.category")
public class TributaryJdbcConnector extends SpiConnectorAdapter<TributaryJdbcConfiguration> {

    static {
        // Drivers inside the bundle are invisible to DriverManager's own discovery, which uses the
        // host's class path; loading them here registers them from the bundle's class loader, the
        // one DriverManager checks against when the connector asks for a connection.
        for (Driver ignored : ServiceLoader.load(Driver.class, TributaryJdbcConnector.class.getClassLoader())) {
            // loading the class is enough
        }
    }

    @Override
    protected Connector newConnector() {
        return new JdbcConnectorProvider().create();
    }

    @Override
    protected Map<String, Object> settings(TributaryJdbcConfiguration configuration) {
        return configuration.settings();
    }

    @Override
    protected Set<String> hiddenFields(TributaryJdbcConfiguration configuration) {
        return Set.of(configuration.effectiveKeyColumn());
    }

    @Override
    protected boolean revisions(TributaryJdbcConfiguration configuration) {
        return Boolean.TRUE.equals(configuration.getReportRevisions());
    }
}
