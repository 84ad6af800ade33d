-- Removal requests (issue 12): where a structure does not leave « Factures
-- émises » to its users (structure_self_service), a simple user's removal of
-- their own validated subscription to it waits for a manager's decision, as
-- adding it does. The row stays validated (the space stays usable) until a
-- manager validates the removal (the row is deleted, with a tombstone) or
-- refuses it (the column is cleared); its owner may withdraw it. NULL: no
-- removal asked; otherwise when it was asked (UTC milliseconds). Written by
-- SpaceStore only.
ALTER TABLE subscriptions ADD COLUMN removal_requested_at BIGINT;
