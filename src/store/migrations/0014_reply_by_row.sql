-- Fengqiao Desk schema, version 14: HQ reads a post's reply by row.
--
-- The first reply to a post that has acknowledged nothing used to read HQ's whole change
-- log, every post's, and judge each change's row against the post's jurisdiction: each new
-- post cost more than the last (7 s for the 10th post of a county, 89 s for the 90th, in a
-- debug build). HQ now finds the rows in the post's jurisdiction first (from its villages
-- down, the rows it created, the rows assigned to it) and reads their changes by row
-- (sync::export). One index entry per change; the rows a post created are found by origin.
CREATE INDEX change_log_row ON change_log (tbl, row_id);
CREATE INDEX row_origin_origin ON row_origin (origin);
