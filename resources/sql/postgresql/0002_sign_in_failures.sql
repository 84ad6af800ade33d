-- Failed sign-ins are counted per (sign-in e-mail, client address) instead of
-- per account (issue 13, item 4): guesses from one address lock that address
-- out of that account, never the owner signing in from elsewhere. Rows exist
-- for unknown e-mails too, so that their answers look the same as an
-- account's. Core forgets a row a day after its last failure. The former
-- per-account counters go (their locks end with this migration).
CREATE TABLE sign_in_failures (
    email            TEXT NOT NULL,
    client_address   TEXT NOT NULL,
    failures         BIGINT NOT NULL,
    last_failure_at  BIGINT NOT NULL,
    next_login_at    BIGINT,
    locked_until     BIGINT,
    PRIMARY KEY (email, client_address)
);
CREATE INDEX sign_in_failures_last_failure ON sign_in_failures (last_failure_at);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN next_login_at;
ALTER TABLE users DROP COLUMN locked_until;
