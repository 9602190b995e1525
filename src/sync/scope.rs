//! Jurisdiction: which rows HQ sends to a post ([`Scope`]), and which of a post's rows HQ
//! takes from it ([`Intake`]).
//!
//! The rule, generic over [`SYNCED_TABLES`] (a new table is covered by its columns):
//! 1. Reference data ([`REFERENCE`]: the holiday calendar, the service catalogue, the
//!    county's warning rules) goes to every post.
//! 2. A `village` row goes to a post whose enrolled village codes include its `code`.
//! 3. Any other row follows its village: its own `village_id`, else the village of the row
//!    its `household_id`, `dispute_id` or `person_id` points to (followed up to four steps:
//!    a party's dispute, an errand's person's household…).
//! 4. A row the post itself created (its first change came from the post) always goes back
//!    to it, e.g. its own officers, its post record, a resident with no household yet.
//! 5. A row HQ assigned to the post, and any row that hangs from it (a dispute's parties and
//!    mediations, a household's residents), goes to it, as does the assignment itself
//!    ([`super::assign`]).
//!
//! Scope is judged on HQ's current data when a bundle is made. A row that moves into a
//! post's jurisdiction later brings only the changes made after the post's watermark; a
//! re-enrollment resets the watermarks to send such rows whole.
//!
//! What HQ takes from a post is the same notion, judged on each row as it stands once the
//! post's bundle is applied, and stricter in one place: a row the post created is its own
//! only while it is placed in no village (an officer, the post's record, a resident
//! without a household). Placed in a village, the village decides:
//! - a village row itself: its code must be one HQ enrolled the post for, or it has no code
//!   and the post created it;
//! - any other row: its village must be such a village (or the row must hang from a row
//!   HQ assigned to the post); a row in a village HQ refused is refused with it;
//! - `assignment` rows are HQ's alone; reference data is taken from anyone.
//!
//! Otherwise the post could create a village under another post's code, or move its own
//! household into another post's village, and HQ would deliver its rows there.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::Result;
use crate::store::SYNCED_TABLES;
use crate::store::write::Columns;

use super::assign;

/// Reference tables every node receives.
pub use crate::store::seed::REFERENCE;

/// Columns that lead from a row to the row that places it in a village, in order of trust.
const LINKS: &[(&str, &str)] = &[("household_id", "household"), ("dispute_id", "dispute"), ("person_id", "person")];

/// The jurisdiction of one post, with a memo of rows already judged.
#[derive(Debug)]
pub struct Scope {
    post: String,
    villages: HashSet<String>,
    assigned: HashSet<(String, String)>,
    memo: HashMap<(String, String), bool>,
}

impl Scope {
    /// The scope of `post`, whose enrolled village codes are `codes`.
    pub fn new(conn: &Connection, post: Uuid, codes: &[String]) -> Result<Scope> {
        let mut villages = HashSet::new();
        let mut stmt = conn.prepare_cached("SELECT id FROM village WHERE code = ?1")?;
        for code in codes {
            for id in stmt.query_map([code], |r| r.get::<_, String>(0))? {
                villages.insert(id?);
            }
        }
        let post = post.to_string();
        let assigned = assign::assigned_rows(conn, &post)?;
        Ok(Scope { post, villages, assigned, memo: HashMap::new() })
    }

    /// Whether the row `tbl`/`id` goes to the post.
    pub fn contains(&mut self, conn: &Connection, columns: &Columns, tbl: &str, id: &str) -> Result<bool> {
        if REFERENCE.contains(&tbl) {
            return Ok(true);
        }
        let key = (tbl.to_owned(), id.to_owned());
        if let Some(v) = self.memo.get(&key) {
            return Ok(*v);
        }
        let inside = if tbl == "assignment" {
            assign::is_for(conn, id, &self.post)?
        } else {
            match village_of(conn, columns, tbl, id, 4)? {
                Some(v) if self.villages.contains(&v) => true,
                _ => {
                    let creator: Option<String> = conn
                        .prepare_cached("SELECT origin FROM row_origin WHERE tbl = ?1 AND row_id = ?2")?
                        .query_row([tbl, id], |r| r.get(0))
                        .optional()?;
                    creator.as_deref() == Some(self.post.as_str())
                        || (!self.assigned.is_empty() && self.assigned_via(conn, columns, tbl, id, assign::DEPTH)?)
                }
            }
        };
        self.memo.insert(key, inside);
        Ok(inside)
    }

    fn assigned_via(&self, conn: &Connection, columns: &Columns, tbl: &str, id: &str, depth: u8) -> Result<bool> {
        assigned_via(&self.assigned, conn, columns, tbl, id, depth)
    }

    /// Every row that may be in the post's scope, found from the scope's own ends rather than
    /// from the change log: its villages and what lies in them or hangs from them (up to
    /// four steps down), the rows it created, the rows assigned to it and their dependants,
    /// its assignments and the reference data. A superset: [`Scope::contains`] judges each.
    /// Its cost follows the post's own share of the county, not the county's.
    pub fn candidates(&self, conn: &Connection, columns: &Columns) -> Result<Vec<(String, String)>> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS reply_row (tbl TEXT, row_id TEXT, PRIMARY KEY (tbl, row_id))
                 WITHOUT ROWID;
             DELETE FROM temp.reply_row;",
        )?;
        let add = "INSERT OR IGNORE INTO temp.reply_row (tbl, row_id)";
        {
            let mut village = conn.prepare_cached(&format!("{add} VALUES ('village', ?1)"))?;
            for v in &self.villages {
                village.execute([v])?;
            }
        }
        let has = |t: &str, c: &str| columns.of(t).is_some_and(|cols| cols.iter().any(|k| k == c));
        for t in SYNCED_TABLES.iter().filter(|t| **t != "village" && has(t, "village_id")) {
            conn.execute(
                &format!(
                    "{add} SELECT '{t}', id FROM main.{t}
                     WHERE village_id IN (SELECT row_id FROM temp.reply_row WHERE tbl = 'village')"
                ),
                [],
            )?;
        }
        // What hangs from those rows, a step further each round (as far as `village_of`
        // looks up).
        for _ in 0..4 {
            let mut added = 0;
            for t in SYNCED_TABLES {
                for (col, parent) in LINKS.iter().filter(|(col, parent)| parent != t && has(t, col)) {
                    added += conn.execute(
                        &format!(
                            "{add} SELECT '{t}', s.id FROM main.{t} s
                             WHERE s.{col} IN (SELECT row_id FROM temp.reply_row WHERE tbl = '{parent}')"
                        ),
                        [],
                    )?;
                }
            }
            if added == 0 {
                break;
            }
        }
        conn.execute(&format!("{add} SELECT tbl, row_id FROM main.row_origin WHERE origin = ?1"), [&self.post])?;
        conn.execute(
            &format!("{add} SELECT 'assignment', id FROM main.assignment WHERE post_node = ?1"),
            [&self.post],
        )?;
        for t in REFERENCE {
            conn.execute(&format!("{add} SELECT '{t}', id FROM main.{t}"), [])?;
        }
        if !self.assigned.is_empty() {
            let mut row = conn.prepare_cached(&format!("{add} VALUES (?1, ?2)"))?;
            for (t, id) in assign::assigned_with_dependants(conn, columns, &self.post)? {
                row.execute([t, id])?;
            }
        }
        let mut stmt = conn.prepare_cached("SELECT tbl, row_id FROM temp.reply_row")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        conn.execute_batch("DELETE FROM temp.reply_row")?;
        Ok(rows)
    }
}

/// Whether the row is one of `assigned`, or hangs from a row that is.
fn assigned_via(
    assigned: &HashSet<(String, String)>,
    conn: &Connection,
    columns: &Columns,
    tbl: &str,
    id: &str,
    depth: u8,
) -> Result<bool> {
    if assigned.contains(&(tbl.to_owned(), id.to_owned())) {
        return Ok(true);
    }
    let (Some(cols), Some(table)) = (columns.of(tbl), SYNCED_TABLES.iter().find(|t| **t == tbl)) else {
        return Ok(false);
    };
    if depth == 0 {
        return Ok(false);
    }
    for (parent, p) in parents(conn, cols, table, id, assign::LINKS)? {
        if assigned_via(assigned, conn, columns, parent, &p, depth - 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The id of the village a row belongs to, if it can be told.
fn village_of(conn: &Connection, columns: &Columns, tbl: &str, id: &str, depth: u8) -> Result<Option<String>> {
    if tbl == "village" {
        return Ok(Some(id.to_owned()));
    }
    let (Some(cols), Some(table)) = (columns.of(tbl), SYNCED_TABLES.iter().find(|t| **t == tbl)) else {
        return Ok(None);
    };
    let has = |c: &str| cols.iter().any(|k| k == c);
    if has("village_id") {
        let v: Option<Option<String>> = conn
            .prepare_cached(&format!("SELECT village_id FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(Some(v)) = v {
            return Ok(Some(v));
        }
    }
    if depth == 0 {
        return Ok(None);
    }
    for (parent, p) in parents(conn, cols, table, id, LINKS)? {
        if let Some(v) = village_of(conn, columns, parent, &p, depth - 1)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// The rows `table`/`id` hangs from through `links` (each link column it has, when set), in
/// the order of `links`, read in one query.
fn parents(
    conn: &Connection,
    cols: &[String],
    table: &str,
    id: &str,
    links: &[(&str, &'static str)],
) -> Result<Vec<(&'static str, String)>> {
    let present: Vec<&(&str, &'static str)> =
        links.iter().filter(|(col, parent)| *parent != table && cols.iter().any(|k| k == col)).collect();
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = present.iter().map(|(col, _)| *col).collect();
    let values: Option<Vec<Option<String>>> = conn
        .prepare_cached(&format!("SELECT {} FROM {table} WHERE id = ?1", names.join(", ")))?
        .query_row([id], |r| (0..present.len()).map(|i| r.get(i)).collect())
        .optional()?;
    Ok(values
        .unwrap_or_default()
        .into_iter()
        .zip(present)
        .filter_map(|(value, (_, parent))| value.map(|v| (*parent, v)))
        .collect())
}

/// What HQ takes from one post: [`Intake::refuses`] judges a row as it stands after the
/// post's changes are applied.
#[derive(Debug)]
pub struct Intake {
    post: String,
    codes: HashSet<String>,
    assigned: HashSet<(String, String)>,
}

impl Intake {
    /// The intake of `post`, whose enrolled village codes are `codes`.
    pub fn new(conn: &Connection, post: Uuid, codes: &[String]) -> Result<Intake> {
        let post = post.to_string();
        let assigned = assign::assigned_rows(conn, &post)?;
        Ok(Intake { post, codes: codes.iter().cloned().collect(), assigned })
    }

    /// `None` when the row `tbl`/`id` is the post's to write; otherwise why it is not, in
    /// Chinese.
    pub fn refuses(&self, conn: &Connection, columns: &Columns, tbl: &str, id: &str) -> Result<Option<String>> {
        if REFERENCE.contains(&tbl) {
            return Ok(None);
        }
        if tbl == "assignment" {
            return Ok(Some("指派只能由县局建立，警务室不能新建或修改".into()));
        }
        let village = match village_of(conn, columns, tbl, id, 4)? {
            Some(v) => {
                let code: Option<Option<String>> = conn
                    .prepare_cached("SELECT code FROM village WHERE id = ?1")?
                    .query_row([&v], |r| r.get(0))
                    .optional()?;
                Some((v, code))
            }
            None => None,
        };
        let why = match village {
            Some((_, Some(Some(code)))) if self.codes.contains(&code) => return Ok(None),
            Some((_, Some(Some(code)))) => {
                let whose = if tbl == "village" {
                    "该村（社区）的区划代码"
                } else {
                    "所属村（社区）的区划代码"
                };
                let mut mine: Vec<&str> = self.codes.iter().map(String::as_str).collect();
                mine.sort_unstable();
                format!("{whose} {code} 不在县局登记给本警务室的辖区（{}）内", mine.join("、"))
            }
            // A village without a code is the post's only if the post made it.
            Some((v, Some(None))) if self.created(conn, "village", &v)? => return Ok(None),
            Some((_, Some(None))) => "所属村（社区）没有区划代码，也不是本警务室建立的".into(),
            // Only a village HQ refused is missing here: what is placed in it goes with it.
            Some((_, None)) => "所属村（社区）未被县局采用".into(),
            // Placed in no village: the post's own rows only.
            None if self.created(conn, tbl, id)? => return Ok(None),
            None => "这条记录不是本警务室建立的，也不在其辖区内".into(),
        };
        if !self.assigned.is_empty() && self.assigned_via(conn, columns, tbl, id, assign::DEPTH)? {
            return Ok(None);
        }
        Ok(Some(why))
    }

    fn created(&self, conn: &Connection, tbl: &str, id: &str) -> Result<bool> {
        let creator: Option<String> = conn
            .prepare_cached("SELECT origin FROM row_origin WHERE tbl = ?1 AND row_id = ?2")?
            .query_row([tbl, id], |r| r.get(0))
            .optional()?;
        Ok(creator.as_deref() == Some(self.post.as_str()))
    }

    fn assigned_via(&self, conn: &Connection, columns: &Columns, tbl: &str, id: &str, depth: u8) -> Result<bool> {
        assigned_via(&self.assigned, conn, columns, tbl, id, depth)
    }
}
