DELETE FROM inbound_items WHERE kind = 'echo';
ALTER TABLE inbound_items DROP CONSTRAINT inbound_items_kind_check;
ALTER TABLE inbound_items ADD CONSTRAINT inbound_items_kind_check
    CHECK (kind IN ('message', 'status', 'identity'));
