-- Changes HQ did not take from a post (outside the post's jurisdiction, or stamped too far
-- past HQ's clock): at HQ one row per refused row of a bundle; at the post the same rows as
-- HQ reported them, under HQ's ids. Local on both sides, never synced.
CREATE TABLE refusal (
    id          INTEGER PRIMARY KEY,
    post        TEXT NOT NULL,            -- the post's node id
    counter     INTEGER NOT NULL,         -- the number of the post's bundle that carried it
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    changes     INTEGER NOT NULL,         -- how many of the row's changes were refused
    reason      TEXT NOT NULL,
    refused_at  TEXT NOT NULL
);
CREATE INDEX refusal_by_post ON refusal (post, id);

-- HQ: the highest refusal a post has said it holds; later ones go in every bundle to it.
ALTER TABLE peer ADD COLUMN refusal_seen INTEGER NOT NULL DEFAULT 0;
