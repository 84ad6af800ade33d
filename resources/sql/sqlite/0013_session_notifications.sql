-- PostgreSQL notifies the ends of sessions (issue 14). SQLite has one
-- guichetd per file: its session cache keeps following the change counter.
SELECT 1;
