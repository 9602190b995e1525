-- Fengqiao Desk schema, version 2: logins and the audit log.
--
-- Both tables are local and never synced. Credentials stay on the laptop they were made
-- on: each file has its own key file (see store::keys), and sending password verifiers to
-- HQ would spread them county-wide. An officer's identity (the synced `officer` row) is
-- linked by `officer_id`. The audit log is the record of what happened on this machine.

CREATE TABLE app_user (
    id                   TEXT PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    name                 TEXT,               -- display name
    officer_id           TEXT,               -- the officer row this login belongs to
    role                 TEXT NOT NULL,      -- officer | auxiliary | station_admin
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled_at          TEXT,
    created_at           TEXT NOT NULL,
    created_by           TEXT,               -- login of the admin who made it
    password_changed_at  TEXT,
    last_login_at        TEXT
);

-- Append-only and hash-chained: `hash` is SM3 over this entry's fields and `prev`, the
-- previous entry's hash (see store::audit). The triggers refuse edits and deletions from
-- any connection, as defence in depth; the chain still detects them if the triggers are
-- dropped. Entries are never pruned by the software (the rules ask for six months).
CREATE TABLE audit_log (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,                    -- RFC 3339 UTC
    login  TEXT,                             -- NULL in setup mode (no users yet)
    action TEXT NOT NULL,                    -- login | login_failed | logout | view_person | view | search | export | print | create | update | delete | denied | …
    tbl    TEXT,
    row_id TEXT,
    detail TEXT,
    prev   TEXT NOT NULL,
    hash   TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_login ON audit_log (login, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能删除');
END;
