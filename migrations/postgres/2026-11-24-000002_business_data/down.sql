DROP TABLE feedback;
DROP TABLE schedule_entries;
DROP TABLE defect_ticket_history;
DROP TABLE defect_tickets;
DROP TABLE orders;
