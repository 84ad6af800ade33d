-- Audit entries record a kind of action and the person it is about, so that
-- the history is rendered as sentences and filtered by person and kind
-- (docs/ARCHITECTURE.md, « the readable history »). Older entries keep an
-- empty action and are shown with a general sentence.
ALTER TABLE audit_log ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN subject_id BIGINT;
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
