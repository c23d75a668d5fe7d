-- `sessions_updated_at (updated_at)` is the prefix of `sessions_by_update_node (updated_at, node)`,
-- which serves every query the first did: one index fewer to move on every step (#20).
DROP INDEX sessions_updated_at;
