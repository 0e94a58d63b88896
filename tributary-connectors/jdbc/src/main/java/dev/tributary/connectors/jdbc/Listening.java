package dev.tributary.connectors.jdbc;

import java.util.logging.Level;
import java.util.logging.Logger;

/** What the change watchers ({@link PostgresChanges}, {@link SqliteChanges}) share: calling a listener, waiting. */
final class Listening {

    private static final Logger LOG = Logger.getLogger(Listening.class.getName());

    private Listening() {
    }

    /** Calls a change listener; one that fails is logged and does not stop the watch. */
    static void call(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a change listener failed: {0}", e.toString());
        }
    }

    /** Waits before reconnecting; an interrupt (the watch closing) ends the wait. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
