-- Claim queries filter on `state` with a bound parameter. SQLite can match such a filter to a
-- partial index (`WHERE state = 'pending'`) only by re-preparing the statement at every execution,
-- so the partial indexes of the first migration made every claim parse and plan its SQL again.
-- These indexes lead with the state instead; they also give the claim of the next conversation an
-- index in arrival order (before, every claim read and sorted the whole backlog).
DROP INDEX inbound_items_pending;
DROP INDEX outbox_due;
DROP INDEX outbox_by_contact;
CREATE INDEX inbound_items_pending ON inbound_items (contact_id, state, kind, occurred_at, id);
CREATE INDEX inbound_items_claim_order ON inbound_items (state, kind, occurred_at, id);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_by_contact ON outbox (contact_id, state, id);
