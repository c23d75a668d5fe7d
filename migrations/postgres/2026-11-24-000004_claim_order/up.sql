-- Pending messages in arrival order, for claiming the next conversation: without it every claim
-- read and sorted the whole backlog (the more behind, the slower each claim).
CREATE INDEX inbound_items_claim_order ON inbound_items (occurred_at, id)
    WHERE state = 'pending' AND kind = 'message';
