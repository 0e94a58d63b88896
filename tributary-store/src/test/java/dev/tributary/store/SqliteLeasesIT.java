package dev.tributary.store;

class SqliteLeasesIT extends LeasesContract {

    @Override
    protected StoreBackend backend() {
        return StoreBackend.sqlite();
    }
}
