-- The outbox's priority: 0 a reply to a customer who is talking, 1 a notification (ticket update,
-- agent or manual message), 2 a campaign message. The claim takes the lowest first, then the oldest.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (state, priority, next_attempt_at, id);
