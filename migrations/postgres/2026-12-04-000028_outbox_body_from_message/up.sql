-- A queued reply's body is read from its message (`messages.body`, the same text). On SQLite (one
-- process) the outbox's copy is dropped (its migration 000028). On PostgreSQL several instances
-- may run two versions side by side during a rolling upgrade, and the previous version sends the
-- outbox's copy: this version still writes it on the rows it queues, and the column only gets a
-- default (for rows written without it). A later release stops writing it, the one after drops it
-- (docs/deployment.md, "Upgrades").
ALTER TABLE outbox ALTER COLUMN body SET DEFAULT '';
