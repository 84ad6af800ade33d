-- The full structure record (issue 12): a structure is identified by its
-- SIRET or, without one, by the identifier of its kind (kernel/
-- structureidentifier.h); the siret column holds that identifier whatever its
-- type. Bank details are a row of their own so that the change feed sends them
-- to the structure's managers only (docs/API.md "What a user may see"); a
-- structure without bank details has no row, and removing them empties it.
ALTER TABLE structures ADD COLUMN identifier_type TEXT NOT NULL DEFAULT 'siret'
    CHECK (identifier_type IN ('siret', 'eu', 'non_eu', 'ridet', 'tahiti', 'individual', 'pending'));

CREATE TABLE structure_bank_details (
    id            INTEGER PRIMARY KEY,
    structure_id  INTEGER NOT NULL UNIQUE REFERENCES structures (id) ON DELETE CASCADE,
    iban          TEXT NOT NULL DEFAULT '',
    bic           TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL
);
CREATE INDEX structure_bank_details_version ON structure_bank_details (version);
