package dev.tributary.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tributary} command. */
@Command(name = "tributary",
        mixinStandardHelpOptions = true,
        versionProvider = TributaryCommand.Version.class,
        description = {
            "Tributary keeps records consistent across systems: a versioned record",
            "store with a change log at the center, synced over HTTP.",
            "",
            "Start here:  tributary demo    a hub on a fresh store, showing a sync",
            "             tributary serve   the hub on ./tributary-data"},
        subcommands = {ServeCommand.class, DemoCommand.class, TokenCommand.class, StoreCommand.class, SecretsCommand.class,
            SyncCommand.class, NodesCommand.class,
            ConnectorsCommand.class, EsaCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Run 'tributary help <command>' for a command's options."})
public final class TributaryCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Tributary's error handling: messages, not stack traces. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new TributaryCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + Errors.describe(e)));
            return 1;
        });
        return commandLine;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TributaryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"tributary " + (version == null ? "(development build)" : version)};
        }
    }
}
