-- guichetd trusts a session it found valid without reading it again for each
-- command, until something may have ended it (issue 14: that read was one of
-- a command's round trips). Whatever ends sessions — a sign-out, a password
-- change, a deactivation, a lock, a purge, by any guichetd, guichetctl or SQL
-- by hand — changes one of the columns below: these statement triggers then
-- notify 'guichet_sessions' when it commits, which every guichetd LISTENs to,
-- and mark the connection that wrote (guichet_sessions_ended()), so that the
-- guichetd that ran it knows at once, before the notification comes back.
-- The mark is a session setting changed inside the transaction: a rollback
-- takes it back with the rest.
CREATE FUNCTION guichet_sessions_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('guichet_sessions', '');
    PERFORM set_config('guichet.sessions_ended', 'on', false);
    RETURN NULL;
END;
$$;

-- In a DO block: the migration splitter reads a statement beginning with
-- CREATE TRIGGER as an SQLite trigger, up to its END;.
DO $$
BEGIN
    CREATE TRIGGER sessions_ended AFTER UPDATE OF user_id, token_hash, expires_at, revoked_at OR DELETE
        ON sessions FOR EACH STATEMENT EXECUTE FUNCTION guichet_sessions_changed();
    CREATE TRIGGER sessions_truncated AFTER TRUNCATE
        ON sessions FOR EACH STATEMENT EXECUTE FUNCTION guichet_sessions_changed();
    CREATE TRIGGER users_ended AFTER UPDATE OF id, status OR DELETE
        ON users FOR EACH STATEMENT EXECUTE FUNCTION guichet_sessions_changed();
    CREATE TRIGGER users_truncated AFTER TRUNCATE
        ON users FOR EACH STATEMENT EXECUTE FUNCTION guichet_sessions_changed();
END;
$$;

-- Read with a COMMIT (Database::commit: just before it on guichetd's
-- workers, just after it where the commit notifies): whether the
-- transaction ended sessions on this connection; clears the mark.
CREATE FUNCTION guichet_sessions_ended() RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
    ended BOOLEAN := COALESCE(current_setting('guichet.sessions_ended', true), '') = 'on';
BEGIN
    IF ended THEN
        PERFORM set_config('guichet.sessions_ended', '', false);
    END IF;
    RETURN ended;
END;
$$;

-- Their statements need no plan per call (guichetd sets force_custom_plan for
-- its own, for the searches): the watcher reads the state once per burst of
-- commits, and every command takes a version.
ALTER FUNCTION guichet_next_version() SET plan_cache_mode = auto;
ALTER FUNCTION guichet_version_state() SET plan_cache_mode = auto;
