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
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.BindException) {
            return "the port is already in use (" + root.getMessage() + "); pick another with --port";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
