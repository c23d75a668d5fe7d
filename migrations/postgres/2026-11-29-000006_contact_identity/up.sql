-- A contact's identity over time: each number it moved to, each user id it gained, each number it
-- gave up because another person (another business-scoped user id) writes from it now.
CREATE TABLE contact_changes (
    id BIGSERIAL PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    change TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX contact_changes_by_contact ON contact_changes (contact_id, id);

-- A third kind of inbound item: WhatsApp's notice that a customer moved to new ids.
ALTER TABLE inbound_items DROP CONSTRAINT inbound_items_kind_check;
ALTER TABLE inbound_items ADD CONSTRAINT inbound_items_kind_check
    CHECK (kind IN ('message', 'status', 'identity'));
