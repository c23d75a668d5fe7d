DROP INDEX defect_tickets_by_status;
DROP INDEX sessions_by_update_node;
DROP INDEX menu_events_by_event_time;
DROP INDEX contacts_by_activity;
DROP INDEX messages_by_direction_time;
