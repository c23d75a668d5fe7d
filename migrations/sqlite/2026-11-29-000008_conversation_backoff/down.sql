ALTER TABLE inbound_items DROP COLUMN retry_at;
ALTER TABLE inbound_items DROP COLUMN attempts;
