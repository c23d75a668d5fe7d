-- When the message a reply answers reached our webhook, for the reply-latency metric.
ALTER TABLE outbox ADD COLUMN origin_at TIMESTAMP NULL;
-- Sessions by last step, for "active conversations" and drop-off.
CREATE INDEX sessions_updated_at ON sessions (updated_at);
