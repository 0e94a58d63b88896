package dev.tributary.connector;

import java.util.Optional;

/** Lists and reads objects. */
public interface SearchOp {

    /**
     * Delivers one page of the objects of a class, at most {@code options.pageSize()}, starting at
     * {@code options.pagedResultsCookie()}. Paging through to the end returns every object that
     * existed throughout exactly once.
     */
    SearchResult search(ObjectClass objectClass, ResultsHandler handler, OperationOptions options);

    /** The object with this uid, if it exists. */
    Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid, OperationOptions options);
}
