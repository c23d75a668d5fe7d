-- Conversations handed to a person (docs/handoff.md): at most one open handoff per contact, and
-- every change as an event with who and when.
CREATE TABLE handoffs (
    id BIGSERIAL PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'message_left', 'closed')),
    agent TEXT,
    reason TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP,
    first_reply_at TIMESTAMP,
    last_activity_at TIMESTAMP NOT NULL,
    unanswered_at TIMESTAMP,
    closed_at TIMESTAMP,
    message_left TEXT
);
CREATE UNIQUE INDEX handoffs_one_open_per_contact ON handoffs (contact_id) WHERE state <> 'closed';
CREATE INDEX handoffs_by_state ON handoffs (state, opened_at);
CREATE INDEX handoffs_by_opening ON handoffs (opened_at);

CREATE TABLE handoff_events (
    id BIGSERIAL PRIMARY KEY,
    handoff_id BIGINT NOT NULL REFERENCES handoffs (id),
    event TEXT NOT NULL,
    actor TEXT,
    text TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX handoff_events_by_handoff ON handoff_events (handoff_id, id);
