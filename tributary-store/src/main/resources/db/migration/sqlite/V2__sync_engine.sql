-- Tributary store, SQLite dialect, version 2: endpoints, links, the id map, runs, conflicts and
-- the deletion log of the sync engine.

CREATE TABLE endpoints (
    name              TEXT PRIMARY KEY,
    connector         TEXT    NOT NULL,
    config            TEXT    NOT NULL,
    allowed_run_modes TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE links (
    name                 TEXT PRIMARY KEY,
    definition           TEXT    NOT NULL,
    endpoint             TEXT    NOT NULL,
    inbound_token_type   TEXT,
    inbound_token        TEXT,
    outbound_checkpoint  INTEGER NOT NULL DEFAULT 0,
    deletions_checkpoint INTEGER NOT NULL DEFAULT 0,
    next_run_at          INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- Hub record <-> external object, per link, with the versions on both sides when they were last
-- in sync.
CREATE TABLE id_map (
    link             TEXT    NOT NULL,
    uid              TEXT    NOT NULL,
    record_id        TEXT    NOT NULL,
    hub_version      INTEGER NOT NULL,
    endpoint_version TEXT,
    synced_at        INTEGER NOT NULL,
    PRIMARY KEY (link, uid)
);
CREATE UNIQUE INDEX id_map_by_record ON id_map (link, record_id);

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    link        TEXT    NOT NULL,
    mode        TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    phase       TEXT,
    progress    REAL    NOT NULL DEFAULT 0,
    stats       TEXT    NOT NULL,
    error       TEXT,
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER
);
CREATE INDEX runs_by_link ON runs (link, created_at);
-- One run per link at a time.
CREATE UNIQUE INDEX runs_one_active ON runs (link) WHERE state IN ('queued', 'running');

CREATE TABLE conflicts (
    id               TEXT PRIMARY KEY,
    link             TEXT    NOT NULL,
    record_id        TEXT,
    uid              TEXT,
    state            TEXT    NOT NULL,
    policy           TEXT    NOT NULL,
    decision         TEXT,
    hub_data         TEXT,
    endpoint_data    TEXT,
    endpoint_version TEXT,
    detail           TEXT,
    created_at       INTEGER NOT NULL,
    resolved_at      INTEGER
);
CREATE INDEX conflicts_by_state ON conflicts (state, created_at);
CREATE INDEX conflicts_by_link ON conflicts (link, record_id);

-- Deletions an external system reported to the hub (the "tracked" deletion strategy).
CREATE TABLE deletion_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint     TEXT    NOT NULL,
    object_class TEXT    NOT NULL,
    uid          TEXT    NOT NULL,
    reported_at  INTEGER NOT NULL
);

-- Records a link must write to its endpoint whatever its outbound checkpoint says (a conflict
-- the hub won, a resolution), durably, until they are written.
CREATE TABLE outbound_queue (
    link      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (link, record_id)
);
