CREATE INDEX sessions_updated_at ON sessions (updated_at);
