-- The month's statistics read each table's records by the date that puts them in the month
-- (visits by visited_on, errands by requested_on, due_on or done_on, sessions by held_on,
-- follow-ups by due_on, agreements by effective_on). Without an index on that date each
-- read scanned the whole table: at HQ, a county's six months of trend read every visit,
-- errand and session six times.
CREATE INDEX visit_visited ON visit (visited_on);
CREATE INDEX errand_due ON errand (due_on);
CREATE INDEX errand_done ON errand (done_on);
CREATE INDEX mediation_held ON mediation (held_on);
CREATE INDEX follow_up_due_on ON follow_up (due_on);
CREATE INDEX agreement_effective ON agreement (effective_on);
