-- 疑似重复人员 at HQ.
--
-- A county login's decision on a pair of person rows held by two posts (the same ID number,
-- or the same name and birth date where an ID number is missing): the same person (one
-- post was handed the other's record by the assignment named; nothing is deleted) or
-- different people (the pair is never suggested again). Local to HQ, never synced.
CREATE TABLE duplicate_decision (
    id            TEXT PRIMARY KEY,
    person_a      TEXT NOT NULL,           -- the pair, person_a < person_b
    person_b      TEXT NOT NULL,
    same          INTEGER NOT NULL,        -- 1: the same person; 0: different people
    assignment_id TEXT,                    -- same: the assignment that handed one record over
    note          TEXT,
    decided_by    TEXT NOT NULL,           -- the county login
    decided_at    TEXT NOT NULL,
    UNIQUE (person_a, person_b)
);
