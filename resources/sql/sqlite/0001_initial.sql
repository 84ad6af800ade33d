-- Guichet schema, version 1 (SQLite).
-- Conventions shared with the PostgreSQL set: timestamps are UTC milliseconds
-- since the epoch (INTEGER), dates are 'yyyy-MM-dd' text, flags are 0/1
-- integers, and every synced row carries the version of the command that last
-- changed it (see counters and tombstones).

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('version', 0);

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
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
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
    deactivated_at        INTEGER,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    next_login_at         INTEGER,
    locked_until          INTEGER,
    created_at            INTEGER NOT NULL,
    version               INTEGER NOT NULL
);
CREATE INDEX users_version ON users (version);

CREATE TABLE structures (
    id                INTEGER PRIMARY KEY,
    siret             TEXT NOT NULL UNIQUE,
    raison_sociale    TEXT NOT NULL,
    libelle           TEXT NOT NULL DEFAULT '',
    adresse           TEXT NOT NULL DEFAULT '',
    code_postal       TEXT NOT NULL DEFAULT '',
    ville             TEXT NOT NULL DEFAULT '',
    -- 1: secondary managers have the principal manager's powers on this structure.
    secondary_powers  INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL
);
CREATE INDEX structures_version ON structures (version);
CREATE INDEX structures_raison_sociale ON structures (raison_sociale, id);
-- An exact postal code is the one criterion a plain index answers in name order.
CREATE INDEX structures_code_postal ON structures (code_postal, raison_sociale, id);

-- Folded (lower case, no accents) copies of the searchable columns, indexed by
-- trigrams so that '*menuiserie*' does not scan the table. Kept in step by core.
CREATE VIRTUAL TABLE structures_search USING fts5 (
    raison_sociale, siret, libelle, code_postal, ville,
    tokenize = 'trigram'
);

CREATE TABLE services (
    id            INTEGER PRIMARY KEY,
    structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL,
    UNIQUE (structure_id, code)
);
CREATE INDEX services_version ON services (version);

-- Rattachement: a user's attachment to a structure.
CREATE TABLE attachments (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users (id),
    structure_id      INTEGER NOT NULL REFERENCES structures (id),
    role              TEXT NOT NULL CHECK (role IN ('principal', 'secondary', 'user')),
    whole_structure   INTEGER NOT NULL DEFAULT 1,
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'refused')),
    requested_at      INTEGER NOT NULL,
    decided_at        INTEGER,
    decided_by        INTEGER REFERENCES users (id),
    decision_comment  TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL
);
CREATE INDEX attachments_user ON attachments (user_id);
CREATE INDEX attachments_structure ON attachments (structure_id, status);
CREATE INDEX attachments_version ON attachments (version);

CREATE TABLE attachment_services (
    attachment_id  INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    service_id     INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (attachment_id, service_id)
);

CREATE TABLE spaces (
    id                     INTEGER PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    sort_order             INTEGER NOT NULL,
    default_for_principal  INTEGER NOT NULL DEFAULT 0,
    default_for_secondary  INTEGER NOT NULL DEFAULT 0,
    default_for_user       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO spaces (code, name, sort_order, default_for_principal, default_for_secondary, default_for_user) VALUES
    ('accueil', 'Accueil connecté', 1, 1, 1, 1),
    ('activite_gestionnaire', 'Activité du gestionnaire', 2, 1, 1, 0),
    ('factures_emises', 'Factures émises', 3, 1, 1, 1),
    ('factures_recues', 'Factures reçues', 4, 0, 0, 0),
    ('sollicitations_emises', 'Sollicitations émises', 5, 1, 1, 1),
    ('sollicitations_recues', 'Sollicitations reçues', 6, 0, 0, 0),
    ('mon_compte', 'Mon compte', 7, 1, 1, 1);

-- Spaces set at structure level by its managers (id: for tombstones).
CREATE TABLE structure_spaces (
    id            INTEGER PRIMARY KEY,
    structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    space_id      INTEGER NOT NULL REFERENCES spaces (id),
    enabled_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    UNIQUE (structure_id, space_id)
);
CREATE INDEX structure_spaces_version ON structure_spaces (version);

-- Abonnement: a user's subscription to a space of a structure (service_id NULL
-- means the whole structure).
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    structure_id    INTEGER NOT NULL REFERENCES structures (id),
    space_id        INTEGER NOT NULL REFERENCES spaces (id),
    service_id      INTEGER REFERENCES services (id),
    mode            TEXT NOT NULL CHECK (mode IN ('modification', 'consultation')),
    effective_date  TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'refused')),
    requested_at    INTEGER NOT NULL,
    decided_at      INTEGER,
    decided_by      INTEGER REFERENCES users (id),
    decision_comment TEXT NOT NULL DEFAULT '',
    -- Why it exists: 'request' (asked by the user), 'default' (the role's default
    -- spaces, on validation), 'structure' (generated by a structure-level space).
    origin          TEXT NOT NULL DEFAULT 'request' CHECK (origin IN ('request', 'default', 'structure')),
    version         INTEGER NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (user_id);
CREATE INDEX subscriptions_structure ON subscriptions (structure_id, status);
CREATE INDEX subscriptions_version ON subscriptions (version);

-- Pièce jointe.
CREATE TABLE attached_files (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    designation  TEXT NOT NULL,
    file_type    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX attached_files_user ON attached_files (user_id);
CREATE INDEX attached_files_version ON attached_files (version);

-- Sollicitation: a request to support.
CREATE TABLE solicitations (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id),
    email       TEXT NOT NULL,
    category    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting_user', 'closed')),
    reply       TEXT NOT NULL DEFAULT '',
    assigned_to INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX solicitations_version ON solicitations (version);
CREATE INDEX solicitations_status ON solicitations (status, updated_at);
CREATE INDEX solicitations_user ON solicitations (user_id);

-- The exchange on a solicitation: the sender's text and follow-ups, support's replies.
CREATE TABLE solicitation_messages (
    id               INTEGER PRIMARY KEY,
    solicitation_id  INTEGER NOT NULL REFERENCES solicitations (id) ON DELETE CASCADE,
    author_id        INTEGER REFERENCES users (id),
    from_support     INTEGER NOT NULL DEFAULT 0,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL
);
CREATE INDEX solicitation_messages_solicitation ON solicitation_messages (solicitation_id, id);
CREATE INDEX solicitation_messages_version ON solicitation_messages (version);

CREATE TABLE mail_outbox (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id),
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_pending ON mail_outbox (sent_at, next_attempt_at);

-- Single-use tokens (reactivation); only their SHA-256 is stored.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX tokens_user ON tokens (user_id, purpose);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_id      INTEGER REFERENCES users (id),
    command       TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     INTEGER,
    structure_id  INTEGER,
    details       TEXT NOT NULL DEFAULT '',
    comment       TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_structure ON audit_log (structure_id, at);
CREATE INDEX audit_log_version ON audit_log (version);

-- Deleted rows, so that the sync feed can tell replicas to drop them.
CREATE TABLE tombstones (
    table_name  TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    -- The deleted row's scope (NULL when it had none), so that the feed sends
    -- the tombstone only to those who could see the row.
    user_id       INTEGER,
    structure_id  INTEGER,
    PRIMARY KEY (table_name, row_id)
);
CREATE INDEX tombstones_version ON tombstones (version);

-- Commands sent with a client-generated id (see
-- core/commands/commanddispatcher.h): the outcome is recorded with the
-- command's changes, so a retry gets it back instead of applying the command
-- twice. Not synced.
CREATE TABLE applied_commands (
    command_id  TEXT PRIMARY KEY,
    user_id     INTEGER,
    name        TEXT NOT NULL,
    result      TEXT NOT NULL,
    applied_at  INTEGER NOT NULL
);

-- Notification digests (core/mail/digests.h): the last run of each kind
-- ('daily', 'weekly') per user, so that a second run in the same period queues
-- nothing more and the next mail lists what happened since. user_id 0 holds the
-- schedule's own last run (kind 'schedule'). Not synced.
CREATE TABLE mail_runs (
    user_id  INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    period   TEXT NOT NULL,
    ran_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Sessions of guichetd (docs/API.md, core/rules/accounts/sessions.h): only the
-- token's SHA-256 is stored. Not synced.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The desktop's outbox in a connected replica (core/client/commandoutbox.h):
-- commands made in connected mode wait here, in order, until the server
-- answers; a refusal of a queued command stays with the server's answer until
-- discarded.
-- user_id: who made it; only that user's session ever sends it.
-- Unused on the server (kept for schema parity).
CREATE TABLE pending_commands (
    seq         INTEGER PRIMARY KEY,
    command_id  TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    args        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending',
    result      TEXT NOT NULL DEFAULT ''
);
