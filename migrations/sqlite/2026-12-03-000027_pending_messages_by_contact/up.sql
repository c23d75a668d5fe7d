-- Nothing on SQLite: its plan for a contact's pending messages already uses inbound_items_pending
-- (PostgreSQL got a partial index in this version; the two folders keep the same versions).
SELECT 1;
