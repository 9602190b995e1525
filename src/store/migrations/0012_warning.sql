-- Early warning (预警).

-- The county's adjustments to the warning rules (model::warning::WarningRules): one
-- reference row, seeded alike everywhere with '{}' (the defaults) and changed only at HQ,
-- which syncs it to every post like the holiday calendar. `settings` names only what the
-- county changed, as a JSON object.
CREATE TABLE warning_rules (
    id         TEXT PRIMARY KEY,
    settings   TEXT NOT NULL DEFAULT '{}',
    deleted_at TEXT
);

-- A post's own threat and escalation words (JSON list), set by its station admin; NULL:
-- the county's.
ALTER TABLE post ADD COLUMN warning_words TEXT;

-- A party's other disputes by the ID number typed in (by the resident: party_person).
CREATE INDEX party_id_number ON party (id_number);

-- Repeat incidents (一地多报): incidents at a place, by time, when no village is set.
CREATE INDEX incident_place ON incident (place, occurred_at);
