-- Conversations are stepped in turns (one transaction each, see crates/wabot-store/src/turn.rs);
-- the lease on the contact that the earlier lease-based steps used is gone with them.
ALTER TABLE contacts DROP COLUMN lease_owner;
ALTER TABLE contacts DROP COLUMN lease_expires_at;
