DROP INDEX schedule_entries_reference;
ALTER TABLE schedule_entries DROP COLUMN reference;
