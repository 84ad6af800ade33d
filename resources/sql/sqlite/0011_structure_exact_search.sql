-- An exact city or libellé (« paris », « atelier ») is an index lookup on the
-- folded copy, not a trigram superset re-checked row by row (issue 14). The
-- indexes are on the FTS5 table's content shadow table (c4 = ville,
-- c2 = libelle, c0 = raison sociale), which FTS5 writes with every write of
-- the search copy, so every writer keeps them in step without a change. The
-- folded raison sociale second: a raison sociale pattern with an exact city or
-- libellé is checked on the index alone.
CREATE INDEX structures_search_ville_exact ON structures_search_content (c4, c0);
CREATE INDEX structures_search_libelle_exact ON structures_search_content (c2, c0);
-- The index holds an exact city's rows in the search's order when the folded
-- raison sociale (c0) is the sort key, as core writes both (structureSortKey);
-- a row written otherwise before takes the search copy's text as its key.
UPDATE structures SET sort_key = (SELECT c.c0 FROM structures_search_content c WHERE c.id = structures.id)
WHERE EXISTS (SELECT 1 FROM structures_search_content c WHERE c.id = structures.id AND c.c0 IS NOT structures.sort_key);
