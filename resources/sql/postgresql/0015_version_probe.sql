-- Where versions stand, without copying PostgreSQL's lock table (issue 14).
-- guichet_version_state() finds the versions still in flight by scanning
-- pg_locks for their marks, which copies every lock of the server under each
-- of its lock partitions: guichetd's watcher paid it after each burst of
-- commits. A reader that already knows a version below which every command
-- has ended (one this function answered it before: readers only move forward)
-- now gives it, and only the versions above it that have no committed row are
-- probed: each such mark is tried with pg_try_advisory_xact_lock, which fails
-- only while the version's writer is still in flight, and which is released
-- with the reader's transaction (the reader's own statement when it has none:
-- a cancelled probe cannot leave a mark held). No writer ever takes an ended
-- version's mark again, so a probe never holds one up. The gate still makes
-- a version and its mark one step for readers: every version up to the
-- sequence's value read inside it carries its mark or has ended. Committed
-- rows are read before the probes (those versions have ended) and again after
-- them, in a new snapshot that holds every commit a probe found ended.
-- Without a usable `known` (none yet, from another database, or too far
-- behind: more than 256 versions to look at), the scan as before.
-- A reader inside a transaction that took a version itself must not use it:
-- its own row is visible to it and its own mark does not stop its probe.
CREATE FUNCTION guichet_version_state(known BIGINT, OUT visible BIGINT, OUT committed_above BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    handed BIGINT;
    called BOOLEAN;
    pending BIGINT;
    committed BIGINT[];
    i INTEGER := 1;
    v BIGINT;
BEGIN
    PERFORM pg_advisory_lock(73517002, 1);
    BEGIN
        SELECT last_value, is_called INTO handed, called FROM version_seq;
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock(73517002, 1);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(73517002, 1);
    IF NOT called THEN
        handed := handed - 1;
    END IF;
    IF known IS NULL OR known <= 0 OR known > handed OR handed - known > 256 THEN
        SELECT s.visible, s.committed_above INTO visible, committed_above FROM guichet_version_state() s;
        RETURN;
    END IF;
    -- One range of the index (a join with generate_series would plan for a
    -- thousand versions and scan the table), then each version in turn.
    committed := ARRAY(SELECT c.version FROM committed_versions c
                       WHERE c.version > known AND c.version <= handed ORDER BY c.version);
    -- Counted from 1: an integer loop's variable is an INTEGER, a version a BIGINT.
    FOR k IN 1 .. (handed - known)::INTEGER LOOP
        v := known + k;
        IF i <= cardinality(committed) AND committed[i] = v THEN
            i := i + 1;
        ELSIF NOT pg_try_advisory_xact_lock(v | (1::BIGINT << 62)) THEN
            pending := v;
            EXIT;
        END IF;
    END LOOP;
    IF pending IS NOT NULL THEN
        handed := pending - 1;
    END IF;
    SELECT w.upto, (SELECT count(*) FROM committed_versions c WHERE c.version > w.upto)
    INTO visible, committed_above
    FROM (SELECT COALESCE(max(k.version), 0) AS upto FROM committed_versions k WHERE k.version <= handed) w;
END;
$$;

-- guichetd no longer sets force_custom_plan on its connections (its searches
-- send their values written in, Database::CustomPlans): these functions need
-- no setting of their own, whose save and restore every call paid.
ALTER FUNCTION guichet_next_version() RESET plan_cache_mode;
ALTER FUNCTION guichet_version_state() RESET plan_cache_mode;
