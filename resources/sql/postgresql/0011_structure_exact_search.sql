-- An exact city or libellé (« paris », « atelier ») is an index lookup on the
-- folded copy, not a trigram superset re-checked row by row (issue 14). The
-- folded raison sociale second, in the sort key's order (COLLATE "C"): a
-- raison sociale pattern with an exact city or libellé is checked on the index
-- alone, and the index holds an exact city's rows in the search's order.
CREATE INDEX structures_search_ville_exact ON structures_search (ville, (raison_sociale COLLATE "C"), rowid);
CREATE INDEX structures_search_libelle_exact ON structures_search (libelle, (raison_sociale COLLATE "C"), rowid);
-- That order is the search's when the folded raison sociale is the sort key,
-- as core writes both (structureSortKey); a row written otherwise before takes
-- the search copy's text as its key.
UPDATE structures s SET sort_key = f.raison_sociale FROM structures_search f
WHERE f.rowid = s.id AND s.sort_key <> f.raison_sociale;
