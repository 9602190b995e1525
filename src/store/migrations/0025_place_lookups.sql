-- The village a record lies in, looked up for every record of a month: a visit's through its
-- household, an errand's through its applicant and the applicant's household (the
-- statistics by village and by post; at HQ a station leader's scope tests every row it reads
-- the same way). Each lookup is answered from an index alone, one descent of a B-tree,
-- instead of the key's own index and then the row (two, in a file of gigabytes at HQ):
CREATE INDEX household_place ON household (id, village_id);
CREATE INDEX person_place ON person (id, household_id);
-- and the errands due or done in a month are found from their date's index alone, which now
-- carries the errand's id (replacing 0023's on the date alone).
DROP INDEX errand_due;
CREATE INDEX errand_due ON errand (due_on, id);
DROP INDEX errand_done;
CREATE INDEX errand_done ON errand (done_on, id);
-- Without statistics SQLite's planner prefers a key's own unique index for `id = ?` to an
-- index it cannot tell is as selective. The planner statistics below say that each id has
-- one row in the two indexes above, and give the tables the size the planner assumes of a
-- table without statistics (1,048,576 rows), so that no other plan changes. This is
-- SQLite's documented way to steer a plan by hand (sqlite.org/optoverview.html, "Manual
-- Control Of Query Plans Using SQLITE_STAT Tables"); `ANALYZE sqlite_schema` makes the
-- statistics table where it is missing and loads what it holds, and measures nothing else.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE idx IN ('household_place', 'person_place');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('household', 'household_place', '1048576 1 1'),
    ('person', 'person_place', '1048576 1 1');
ANALYZE sqlite_schema;
