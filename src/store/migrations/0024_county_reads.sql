-- Reads of the whole county that HQ makes often, answered from an index alone instead of
-- fetching every row (at HQ's size each fetch is a page read and decrypted somewhere in a
-- file of gigabytes):
-- * the six-month trend of the statistics counts each month's visits: the date's index
--   also carries a visit's deletion and household (replacing 0023's on the date alone);
-- * the review of suspected duplicates groups every person by ID number, and by name and
--   birth date: those indexes also carry what the grouping filters on.
DROP INDEX visit_visited;
CREATE INDEX visit_visited ON visit (visited_on, deleted_at, household_id);
DROP INDEX person_id_number;
CREATE INDEX person_id_number ON person (id_number, deleted_at);
DROP INDEX person_name;
CREATE INDEX person_name ON person (name, birth_date, deleted_at);
