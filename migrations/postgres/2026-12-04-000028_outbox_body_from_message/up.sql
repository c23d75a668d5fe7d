-- A queued reply's body is read from its message (`messages.body`, the same text): the outbox row
-- keeps only what sending needs (state, lease, attempts), small enough that its lease and outcome
-- rewrite a shared page instead of a page of its own (#20, docs/performance.md).
ALTER TABLE outbox DROP COLUMN body;
