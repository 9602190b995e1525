-- 表彰奖励: nominations for the county's 见义勇为 award and the station's 好人 award, with
-- the decision, the amount (fen) and the day it was paid. Synced, written only through
-- store::write (see 0001_init.sql); a row follows its village to HQ and back.
CREATE TABLE award (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,         -- valor (见义勇为) / good_person (好人)
    person_id    TEXT,                  -- the resident, when registered
    name         TEXT,                  -- the name, when not
    village_id   TEXT NOT NULL,
    deed         TEXT NOT NULL,
    deed_on      TEXT NOT NULL,
    incident_id  TEXT,
    dispute_id   TEXT,
    nominated_on TEXT NOT NULL,
    decision     TEXT NOT NULL,         -- pending / approved / declined
    decided_on   TEXT,
    decided_by   TEXT,                  -- 县见义勇为基金会, 派出所…
    amount_fen   INTEGER NOT NULL DEFAULT 0,
    paid_on      TEXT,
    notes        TEXT,
    deleted_at   TEXT
);
CREATE INDEX award_nominated ON award (nominated_on);
CREATE INDEX award_person ON award (person_id);
