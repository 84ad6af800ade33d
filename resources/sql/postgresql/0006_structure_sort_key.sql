-- The structure search orders by a folded sort key (issue 11, issue 14): the
-- raison sociale as foldForSearch() gives it (lower case, accents removed), so
-- that « menuiserie Annecy » sorts with « Menuiserie … » and « Électricité »
-- with E, and the French order is the order of an index, which keyset pages
-- walk. Core writes it with every insert and update of a structure; the key is
-- derived, never synced. COLLATE "C": the key is already folded, and its
-- order must be the same code-point order as SQLite's on both back-ends.
-- Existing rows take the folded raison sociale the search copy already holds.
ALTER TABLE structures ADD COLUMN sort_key TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE structures s SET sort_key = f.raison_sociale FROM structures_search f WHERE f.rowid = s.id;
UPDATE structures SET sort_key = lower(raison_sociale) WHERE sort_key = '' AND raison_sociale <> '';
CREATE INDEX structures_sort_key ON structures (sort_key, id);
-- An exact postal code gives its rows in the search's order from this index.
DROP INDEX structures_code_postal;
CREATE INDEX structures_code_postal ON structures (code_postal, sort_key, id);
