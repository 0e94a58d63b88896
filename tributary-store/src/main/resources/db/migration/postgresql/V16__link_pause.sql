-- Tributary store, version 16: a link may be paused: the engine starts no run of it until it is resumed.
ALTER TABLE links ADD COLUMN paused_at BIGINT;
