-- Business data belongs to a person (a contact), not to a phone number: a customer who changes
-- number keeps their orders, tickets and visits, and a new owner of a number sees none of the
-- previous owner's. `customer` stays as the id the business wrote; rows whose customer has not
-- written yet get their contact when one with that id first appears.
ALTER TABLE orders ADD COLUMN contact_id BIGINT;
ALTER TABLE defect_tickets ADD COLUMN contact_id BIGINT;
ALTER TABLE schedule_entries ADD COLUMN contact_id BIGINT;
ALTER TABLE feedback ADD COLUMN contact_id BIGINT;
UPDATE orders SET contact_id = (SELECT c.id FROM contacts c
    WHERE c.wa_id = orders.customer OR c.user_id = orders.customer ORDER BY c.id LIMIT 1);
UPDATE defect_tickets SET contact_id = (SELECT c.id FROM contacts c
    WHERE c.wa_id = defect_tickets.customer OR c.user_id = defect_tickets.customer ORDER BY c.id LIMIT 1);
UPDATE schedule_entries SET contact_id = (SELECT c.id FROM contacts c
    WHERE c.wa_id = schedule_entries.customer OR c.user_id = schedule_entries.customer ORDER BY c.id LIMIT 1);
UPDATE feedback SET contact_id = (SELECT c.id FROM contacts c
    WHERE c.wa_id = feedback.customer OR c.user_id = feedback.customer ORDER BY c.id LIMIT 1);
CREATE INDEX orders_by_contact ON orders (contact_id, placed_on);
CREATE INDEX defect_tickets_by_contact ON defect_tickets (contact_id, opened_at);
CREATE INDEX schedule_by_contact ON schedule_entries (contact_id, day, starts);
CREATE INDEX feedback_by_contact ON feedback (contact_id);
