package dev.tributary.app;

import dev.tributary.esa.kit.EsaServer;
import dev.tributary.esa.reference.SqliteEsa;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary esa …}: External System Adapter tools. */
@Command(name = "esa", mixinStandardHelpOptions = true,
        description = {"External System Adapter tools.", "",
            "An ESA is a small program next to an external system that answers the hub's calls",
            "over the ESA protocol (docs/esa.md); endpoints of type esa point at one."},
        subcommands = {EsaCommand.Reference.class})
final class EsaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "reference", mixinStandardHelpOptions = true,
            description = {"Run the reference ESA over a SQLite file until interrupted.", "",
                "Each --table becomes a structure (created if missing), e.g.",
                "  tributary esa reference --db crm.db --table 'people=name TEXT, age INTEGER' --port 8090",
                "then create an endpoint {\"connector\":\"esa\",\"config\":{\"url\":\"http://127.0.0.1:8090/esa\"}}."})
    static final class Reference implements Runnable {

        @Option(names = "--db", required = true, paramLabel = "<file>", description = "The SQLite file of the external system.")
        Path db;

        @Option(names = "--table", required = true, paramLabel = "<name=columns>",
                description = "A structure and its columns (besides id and modified_at); repeat for several.")
        List<String> tables;

        @Option(names = "--port", defaultValue = "8090", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--token", paramLabel = "<secret>", description = "Bearer token the hub must send.")
        String token;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Map<String, String> ddl = new LinkedHashMap<>();
            for (String table : tables) {
                int eq = table.indexOf('=');
                if (eq < 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--table takes name=columns, e.g. 'people=name TEXT, age INTEGER', not '" + table + "'");
                }
                ddl.put(table.substring(0, eq).strip(), table.substring(eq + 1).strip());
            }
            try {
                SqliteEsa esa = new SqliteEsa(db, ddl);
                EsaServer server = EsaServer.start(esa, port, EsaServer.Options.defaults().withToken(token));
                spec.commandLine().getOut().println("Reference ESA listening on " + server.uri() + " for "
                        + String.join(", ", ddl.keySet()) + ". Press Ctrl-C to stop.");
                spec.commandLine().getOut().flush();
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    stopped.countDown();
                }));
                stopped.await();
            } catch (java.sql.SQLException | java.io.IOException e) {
                throw new CommandLine.ExecutionException(spec.commandLine(), "cannot start the reference ESA: "
                        + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (dev.tributary.esa.EsaFault e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }
}
