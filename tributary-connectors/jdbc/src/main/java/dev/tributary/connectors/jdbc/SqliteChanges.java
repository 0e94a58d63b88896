package dev.tributary.connectors.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SQLite: a database file has no notifications, but {@code PRAGMA data_version} on a connection
 * of its own changes whenever another connection commits — a check that reads no table. This
 * asks every {@link #EVERY_MS} ms and calls the listeners when it moved (any table: listeners
 * only wake, and an empty read is cheap). After a failure it reopens and calls them once.
 */
final class SqliteChanges implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SqliteChanges.class.getName());
    static final long EVERY_MS = 100;

    private final String url;
    private final Properties properties;
    private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
    private final Thread thread;
    private volatile boolean running = true;

    SqliteChanges(String url, Properties login) {
        this.url = url;
        this.properties = login;
        this.thread = new Thread(this::watch, "tributary-jdbc-sqlite-watch");
        thread.setDaemon(true);
        thread.start();
    }

    AutoCloseable add(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void watch() {
        long backoff = 500;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, properties); Statement statement = c.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 2000");
                long seen = Long.MIN_VALUE;
                while (running) {
                    long version;
                    try (ResultSet row = statement.executeQuery("PRAGMA data_version")) {
                        row.next();
                        version = row.getLong(1);
                    }
                    if (version != seen) {
                        if (seen != Long.MIN_VALUE || backoff > 500) {
                            listeners.forEach(Listening::call);
                        }
                        seen = version;
                        backoff = 500;
                    }
                    Thread.sleep(EVERY_MS);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "watching the database for changes failed ({0}); retrying in {1} ms",
                        new Object[] {e.toString(), backoff});
                Listening.sleep(backoff);
                backoff = Math.min(30_000, backoff * 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
