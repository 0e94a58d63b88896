package dev.tributary.app;

import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.config.ConfigKey;
import dev.tributary.connectors.jdbc.JdbcConnector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary connectors …}: the connector types the hub knows, and their tools. */
@Command(name = "connectors", mixinStandardHelpOptions = true,
        description = "List connector types and prepare external systems for them.",
        subcommands = {ConnectorsCommand.ListTypes.class, ConnectorsCommand.InstallTriggers.class})
final class ConnectorsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show every connector type with its settings, including the connectors of the ConnId",
                "bundles in the plugins directory, and the bundles that cannot be loaded with the reason."})
    static final class ListTypes implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        PluginOptions plugins;

        @Override
        public void run() {
            var out = spec.commandLine().getOut();
            plugins.apply();
            dev.tributary.engine.ConnectorRegistry registry = dev.tributary.engine.ConnectorRegistry.load();
            for (ConnectorProvider provider : registry.providers()) {
                out.println(provider.name() + " — " + provider.description());
                for (ConfigKey key : provider.create().configDef().keys()) {
                    String flags = (key.required() ? "required" : "optional") + ", " + key.type().name().toLowerCase()
                            + (key.secret() ? ", secret" : "")
                            + (key.defaultValue() != null ? ", default " + key.defaultValue() : "");
                    out.printf("    %-18s %s (%s)%n", key.name(), key.description(), flags);
                }
                out.println();
            }
            if (!registry.problems().isEmpty()) {
                out.println("Plug-ins that could not be loaded:");
                registry.problems().forEach(problem -> out.println("    " + problem));
            }
        }
    }

    @Command(name = "install-triggers", mixinStandardHelpOptions = true,
            description = {"Install change tracking for the JDBC connector on tables of a database:",
                "a change column kept by triggers, a tracking table for deletions and renames,",
                "and a shared counter. Safe to run again; existing rows get a change value."})
    static final class InstallTriggers implements Callable<Integer> {
        @Option(names = "--url", required = true, paramLabel = "<jdbc-url>", description = "The database's JDBC URL.")
        String url;

        @Option(names = "--tables", required = true, split = ",", paramLabel = "<table>",
                description = "Tables to track, comma-separated.")
        List<String> tables;

        @Option(names = "--user", paramLabel = "<user>", description = "Database user.")
        String user;

        @Option(names = "--password", interactive = true, arity = "0..1", paramLabel = "<password>",
                description = "Database password; give the option without a value to be asked for it.")
        String password;

        @Option(names = "--key-column", defaultValue = "id", description = "Primary-key column (default: ${DEFAULT-VALUE}).")
        String keyColumn;

        @Option(names = "--change-column", defaultValue = "tributary_change",
                description = "Change column to add (default: ${DEFAULT-VALUE}).")
        String changeColumn;

        @Option(names = "--deletion", defaultValue = "trackingTable",
                description = "trackingTable (a trigger records deletions), softDelete or none (default: ${DEFAULT-VALUE}).")
        String deletion;

        @Option(names = "--soft-delete-column", description = "Boolean column marking deleted rows, for --deletion softDelete.")
        String softDeleteColumn;

        @Option(names = "--counter", defaultValue = "default",
                description = "Counter name; tables sharing one are ordered together (default: ${DEFAULT-VALUE}).")
        String counter;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("url", url);
            settings.put("tables", String.join(",", tables));
            settings.put("keyColumn", keyColumn);
            settings.put("changeColumn", changeColumn);
            settings.put("deletion", deletion);
            settings.put("counter", counter);
            if (user != null) {
                settings.put("user", user);
            }
            if (password != null) {
                settings.put("password", password);
            }
            if (softDeleteColumn != null) {
                settings.put("softDeleteColumn", softDeleteColumn);
            }
            List<String> done = JdbcConnector.installChangeTracking(settings);
            done.forEach(line -> spec.commandLine().getOut().println("  " + line));
            spec.commandLine().getOut().println("Change tracking is installed on " + String.join(", ", tables)
                    + ". Endpoints can now use the jdbc connector on these tables.");
            return 0;
        }
    }
}
