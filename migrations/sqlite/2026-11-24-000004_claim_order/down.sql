DROP INDEX inbound_items_claim_order;
DROP INDEX inbound_items_pending;
DROP INDEX outbox_due;
DROP INDEX outbox_by_contact;
CREATE INDEX inbound_items_pending ON inbound_items (contact_id, occurred_at, id) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_by_contact ON outbox (contact_id, id) WHERE state = 'pending';
