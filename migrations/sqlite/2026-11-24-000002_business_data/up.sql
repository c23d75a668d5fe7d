-- Business data behind the engine's BusinessData port (SQLite). Every row names its customer
-- (the contact key: WhatsApp id, else business-scoped user id); every query filters by it.
-- Dates are ISO text (YYYY-MM-DD), times of day HH:MM, so both backends sort them alike.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    items TEXT NOT NULL,
    placed_on TEXT NOT NULL,
    expected_delivery TEXT,
    tracking_note TEXT
);
CREATE INDEX orders_by_customer ON orders (customer, placed_on);

CREATE TABLE defect_tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    customer TEXT NOT NULL,
    order_number TEXT,
    description TEXT NOT NULL,
    photo_media_id TEXT,
    status TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL
);
CREATE INDEX defect_tickets_by_customer ON defect_tickets (customer, opened_at);

CREATE TABLE defect_ticket_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES defect_tickets (id),
    status TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    note TEXT
);

CREATE TABLE schedule_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    day TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT
);
CREATE INDEX schedule_by_customer ON schedule_entries (customer, day, starts);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
