-- The comments Guichet writes itself on subscriptions are stored as codes and
-- shown in the reader's language (models/labels: subscriptionComment):
-- 'structure' for the requests a structure-level space generates, 'copied' for
-- the rights copied from another user. The texts earlier versions stored, in
-- English or French, become these codes.
ALTER TABLE subscriptions ADD COLUMN comment_code TEXT NOT NULL DEFAULT '';
UPDATE subscriptions SET comment_code = 'structure', comment = ''
WHERE comment IN ('Generated automatically: this space is set for the whole structure.',
                  'Générée automatiquement : cet espace est paramétré pour toute la structure.');
UPDATE subscriptions SET comment_code = 'copied', comment = ''
WHERE comment IN ('Copied from another user''s rights', 'Copié des droits d’un autre utilisateur');
