-- Tributary store, version 15: a watch channel may sign its notifications (Standard Webhooks);
-- its secret is sealed like the other credentials.
ALTER TABLE watch_channels ADD COLUMN signing_secret TEXT;
