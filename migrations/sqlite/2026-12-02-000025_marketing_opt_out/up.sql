-- A contact's marketing opt-out: when, and why (a stop word, Meta's user_marketing_preferences
-- webhook, or error 131050). Campaigns skip such contacts at creation and again when feeding.
ALTER TABLE contacts ADD COLUMN marketing_opt_out_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN marketing_opt_out_reason TEXT;
