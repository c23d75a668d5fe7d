-- A defect ticket's photos, videos and documents (docs/business-data.md). Each row is both the
-- kept file (content-addressed by sha256 under the media folder) and its download job, leased
-- like the outbox: pending -> stored, or -> failed with the reason after the last attempt.
CREATE TABLE ticket_media (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES defect_tickets (id),
    n INTEGER NOT NULL,
    media_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    sha256 TEXT,
    mime_type TEXT,
    size BIGINT,
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    stored_at TIMESTAMP
);
CREATE UNIQUE INDEX ticket_media_by_ticket ON ticket_media (ticket_id, n);
CREATE INDEX ticket_media_due ON ticket_media (state, next_attempt_at);
