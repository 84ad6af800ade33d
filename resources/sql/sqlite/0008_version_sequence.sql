-- PostgreSQL takes its versions from a sequence from here on (issue 14).
-- SQLite has one writer at a time: its counters row stays the change counter.
SELECT 1;
