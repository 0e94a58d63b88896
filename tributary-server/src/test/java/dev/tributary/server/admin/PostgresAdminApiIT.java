package dev.tributary.server.admin;

import dev.tributary.store.StoreBackend;

/** {@link AdminApiIT} on a PostgreSQL store. */
class PostgresAdminApiIT extends AdminApiIT {

    @Override
    StoreBackend backend() {
        return StoreBackend.postgres();
    }
}
