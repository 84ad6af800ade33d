-- Accounts are born from « Créer un compte » (issue 12): an account waits for
-- its activation (status 'pending', no sign-in) until its owner opens the
-- mailed link; the activation token is a row of tokens (purpose 'activation').
-- An account never activated is removed after a while; BIGSERIAL never gives
-- its id to another account.
ALTER TABLE users DROP CONSTRAINT users_status_check;
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('pending', 'active', 'deactivated'));
-- The accounts waiting for activation, oldest first (their removal).
CREATE INDEX users_pending ON users (created_at) WHERE status = 'pending';
