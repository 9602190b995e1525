-- Fengqiao Desk schema, version 18: a village known by its code is one row.
--
-- A village entered with a code now has an id derived from the code, the same on every
-- node; rows of one code made before (or apart) are merged into it by logged writes
-- (store/village_code.rs), which look villages up by code: at open, once for what the
-- file holds, and whenever a village row is written or a row from another node is placed
-- in one.
CREATE INDEX village_code ON village (code) WHERE code IS NOT NULL;
