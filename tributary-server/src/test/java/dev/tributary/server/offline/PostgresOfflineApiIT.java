package dev.tributary.server.offline;

import dev.tributary.store.StoreBackend;

/** {@link OfflineApiIT} on a PostgreSQL store. */
class PostgresOfflineApiIT extends OfflineApiIT {

    @Override
    StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
