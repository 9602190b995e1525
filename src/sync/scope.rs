//! Jurisdiction: which rows HQ sends to a post.
//!
//! The rule, generic over [`SYNCED_TABLES`] (a new table is covered by its columns):
//! 1. Reference data ([`REFERENCE`]: the holiday calendar, the service catalogue) goes to
//!    every post.
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

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::Result;
use crate::store::SYNCED_TABLES;
use crate::store::write::Columns;

use super::assign;

/// Reference tables every node receives.
pub const REFERENCE: &[&str] = &["holiday", "service_item"];

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

    /// Whether the row is assigned to the post, or hangs from a row that is.
    fn assigned_via(&self, conn: &Connection, columns: &Columns, tbl: &str, id: &str, depth: u8) -> Result<bool> {
        if self.assigned.contains(&(tbl.to_owned(), id.to_owned())) {
            return Ok(true);
        }
        let (Some(cols), Some(table)) = (columns.of(tbl), SYNCED_TABLES.iter().find(|t| **t == tbl)) else {
            return Ok(false);
        };
        if depth == 0 {
            return Ok(false);
        }
        for (parent, p) in parents(conn, cols, table, id, assign::LINKS)? {
            if self.assigned_via(conn, columns, parent, &p, depth - 1)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
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
