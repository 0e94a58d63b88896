-- Tributary store, version 3: object services for offline clients, and the upload cache that
-- makes uploads exactly-once per change.

CREATE TABLE object_services (
    name       TEXT PRIMARY KEY,
    definition TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One row per upload request id: processing, then done with its answer, until it expires.
CREATE TABLE upload_requests (
    service    TEXT    NOT NULL,
    request_id TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    status     INTEGER,
    answer     TEXT,
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (service, request_id)
);
CREATE INDEX upload_requests_expiry ON upload_requests (expires_at);

-- The outcome of each change of a request, written in the transaction that applied the change.
CREATE TABLE upload_changes (
    service    TEXT    NOT NULL,
    request_id TEXT    NOT NULL,
    idx        INTEGER NOT NULL,
    outcome    TEXT    NOT NULL,
    PRIMARY KEY (service, request_id, idx)
);
