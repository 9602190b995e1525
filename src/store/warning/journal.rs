//! The rows each transaction wrote to a table a dispute's risk is judged from
//! ([`super::JUDGED_FROM`]), journaled for the kept judgement ([`super::kept`]) so that it
//! re-judges only the disputes those rows can change.
//!
//! The journal is a TEMP table of the connection: it lives as long as the process's open
//! database, is written in the transaction it describes (so a rolled-back write leaves no
//! entry) and is never in the file. Each commit that wrote such rows renews
//! [`RISK_STAMP`] and journals its rows under the stamp it replaced and the new one, so a
//! reader holding a judgement made under one stamp can tell whether the journal holds every
//! commit since: a write by another process (or a file restored under it) renews the stamp
//! without an entry here, and the reader then judges everything afresh.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use super::RISK_STAMP;
use crate::error::Result;
use crate::store::{get_meta, set_meta};

/// Beyond this many rows in one commit (a large bundle, demo data) the commit journals
/// [`EVERYTHING`] instead: judging every open dispute is then as cheap as finding which.
pub const MOST_ROWS: usize = 2_000;

/// The table name of an entry that stands for every row.
pub const EVERYTHING: &str = "*";

/// Entries kept at most; older ones are dropped (a reader that needed them judges afresh).
const KEEP: i64 = 20_000;

const CREATE: &str = "CREATE TEMP TABLE IF NOT EXISTS risk_journal (
    n       INTEGER PRIMARY KEY,
    before  TEXT NOT NULL,   -- the stamp the commit replaced
    after   TEXT NOT NULL,   -- the stamp it set
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL)";

/// In the transaction about to commit: renews [`RISK_STAMP`] and journals `rows`.
pub(crate) fn record(conn: &Connection, rows: &BTreeSet<(&'static str, String)>) -> Result<()> {
    let before = get_meta(conn, RISK_STAMP)?.unwrap_or_default();
    // A new stamp, not a count, so that two processes writing the file never stamp alike.
    let after = Uuid::now_v7().to_string();
    set_meta(conn, RISK_STAMP, &after)?;
    conn.execute_batch(CREATE)?;
    let mut add =
        conn.prepare_cached("INSERT INTO temp.risk_journal (before, after, tbl, row_id) VALUES (?1, ?2, ?3, ?4)")?;
    if rows.len() > MOST_ROWS {
        add.execute([before.as_str(), &after, EVERYTHING, ""])?;
    } else {
        for (table, id) in rows {
            add.execute([before.as_str(), &after, table, id])?;
        }
    }
    let last = conn.last_insert_rowid();
    conn.prepare_cached("DELETE FROM temp.risk_journal WHERE n <= ?1")?.execute([last - KEEP])?;
    Ok(())
}

/// What was written between two stamps.
#[derive(Debug, PartialEq, Eq)]
pub enum Since {
    /// These rows (table, id), each once.
    Rows(BTreeSet<(String, String)>),
    /// Anything: the journal does not hold every commit between them, or one wrote too
    /// many rows to list.
    Everything,
}

/// The rows written by the commits that led from the stamp `from` to the stamp `to`, if the
/// journal holds each of them, and forgets every entry it read.
pub fn take_since(conn: &Connection, from: &str, to: &str) -> Result<Since> {
    if !exists(conn)? {
        return Ok(if from == to { Since::Rows(BTreeSet::new()) } else { Since::Everything });
    }
    let mut rows = BTreeSet::new();
    let mut at = from.to_owned();
    let mut whole = true;
    let mut last = None;
    {
        let mut stmt = conn.prepare_cached("SELECT n, before, after, tbl, row_id FROM temp.risk_journal ORDER BY n")?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            last = Some(r.get::<_, i64>("n")?);
            let (before, after): (String, String) = (r.get("before")?, r.get("after")?);
            // An entry of the commit already followed, or of the next one in the chain.
            if after != at {
                if before != at {
                    whole = false;
                }
                at = after;
            }
            let table: String = r.get("tbl")?;
            if table == EVERYTHING {
                whole = false;
            }
            rows.insert((table, r.get("row_id")?));
        }
    }
    if let Some(n) = last {
        conn.prepare_cached("DELETE FROM temp.risk_journal WHERE n <= ?1")?.execute([n])?;
    }
    Ok(if whole && at == to { Since::Rows(rows) } else { Since::Everything })
}

/// Forgets the whole journal (a judgement made afresh needs none of it).
pub fn clear(conn: &Connection) -> Result<()> {
    if exists(conn)? {
        conn.prepare_cached("DELETE FROM temp.risk_journal")?.execute([])?;
    }
    Ok(())
}

/// Whether this connection has journaled a commit yet.
fn exists(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = 'risk_journal'")?
        .query_row([], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some())
}
