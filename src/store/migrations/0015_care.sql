-- 结对帮扶: care plans for the vulnerable, the station admin's visit intervals per tag, and
-- the needs found on visits with the help given; teams' planned patrol days (今日工作).
-- Synced tables, written only through store::write (see 0001_init.sql).

-- The admin's interval for a tag (独居老人 every 30 days…); one live row per tag.
CREATE TABLE care_default (
    id            TEXT PRIMARY KEY,
    tag           TEXT NOT NULL,        -- a KnownTag code or a post's own tag
    interval_days INTEGER NOT NULL,
    deleted_at    TEXT
);
CREATE INDEX care_default_tag ON care_default (tag);

-- One plan per person (or per household, person_id NULL) under care.
CREATE TABLE care_plan (
    id            TEXT PRIMARY KEY,
    household_id  TEXT NOT NULL,        -- where the visits go (the person's household)
    person_id     TEXT,                 -- NULL: the household as a whole
    tag           TEXT NOT NULL,        -- why: 独居老人, 留守儿童…
    interval_days INTEGER NOT NULL,     -- visit at least every N days
    officer_id    TEXT,                 -- 结对民警/辅警
    volunteer_id  TEXT,                 -- 结对志愿者
    started_on    TEXT NOT NULL,
    ended_on      TEXT,
    end_reason    TEXT,
    notes         TEXT,
    deleted_at    TEXT
);
CREATE INDEX care_plan_household ON care_plan (household_id);
CREATE INDEX care_plan_person ON care_plan (person_id);

-- A need found for a person under care, and the help given (低保 application, medical,
-- 送证上门 through an errand…). household_id copies the plan's, so sync scope and
-- assignments follow the household.
CREATE TABLE care_need (
    id           TEXT PRIMARY KEY,
    care_plan_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    description  TEXT NOT NULL,
    found_on     TEXT NOT NULL,
    visit_id     TEXT,                  -- the visit it was found on
    errand_id    TEXT,                  -- the errand that serves it (送证上门)
    status       TEXT NOT NULL,
    help         TEXT,                  -- the help given, or why it is no longer needed
    closed_on    TEXT,
    deleted_at   TEXT
);
CREATE INDEX care_need_plan ON care_need (care_plan_id);
CREATE INDEX care_need_found ON care_need (found_on);

-- Planned patrols: the weekdays a team patrols (JSON list of 1 = Monday … 7 = Sunday), when
-- and where, so 今日工作 lists today's.
ALTER TABLE team ADD COLUMN patrol_days TEXT NOT NULL DEFAULT '[]';
ALTER TABLE team ADD COLUMN patrol_time TEXT;
ALTER TABLE team ADD COLUMN patrol_route TEXT;
