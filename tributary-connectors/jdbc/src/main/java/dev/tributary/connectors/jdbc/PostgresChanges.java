package dev.tributary.connectors.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL: hears the change-tracking triggers' {@code NOTIFY} on a connection of its own
 * ({@code LISTEN tributary_changes}, the payload a table's name) and calls the listeners of that
 * table. While the connection is down it reconnects with backoff; after every (re)connect it
 * calls every listener, since changes may have gone unheard meanwhile. A connection found
 * half-open (a query every few seconds, with a socket timeout) is replaced the same way.
 */
final class PostgresChanges implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresChanges.class.getName());

    private final String url;
    private final Properties properties;
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    PostgresChanges(String url, Properties login) {
        this.url = url;
        this.properties = new Properties();
        this.properties.putAll(login);
        this.properties.setProperty("ApplicationName", "tributary-listen-changes");
        this.properties.setProperty("socketTimeout", "30");
        this.thread = new Thread(this::listen, "tributary-jdbc-listen");
        thread.setDaemon(true);
        thread.start();
    }

    /** Calls {@code listener} when {@code table} may have changed, until the handle is closed. */
    AutoCloseable add(String table, Runnable listener) {
        listeners.computeIfAbsent(table, t -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.getOrDefault(table, Set.of()).remove(listener);
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, properties)) {
                connection = c;
                try (Statement statement = c.createStatement()) {
                    statement.execute("LISTEN " + ChangeTracking.NOTIFY_CHANNEL);
                }
                backoff = 500;
                listeners.values().forEach(set -> set.forEach(Listening::call)); // what went unheard
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(5_000);
                    if (notifications == null || notifications.length == 0) {
                        try (Statement statement = c.createStatement()) {
                            statement.execute("SELECT 1"); // a half-open connection fails here
                        }
                        continue;
                    }
                    Set<String> tables = new java.util.HashSet<>();
                    for (PGNotification notification : notifications) {
                        tables.add(notification.getParameter());
                    }
                    tables.forEach(table -> listeners.getOrDefault(table, Set.of()).forEach(Listening::call));
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "listening for table changes failed ({0}); retrying in {1} ms",
                        new Object[] {e.toString(), backoff});
                Listening.sleep(backoff);
                backoff = Math.min(30_000, backoff * 2);
            } finally {
                connection = null;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
