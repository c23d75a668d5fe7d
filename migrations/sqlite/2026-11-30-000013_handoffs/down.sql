DROP TABLE handoff_events;
DROP TABLE handoffs;
