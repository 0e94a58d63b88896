package dev.tributary.app;

import dev.tributary.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary secrets …}: the key that seals the credentials in the store. */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = {"Manage the key that seals the credentials the store keeps (endpoint settings,",
            "SData links' tokens, ESA parameters) with AES-256-GCM."},
        subcommands = {SecretsCommand.RotateKey.class})
final class SecretsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = {"Seal every stored credential under a new key, with the hub stopped.", "",
                "With a key file, the new key replaces it (the old one is kept as <file>.previous);",
                "with TRIBUTARY_SECRET_KEY, the new key is printed: set it before starting the hub."})
    static final class RotateKey implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--yes", description = "Really do it.")
        boolean yes;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!yes) {
                spec.commandLine().getErr().println("This re-seals the credentials of " + store.describe()
                        + " under a new key; stop every hub using the store first. Run again with --yes to do it.");
                return 1;
            }
            String printed = Store.rotateSecretKey(store.config());
            if (printed != null) {
                spec.commandLine().getOut().println("The credentials are sealed under a new key. Set it before starting"
                        + " the hub:\n  TRIBUTARY_SECRET_KEY=" + printed);
            } else {
                spec.commandLine().getOut().println("The credentials are sealed under a new key, in "
                        + store.config().keyFile().toAbsolutePath() + " (the old key is in "
                        + store.config().keyFile().getFileName() + ".previous; delete it once backups no longer need it).");
            }
            return 0;
        }
    }
}
