DROP INDEX handoffs_by_contact;
