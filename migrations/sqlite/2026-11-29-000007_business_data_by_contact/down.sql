DROP INDEX feedback_by_contact;
DROP INDEX schedule_by_contact;
DROP INDEX defect_tickets_by_contact;
DROP INDEX orders_by_contact;
ALTER TABLE feedback DROP COLUMN contact_id;
ALTER TABLE schedule_entries DROP COLUMN contact_id;
ALTER TABLE defect_tickets DROP COLUMN contact_id;
ALTER TABLE orders DROP COLUMN contact_id;
