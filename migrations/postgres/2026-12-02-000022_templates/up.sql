-- The business's message templates as the Graph API lists them (wabot templates sync), kept current
-- by the template webhooks (status, quality, category). docs/campaigns.md.
CREATE TABLE templates (
    id BIGSERIAL PRIMARY KEY,
    meta_id TEXT,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    quality TEXT,
    reason TEXT,
    components TEXT NOT NULL,
    parameter_format TEXT NOT NULL CHECK (parameter_format IN ('positional', 'named')),
    parameters TEXT NOT NULL,
    synced_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX templates_by_name ON templates (name, language);
CREATE INDEX templates_by_meta_id ON templates (meta_id);
