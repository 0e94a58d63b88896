package dev.tributary.store;

/** The named collection does not exist (it was never created, or it was deleted). */
public final class CollectionNotFoundException extends StoreException {

    private final String collection;

    public CollectionNotFoundException(String collection) {
        super("collection '" + collection + "' does not exist; create it with PUT /v1/collections/"
                + collection);
        this.collection = collection;
    }

    public String collection() {
        return collection;
    }
}
