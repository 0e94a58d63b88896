package dev.tributary.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Connections and transactions for one store, with the one seam between SQLite and PostgreSQL.
 *
 * <p>Implementation notes. SQLite allows one writer at a time; instead of letting threads collide
 * on the file lock ({@code SQLITE_BUSY}), in-process writers queue on a fair lock in front of a
 * single write connection whose transactions begin {@code IMMEDIATE}. Readers use their own pool
 * and, thanks to WAL, never wait for the writer. Other processes on the same file (the CLI's
 * {@code token create} next to a running hub) wait through {@code busy_timeout}. PostgreSQL uses one
 * pool for both; its writers are ordered by the change log's head row (see {@link ChangeLog}).
 */
final class Database implements AutoCloseable {

    /** Work done with a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final StoreKind kind;
    private final HikariDataSource readPool;
    private final HikariDataSource writePool;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final List<Consumer<Commit>> commitListeners = new CopyOnWriteArrayList<>();
    /** The commits the current thread's write transaction has made so far (null outside one). */
    private final ThreadLocal<List<Commit>> pendingCommits = new ThreadLocal<>();

    /** On PostgreSQL: other processes' commits, heard through LISTEN; null on SQLite. */
    private volatile CommitNotifications notifications;

    private Database(StoreKind kind, HikariDataSource readPool, HikariDataSource writePool) {
        this.kind = kind;
        this.readPool = readPool;
        this.writePool = writePool;
    }

    /** Starts hearing other processes' commits (PostgreSQL). */
    void listenForOtherProcesses(String jdbcUrl) {
        if (kind != StoreKind.SQLITE && notifications == null) {
            notifications = new CommitNotifications(jdbcUrl, this::wake);
        }
    }

    static Database open(StoreConfig config) {
        StoreKind kind = config.kind();
        if (kind == StoreKind.SQLITE) {
            prepareSqliteDirectory(config.jdbcUrl());
            HikariDataSource writer = pool("tributary-sqlite-write",
                    sqlite(config.jdbcUrl(), SQLiteConfig.TransactionMode.IMMEDIATE), 1);
            HikariDataSource reader = pool("tributary-sqlite-read",
                    sqlite(config.jdbcUrl(), SQLiteConfig.TransactionMode.DEFERRED),
                    config.poolSize());
            ownerOnly(Path.of(config.jdbcUrl().substring("jdbc:sqlite:".length())));
            return new Database(kind, reader, writer);
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tributary-postgresql");
        // Named, so a DBA sees the hub's sessions in pg_stat_activity.
        hikari.addDataSourceProperty("ApplicationName", "tributary");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(TimeUnit.SECONDS.toMillis(10));
        hikari.setInitializationFailTimeout(TimeUnit.SECONDS.toMillis(10));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL at " + config.redactedUrl()
                    + ": " + rootMessage(e), e, true);
        }
        return new Database(kind, pool, pool);
    }

    /**
     * Makes the store's files readable by their owner only (SQLite gives its WAL and shared-memory
     * files the mode of the database file).
     */
    private static void ownerOnly(Path file) {
        try {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Path path = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(path)) {
                    Secrets.Permissions.ownerOnly(path, false);
                }
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot restrict the store's files to their owner: " + e.getMessage(), e, false);
        }
    }

    private static void prepareSqliteDirectory(String url) {
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null && !Files.exists(parent)) {
                Files.createDirectories(parent);
                // A data directory the hub creates is its owner's alone.
                Secrets.Permissions.ownerOnly(parent, true);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the data directory " + parent + ": "
                    + e.getMessage(), e, false);
        }
    }

    private static DataSource sqlite(String url, SQLiteConfig.TransactionMode mode) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout(15_000);
        sqlite.setTransactionMode(mode);
        sqlite.setCacheSize(-16_000);
        // The write-ahead log is copied back into the database once it holds 10,000 pages (~40 MB)
        // rather than SQLite's 1,000: a batch of a few thousand records fills 1,000 pages, so the
        // copy (and its sync) ran at nearly every commit of a large load; now pages written by
        // several batches are copied once. After a copy, the file is cut back to 64 MB.
        sqlite.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "10000");
        sqlite.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT, Long.toString(64L * 1024 * 1024));
        SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
        dataSource.setUrl(url);
        return dataSource;
    }

    private static HikariDataSource pool(String name, DataSource dataSource, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setDataSource(dataSource);
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(TimeUnit.SECONDS.toMillis(60));
        return new HikariDataSource(hikari);
    }

    StoreKind kind() {
        return kind;
    }

    /** The data source migrations run against. */
    DataSource migrationDataSource() {
        return writePool;
    }

    /** Runs read-only work on an auto-commit connection. */
    <T> T read(Work<T> work) {
        try (Connection connection = readPool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs work in one transaction, committed when it returns and rolled back when it throws.
     * Writers run one at a time on SQLite; on PostgreSQL they are ordered by the locks they take.
     */
    <T> T write(Work<T> work) {
        return write(work, true);
    }

    /**
     * As {@link #write(Work)}, but the commit does not wait for the disk: a crash right after it
     * may lose this transaction, though never out of order — the next durable commit makes it
     * durable too (SQLite's WAL and PostgreSQL's WAL are both written in order). For bookkeeping
     * that is safe to lose when nothing durable followed it, such as an upload request's claim.
     */
    <T> T writeRelaxed(Work<T> work) {
        return write(work, false);
    }

    private <T> T write(Work<T> work, boolean durable) {
        List<Commit> commits = new ArrayList<>();
        List<String> wakes = new ArrayList<>();
        List<Commit> outer = pendingCommits.get();
        List<String> outerWakes = pendingWakes.get();
        pendingCommits.set(commits);
        pendingWakes.set(wakes);
        T result;
        try {
            result = writeTransaction(work, durable, commits, wakes);
        } finally {
            pendingCommits.set(outer);
            pendingWakes.set(outerWakes);
        }
        // Announced after the commit and outside the write lock, so listeners never delay writers.
        commits.forEach(this::announce);
        wakes.forEach(this::wake);
        return result;
    }

    private final ThreadLocal<List<String>> pendingWakes = new ThreadLocal<>();

    /**
     * Notes, inside a write transaction, that a collection changed without a write to its records
     * (it was deleted): its waiters, here and in other processes, are woken once it commits.
     */
    void noteWake(String collection) {
        List<String> wakes = pendingWakes.get();
        if (wakes == null) {
            throw new IllegalStateException("wake-ups are noted only inside a write transaction");
        }
        wakes.add(collection);
    }

    /** Notes, inside a write transaction, that it applied writes to a collection; see {@link Commit}. */
    void noteCommit(Commit commit) {
        List<Commit> commits = pendingCommits.get();
        if (commits == null) {
            throw new IllegalStateException("records are written only inside a write transaction");
        }
        commits.add(commit);
    }

    void addCommitListener(Consumer<Commit> listener) {
        commitListeners.add(listener);
    }

    void removeCommitListener(Consumer<Commit> listener) {
        commitListeners.remove(listener);
    }

    private final List<Consumer<String>> wakeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    void addWakeListener(Consumer<String> listener) {
        wakeListeners.add(listener);
    }

    void removeWakeListener(Consumer<String> listener) {
        wakeListeners.remove(listener);
    }

    /** Tells wake listeners that a collection ({@link CommitNotifications#ALL}: any) may have changed. */
    private void wake(String collection) {
        for (Consumer<String> listener : wakeListeners) {
            try {
                listener.accept(collection);
            } catch (RuntimeException e) {
                System.getLogger(Database.class.getName()).log(System.Logger.Level.WARNING, "a wake listener failed", e);
            }
        }
    }

    private void announce(Commit commit) {
        wake(commit.collection());
        for (Consumer<Commit> listener : commitListeners) {
            try {
                listener.accept(commit);
            } catch (RuntimeException e) {
                // A listener's failure is its own; the commit stands and the other listeners hear of it.
                System.getLogger(Database.class.getName()).log(System.Logger.Level.WARNING,
                        "a commit listener failed", e);
            }
        }
    }

    private <T> T writeTransaction(Work<T> work, boolean durable, List<Commit> commits, List<String> wakes) {
        boolean serialize = kind == StoreKind.SQLITE;
        if (serialize) {
            writeLock.lock();
        }
        try (Connection connection = writePool.getConnection()) {
            boolean relaxSqlite = !durable && kind == StoreKind.SQLITE;
            if (relaxSqlite) {
                execute(connection, "PRAGMA synchronous = NORMAL");
            }
            connection.setAutoCommit(false);
            Throwable failure = null;
            try {
                if (!durable && kind != StoreKind.SQLITE) {
                    execute(connection, "SET LOCAL synchronous_commit TO OFF");
                }
                T result = work.run(connection);
                if (notifications != null && (!commits.isEmpty() || !wakes.isEmpty())) {
                    // Delivered to other processes' listeners only if the transaction commits.
                    try (var notify = connection.prepareStatement("SELECT pg_notify('" + CommitNotifications.CHANNEL
                            + "', ?)")) {
                        for (Commit commit : commits) {
                            notify.setString(1, notifications.payload(commit));
                            notify.execute();
                        }
                        for (String collection : wakes) {
                            notify.setString(1, notifications.payload(collection));
                            notify.execute();
                        }
                    }
                }
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                failure = e;
                commits.clear();
                wakes.clear();
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restore(connection, relaxSqlite, failure);
            }
        } catch (SQLException e) {
            throw translate(e);
        } finally {
            if (serialize) {
                writeLock.unlock();
            }
        }
    }

    /**
     * Puts a connection back in its usual state after a transaction. A connection that broke
     * meanwhile (the database ended it) cannot be, and the pool drops it; that must not hide the
     * transaction's own outcome — its failure (a retryable one, typically) or its commit.
     */
    private static void restore(Connection connection, boolean relaxSqlite, Throwable failure) {
        try {
            connection.setAutoCommit(true);
            if (relaxSqlite) {
                execute(connection, "PRAGMA synchronous = FULL");
            }
        } catch (SQLException restoreFailed) {
            if (failure != null) {
                failure.addSuppressed(restoreFailed);
            }
        }
    }

    /**
     * Whether a failure is one that the same request may not meet again: the connection was lost
     * or ended by the server (SQLState class 08, 57P01–57P03, a transient or recoverable JDBC
     * exception such as the pool's timeout), a serialization failure or deadlock (40001, 40P01),
     * or SQLite busy.
     */
    static boolean transientFailure(SQLException e, StoreKind kind) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientException || cause instanceof java.sql.SQLRecoverableException) {
                return true; // the pool timed out waiting for a connection, a connection was lost, …
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("57P")
                        || (kind == StoreKind.SQLITE && sql.getErrorCode() == 5)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    StoreException translate(SQLException e) {
        return new StoreException("store " + kind.label() + " failed: " + e.getMessage(), e, transientFailure(e, kind));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    @Override
    public void close() {
        if (notifications != null) {
            notifications.close();
        }
        readPool.close();
        if (writePool != readPool) {
            writePool.close();
        }
    }
}
