package dev.tributary.server.changes;

import dev.tributary.store.StoreBackend;

class SqliteChangeFeedIT extends ChangeFeedContract {
    @Override
    protected StoreBackend backend() {
        return StoreBackend.sqlite();
    }
}
