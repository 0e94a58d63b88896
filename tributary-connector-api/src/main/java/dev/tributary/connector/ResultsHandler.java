package dev.tributary.connector;

/** Receives the objects of a search, one call per object. */
@FunctionalInterface
public interface ResultsHandler {

    /** @return true for more, false to stop */
    boolean handle(ConnectorObject object);
}
