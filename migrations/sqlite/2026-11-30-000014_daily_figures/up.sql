-- The console's overview at a million messages (docs/performance.md, "Console at a million
-- messages"): per-day figures kept for complete UTC days, who entered each menu node last, and an
-- index for "customers who wrote since".

-- One row per complete UTC day (never today): the day's message figures, read by the overview and
-- /api/stats instead of the day's messages. A missing row is computed from the raw tables once and
-- stored; every write that changes a past day's figures deletes that day's row in its own
-- transaction (crates/wabot-store/src/daily_figures.rs). `computed_at` is NULL while a reader
-- computes the row (it has claimed the day with its `claim` token); such a row is not read.
CREATE TABLE daily_figures (
    day DATE PRIMARY KEY NOT NULL,
    inbound BIGINT NOT NULL DEFAULT 0,
    outbound BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    delivered BIGINT NOT NULL DEFAULT 0,
    read BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    waiting BIGINT NOT NULL DEFAULT 0,
    -- Failed outbound messages by error code: JSON [[code or null, count], ...].
    failures TEXT NOT NULL DEFAULT '[]',
    -- Reply times: a histogram, JSON [[bucket ms, count], ...] (crates/wabot-store/src/histogram.rs).
    reply_times TEXT NOT NULL DEFAULT '[]',
    claim BIGINT NOT NULL,
    computed_at TIMESTAMP
);

-- The funnel's "reached": when each contact last entered each node, kept by the turn that records
-- the node_entered event; reached since T = rows of the node with last_entered_at >= T.
CREATE TABLE node_visits (
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    node TEXT NOT NULL,
    last_entered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contact_id, node)
);
CREATE INDEX node_visits_by_node_time ON node_visits (node, last_entered_at);
INSERT INTO node_visits (contact_id, node, last_entered_at)
SELECT contact_id, node, max(at) FROM menu_events
WHERE event = 'node_entered' AND node IS NOT NULL
GROUP BY contact_id, node;

-- Customers who wrote since T: contacts with last_inbound_at >= T.
CREATE INDEX contacts_by_last_inbound ON contacts (last_inbound_at);
