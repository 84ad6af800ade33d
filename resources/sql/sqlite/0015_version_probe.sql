-- PostgreSQL reads where versions stand by probing the few above the last one
-- seen (issue 14). SQLite has one writer at a time: its counter is a row.
SELECT 1;
