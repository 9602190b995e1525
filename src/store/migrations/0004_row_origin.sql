-- Fengqiao Desk schema, version 4: the node that created each synced row.
--
-- HQ sends a post the rows outside its villages that the post itself created; it used to
-- find the creator through an index of the change log by row (one index entry per
-- change, written on every apply). One row per synced row is enough: the clock and origin
-- of the row's earliest change.
CREATE TABLE row_origin (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    hlc    TEXT NOT NULL,   -- the earliest change's clock
    origin TEXT NOT NULL,   -- and its node
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

INSERT INTO row_origin (tbl, row_id, hlc, origin)
SELECT tbl, row_id, min(hlc), origin FROM change_log GROUP BY tbl, row_id;

DROP INDEX change_log_row;
