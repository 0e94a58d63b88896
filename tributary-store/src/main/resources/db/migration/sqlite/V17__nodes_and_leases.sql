-- Tributary store, version 17: hub nodes and the leases by which one node at a time owns a piece
-- of work (a link, a job). A node heartbeats its row and renews its leases; a lease whose expiry
-- passed may be taken by another node, which raises its fence. Every write of a run's sync state
-- checks, in its own transaction, that its node still holds the lease with the fence it took.
CREATE TABLE nodes (
    id           TEXT   PRIMARY KEY,
    name         TEXT   NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    stopped_at   BIGINT
);
CREATE TABLE leases (
    name        TEXT   PRIMARY KEY,
    owner       TEXT,
    fence       BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    acquired_at BIGINT
);
CREATE INDEX leases_owner ON leases (owner);
ALTER TABLE runs ADD COLUMN node TEXT;
