-- HQ's assignments: a row outside a post's villages handed to the post, with the rows that
-- hang from it (see src/sync/assign.rs). Synced: the assignment goes to its post.
CREATE TABLE assignment (
    id          TEXT PRIMARY KEY,
    post_node   TEXT NOT NULL,   -- the post's node id
    tbl         TEXT NOT NULL,   -- the assigned row's table
    row_id      TEXT NOT NULL,
    note        TEXT,
    assigned_at TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX assignment_post ON assignment (post_node);

-- Local to HQ: assignments the post has not acknowledged yet, with the sequence number of
-- the assignment row's change, and the changes the handed-over rows were made of.
CREATE TABLE handover (
    assignment_id TEXT PRIMARY KEY,
    post          TEXT NOT NULL,
    seq           INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX handover_post ON handover (post, seq);
CREATE TABLE handover_change (
    assignment_id TEXT NOT NULL,
    origin        TEXT NOT NULL,
    origin_seq    INTEGER NOT NULL,
    PRIMARY KEY (assignment_id, origin, origin_seq)
) WITHOUT ROWID;
