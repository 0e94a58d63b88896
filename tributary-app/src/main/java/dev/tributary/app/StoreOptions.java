package dev.tributary.app;

import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** Where the hub's store is: the options shared by every command that opens it. */
final class StoreOptions {

    @Option(names = "--data-dir", paramLabel = "<dir>", defaultValue = "${env:TRIBUTARY_DATA_DIR:-tributary-data}",
            description = "Directory of the embedded SQLite store (default: ${DEFAULT-VALUE}; env TRIBUTARY_DATA_DIR).")
    Path dataDir;

    @Option(names = "--store", paramLabel = "<jdbc-url>", defaultValue = "${env:TRIBUTARY_STORE}",
            description = {"Use this store instead of the embedded one, e.g.",
                "jdbc:postgresql://localhost:5432/tributary?user=tributary (env TRIBUTARY_STORE)."})
    String storeUrl;

    @Option(names = "--secret-key-file", paramLabel = "<file>", defaultValue = "${env:TRIBUTARY_SECRET_KEY_FILE}",
            description = {"The key that seals stored credentials (created, mode 0600, on first start). Default:",
                "secret.key in the data directory, or ~/.tributary/secret.key with --store; the",
                "environment variable TRIBUTARY_SECRET_KEY (base64) replaces the file."})
    Path secretKeyFile;

    StoreConfig config() {
        StoreConfig config = storeUrl == null || storeUrl.isBlank() ? StoreConfig.sqlite(dataDir) : StoreConfig.of(storeUrl);
        return secretKeyFile == null ? config : config.withSecretKeyFile(secretKeyFile);
    }

    /** A description of the store for people, without secrets. */
    String describe() {
        StoreConfig config = config();
        return storeUrl == null || storeUrl.isBlank()
                ? "sqlite, " + dataDir.resolve(StoreConfig.SQLITE_FILE)
                : config.kind().label() + ", " + config.redactedUrl();
    }

    Store open() {
        return Store.open(config(), Clock.systemUTC());
    }
}
