ALTER TABLE outbox ADD COLUMN body TEXT NOT NULL DEFAULT '';
UPDATE outbox SET body = (SELECT body FROM messages WHERE messages.id = outbox.message_id);
