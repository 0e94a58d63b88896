-- Tributary store, version 19: one change-log head per collection. Positions (seq) are handed out
-- per collection from its own head row, so writers of different collections no longer wait for each
-- other; within a collection the head row's lock still makes seq order equal commit order (see
-- ChangeLog). Rows are keyed by collection name and never deleted, so a collection deleted and
-- created again goes on from where its name left off (a link's checkpoint stays below every new
-- position). The single head of earlier versions (log_head) is no longer moved: it is where the
-- head of a name never seen before starts, above every position it handed out.
CREATE TABLE log_heads (
    collection TEXT   PRIMARY KEY,
    seq        BIGINT NOT NULL
);
INSERT INTO log_heads (collection, seq) SELECT c.name, h.seq FROM collections c, log_head h WHERE h.id = 1;
