-- A contact's pending messages, oldest first: the query names 'pending' and 'message' as literals,
-- so even PostgreSQL's cached generic plan can use this small partial index (only what waits).
-- Before, with the two values bound, a plan made while little was pending walked
-- inbound_items_claim_order (everyone's pending messages) filtered by contact: quadratic in a burst.
CREATE INDEX inbound_items_waiting_by_contact ON inbound_items (contact_id, occurred_at, id)
    WHERE state = 'pending' AND kind = 'message';
