DROP TABLE menu_events;
DROP TABLE outbox;
DROP TABLE messages;
DROP TABLE sessions;
DROP TABLE inbound_items;
DROP TABLE webhook_events;
DROP TABLE contacts;
