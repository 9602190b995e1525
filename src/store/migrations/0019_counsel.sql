-- 法律顾问 and 驻所律师: the lawyers serving the post and their sittings (坐班); how a
-- mediation round was held (现场, 警务室, 视频联调 with a mediation centre) and the lawyers
-- who took part in it. Synced tables, written only through store::write (see 0001_init.sql).

-- A lawyer serving the post: the village's legal adviser or a firm's lawyer sitting at it.
CREATE TABLE lawyer (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,        -- adviser (法律顾问) | resident (驻所律师)
    firm         TEXT NOT NULL,        -- 律师事务所
    licence_no   TEXT NOT NULL,        -- 执业证号, 17 digits
    phone        TEXT,
    serving_from TEXT NOT NULL,
    serving_to   TEXT,                 -- NULL while serving
    notes        TEXT,
    deleted_at   TEXT
);

-- A lawyer's sitting at the post: hours, consultations given, people served.
CREATE TABLE sitting (
    id            TEXT PRIMARY KEY,
    lawyer_id     TEXT NOT NULL,
    sat_on        TEXT NOT NULL,
    hours         REAL NOT NULL,       -- 0.5 to 12
    consultations INTEGER NOT NULL DEFAULT 0,
    people_served INTEGER NOT NULL DEFAULT 0,
    topics        TEXT,
    deleted_at    TEXT
);
CREATE INDEX sitting_lawyer ON sitting (lawyer_id, sat_on);
CREATE INDEX sitting_on ON sitting (sat_on);

-- How a round was held: rounds before this version were 联调 at the post and the lower rungs
-- (百户长, 治保主任) on site, which is also what a round given no mode is recorded as.
ALTER TABLE mediation ADD COLUMN mode TEXT NOT NULL DEFAULT 'on_site';
UPDATE mediation SET mode = 'at_post' WHERE level = 'joint';
ALTER TABLE mediation ADD COLUMN centre TEXT;           -- 视频联调's mediation centre
ALTER TABLE mediation ADD COLUMN lawyer_ids TEXT NOT NULL DEFAULT '[]';  -- lawyers who took part
