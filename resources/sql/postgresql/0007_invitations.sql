-- Invitations (issue 12): a manager invites an address that has no active
-- account; the attachment waits, status 'invited', until the account is
-- activated (or reactivated), then becomes validated with the role and
-- services the manager chose. users.account_notice_at is when the owner of an
-- address was last mailed « someone tried to create an account with your
-- address » (at most one such mail an hour).
ALTER TABLE attachments DROP CONSTRAINT attachments_status_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_status_check
    CHECK (status IN ('pending', 'validated', 'refused', 'invited'));
ALTER TABLE users ADD COLUMN account_notice_at BIGINT;
