-- Tributary store, version 12: access tokens may expire, and the store notes when each was last
-- used (to the minute), so stale tokens can be found and revoked.
ALTER TABLE access_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE access_tokens ADD COLUMN last_used_at BIGINT;
