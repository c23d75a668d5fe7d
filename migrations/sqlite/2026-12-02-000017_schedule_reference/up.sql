-- A schedule entry's business key (the business's own id for a delivery, pickup or visit), so the
-- admin API's PUT and `wabot import schedule` update the entry they name instead of adding another.
-- NULL for entries written before (seed-demo's); unique when present.
ALTER TABLE schedule_entries ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX schedule_entries_reference ON schedule_entries (reference);
