-- Accounts are born from « Créer un compte » (issue 12): an account waits for
-- its activation (status 'pending', no sign-in) until its owner opens the
-- mailed link; the activation token is a row of tokens (purpose 'activation').
-- SQLite cannot change a CHECK constraint in place: the users table is rebuilt
-- with the same columns, the way SQLite documents it (Database::migrate runs
-- SQLite migrations with foreign keys off, and checks them before committing).
-- AUTOINCREMENT: an account never activated is removed after a while, and its
-- id must never be given to another account (the audit log names it).
CREATE TABLE users_new (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    email                 TEXT NOT NULL UNIQUE,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    contact_email         TEXT NOT NULL,
    address_line          TEXT NOT NULL DEFAULT '',
    postal_code           TEXT NOT NULL DEFAULT '',
    city                  TEXT NOT NULL DEFAULT '',
    country               TEXT NOT NULL DEFAULT '',
    password_hash         TEXT NOT NULL,
    secret_question       TEXT NOT NULL DEFAULT '',
    secret_answer_hash    TEXT NOT NULL DEFAULT '',
    notifications_enabled INTEGER NOT NULL DEFAULT 0,
    language              TEXT NOT NULL DEFAULT 'fr',
    is_support            INTEGER NOT NULL DEFAULT 0,
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'deactivated')),
    deactivated_at        INTEGER,
    created_at            INTEGER NOT NULL,
    version               INTEGER NOT NULL
);
INSERT INTO users_new (id, email, first_name, last_name, contact_email, address_line, postal_code, city, country,
                   password_hash, secret_question, secret_answer_hash, notifications_enabled, language,
                   is_support, status, deactivated_at, created_at, version)
    SELECT id, email, first_name, last_name, contact_email, address_line, postal_code, city, country,
           password_hash, secret_question, secret_answer_hash, notifications_enabled, language,
           is_support, status, deactivated_at, created_at, version
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_version ON users (version);
-- The accounts waiting for activation, oldest first (their removal).
CREATE INDEX users_pending ON users (created_at) WHERE status = 'pending';
