-- Tributary store, PostgreSQL dialect, version 1: collections, records and their change log,
-- store metadata and access tokens. Times are epoch milliseconds (UTC).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The head of the change log: the highest seq ever committed. Writers reserve positions by
-- updating this single row first in their transaction; its row lock, held until commit, makes
-- seq order equal commit order (see ChangeLog).
CREATE TABLE log_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT  NOT NULL
);
INSERT INTO log_head (id, seq) VALUES (1, 0);

-- Identity values are never reused, so the id doubles as the collection's incarnation.
CREATE TABLE collections (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT   NOT NULL UNIQUE,
    retention_ms BIGINT NOT NULL,
    horizon      BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);

CREATE TABLE records (
    collection_id BIGINT  NOT NULL,
    id            TEXT    NOT NULL,
    version       BIGINT  NOT NULL,
    seq           BIGINT  NOT NULL,
    deleted       BOOLEAN NOT NULL,
    updated_at    BIGINT  NOT NULL,
    origin        TEXT,
    data          TEXT,
    PRIMARY KEY (collection_id, id)
);
CREATE UNIQUE INDEX records_by_seq ON records (collection_id, seq);
CREATE INDEX records_tombstones ON records (collection_id, updated_at) WHERE deleted;

CREATE TABLE access_tokens (
    id         TEXT   PRIMARY KEY,
    name       TEXT   NOT NULL,
    token_hash TEXT   NOT NULL UNIQUE,
    scopes     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
