DROP INDEX contacts_by_last_inbound;
DROP INDEX node_visits_by_node_time;
DROP TABLE node_visits;
DROP TABLE daily_figures;
