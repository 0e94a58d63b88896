-- Tributary store, version 14: watch channels — receivers told by a POST when a collection
-- changes. Each channel row is also its own outbox: at most one pending notification (its state
-- and message number, kept across retries); changes while it waits coalesce into it.
CREATE TABLE watch_channels (
    id                TEXT    PRIMARY KEY,
    resource_id       TEXT    NOT NULL,
    resource_uri      TEXT    NOT NULL,
    collection        TEXT    NOT NULL,
    incarnation       BIGINT  NOT NULL,
    address           TEXT    NOT NULL,
    channel_token     TEXT,
    expiration        BIGINT  NOT NULL,
    created_at        BIGINT  NOT NULL,
    created_by        TEXT,
    state             TEXT    NOT NULL,
    reason            TEXT,
    seen_seq          BIGINT  NOT NULL,
    next_message      BIGINT  NOT NULL,
    pending_state     TEXT,
    pending_number    BIGINT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    claimed_by        TEXT,
    claimed_until     BIGINT,
    last_error        TEXT,
    delivered         BIGINT  NOT NULL DEFAULT 0,
    last_delivered_at BIGINT
);
CREATE INDEX watch_channels_collection ON watch_channels (collection, state);
CREATE INDEX watch_channels_due ON watch_channels (next_attempt_at) WHERE pending_state IS NOT NULL;
