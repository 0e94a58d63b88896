package dev.tributary.store;

class PostgresNoSkipNoReorderIT extends NoSkipNoReorderContract {
    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
