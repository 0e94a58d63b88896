-- Tributary store, version 20: the fence of the lease under which a link's state (connector token,
-- outbound and deletions checkpoints) was last written — null when written outside a lease. Every
-- such write checks its lease in the same transaction, so on one link the fences only grow.
ALTER TABLE links ADD COLUMN fence BIGINT;
