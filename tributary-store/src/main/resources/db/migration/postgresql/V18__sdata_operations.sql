-- Tributary store, version 18: SData asynchronous operations ($syncSource, $syncTarget) shared by
-- the hub nodes of a store: the node that runs one records it here, and its result when done, so
-- a client sent to another node by a load balancer can follow its Location there too.
CREATE TABLE sdata_operations (
    op_key     TEXT   PRIMARY KEY,
    kind       TEXT   NOT NULL,
    resource   TEXT   NOT NULL,
    node       TEXT,
    state      TEXT   NOT NULL,
    result     TEXT,
    error      TEXT,
    started_at BIGINT NOT NULL,
    touched_at BIGINT NOT NULL
);
CREATE INDEX sdata_operations_touched ON sdata_operations (touched_at);
