package dev.tributary.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Commits made by other processes on the same PostgreSQL store, heard through {@code LISTEN}:
 * every write transaction {@code NOTIFY}s its commits (delivered only if it commits), and this
 * listener passes the ones of other processes to the store's wake listeners. A notification
 * only wakes: what a waiter reads is decided by its token, so nothing is lost when a notification
 * is. While its connection is down (or found half-open: a query every few seconds, with a socket
 * timeout) the listener reconnects with backoff and meanwhile announces a wake-up for every
 * collection ({@link #ALL}) every two seconds, so waiters fall back to checking.
 */
final class CommitNotifications implements AutoCloseable {

    /** The channel commits are notified on. */
    static final String CHANNEL = "tributary_commits";
    /** The collection name of a wake-up meant for every collection. */
    static final String ALL = "*";

    private static final System.Logger LOG = System.getLogger(CommitNotifications.class.getName());

    private final String node = UUID.randomUUID().toString();
    private final String url;
    private final Consumer<String> wake;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    CommitNotifications(String url, Consumer<String> wake) {
        this.url = url;
        this.wake = wake;
        this.thread = new Thread(this::listen, "tributary-commit-listener");
        thread.setDaemon(true);
        thread.start();
    }

    /** The payload a transaction of this process notifies a commit with. */
    String payload(Commit commit) {
        return node + " " + commit.head() + " " + commit.collection();
    }

    /** The payload of a change to a collection that wrote no records (its deletion). */
    String payload(String collection) {
        return node + " 0 " + collection;
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            Properties properties = new Properties();
            properties.setProperty("ApplicationName", "tributary-listen");
            properties.setProperty("socketTimeout", "30");
            try (Connection c = DriverManager.getConnection(url, properties)) {
                connection = c;
                try (Statement statement = c.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                backoff = 500;
                wakeAll(); // what was notified while no one listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(5_000);
                    if (notifications == null || notifications.length == 0) {
                        try (Statement statement = c.createStatement()) {
                            statement.execute("SELECT 1"); // a half-open connection fails here
                        }
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        deliver(notification.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "listening for other hub processes' commits failed ({0});"
                        + " retrying, waiters check every 2 s meanwhile", e.toString());
                long until = System.currentTimeMillis() + backoff;
                while (running && System.currentTimeMillis() < until) {
                    wakeAll();
                    sleep(Math.min(2_000, backoff));
                }
                backoff = Math.min(30_000, backoff * 2);
            } finally {
                connection = null;
            }
        }
    }

    private void deliver(String payload) {
        String[] parts = payload.split(" ", 3);
        if (parts.length != 3 || parts[0].equals(node)) {
            return; // this process's own commits were announced already
        }
        wake.accept(parts[2]);
    }

    private void wakeAll() {
        wake.accept(ALL);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
                // closing either way
            }
        }
        thread.interrupt();
    }
}
