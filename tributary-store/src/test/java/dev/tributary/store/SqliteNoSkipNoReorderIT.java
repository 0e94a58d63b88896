package dev.tributary.store;

class SqliteNoSkipNoReorderIT extends NoSkipNoReorderContract {
    @Override
    protected StoreBackend backend() {
        return StoreBackend.sqlite();
    }
}
