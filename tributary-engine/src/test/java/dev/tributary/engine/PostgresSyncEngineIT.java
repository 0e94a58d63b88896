package dev.tributary.engine;

import dev.tributary.store.StoreBackend;

/** {@link SyncEngineIT} on a PostgreSQL store. */
class PostgresSyncEngineIT extends SyncEngineIT {

    @Override
    StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
