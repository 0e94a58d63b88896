package dev.tributary.store;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The canonical store: collections, records and their change log, access tokens. Open one with
 * {@link #open(StoreConfig, Clock)}; it brings its schema up to date and is safe to share between
 * threads.
 *
 * <p>A store has an <em>epoch</em>, chosen when it is first created. Sync tokens carry it, so a
 * token from a store that was reset (a new file, a new database) is recognized and answered with
 * {@code fullSyncRequired}. The store also keeps the secret key that signs sync tokens, so every
 * hub node sharing a PostgreSQL database signs and checks them alike.
 */
public final class Store implements AutoCloseable {

    private final Database database;
    private final Secrets secrets;
    private final String epoch;
    private final byte[] signingKey;
    private final CollectionCatalog collections;
    private final ChangeLog changeLog;
    private final AccessTokens accessTokens;
    private final TombstoneCompactor compactor;
    private final Endpoints endpoints;
    private final Links links;
    private final Runs runs;
    private final Conflicts conflicts;
    private final DeletionLog deletionLog;
    private final EsaSystems esaSystems;
    private final SDataResources sdata;
    private final ObjectServices objectServices;
    private final UploadCache uploadCache;
    private final AuditLog auditLog;
    private final WatchChannels watchChannels;
    private final Nodes nodes;
    private final SDataOperations sdataOperations;
    private final ThreadLocal<Nodes.Lease> currentLease = new ThreadLocal<>();
    private final java.time.Clock clock;

    private Store(Database database, Clock clock, Secrets secrets) {
        this.database = database;
        this.secrets = secrets;
        checkKey();
        this.epoch = metaValue("epoch", UUID.randomUUID().toString());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.signingKey = Base64.getDecoder().decode(secrets.open(
                metaValue("token_signing_key", secrets.seal(Base64.getEncoder().encodeToString(key)))));
        sealPlaintext();
        this.collections = new CollectionCatalog(database, clock);
        this.changeLog = new ChangeLog(database, clock);
        this.accessTokens = new AccessTokens(database, clock);
        this.compactor = new TombstoneCompactor(database, collections, clock);
        this.endpoints = new Endpoints(database, clock, secrets);
        this.links = new Links(database, clock);
        this.runs = new Runs(database, clock);
        this.conflicts = new Conflicts(database);
        this.deletionLog = new DeletionLog(database, clock);
        this.esaSystems = new EsaSystems(database, clock, secrets);
        this.sdata = new SDataResources(database, clock, secrets);
        this.objectServices = new ObjectServices(database, clock);
        this.uploadCache = new UploadCache(database, clock);
        this.auditLog = new AuditLog(database, clock);
        this.watchChannels = new WatchChannels(database, clock, secrets);
        this.nodes = new Nodes(database, clock);
        this.sdataOperations = new SDataOperations(database, clock);
        this.clock = clock;
    }

    /** Opens (creating or migrating as needed) the store described by {@code config}. */
    public static Store open(StoreConfig config, Clock clock) {
        java.nio.file.Path keyFile = config.keyFile();
        boolean newKey = (System.getenv(Secrets.KEY_ENV) == null || System.getenv(Secrets.KEY_ENV).isBlank())
                && !java.nio.file.Files.exists(keyFile);
        Secrets secrets = Secrets.load(keyFile, true);
        Database database = Database.open(config);
        database.listenForOtherProcesses(config.jdbcUrl());
        try {
            migrate(database);
            return new Store(database, clock, secrets);
        } catch (RuntimeException e) {
            database.close();
            if (newKey && e instanceof StoreException && e.getMessage().contains("sealed with another key")) {
                // The store was sealed under a key that is missing here: do not leave a useless new one behind.
                try {
                    java.nio.file.Files.deleteIfExists(keyFile);
                } catch (java.io.IOException ignored) {
                    // the message below says what to do either way
                }
                throw new StoreException("the key file " + keyFile.toAbsolutePath() + " is missing, and this store's"
                        + " credentials were sealed with a key: restore that file from your backups, set "
                        + Secrets.KEY_ENV + ", or pass --secret-key-file", e, false);
            }
            throw e;
        }
    }

    private static void migrate(Database database) {
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(database.migrationDataSource())
                    .locations("classpath:db/migration/" + database.kind().label())
                    .table("tributary_schema_history")
                    .baselineOnMigrate(false)
                    .load();
            for (MigrationInfo applied : flyway.info().applied()) {
                if (applied.getState() == MigrationState.FUTURE_SUCCESS) {
                    throw new StoreException("this store was migrated to schema version "
                            + applied.getVersion() + " by a newer Tributary; run that version (or newer)");
                }
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the store's schema up to date: " + e.getMessage(),
                    e, false);
        }
    }

    /** A known value sealed under the store's key: opening it proves the key is the right one. */
    private static final String KEY_CHECK = "the key that seals this store's credentials";

    /** Fails with a clear message when the store's credentials were sealed with another key. */
    private void checkKey() {
        String check = metaValue("secret_key_check", secrets.seal(KEY_CHECK));
        if (!KEY_CHECK.equals(secrets.open(check))) {
            throw new StoreException("the store's key check does not match the key from " + secrets.source(), null, false);
        }
    }

    /**
     * Seals the credentials written before they were sealed (a store from an older Tributary):
     * endpoint settings, SData links' remote tokens, ESA parameters, watch channels' signing secrets,
     * the token signing key.
     */
    private void sealPlaintext() {
        database.write(connection -> {
            Sealing.sealColumn(connection, secrets, "endpoints", "name", "config");
            Sealing.sealColumn(connection, secrets, "sdata_links", "name", "remote_token");
            Sealing.sealColumn(connection, secrets, "esa_systems", "endpoint", "parameters");
            Sealing.sealColumn(connection, secrets, "watch_channels", "id", "signing_secret");
            Sealing.sealColumn(connection, secrets, "meta", "key", "value", "token_signing_key");
            return null;
        });
    }

    /**
     * Re-seals every stored credential under a new key, then makes the new key the store's:
     * written to the key file (the old one kept as {@code <file>.previous}), or — when the key
     * comes from {@value Secrets#KEY_ENV} — returned for the operator to set. Run it while no hub
     * uses the store.
     *
     * @return the new key (base64) when it comes from the environment, else null
     */
    public static String rotateSecretKey(StoreConfig config) {
        String newKey = Secrets.newKey();
        Secrets next = Secrets.of(Base64.getDecoder().decode(newKey), "the new key");
        boolean fromEnv = System.getenv(Secrets.KEY_ENV) != null && !System.getenv(Secrets.KEY_ENV).isBlank();
        java.nio.file.Path file = config.keyFile();
        java.nio.file.Path pending = file.resolveSibling(file.getFileName() + ".new");
        try (Store store = open(config, Clock.systemUTC())) {
            if (!fromEnv) {
                // Written first: if the commit then happens and the rename does not, the key is not lost.
                Secrets.writeKeyFile(pending, newKey);
            }
            store.database.write(connection -> {
                Sealing.reseal(connection, store.secrets, next, "endpoints", "name", "config");
                Sealing.reseal(connection, store.secrets, next, "sdata_links", "name", "remote_token");
                Sealing.reseal(connection, store.secrets, next, "esa_systems", "endpoint", "parameters");
                Sealing.reseal(connection, store.secrets, next, "watch_channels", "id", "signing_secret");
                Sealing.reseal(connection, store.secrets, next, "meta", "key", "value");
                return null;
            });
        }
        if (fromEnv) {
            return newKey;
        }
        try {
            if (java.nio.file.Files.exists(file)) {
                java.nio.file.Files.copy(file, file.resolveSibling(file.getFileName() + ".previous"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            java.nio.file.Files.move(pending, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new StoreException("the credentials are sealed with the new key in " + pending + " but it could not be"
                    + " moved to " + file + " (" + e.getMessage() + "); move it there by hand before starting the hub", e, false);
        }
        return null;
    }

    /** The tables that bulk work grows, whose planner statistics must follow it. */
    private static final List<String> BULK_TABLES = List.of("records", "id_map", "change_times", "sdata_states", "outbound_queue");

    /**
     * Refreshes the planner's statistics of the tables bulk work grows (PostgreSQL; SQLite plans
     * without them): call after work that wrote many rows, so the next queries do not run on plans
     * made for an empty table while autovacuum has not caught up.
     */
    public void analyzeAfterBulkWork() {
        if (database.kind() != StoreKind.POSTGRESQL) {
            return;
        }
        database.read(connection -> {
            try (java.sql.Statement statement = connection.createStatement()) {
                for (String table : BULK_TABLES) {
                    statement.execute("ANALYZE " + table);
                }
            }
            return null;
        });
    }

    /** Reads a metadata value, setting it to {@code initial} if it has none yet (first start). */
    private String metaValue(String key, String initial) {
        return database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")) {
                insert.setString(1, key);
                insert.setString(2, initial);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT value FROM meta WHERE key = ?")) {
                select.setString(1, key);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            }
        });
    }

    /**
     * Gives the store a new epoch and a new token signing key, so every sync token issued before is
     * answered with {@code fullSyncRequired}. Run it after restoring a backup, while no hub uses
     * the store: clients that synced after the backup was taken hold positions the restored store
     * will hand out again.
     *
     * @return the new epoch
     */
    public static String rotateEpoch(StoreConfig config) {
        try (Store store = open(config, java.time.Clock.systemUTC())) {
            String epoch = UUID.randomUUID().toString();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            store.database.write(connection -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE meta SET value = ? WHERE key = ?")) {
                    update.setString(1, epoch);
                    update.setString(2, "epoch");
                    update.addBatch();
                    update.setString(1, store.secrets.seal(Base64.getEncoder().encodeToString(key)));
                    update.setString(2, "token_signing_key");
                    update.addBatch();
                    return update.executeBatch();
                }
            });
            return epoch;
        }
    }

    public StoreKind kind() {
        return database.kind();
    }

    /** Identifies this store's lifetime; a reset store has a new epoch. */
    public String epoch() {
        return epoch;
    }

    /** The secret key for signing sync tokens (a copy). */
    public byte[] tokenSigningKey() {
        return signingKey.clone();
    }

    public CollectionCatalog collections() {
        return collections;
    }

    public ChangeLog changeLog() {
        return changeLog;
    }

    public AccessTokens accessTokens() {
        return accessTokens;
    }

    public TombstoneCompactor compactor() {
        return compactor;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public Links links() {
        return links;
    }

    public Runs runs() {
        return runs;
    }

    public Conflicts conflicts() {
        return conflicts;
    }

    public DeletionLog deletionLog() {
        return deletionLog;
    }

    /** Collections exposed as SData resource kinds, and their digests. */
    public SDataResources sdata() {
        return sdata;
    }

    /** The External System Adapters behind ESA endpoints. */
    public EsaSystems esaSystems() {
        return esaSystems;
    }

    public ObjectServices objectServices() {
        return objectServices;
    }

    /** What administrators did, and who. */
    public AuditLog auditLog() {
        return auditLog;
    }

    /** SData asynchronous operations as every hub node of the store sees them. */
    public SDataOperations sdataOperations() {
        return sdataOperations;
    }

    /** Hub nodes sharing this store, and the leases by which one node at a time owns a piece of work. */
    public Nodes nodes() {
        return nodes;
    }

    /**
     * Runs {@code work} on this thread under {@code lease}: every store transaction it opens checks
     * first, in that transaction, that the lease is still held with its fence — else it fails with
     * {@link Nodes.LeaseLostException} and writes nothing (see {@link Nodes}).
     */
    public <T> T underLease(Nodes.Lease lease, java.util.function.Supplier<T> work) {
        Nodes.Lease before = currentLease.get();
        currentLease.set(lease);
        try {
            return work.get();
        } finally {
            if (before == null) {
                currentLease.remove();
            } else {
                currentLease.set(before);
            }
        }
    }

    /** The lease this thread works under, or null. */
    public Nodes.Lease currentLease() {
        return currentLease.get();
    }

    /** Watch channels and the outbox of their notifications. */
    public WatchChannels watchChannels() {
        return watchChannels;
    }

    public UploadCache uploadCache() {
        return uploadCache;
    }

    /** Work that must commit as one: see {@link StoreTransaction}. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(StoreTransaction transaction);
    }

    /**
     * Runs {@code work} in one transaction; it commits when {@code work} returns and rolls back when
     * it throws. The transaction takes a collection's head lock when it first touches that
     * collection (see {@link StoreTransaction#lock}); when it is about one collection, prefer
     * {@link #transact(String, TransactionWork)}, which takes that lock first.
     */
    public <T> T transact(TransactionWork<T> work) {
        return transact(null, work);
    }

    /**
     * Runs {@code work} in one transaction that first takes {@code collection}'s head lock (so every
     * such transaction of one collection takes its locks in the same order: the head first, then
     * the rows it touches), then checks the lease this thread works under, if any.
     */
    public <T> T transact(String collection, TransactionWork<T> work) {
        Nodes.Lease lease = currentLease.get();
        return database.write(connection -> {
            StoreTransaction transaction = new StoreTransaction(connection, database, clock, lease);
            if (collection != null) {
                transaction.lock(collection);
            }
            if (lease != null) {
                Nodes.check(connection, database.kind(), lease, clock);
            }
            return work.run(transaction);
        });
    }

    /**
     * Hears of every commit that wrote records, after it committed, on the committing thread: keep
     * the listener short and non-blocking (hand work to another thread). Only commits made
     * through this {@code Store} object are heard; another process on the same store is not.
     */
    public void addCommitListener(Consumer<Commit> listener) {
        database.addCommitListener(listener);
    }

    public void removeCommitListener(Consumer<Commit> listener) {
        database.removeCommitListener(listener);
    }

    /**
     * Listens for wake-ups: the name of a collection that may have changed — after every commit of
     * this process, after commits of other processes on the same PostgreSQL store (heard through
     * LISTEN/NOTIFY), and {@code "*"} (any collection) while those cannot be heard. A wake-up only
     * says "look again"; what changed is read from the change log. Called on the committing
     * thread, or the listener's: do no work there, hand it off.
     */
    public void addWakeListener(Consumer<String> listener) {
        database.addWakeListener(listener);
    }

    public void removeWakeListener(Consumer<String> listener) {
        database.removeWakeListener(listener);
    }

    @Override
    public void close() {
        database.close();
    }
}
