DELETE FROM inbound_items WHERE kind = 'echo';
CREATE TABLE inbound_items_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BIGINT NOT NULL REFERENCES webhook_events (id),
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'status', 'identity')),
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    occurred_at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    done_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at TIMESTAMP
);
INSERT INTO inbound_items_new (id, event_id, dedupe_key, kind, contact_id, occurred_at, payload, state, done_at, attempts, retry_at)
    SELECT id, event_id, dedupe_key, kind, contact_id, occurred_at, payload, state, done_at, attempts, retry_at FROM inbound_items;
DROP TABLE inbound_items;
ALTER TABLE inbound_items_new RENAME TO inbound_items;
CREATE INDEX inbound_items_pending ON inbound_items (contact_id, state, kind, occurred_at, id);
CREATE INDEX inbound_items_claim_order ON inbound_items (state, kind, occurred_at, id);
