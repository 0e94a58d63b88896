-- Tributary store, SQLite dialect, version 5: SData synchronization.

-- Collections exposed as SData resource kinds, with this hub's endpoint URL for each (its
-- identity in digests and sync states) and its conflict priority.
CREATE TABLE sdata_resources (
    resource          TEXT PRIMARY KEY,
    collection        TEXT    NOT NULL,
    app               TEXT    NOT NULL,
    contract          TEXT    NOT NULL,
    endpoint          TEXT    NOT NULL,
    conflict_priority INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

-- The digest of a resource kind: how far each other endpoint's changes are absorbed. The hub's
-- own entry is not stored: its tick is the change log's head plus one.
CREATE TABLE sdata_digest (
    resource          TEXT    NOT NULL,
    endpoint          TEXT    NOT NULL,
    tick              INTEGER NOT NULL,
    stamp             INTEGER NOT NULL,
    conflict_priority INTEGER NOT NULL,
    PRIMARY KEY (resource, endpoint)
);

-- The sync state of record versions made at another endpoint. A record whose current version
-- is not the one recorded here was last changed at this hub: its state is (this hub, its seq,
-- its update time).
CREATE TABLE sdata_states (
    collection TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    endpoint   TEXT    NOT NULL,
    tick       INTEGER NOT NULL,
    stamp      INTEGER NOT NULL,
    PRIMARY KEY (collection, record_id)
);

-- Links that run SData catch-up passes between a local resource kind and a remote provider's.
CREATE TABLE sdata_links (
    name         TEXT PRIMARY KEY,
    resource     TEXT    NOT NULL,
    remote_url   TEXT    NOT NULL,
    remote_token TEXT,
    direction    TEXT    NOT NULL,
    every_ms     INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
