-- A contact's open handoff is looked up by `contact_id = ? AND state <> ?`. The partial unique
-- index `handoffs_one_open_per_contact` cannot serve it once SQLite plans without looking at
-- bound values (the query-planner stability guarantee, see .cargo/config.toml), so a plain index
-- on the contact keeps that lookup from scanning every handoff ever opened.
CREATE INDEX handoffs_by_contact ON handoffs (contact_id);
