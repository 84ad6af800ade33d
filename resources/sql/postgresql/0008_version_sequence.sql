-- Versions come from a sequence instead of the counters row, so writers no
-- longer queue on one row lock from their first change to their COMMIT
-- (issue 14). Versions may now commit out of order: a reader must only read up
-- to the version below which every command has ended, or it could read N+1,
-- move its checkpoint past it and never see N. Each writer marks its version
-- "in flight" with a shared transaction-level advisory lock, which PostgreSQL
-- releases only once the commit is visible; guichet_version_state() answers
-- the last committed version below the smallest still in flight (or below
-- none), and how many committed versions lie above it: the pair changes with
-- every commit, which guichetd's session cache needs (the visible version
-- alone does not move while an older command is still in flight). Committed
-- versions are rows of committed_versions, written in the command's
-- transaction: a rolled-back command leaves none and moves nothing.
-- A short session-level gate makes taking a version and marking it one step
-- for readers. The keys of the marks have bit 62 set: the bigint lock of the
-- migrations (73517001) or any other can never pass for a version.
-- The counters row stays at its last value, for older tools only.
CREATE SEQUENCE version_seq AS BIGINT MINVALUE 1;
SELECT setval('version_seq', GREATEST(value, 1), value > 0) FROM counters WHERE name = 'version';

CREATE TABLE committed_versions (version BIGINT PRIMARY KEY);
INSERT INTO committed_versions SELECT value FROM counters WHERE name = 'version' AND value > 0;

CREATE FUNCTION guichet_next_version() RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    PERFORM pg_advisory_lock_shared(73517002, 1);
    BEGIN
        SELECT nextval('version_seq') INTO v;
        PERFORM pg_advisory_xact_lock_shared(v | (1::BIGINT << 62));
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock_shared(73517002, 1);
        RAISE;
    END;
    PERFORM pg_advisory_unlock_shared(73517002, 1);
    INSERT INTO committed_versions (version) VALUES (v);
    -- Each version deletes one old row, never another writer's: no waits.
    DELETE FROM committed_versions WHERE version = v - 100000;
    RETURN v;
END;
$$;

CREATE FUNCTION guichet_version_state(OUT visible BIGINT, OUT committed_above BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    handed BIGINT;
    called BOOLEAN;
    pending BIGINT;
BEGIN
    PERFORM pg_advisory_lock(73517002, 1);
    BEGIN
        SELECT last_value, is_called INTO handed, called FROM version_seq;
        SELECT min(((l.classid::BIGINT - 1073741824) << 32) | l.objid::BIGINT) INTO pending
        FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.classid::BIGINT >= 1073741824
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock(73517002, 1);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(73517002, 1);
    IF NOT called THEN
        handed := handed - 1;
    END IF;
    IF pending IS NOT NULL AND pending <= handed THEN
        handed := pending - 1;
    END IF;
    -- A new statement, so a new snapshot: every commit up to `handed` is in it.
    SELECT w.upto, (SELECT count(*) FROM committed_versions c WHERE c.version > w.upto)
    INTO visible, committed_above
    FROM (SELECT COALESCE(max(k.version), 0) AS upto FROM committed_versions k WHERE k.version <= handed) w;
END;
$$;

-- Called once the command's transaction committed (Database::commit), in a
-- transaction of its own: the NOTIFY that wakes every guichetd (a NOTIFY holds
-- PostgreSQL's notification lock from the commit's start to its end, so inside
-- the command's transaction it would make commands commit one at a time, each
-- waiting for the previous one's fsync; here nothing is written, and the
-- commit does not wait for the disk), and the state readers see now.
CREATE FUNCTION guichet_committed(v BIGINT, OUT visible BIGINT, OUT committed_above BIGINT)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_notify('guichet_changes', v::TEXT);
    SELECT s.visible, s.committed_above INTO visible, committed_above FROM guichet_version_state() s;
END;
$$;
