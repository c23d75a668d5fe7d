DROP TABLE ticket_media;
