-- Campaigns (template broadcasts) and one row per recipient: the unit of exactly-once. A recipient
-- is fed to the outbox in the same transaction that sets its message_id (docs/campaigns.md).
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    template_id BIGINT NOT NULL REFERENCES templates (id),
    state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'stopped', 'cancelled', 'completed')),
    stop_reason TEXT,
    messages_per_second REAL NOT NULL,
    slowed_until TIMESTAMP,
    paced_at TIMESTAMP NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    recipient_count BIGINT NOT NULL
);
CREATE INDEX campaigns_by_state ON campaigns (state, starts_at);

CREATE TABLE campaign_recipients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    wa_id TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'queued', 'skipped', 'cancelled')),
    skip_reason TEXT,
    contact_id BIGINT REFERENCES contacts (id),
    message_id BIGINT REFERENCES messages (id),
    fed_at TIMESTAMP,
    taken_over INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_recipients_feed ON campaign_recipients (campaign_id, state, id);
CREATE INDEX campaign_recipients_by_message ON campaign_recipients (message_id);
