package dev.tributary.store;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Base64;
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
    private final java.time.Clock clock;

    private Store(Database database, Clock clock) {
        this.database = database;
        this.epoch = metaValue("epoch", UUID.randomUUID().toString());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.signingKey = Base64.getDecoder().decode(
                metaValue("token_signing_key", Base64.getEncoder().encodeToString(key)));
        this.collections = new CollectionCatalog(database, clock);
        this.changeLog = new ChangeLog(database, clock);
        this.accessTokens = new AccessTokens(database, clock);
        this.compactor = new TombstoneCompactor(database, collections, clock);
        this.endpoints = new Endpoints(database, clock);
        this.links = new Links(database, clock);
        this.runs = new Runs(database, clock);
        this.conflicts = new Conflicts(database);
        this.deletionLog = new DeletionLog(database, clock);
        this.esaSystems = new EsaSystems(database, clock);
        this.sdata = new SDataResources(database, clock);
        this.objectServices = new ObjectServices(database, clock);
        this.uploadCache = new UploadCache(database, clock);
        this.clock = clock;
    }

    /** Opens (creating or migrating as needed) the store described by {@code config}. */
    public static Store open(StoreConfig config, Clock clock) {
        Database database = Database.open(config);
        try {
            migrate(database);
            return new Store(database, clock);
        } catch (RuntimeException e) {
            database.close();
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
                    update.setString(1, Base64.getEncoder().encodeToString(key));
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

    public UploadCache uploadCache() {
        return uploadCache;
    }

    /** Work that must commit as one: see {@link StoreTransaction}. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(StoreTransaction transaction);
    }

    /**
     * Runs {@code work} in one transaction holding the change log's head lock; it commits when
     * {@code work} returns and rolls back when it throws.
     */
    public <T> T transact(TransactionWork<T> work) {
        return database.write(connection -> {
            StoreTransaction.lockHead(connection);
            return work.run(new StoreTransaction(connection, database, clock));
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

    @Override
    public void close() {
        database.close();
    }
}
