-- Fengqiao Desk schema, version 10: the county console at HQ.
--
-- All local (never synced) and used only on the HQ node: the stations (派出所) posts belong
-- to, the county's logins, and who marked an audit alarm seen and why.

CREATE TABLE station (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- The station a post belongs to, and the one an enrollment code enrolls it into.
ALTER TABLE peer ADD COLUMN station_id TEXT;
ALTER TABLE enroll_code ADD COLUMN station_id TEXT;

-- County logins. As on a post, the password is not stored: the login's wrapped copy of the
-- database key in `hq.db.keys` is the verifier. The second factor's secret (RFC 6238) lives
-- here, inside the encrypted file.
CREATE TABLE county_user (
    id                   TEXT PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    name                 TEXT,
    role                 TEXT NOT NULL,       -- county_admin | supervisor | station_leader | viewer
    station_id           TEXT,                -- station_leader: the 派出所 whose posts they see
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled_at          TEXT,
    created_at           TEXT NOT NULL,
    created_by           TEXT,
    password_changed_at  TEXT,
    last_login_at        TEXT,
    totp_secret          BLOB,                -- confirmed second factor
    totp_pending         BLOB,                -- shown for enrolment, not yet confirmed by a code
    totp_step            INTEGER              -- the last time step accepted: a code works once
);

ALTER TABLE audit_alarm ADD COLUMN seen_by TEXT;
ALTER TABLE audit_alarm ADD COLUMN seen_reason TEXT;
