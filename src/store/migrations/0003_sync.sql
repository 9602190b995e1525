-- Fengqiao Desk schema, version 2: sync.
--
-- All tables here are local (never synced). The private keys below are stored in clear
-- until the security issue encrypts the whole file at rest (SQLCipher).

-- The clock a write overwrote: the causal link the merge uses to tell a knowing overwrite
-- (the writer had seen the value it replaced) from a concurrent one. NULL for a first write.
ALTER TABLE change_log ADD COLUMN prev TEXT;
ALTER TABLE column_clock ADD COLUMN prev TEXT;

-- This node's key pairs: 'sign' (SM2 signatures) and 'enc' (SM2 key wrapping).
CREATE TABLE node_key (
    purpose TEXT PRIMARY KEY,          -- sign | enc
    secret  BLOB NOT NULL,             -- 32-byte SM2 private scalar (encrypted once SQLCipher lands)
    public  BLOB NOT NULL              -- SEC1 uncompressed public point
) WITHOUT ROWID;

-- The nodes this one exchanges bundles with: HQ for a post; every enrolled post for HQ.
CREATE TABLE peer (
    node_id       TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,       -- post | hq
    sign_public   BLOB NOT NULL,
    enc_public    BLOB NOT NULL,
    villages      TEXT NOT NULL DEFAULT '[]',  -- jurisdiction: village codes (JSON array)
    enrolled_at   TEXT NOT NULL,
    last_sync_at  TEXT,
    sent_counter  INTEGER NOT NULL DEFAULT 0,  -- number of the last bundle made for the peer
    recv_counter  INTEGER NOT NULL DEFAULT 0   -- number of the last bundle accepted from it
) WITHOUT ROWID;

-- Per peer and per origin node: how far the peer has acknowledged our changes of that
-- origin (`acked`: we send above it), and how far the peer has sent us that origin's
-- changes (`received`: what we acknowledge back).
CREATE TABLE peer_origin (
    peer     TEXT    NOT NULL,
    origin   TEXT    NOT NULL,
    acked    INTEGER NOT NULL DEFAULT 0,
    received INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (peer, origin)
) WITHOUT ROWID;

-- Concurrent overwrites: the losing value is kept here, never dropped.
CREATE TABLE conflict (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl           TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    col           TEXT NOT NULL,
    loser_value   TEXT NOT NULL,       -- JSON, as in change_log
    loser_hlc     TEXT NOT NULL,
    loser_origin  TEXT NOT NULL,
    winner_value  TEXT NOT NULL,
    winner_hlc    TEXT NOT NULL,
    winner_origin TEXT NOT NULL,
    detected_at   TEXT NOT NULL,
    resolved_at   TEXT,
    UNIQUE (tbl, row_id, col, loser_hlc, winner_hlc)
);
CREATE INDEX conflict_open ON conflict (resolved_at, id);
