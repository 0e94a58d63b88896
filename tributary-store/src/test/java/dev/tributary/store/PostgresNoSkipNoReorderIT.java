package dev.tributary.store;

class PostgresNoSkipNoReorderIT extends NoSkipNoReorderContract {
    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }

    /** Three hub nodes' stores on one PostgreSQL database. */
    @Override
    protected int nodes() {
        return 3;
    }
}
