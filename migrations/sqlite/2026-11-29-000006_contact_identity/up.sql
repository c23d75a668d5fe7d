-- A contact's identity over time: each number it moved to, each user id it gained, each number it
-- gave up because another person (another business-scoped user id) writes from it now.
CREATE TABLE contact_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    change TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX contact_changes_by_contact ON contact_changes (contact_id, id);

-- A third kind of inbound item: WhatsApp's notice that a customer moved to new ids. SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt with the same columns and indexes.
CREATE TABLE inbound_items_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BIGINT NOT NULL REFERENCES webhook_events (id),
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'status', 'identity')),
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    occurred_at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    done_at TIMESTAMP
);
INSERT INTO inbound_items_new (id, event_id, dedupe_key, kind, contact_id, occurred_at, payload, state, done_at)
    SELECT id, event_id, dedupe_key, kind, contact_id, occurred_at, payload, state, done_at FROM inbound_items;
DROP TABLE inbound_items;
ALTER TABLE inbound_items_new RENAME TO inbound_items;
CREATE INDEX inbound_items_pending ON inbound_items (contact_id, state, kind, occurred_at, id);
CREATE INDEX inbound_items_claim_order ON inbound_items (state, kind, occurred_at, id);
