-- Who is involved in which dispute (a party), incident (the reporter or a person involved)
-- or errand (the applicant), with the person's household: local, like the search index,
-- and refreshed with it for every row a write touches (including writes by sync). It lets
-- a household's card list its disputes, incidents and errands through one index range.
CREATE TABLE involvement (
    person_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,          -- dispute | incident | errand
    ref_id       TEXT NOT NULL,
    household_id TEXT,
    PRIMARY KEY (person_id, kind, ref_id)
) WITHOUT ROWID;
CREATE INDEX involvement_household ON involvement (household_id, kind, ref_id);
CREATE INDEX involvement_ref ON involvement (ref_id);

INSERT OR IGNORE INTO involvement (person_id, kind, ref_id, household_id)
SELECT pa.person_id, 'dispute', pa.dispute_id, pe.household_id
FROM party pa LEFT JOIN person pe ON pe.id = pa.person_id
WHERE pa.deleted_at IS NULL AND pa.person_id IS NOT NULL;

INSERT OR IGNORE INTO involvement (person_id, kind, ref_id, household_id)
SELECT who.person_id, 'incident', who.incident_id, pe.household_id
FROM (SELECT i.id AS incident_id, i.reporter_person_id AS person_id FROM incident i
      WHERE i.deleted_at IS NULL AND i.reporter_person_id IS NOT NULL
      UNION
      SELECT i.id, j.value
      FROM incident i, json_each(CASE WHEN json_valid(i.person_ids) THEN i.person_ids ELSE '[]' END) j
      WHERE i.deleted_at IS NULL) who
LEFT JOIN person pe ON pe.id = who.person_id
WHERE who.person_id IS NOT NULL;

INSERT OR IGNORE INTO involvement (person_id, kind, ref_id, household_id)
SELECT e.person_id, 'errand', e.id, pe.household_id
FROM errand e LEFT JOIN person pe ON pe.id = e.person_id
WHERE e.deleted_at IS NULL AND e.person_id IS NOT NULL;

-- The households list with a common tag walks households in address order and asks, for
-- each, whether a member carries the tag.
CREATE INDEX person_tag_household ON person_tag (household_id, tag);

-- Open errands by due date: the overdue list walks them in its order and stops at its limit.
CREATE INDEX errand_open_due ON errand (due_on, requested_on, id)
    WHERE deleted_at IS NULL AND status IN ('accepted', 'in_progress');

-- The households list of a village or a group, a page at a time in address order.
CREATE INDEX household_village_address ON household (village_id, address, id);
CREATE INDEX household_group_address ON household (group_id, address, id);

-- Counting the incidents of a page (all of them, or those of a period) from a small index.
-- Partial, so that a village's or a kind's incidents keep their own (village_id / kind,
-- occurred_at) index: a (deleted_at, occurred_at) index looked as good to the planner and
-- made 五无 read every incident of the year for each village.
CREATE INDEX incident_live ON incident (occurred_at, id) WHERE deleted_at IS NULL;
