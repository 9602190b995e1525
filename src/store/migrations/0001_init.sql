-- Fengqiao Desk schema, version 1.
--
-- Synced tables: every row has a UUIDv7 `id` (TEXT), `deleted_at` for deletion, and no
-- foreign-key constraints: sync may deliver a child row before its parent, so references
-- are checked by the core when a user writes, not by SQLite when a bundle arrives.
-- Every write to a synced table goes through store::write, which records the change log
-- and column clocks in the same transaction.
-- Dates are TEXT 'YYYY-MM-DD' (Beijing calendar dates); instants are TEXT RFC 3339 UTC;
-- money is INTEGER fen; booleans are INTEGER 0/1; lists are TEXT JSON arrays.

-- ───── local, never synced ─────

CREATE TABLE local_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per change, local or received: (origin, origin_seq) identifies it everywhere.
CREATE TABLE change_log (
    origin     TEXT    NOT NULL,
    origin_seq INTEGER NOT NULL,
    hlc        TEXT    NOT NULL,
    tbl        TEXT    NOT NULL,
    row_id     TEXT    NOT NULL,
    col        TEXT    NOT NULL,
    value      TEXT    NOT NULL,   -- JSON: null, number or string
    PRIMARY KEY (origin, origin_seq)
) WITHOUT ROWID;
CREATE INDEX change_log_row ON change_log (tbl, row_id, col);

-- The HLC of the value each column of each synced row holds (its origin is the HLC's node).
CREATE TABLE column_clock (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, col)
) WITHOUT ROWID;

-- Search: a trigram index for queries of 3+ characters, and a gram table for 1–3 character
-- name queries (Chinese names are mostly 2–3 characters; trigram cannot match shorter queries).
CREATE TABLE search_doc (
    doc    INTEGER PRIMARY KEY,
    ref_id TEXT NOT NULL UNIQUE,
    kind   TEXT NOT NULL            -- 'person' | 'household'
);
CREATE VIRTUAL TABLE search_fts USING fts5 (
    name, id_number, phone, address,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE TABLE search_gram (
    gram   TEXT    NOT NULL,        -- a 1- to 3-character substring of a name
    rank   INTEGER NOT NULL,        -- 0 whole name, 1 name prefix, 2 elsewhere in the name
    name   TEXT    NOT NULL,
    ref_id TEXT    NOT NULL,
    PRIMARY KEY (gram, rank, name, ref_id)
) WITHOUT ROWID;
CREATE INDEX search_gram_ref ON search_gram (ref_id);
-- Tags of live persons, by tag (local, like the search index).
CREATE TABLE person_tag (
    tag          TEXT NOT NULL,
    household_id TEXT,
    person_id    TEXT NOT NULL,
    PRIMARY KEY (tag, person_id)
) WITHOUT ROWID;
CREATE INDEX person_tag_person ON person_tag (person_id);

-- ───── synced: the post and its places ─────

CREATE TABLE post (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,      -- 警务室名称
    code           TEXT,               -- unique post code, part of document numbers
    doc_prefix     TEXT,               -- 文书字号前缀, e.g. 山门
    station_name   TEXT,               -- 派出所 (the 治安调解 organ)
    committee_name TEXT,               -- 人民调解委员会
    township       TEXT,
    address        TEXT,
    phone          TEXT,
    deleted_at     TEXT
);

CREATE TABLE village (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    code       TEXT,                   -- GB/T 2260 6-digit or NBS 12-digit code
    township   TEXT,
    deleted_at TEXT
);
CREATE INDEX village_name ON village (name);

CREATE TABLE village_group (
    id         TEXT PRIMARY KEY,
    village_id TEXT NOT NULL,
    name       TEXT NOT NULL,          -- e.g. 3组
    deleted_at TEXT
);
CREATE INDEX village_group_village ON village_group (village_id);

CREATE TABLE officer (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,          -- officer | auxiliary | station_admin
    badge_no   TEXT,                   -- 警号
    phone      TEXT,
    active     INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);

-- Reference data: days off and worked weekends (see model::calendar).
CREATE TABLE holiday (
    id         TEXT PRIMARY KEY,
    day        TEXT NOT NULL,
    is_holiday INTEGER NOT NULL,       -- 1 day off, 0 weekend worked
    name       TEXT,
    deleted_at TEXT
);
CREATE INDEX holiday_day ON holiday (day);

-- ───── synced: households and people ─────

CREATE TABLE household (
    id             TEXT PRIMARY KEY,
    village_id     TEXT NOT NULL,
    group_id       TEXT,
    house_no       TEXT,               -- 门牌号
    address        TEXT,               -- free text, e.g. 青山村3组12号
    head_person_id TEXT,
    phone          TEXT,
    notes          TEXT,
    deleted_at     TEXT
);
CREATE INDEX household_village ON household (village_id, group_id, address);
CREATE INDEX household_address ON household (address, id);

CREATE TABLE person (
    id           TEXT PRIMARY KEY,
    household_id TEXT,
    relation     TEXT,                 -- to the head of household
    name         TEXT NOT NULL,
    sex          TEXT,
    ethnicity    TEXT,                 -- 民族
    birth_date   TEXT,
    id_number    TEXT,
    phone        TEXT,
    residence    TEXT NOT NULL,
    tags         TEXT NOT NULL DEFAULT '[]',
    address      TEXT,                 -- when not the household's
    occupation   TEXT,
    notes        TEXT,
    deleted_at   TEXT
);
CREATE INDEX person_household ON person (household_id);
CREATE INDEX person_id_number ON person (id_number);
CREATE INDEX person_phone ON person (phone);
CREATE INDEX person_name ON person (name);

CREATE TABLE visit (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    person_id    TEXT,
    officer_id   TEXT,
    visited_on   TEXT NOT NULL,
    notes        TEXT,
    needs        TEXT,                 -- needs found (诉求)
    deleted_at   TEXT
);
CREATE INDEX visit_household ON visit (household_id, visited_on);

-- ───── synced: disputes and mediation ─────

CREATE TABLE dispute (
    id                 TEXT PRIMARY KEY,
    received_on        TEXT NOT NULL,
    source             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    grade              TEXT NOT NULL,
    track              TEXT NOT NULL,   -- people | security
    status             TEXT NOT NULL,
    title              TEXT NOT NULL,
    amount_involved    INTEGER NOT NULL DEFAULT 0,
    village_id         TEXT,
    incident_id        TEXT,
    officer_id         TEXT,            -- officer in charge
    facts              TEXT,            -- 主要事实
    matters            TEXT,            -- 争议事项
    responsibility     TEXT,            -- 各方责任
    -- 治安调解: the case
    offence            TEXT,
    exclusions         TEXT NOT NULL DEFAULT '[]',
    occurred_at        TEXT,
    place              TEXT,
    cause              TEXT,
    course             TEXT,
    circumstances      TEXT,
    result             TEXT,
    assessment_on      TEXT,            -- injury / value assessment report received
    referred_to        TEXT,
    withdraw_reason    TEXT,
    closed_on          TEXT,            -- the day it ended: closed, referred or withdrawn
    deleted_at         TEXT
);
CREATE INDEX dispute_status ON dispute (status, received_on);
CREATE INDEX dispute_village ON dispute (village_id, received_on);
CREATE INDEX dispute_received ON dispute (received_on);

CREATE TABLE party (
    id                  TEXT PRIMARY KEY,
    dispute_id          TEXT NOT NULL,
    person_id           TEXT,
    kind                TEXT NOT NULL,  -- person | organisation
    role                TEXT NOT NULL,
    name                TEXT NOT NULL,
    sex                 TEXT,
    ethnicity           TEXT,
    birth_date          TEXT,
    age                 INTEGER,
    id_number           TEXT,
    address             TEXT,
    phone               TEXT,
    legal_rep           TEXT,           -- organisation's legal representative
    guardian_name       TEXT,
    guardian_relation   TEXT,
    agent_name          TEXT,
    agent_authority_ref TEXT,           -- written authority for an agent
    sort                INTEGER NOT NULL DEFAULT 0,
    deleted_at          TEXT
);
CREATE INDEX party_dispute ON party (dispute_id);
CREATE INDEX party_person ON party (person_id);

CREATE TABLE mediation (
    id                  TEXT PRIMARY KEY,
    dispute_id          TEXT NOT NULL,
    level               TEXT NOT NULL,
    held_on             TEXT NOT NULL,
    place               TEXT,
    mediators           TEXT NOT NULL DEFAULT '[]',  -- names
    presider_officer_id TEXT,
    officer_ids         TEXT NOT NULL DEFAULT '[]',  -- post staff who took part
    attendees           TEXT,           -- others present
    recorder            TEXT,
    record              TEXT,
    outcome             TEXT NOT NULL,
    recording_ref       TEXT,           -- audio/video reference when an auxiliary takes part
    deleted_at          TEXT
);
CREATE INDEX mediation_dispute ON mediation (dispute_id, held_on);

CREATE TABLE agreement (
    id                   TEXT PRIMARY KEY,
    dispute_id           TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    number               TEXT,          -- assigned at finalisation
    number_year          INTEGER,
    number_seq           INTEGER,
    post_code            TEXT,          -- the post that numbered it: N runs per post, year, kind
    issuer               TEXT,          -- committee or organ name
    presider_officer_id  TEXT,
    mediators            TEXT NOT NULL DEFAULT '[]',
    recorder             TEXT,
    terms                TEXT,
    performance_method   TEXT,
    performance_place    TEXT,
    performance_deadline TEXT,
    copies               INTEGER,
    effective_on         TEXT,
    finalised_at         TEXT,
    fulfilled_on         TEXT,
    fulfilment_note      TEXT,
    defaulted_on         TEXT,
    deleted_at           TEXT
);
CREATE INDEX agreement_dispute ON agreement (dispute_id);
CREATE INDEX agreement_number ON agreement (number);
CREATE INDEX agreement_seq ON agreement (post_code, kind, number_year, number_seq);
CREATE INDEX agreement_deadline ON agreement (performance_deadline);

CREATE TABLE follow_up (
    id           TEXT PRIMARY KEY,
    dispute_id   TEXT NOT NULL,
    agreement_id TEXT,
    due_on       TEXT NOT NULL,
    done_on      TEXT,
    officer_id   TEXT,
    held         INTEGER,               -- did the agreement hold
    satisfaction TEXT,
    new_risks    TEXT,
    notes        TEXT,
    deleted_at   TEXT
);
CREATE INDEX follow_up_due ON follow_up (done_on, due_on);
CREATE INDEX follow_up_dispute ON follow_up (dispute_id);

-- ───── synced: errands ─────

CREATE TABLE service_item (
    id              TEXT PRIMARY KEY,
    category        TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    materials       TEXT,               -- what the resident must provide
    time_limit_days INTEGER,            -- usual days to complete
    sort            INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT
);

CREATE TABLE errand (
    id               TEXT PRIMARY KEY,
    person_id        TEXT,
    applicant_name   TEXT NOT NULL,
    applicant_phone  TEXT,
    service_item_id  TEXT NOT NULL,
    mode             TEXT NOT NULL,
    status           TEXT NOT NULL,
    requested_on     TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    officer_id       TEXT,
    notes            TEXT,
    started_on       TEXT,
    done_on          TEXT,
    delivery_method  TEXT,
    tracking_no      TEXT,
    delivery_address TEXT,
    delivered_on     TEXT,
    cancelled_on     TEXT,
    cancel_reason    TEXT,
    deleted_at       TEXT
);
CREATE INDEX errand_status ON errand (status, due_on);
CREATE INDEX errand_person ON errand (person_id);
CREATE INDEX errand_requested ON errand (requested_on, id);
CREATE INDEX errand_service_item ON errand (service_item_id);
CREATE INDEX service_item_sort ON service_item (sort);

-- ───── synced: incidents ─────

CREATE TABLE incident (
    id                 TEXT PRIMARY KEY,
    occurred_at        TEXT NOT NULL,
    reported_at        TEXT,
    place              TEXT NOT NULL,
    village_id         TEXT,
    kind               TEXT NOT NULL,
    reporter_name      TEXT,
    reporter_phone     TEXT,
    reporter_person_id TEXT,
    people             TEXT,            -- people involved, free text
    person_ids         TEXT NOT NULL DEFAULT '[]',
    summary            TEXT NOT NULL,
    handling           TEXT,            -- how it was handled
    disposition        TEXT NOT NULL,
    dispute_id         TEXT,
    case_no            TEXT,
    officer_id         TEXT,
    deleted_at         TEXT
);
CREATE INDEX incident_time ON incident (occurred_at);
CREATE INDEX incident_dispute ON incident (dispute_id);
CREATE INDEX incident_kind ON incident (kind, occurred_at);
CREATE INDEX incident_village ON incident (village_id, occurred_at);

-- ───── synced: prevention work (群防群治) ─────

CREATE TABLE team (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,          -- e.g. 女子巡防队, 红都义警
    village_id  TEXT,                   -- NULL: serves the whole post
    leader_id   TEXT,                   -- a volunteer
    founded_on  TEXT,
    notes       TEXT,
    deleted_at  TEXT
);

CREATE TABLE volunteer (
    id           TEXT PRIMARY KEY,
    person_id    TEXT,                  -- when a registered resident
    name         TEXT NOT NULL,
    phone        TEXT,
    role         TEXT NOT NULL,
    team_id      TEXT,
    village_id   TEXT,
    active_from  TEXT NOT NULL,
    active_to    TEXT,
    training     TEXT,                  -- training received
    notes        TEXT,
    deleted_at   TEXT
);
CREATE INDEX volunteer_team ON volunteer (team_id);
CREATE INDEX volunteer_village ON volunteer (village_id);

CREATE TABLE patrol (
    id            TEXT PRIMARY KEY,
    team_id       TEXT,
    volunteer_ids TEXT NOT NULL DEFAULT '[]',
    officer_id    TEXT,
    started_at    TEXT NOT NULL,
    ended_at      TEXT NOT NULL,
    mode          TEXT NOT NULL,
    route         TEXT,
    places        TEXT,
    village_id    TEXT,
    notes         TEXT,
    deleted_at    TEXT
);
CREATE INDEX patrol_started ON patrol (started_at);

CREATE TABLE patrol_finding (
    id          TEXT PRIMARY KEY,
    patrol_id   TEXT NOT NULL,
    description TEXT NOT NULL,
    handling    TEXT NOT NULL,
    result      TEXT,                   -- what was done on the spot
    lead_id     TEXT,
    hazard_id   TEXT,
    incident_id TEXT,
    deleted_at  TEXT
);
CREATE INDEX patrol_finding_patrol ON patrol_finding (patrol_id);

CREATE TABLE lead (
    id                     TEXT PRIMARY KEY,
    reported_on            TEXT NOT NULL,
    reporter_volunteer_id  TEXT,
    reporter_name          TEXT,
    reporter_phone         TEXT,
    content                TEXT NOT NULL,
    place                  TEXT,
    village_id             TEXT,
    status                 TEXT NOT NULL,
    handling               TEXT,
    incident_id            TEXT,
    case_no                TEXT,
    closed_on              TEXT,
    deleted_at             TEXT
);
CREATE INDEX lead_reported ON lead (reported_on);

CREATE TABLE hazard (
    id                 TEXT PRIMARY KEY,
    found_on           TEXT NOT NULL,
    found_by_volunteer_id TEXT,
    found_by_name      TEXT,
    place              TEXT NOT NULL,
    village_id         TEXT,
    kind               TEXT NOT NULL,
    grade              TEXT NOT NULL,
    description        TEXT NOT NULL,
    owner              TEXT,            -- 整改责任人
    owner_phone        TEXT,
    deadline           TEXT,
    status             TEXT NOT NULL,
    verified_on        TEXT,
    fixed_on           TEXT,
    fix_note           TEXT,
    recheck_on         TEXT,            -- 回头看
    recheck_note       TEXT,
    rejected_reason    TEXT,
    reward_fen         INTEGER NOT NULL DEFAULT 0,   -- 网格红包
    reward_paid_on     TEXT,
    deleted_at         TEXT
);
CREATE INDEX hazard_status ON hazard (status, deadline);
CREATE INDEX hazard_found ON hazard (found_on);

CREATE TABLE outreach (
    id                 TEXT PRIMARY KEY,
    held_on            TEXT NOT NULL,
    topic              TEXT NOT NULL,
    title              TEXT,
    place              TEXT NOT NULL,
    village_id         TEXT,
    audience           INTEGER NOT NULL DEFAULT 0,
    leaflets           INTEGER NOT NULL DEFAULT 0,
    app_registrations  INTEGER NOT NULL DEFAULT 0,  -- 国家反诈中心 app
    officer_id         TEXT,
    notes              TEXT,
    deleted_at         TEXT
);
CREATE INDEX outreach_held ON outreach (held_on);

CREATE TABLE feedback (
    id           TEXT PRIMARY KEY,
    received_on  TEXT NOT NULL,
    channel      TEXT NOT NULL,
    content      TEXT NOT NULL,
    from_name    TEXT,                  -- optional: residents may stay anonymous
    from_phone   TEXT,
    village_id   TEXT,
    answer       TEXT,
    answered_on  TEXT,
    officer_id   TEXT,
    closed       INTEGER NOT NULL DEFAULT 0,
    deleted_at   TEXT
);
CREATE INDEX feedback_received ON feedback (received_on);

-- 五无 per village and year, as confirmed by an officer.
CREATE TABLE five_nones (
    id            TEXT PRIMARY KEY,
    village_id    TEXT NOT NULL,
    year          INTEGER NOT NULL,
    no_cases      INTEGER,
    no_fraud      INTEGER,
    no_drugs      INTEGER,
    no_petitions  INTEGER,
    no_cults      INTEGER,
    confirmed_by  TEXT,
    confirmed_on  TEXT,
    notes         TEXT,
    deleted_at    TEXT
);
CREATE INDEX five_nones_village ON five_nones (village_id, year);
