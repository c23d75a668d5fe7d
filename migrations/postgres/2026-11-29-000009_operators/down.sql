DROP INDEX sessions_by_node;
ALTER TABLE sessions DROP COLUMN node;
DROP TABLE operator_sessions;
DROP TABLE operators;
