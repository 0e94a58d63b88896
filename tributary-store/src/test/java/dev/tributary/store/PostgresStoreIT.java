package dev.tributary.store;

class PostgresStoreIT extends StoreContract {

    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
