package dev.tributary.bench;

import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.OperationOptions;
import dev.tributary.connector.runtime.GuardedConnector;
import dev.tributary.connectors.connid.ConnIdConnectorProvider;
import dev.tributary.connectors.jdbc.JdbcConnector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ConnId bridge's overhead (issue "ConnId", benchmark): a full sync of one PostgreSQL table
 * through ConnId's DatabaseTable connector, bridged, against Tributary's own JDBC connector on the
 * same table, and against DatabaseTable through ConnId's own facade without the bridge; after one
 * warm-up round, in alternating order. The table carries both change columns.
 */
@Command(name = "connid", mixinStandardHelpOptions = true,
        description = "Full sync through the bridged ConnId DatabaseTable connector vs the JDBC connector (PostgreSQL).")
final class ConnIdBenchmark implements Callable<Integer> {

    @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            description = "PostgreSQL database; a fresh schema is created and dropped (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--plugins-dir", defaultValue = "tributary-connectors/connid/target/bundles",
            description = "Directory holding the DatabaseTable bundle, net.tirasa.connid.bundles.db 2.3.0 (default: ${DEFAULT-VALUE}).")
    Path plugins;

    @Option(names = "--rows", defaultValue = "100000", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pairs", defaultValue = "5", description = "A/B pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        System.setProperty("tributary.plugins", plugins.toString());
        ConnectorProvider databaseTable = new ConnIdConnectorProvider().types().stream()
                .filter(t -> t.name().equals("connid:DatabaseTable")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no DatabaseTable connector in " + plugins
                        + "; build the project first, or give --plugins-dir"));
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Connection admin = DriverManager.getConnection(postgres); Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        try {
            Map<String, Object> jdbcSettings = Map.of("url", url, "tables", "people", "batchSize", "5000");
            try (Connection sql = DriverManager.getConnection(url); Statement statement = sql.createStatement()) {
                statement.execute("CREATE SEQUENCE people_changes");
                statement.execute("CREATE TABLE people (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), email VARCHAR(200),"
                        + " age INTEGER, changelog BIGINT NOT NULL DEFAULT 0)");
                statement.execute("CREATE FUNCTION people_touch() RETURNS trigger AS $$ BEGIN NEW.changelog :="
                        + " nextval('people_changes'); RETURN NEW; END $$ LANGUAGE plpgsql");
                statement.execute("CREATE TRIGGER people_touch BEFORE INSERT OR UPDATE ON people FOR EACH ROW"
                        + " EXECUTE FUNCTION people_touch()");
                JdbcConnector.installChangeTracking(jdbcSettings);
                statement.execute("INSERT INTO people (id, name, email, age) SELECT 'p' || g, 'Person ' || g,"
                        + " 'p' || g || '@example.com', 20 + g % 60 FROM generate_series(1, " + rows + ") g");
                statement.execute("ANALYZE people");
            }
            Map<String, Object> bridged = new LinkedHashMap<>();
            bridged.put("jdbcDriver", "org.postgresql.Driver");
            bridged.put("jdbcUrlTemplate", url);
            bridged.put("user", "postgres");
            bridged.put("password", "unused");
            bridged.put("table", "people");
            bridged.put("keyColumn", "id");
            bridged.put("changeLogColumn", "changelog");
            Stats ours = new Stats();
            Stats theirs = new Stats();
            Stats direct = new Stats();
            Stats ratio = new Stats();
            Stats bridgeCost = new Stats();
            org.identityconnectors.framework.api.ConnectorFacade facade = facade(bridged);
            try (GuardedConnector jdbc = GuardedConnector.open(new JdbcConnector(), jdbcSettings);
                    GuardedConnector connid = GuardedConnector.open(databaseTable.create(), bridged)) {
                // One unmeasured round warms the JIT, the connection pools and the database's cache.
                fullSync(jdbc, new ObjectClass("people"));
                facadeSync(facade);
                fullSync(connid, new ObjectClass("__ACCOUNT__"));
                for (int pair = 0; pair < pairs; pair++) {
                    // The order alternates, so no subject always runs first or last.
                    double baseline;
                    double unbridged;
                    double subject;
                    if (pair % 2 == 0) {
                        baseline = fullSync(jdbc, new ObjectClass("people"));
                        unbridged = facadeSync(facade);
                        subject = fullSync(connid, new ObjectClass("__ACCOUNT__"));
                    } else {
                        subject = fullSync(connid, new ObjectClass("__ACCOUNT__"));
                        unbridged = facadeSync(facade);
                        baseline = fullSync(jdbc, new ObjectClass("people"));
                    }
                    ours.add(baseline);
                    direct.add(unbridged);
                    theirs.add(subject);
                    ratio.add(baseline / subject);
                    bridgeCost.add(unbridged / subject);
                }
            }
            ChangeFeedBenchmark.line("rows: %,d", rows);
            ChangeFeedBenchmark.line("(a) ConnId DatabaseTable through the bridge, full sync: %s", theirs.format("rows/s"));
            ChangeFeedBenchmark.line("(b) baseline, Tributary's JDBC connector, full sync: %s", ours.format("rows/s"));
            ChangeFeedBenchmark.line("    (b)/(a) per pair: %s", ratio.formatRatio());
            ChangeFeedBenchmark.line("(c) DatabaseTable through ConnId's own facade, no bridge: %s", direct.format("rows/s"));
            ChangeFeedBenchmark.line("    (c)/(a), the bridge's own cost, per pair: %s", bridgeCost.formatRatio());
        } finally {
            try (Connection admin = DriverManager.getConnection(postgres); Statement statement = admin.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        return 0;
    }

    /** DatabaseTable's facade, configured like the bridged one, straight from the framework. */
    private org.identityconnectors.framework.api.ConnectorFacade facade(Map<String, Object> settings) throws Exception {
        java.util.List<java.net.URL> jars = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(plugins)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().startsWith("net.tirasa.connid.bundles.db")).toList()) {
                jars.add(jar.toUri().toURL());
            }
        }
        var info = org.identityconnectors.framework.api.ConnectorInfoManagerFactory.getInstance()
                .getLocalManager(jars.toArray(java.net.URL[]::new)).getConnectorInfos().stream()
                .filter(i -> i.getConnectorKey().getConnectorName().endsWith("DatabaseTableConnector")).findFirst().orElseThrow();
        var api = info.createDefaultAPIConfiguration();
        var properties = api.getConfigurationProperties();
        settings.forEach((name, value) -> properties.setPropertyValue(name, name.equals("password")
                ? new org.identityconnectors.common.security.GuardedString(value.toString().toCharArray()) : value));
        return org.identityconnectors.framework.api.ConnectorFacadeFactory.getInstance().newInstance(api);
    }

    private double facadeSync(org.identityconnectors.framework.api.ConnectorFacade facade) {
        long start = System.nanoTime();
        AtomicLong count = new AtomicLong();
        facade.sync(org.identityconnectors.framework.common.objects.ObjectClass.ACCOUNT, null, delta -> {
            count.incrementAndGet();
            return true;
        }, new org.identityconnectors.framework.common.objects.OperationOptionsBuilder().setPageSize(5000).build());
        if (count.get() != rows) {
            throw new IllegalStateException("facade: read " + count.get() + " rows, not " + rows);
        }
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }

    private double fullSync(GuardedConnector connector, ObjectClass objectClass) {
        long start = System.nanoTime();
        AtomicLong count = new AtomicLong();
        connector.sync(objectClass, null, delta -> {
            count.incrementAndGet();
            return true;
        }, OperationOptions.DEFAULTS.withPageSize(5000));
        if (count.get() != rows) {
            throw new IllegalStateException(objectClass + ": read " + count.get() + " rows, not " + rows);
        }
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }
}
