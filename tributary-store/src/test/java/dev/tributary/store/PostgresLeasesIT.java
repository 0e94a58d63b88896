package dev.tributary.store;

class PostgresLeasesIT extends LeasesContract {

    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
