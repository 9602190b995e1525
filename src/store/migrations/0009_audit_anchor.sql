-- HQ, local: the head of each post's audit chain as its bundles reported it (an anchor the
-- post cannot rewrite), and the alarms raised when a later bundle disagrees with one: an
-- anchored entry changed or gone, or the chain shorter than HQ has already seen.
CREATE TABLE audit_anchor (
    post        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (post, seq)
) WITHOUT ROWID;

CREATE TABLE audit_alarm (
    id          INTEGER PRIMARY KEY,
    post        TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    message     TEXT NOT NULL,
    seen_at     TEXT,                     -- when HQ's admin marked it seen (e.g. a known restore)
    UNIQUE (post, message)
);
