-- Tributary store, version 13: the audit log — who (which token, or the command line) changed
-- which endpoint, link, resource, service, token, or resolved which conflict, and when.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       BIGINT NOT NULL,
    token_id TEXT,
    actor    TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    target   TEXT   NOT NULL,
    status   INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
