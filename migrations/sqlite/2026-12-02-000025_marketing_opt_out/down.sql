ALTER TABLE contacts DROP COLUMN marketing_opt_out_reason;
ALTER TABLE contacts DROP COLUMN marketing_opt_out_at;
