-- Tributary store, SQLite dialect, version 19: nothing to change. On PostgreSQL this version gives
-- every collection a change-log head of its own so that writers of different collections do not
-- wait for each other; SQLite has one writer at a time anyway, so here every collection keeps
-- taking its positions from the single log_head row (see ChangeLog).
SELECT 1;
