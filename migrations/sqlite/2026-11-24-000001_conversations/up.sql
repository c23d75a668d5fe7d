-- Contacts, webhook events, inbound items, sessions, messages and the outbox (SQLite).
-- Times are UTC; ids are 64-bit. Keep in step with ../../postgres (same tables, same columns).
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    wa_id TEXT UNIQUE,
    user_id TEXT UNIQUE,
    profile_name TEXT,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    last_inbound_at TIMESTAMP,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
);

CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    processed_at TIMESTAMP,
    outcome TEXT
);

CREATE TABLE inbound_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BIGINT NOT NULL REFERENCES webhook_events (id),
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'status')),
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    occurred_at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    done_at TIMESTAMP
);
CREATE INDEX inbound_items_pending ON inbound_items (contact_id, occurred_at, id) WHERE state = 'pending';

CREATE TABLE sessions (
    contact_id BIGINT PRIMARY KEY REFERENCES contacts (id),
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    wa_message_id TEXT UNIQUE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    status_rank INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    delivered_at TIMESTAMP,
    read_at TIMESTAMP,
    failed_at TIMESTAMP,
    error_code BIGINT,
    error_title TEXT
);
CREATE INDEX messages_by_contact ON messages (contact_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id BIGINT NOT NULL UNIQUE REFERENCES messages (id),
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_by_contact ON outbox (contact_id, id) WHERE state = 'pending';

CREATE TABLE menu_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    event TEXT NOT NULL,
    node TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX menu_events_by_time ON menu_events (at);
