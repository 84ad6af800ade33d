-- The structure search orders by a folded sort key (issue 11, issue 14): the
-- raison sociale as foldForSearch() gives it (lower case, accents removed), so
-- that « menuiserie Annecy » sorts with « Menuiserie … » and « Électricité »
-- with E, and the French order is the order of an index, which keyset pages
-- walk. Core writes it with every insert and update of a structure (and the
-- replica when it applies a synced row); the key is derived, never synced.
-- Existing rows take the folded raison sociale the search copy already holds.
ALTER TABLE structures ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE structures SET sort_key = COALESCE(
    (SELECT c.c0 FROM structures_search_content c WHERE c.id = structures.id), lower(raison_sociale));
CREATE INDEX structures_sort_key ON structures (sort_key, id);
-- An exact postal code gives its rows in the search's order from this index.
DROP INDEX structures_code_postal;
CREATE INDEX structures_code_postal ON structures (code_postal, sort_key, id);
