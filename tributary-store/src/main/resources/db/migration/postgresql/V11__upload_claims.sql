-- Tributary store, version 11: an upload claim names the hub process that holds it (so a claim
-- left by a process that is gone is taken over at once by its successor's resend, and one held by
-- another live node is waited for no longer than its heartbeat allows), and a digest of the
-- request body (so a different body sent under a request id already used is refused, not answered
-- with the first body's outcome).
ALTER TABLE upload_requests ADD COLUMN owner TEXT;
ALTER TABLE upload_requests ADD COLUMN body_digest TEXT;
