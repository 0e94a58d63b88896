package dev.tributary.server.changes;

import dev.tributary.store.StoreBackend;

class PostgresChangeFeedIT extends ChangeFeedContract {
    @Override
    protected StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
