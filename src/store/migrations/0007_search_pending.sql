-- Persons whose search index entry (search_fts, search_gram) is still to be built. A node
-- whose `search_index` meta is `deferred` (HQ: it takes in a whole county by sync and
-- searches rarely) queues touched persons here in the write transaction and builds their
-- entries afterwards, in batches, and always before a search. Local, never synced.
CREATE TABLE search_pending (
    person_id TEXT PRIMARY KEY
) WITHOUT ROWID;

INSERT OR IGNORE INTO local_meta (key, value)
SELECT 'search_index', 'deferred'
WHERE EXISTS (SELECT 1 FROM local_meta WHERE key = 'node_role' AND value = 'hq');
