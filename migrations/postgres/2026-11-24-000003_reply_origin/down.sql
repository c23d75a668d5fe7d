DROP INDEX sessions_updated_at;
ALTER TABLE outbox DROP COLUMN origin_at;
