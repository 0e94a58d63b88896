-- Tributary store, SQLite dialect, version 4: External System Adapters known to the hub.

-- One row per ESA endpoint: its external system id, the hash of the secret the hub issued for
-- the Helper API, what the adapter answered to configure, its parameter descriptions and the
-- values set for them (JSON).
CREATE TABLE esa_systems (
    endpoint           TEXT PRIMARY KEY,
    external_system_id TEXT    NOT NULL UNIQUE,
    secret_hash        TEXT    NOT NULL,
    configured_as      TEXT    NOT NULL,
    run_modes          INTEGER NOT NULL,
    parameters_meta    TEXT    NOT NULL,
    parameters         TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
