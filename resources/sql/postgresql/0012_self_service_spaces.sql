-- Self-service spaces (issue 12, « laisser les utilisateurs ajouter ou retirer
-- Factures émises »): a structure's managers let its users subscribe to a space
-- themselves, validated at once without a manager's decision. One row per
-- structure and space allowed (today only 'factures_emises', Spaces::offersSelfService);
-- synced like structure_spaces (version, tombstones).
CREATE TABLE structure_self_service (
    id            BIGSERIAL PRIMARY KEY,
    structure_id  BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    space_id      BIGINT NOT NULL REFERENCES spaces (id),
    enabled_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    UNIQUE (structure_id, space_id)
);
CREATE INDEX structure_self_service_version ON structure_self_service (version);
