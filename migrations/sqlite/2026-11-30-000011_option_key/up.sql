-- Which option of a menu was chosen: `option_chosen` events keep the option's key, so the menu
-- diagram can count each option (each edge of the tree), not only each menu. Older events have none.
ALTER TABLE menu_events ADD COLUMN option_key INTEGER;
