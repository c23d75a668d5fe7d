-- The send schedule that instances share (one row per phone number): the next free slot of Meta's
-- per-number rate, in microseconds since the epoch of the database's clock. Each sender leases a few
-- slots at a time from it (see wabot-app's shared_rate.rs), so all instances together keep the rate.
CREATE TABLE send_pace (
    phone_number_id TEXT PRIMARY KEY NOT NULL,
    next_slot_us BIGINT NOT NULL
);
