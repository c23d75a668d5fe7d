-- A fourth kind of inbound item: a message the business sent from the WhatsApp Business app.
ALTER TABLE inbound_items DROP CONSTRAINT inbound_items_kind_check;
ALTER TABLE inbound_items ADD CONSTRAINT inbound_items_kind_check
    CHECK (kind IN ('message', 'status', 'identity', 'echo'));
