-- Invitations (issue 12): a manager invites an address that has no active
-- account; the attachment waits, status 'invited', until the account is
-- activated (or reactivated), then becomes validated with the role and
-- services the manager chose. users.account_notice_at is when the owner of an
-- address was last mailed « someone tried to create an account with your
-- address » (at most one such mail an hour). SQLite cannot change a CHECK
-- constraint in place: the attachments table is rebuilt with the same columns
-- (Database::migrate runs SQLite migrations with foreign keys off, and checks
-- them before committing).
CREATE TABLE attachments_new (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users (id),
    structure_id      INTEGER NOT NULL REFERENCES structures (id),
    role              TEXT NOT NULL CHECK (role IN ('principal', 'secondary', 'user')),
    whole_structure   INTEGER NOT NULL DEFAULT 1,
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'refused', 'invited')),
    requested_at      INTEGER NOT NULL,
    decided_at        INTEGER,
    decided_by        INTEGER REFERENCES users (id),
    decision_comment  TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL
);
INSERT INTO attachments_new (id, user_id, structure_id, role, whole_structure, valid_from, valid_until, status,
                             requested_at, decided_at, decided_by, decision_comment, version)
    SELECT id, user_id, structure_id, role, whole_structure, valid_from, valid_until, status,
           requested_at, decided_at, decided_by, decision_comment, version
    FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_user ON attachments (user_id);
CREATE INDEX attachments_structure ON attachments (structure_id, status);
CREATE INDEX attachments_version ON attachments (version);
ALTER TABLE users ADD COLUMN account_notice_at INTEGER;
