-- The console's pages at a million messages: each query of the overview, the conversation list and
-- the ticket desk reads a range of one of these indexes (checked with EXPLAIN on both backends; see
-- docs/performance.md, "Console at a million messages").

-- The overview's messages of a period, each way: traffic per day, delivery by status and the
-- distinct customers who wrote are read from the index alone.
CREATE INDEX messages_by_direction_time ON messages (direction, created_at, status, contact_id);
-- The conversation list, newest activity first, paged by (last_seen_at, id).
CREATE INDEX contacts_by_activity ON contacts (last_seen_at, id);
-- The funnel: who entered each node in a period.
CREATE INDEX menu_events_by_event_time ON menu_events (event, at, node, contact_id);
-- The funnel's drop-off: conversations by their last step, with the node they are at.
CREATE INDEX sessions_by_update_node ON sessions (updated_at, node);
-- The ticket desk: by status, newest first.
CREATE INDEX defect_tickets_by_status ON defect_tickets (status, id);
