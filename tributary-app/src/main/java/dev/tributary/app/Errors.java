package dev.tributary.app;

import dev.tributary.store.StoreException;

/** Turns failures into one-line messages for people. */
final class Errors {

    private Errors() {
    }

    static String describe(Throwable e) {
        if (e instanceof dev.tributary.engine.InvalidDefinitionException invalid) {
            return invalid.getMessage().substring(0, invalid.getMessage().indexOf(" is invalid")) + " has problems:\n  - "
                    + String.join("\n  - ", invalid.problems());
        }
        if (e instanceof StoreException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof dev.tributary.connector.ConnectorException) {
            return e.getMessage();
        }
        if (isBindFailure(e)) {
            return "the port is already in use; pick another with --port";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Whether a server could not start because its address was taken. */
    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }
}
