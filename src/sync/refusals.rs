//! Rows of a post's bundles that HQ did not take: outside the post's jurisdiction
//! ([`super::scope::Intake`]) or stamped too far past HQ's clock ([`super::clock`]).
//!
//! HQ applies the rest of the bundle (one wrong row must not block a post's whole sync, an
//! officer in the field cannot mend it on the spot) and acknowledges the refused changes
//! like the others, so they are not sent again; they stay at the post only. HQ records each
//! refused row (table `refusal`), lists it on its status page and with
//! `fengqiao-hq refusals`, and puts it in every bundle to the post until the post's next
//! bundle says it holds it; the post keeps them in its own `refusal` table for `sync.status`.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::from_row;

use super::assign;
use super::bundle::Refusal;

/// How many refusals one bundle to a post carries at most (the rest follow in later ones).
const PER_BUNDLE: i64 = 1000;

/// A row HQ is about to refuse: how many of its changes the bundle carried, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The row's changes in the bundle.
    pub changes: i64,
    /// Why, in Chinese.
    pub reason: String,
}

/// A refused row, as HQ and the post list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusedRow {
    /// HQ's number for it.
    pub id: i64,
    /// The post's node id.
    pub post: String,
    /// The post's name (at HQ; empty at the post).
    pub post_name: String,
    /// The number of the post's bundle that carried it.
    pub counter: i64,
    /// The table.
    pub tbl: String,
    /// What the table is called, e.g. 户.
    pub kind: String,
    /// The row.
    pub row_id: String,
    /// What the row is about, where it is here (a household's address, a village's name).
    pub subject: Option<String>,
    /// How many of the row's changes were refused.
    pub changes: i64,
    /// Why, in Chinese.
    pub reason: String,
    /// When HQ refused it (RFC 3339, UTC).
    pub refused_at: String,
}

impl RefusedRow {
    /// The row in words: `户“青山村12号”` or `村（社区） 0190…`.
    pub fn what(&self) -> String {
        match &self.subject {
            Some(s) => format!("{}“{s}”", self.kind),
            None => format!("{} {}", self.kind, self.row_id),
        }
    }
}

/// HQ records the rows it refused from the post's bundle `counter`; returns them.
pub(super) fn record(
    conn: &Connection,
    post: &str,
    counter: i64,
    refused: &BTreeMap<(String, String), Refused>,
    now: &str,
) -> Result<Vec<RefusedRow>> {
    let mut ids = Vec::with_capacity(refused.len());
    for ((tbl, row_id), r) in refused {
        conn.execute(
            "INSERT INTO refusal (post, counter, tbl, row_id, changes, reason, refused_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![post, counter, tbl, row_id, r.changes, r.reason, now],
        )?;
        ids.push(conn.last_insert_rowid());
    }
    read(conn, Some(&ids), i64::MAX)
}

/// HQ: the post's refusals it has not yet said it holds, oldest first.
pub(super) fn unseen(conn: &Connection, post: &str) -> Result<Vec<Refusal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, counter, tbl, row_id, changes, reason, refused_at FROM refusal
         WHERE post = ?1 AND id > (SELECT refusal_seen FROM peer WHERE node_id = ?1) ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![post, PER_BUNDLE], |r| {
        Ok(from_row!(r => Refusal { id, counter, tbl, row_id, changes, reason, refused_at }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A post keeps the refusals HQ reports (under HQ's numbers); returns those new to it.
pub(super) fn keep(conn: &Connection, me: &str, reported: &[Refusal]) -> Result<Vec<RefusedRow>> {
    let mut new = Vec::new();
    for r in reported {
        let n = conn.execute(
            "INSERT OR IGNORE INTO refusal (id, post, counter, tbl, row_id, changes, reason, refused_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![r.id, me, r.counter, r.tbl, r.row_id, r.changes, r.reason, r.refused_at],
        )?;
        if n == 1 {
            new.push(r.id);
        }
    }
    read(conn, Some(&new), i64::MAX)
}

/// The latest refusals, newest first: at HQ every post's, at a post its own.
pub fn latest(conn: &Connection, limit: i64) -> Result<Vec<RefusedRow>> {
    read(conn, None, limit)
}

/// Every refusal's number with its post, newest first: to filter by post and page before
/// [`numbered`] reads and describes a page of them.
pub fn numbers(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT id, post FROM refusal ORDER BY id DESC")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The refusals numbered `ids`, newest first.
pub fn numbered(conn: &Connection, ids: &[i64]) -> Result<Vec<RefusedRow>> {
    read(conn, Some(ids), i64::MAX)
}

/// Refusals (those numbered `only`, when given), newest first, at most `limit`.
fn read(conn: &Connection, only: Option<&[i64]>, limit: i64) -> Result<Vec<RefusedRow>> {
    let only = only.map(|ids| serde_json::to_string(ids).unwrap_or_default());
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.post, coalesce(p.name, '') AS post_name, r.counter, r.tbl, r.row_id, r.changes, r.reason,
                r.refused_at
         FROM refusal r LEFT JOIN peer p ON p.node_id = r.post AND p.role = 'post'
         WHERE ?1 IS NULL OR r.id IN (SELECT value FROM json_each(?1)) ORDER BY r.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![only, limit], |r| {
        Ok(from_row!(r => RefusedRow {
            id, post, post_name, counter, tbl, row_id, changes, reason, refused_at,
            kind: String::new(),
            subject: None,
        }))
    })?;
    let mut out: Vec<RefusedRow> = rows.collect::<rusqlite::Result<_>>()?;
    for r in &mut out {
        (r.kind, r.subject) = assign::describe(conn, &r.tbl, &r.row_id)?;
    }
    Ok(out)
}
