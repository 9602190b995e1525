-- 照片和扫描件: photos of a hazard (before and after 整改) or an incident's scene, and the
-- scan of a signed 调解协议书. `attachment` is synced, written only through store::write
-- (see 0001_init.sql): what the file is, whose it is, and the SM3 of its bytes. The bytes
-- live once per content in `attachment_blob` (local, never in the change log), inside the
-- same encrypted file; a bundle carries them beside the `sm3` change that names them.
CREATE TABLE attachment (
    id          TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL,         -- hazard / incident / agreement
    owner_id    TEXT NOT NULL,
    village_id  TEXT,                  -- the owner's village: the row follows it to HQ and back
    dispute_id  TEXT,                  -- an agreement's dispute
    file_type   TEXT NOT NULL,         -- jpeg / png / pdf, told from the bytes
    sm3         TEXT NOT NULL,         -- SM3 of the bytes, hex: the key of attachment_blob
    size        INTEGER NOT NULL,
    name        TEXT,                  -- the file's name when attached
    caption     TEXT,                  -- 整改前, 整改后, 现场…
    attached_on TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX attachment_owner ON attachment (owner_kind, owner_id);
CREATE INDEX attachment_sm3 ON attachment (sm3);

-- Local: the bytes of each attached file once, by content, and a small JPEG thumbnail made
-- from them here (none for a PDF).
CREATE TABLE attachment_blob (
    sm3    TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL,
    thumb  BLOB
);
