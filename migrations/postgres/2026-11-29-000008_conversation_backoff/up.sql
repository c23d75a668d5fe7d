-- A conversation whose step fails waits before it is tried again, so it does not hold every worker
-- (the next turn always takes the oldest pending message): the failing message counts its attempts,
-- and the contact's pending messages wait until `retry_at`.
ALTER TABLE inbound_items ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_items ADD COLUMN retry_at TIMESTAMP;
