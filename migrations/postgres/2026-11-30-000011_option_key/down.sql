ALTER TABLE menu_events DROP COLUMN option_key;
