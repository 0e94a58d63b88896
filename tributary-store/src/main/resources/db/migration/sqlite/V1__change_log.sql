-- Tributary store, SQLite dialect, version 1: collections, records and their change log,
-- store metadata and access tokens. Times are epoch milliseconds (UTC).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The head of the change log: the highest seq ever committed. Writers reserve positions by
-- updating this single row first in their transaction (see ChangeLog).
CREATE TABLE log_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO log_head (id, seq) VALUES (1, 0);

-- AUTOINCREMENT: a deleted collection's id is never reused, so the id doubles as the
-- collection's incarnation in sync tokens.
CREATE TABLE collections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    retention_ms INTEGER NOT NULL,
    horizon      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

-- One row per record: its current state, positioned in the change log at its latest change.
-- seq is the rowid, so reading the log in seq order walks the table in storage order.
CREATE TABLE records (
    seq           INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL,
    id            TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    deleted       INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    origin        TEXT,
    data          TEXT
);
CREATE UNIQUE INDEX records_by_id ON records (collection_id, id);
CREATE INDEX records_by_seq ON records (collection_id, seq);
CREATE INDEX records_tombstones ON records (collection_id, updated_at) WHERE deleted = 1;

CREATE TABLE access_tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    scopes     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
