-- Fengqiao Desk schema, version 6: one-time enrollment codes issued by HQ.
--
-- Local, never synced. The code itself is not kept: `key` is SM3 of it (with a label),
-- which is also the HMAC-SM3 key both sides use (see SECURITY.md, "Enrollment").
CREATE TABLE enroll_code (
    key        BLOB PRIMARY KEY,
    villages   TEXT NOT NULL,          -- the post's jurisdiction: village codes (JSON array)
    name       TEXT,                   -- HQ's name for the post, when given
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,                   -- set once: a code enrolls one post
    used_by    TEXT                    -- the post's node id
) WITHOUT ROWID;
