package dev.tributary.app;

import dev.tributary.store.CollectionInfo;
import dev.tributary.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary store …}: look at and maintain the hub's store. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Inspect and maintain the hub's store.",
        subcommands = {StoreCommand.Info.class, StoreCommand.RotateEpoch.class})
final class StoreCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show the store's kind, epoch, change-log head and collections.")
    static final class Info implements Runnable {
        @Mixin
        StoreOptions store;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            var out = spec.commandLine().getOut();
            try (Store opened = store.open()) {
                out.println("store:            " + store.describe());
                out.println("epoch:            " + opened.epoch());
                out.println("change-log head:  " + opened.changeLog().highestHead() + " (highest of any collection)");
                out.println("collections:");
                java.util.Map<String, Long> heads = opened.changeLog().heads();
                for (CollectionInfo collection : opened.collections().list()) {
                    out.printf("  %-24s head %d, retention %d days, horizon %d%n", collection.name(),
                            heads.getOrDefault(collection.name(), 0L), collection.retention().toDays(), collection.horizon());
                }
            }
        }
    }

    @Command(name = "rotate-epoch", mixinStandardHelpOptions = true,
            description = {"Give the store a new epoch and token key, so every client must run a full sync.", "",
                "Run it after restoring a backup, with the hub stopped: clients that synced",
                "after the backup was taken hold change-log positions that the restored store",
                "would hand out again."})
    static final class RotateEpoch implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--yes", description = "Really do it.")
        boolean yes;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!yes) {
                spec.commandLine().getErr().println("This makes every sync token of " + store.describe()
                        + " invalid (410 fullSyncRequired). Run again with --yes to do it.");
                return 1;
            }
            String epoch = Store.rotateEpoch(store.config());
            spec.commandLine().getOut().println("New store epoch " + epoch
                    + ". Every client will run a full sync on its next sync.");
            return 0;
        }
    }
}
