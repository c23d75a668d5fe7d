-- A queued reply's body is read from its message (`messages.body`, the same text): the outbox row
-- keeps only what sending needs (state, lease, attempts), small enough that its lease and outcome
-- rewrite a shared page instead of a page of its own (#20, docs/performance.md). SQLite is one
-- process, stopped before it migrates, so no previous version reads the column meanwhile
-- (PostgreSQL keeps it for a rolling upgrade: its migration 000028).
ALTER TABLE outbox DROP COLUMN body;
