ALTER TABLE contacts ADD COLUMN lease_owner TEXT;
ALTER TABLE contacts ADD COLUMN lease_expires_at TIMESTAMP;
