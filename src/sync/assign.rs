//! Assignments: HQ hands a post a row outside its villages (a dispute referred across
//! jurisdictions, a lead to check, a household that moved), with the rows that hang from it
//! (a dispute's parties, mediations and agreement; a household's residents).
//!
//! An assignment is a synced row (`assignment`) that goes to its post. HQ also keeps, locally,
//! the changes the handed-over rows were made of when it assigned them (`handover_change`):
//! those are older than what the post has acknowledged, so the watermarks alone would never
//! send them. Every bundle to the post carries them until the post acknowledges the
//! assignment row itself; since a bundle applies wholly or not at all, the post then holds
//! them too, and HQ forgets the list. Later changes to the rows pass the post's scope
//! ([`super::scope`]) like any other.

use std::collections::{BTreeSet, HashSet};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::write::Columns;
use crate::store::{SYNCED_TABLES, Store};

use super::scope::REFERENCE;
use super::{NodeRole, read_peers, role};
use crate::store::from_row;

/// One assignment, as HQ lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Assignment {
    /// The assignment row's id.
    pub id: String,
    /// The post's node id.
    pub post: String,
    /// The post's name.
    pub post_name: String,
    /// The assigned row's table.
    pub tbl: String,
    /// What the table is called, e.g. 矛盾纠纷.
    pub kind: String,
    /// The assigned row.
    pub row_id: String,
    /// What the row is about: a dispute's title, a lead's content, a household's address.
    pub subject: Option<String>,
    /// Why, in HQ's words.
    pub note: Option<String>,
    /// When (RFC 3339, UTC).
    pub assigned_at: String,
    /// Changes still to hand over with it (the row's and its dependants', as they stood when
    /// assigned); none once delivered.
    pub pending_changes: i64,
    /// Whether the post has acknowledged it (it holds the rows).
    pub delivered: bool,
    /// When HQ withdrew it, if it did (RFC 3339, UTC).
    pub withdrawn_at: Option<String>,
}

impl Assignment {
    /// Where it stands, in a word for HQ's lists: 已撤回, 已送达 or 待送达.
    pub fn state(&self) -> &'static str {
        if self.withdrawn_at.is_some() {
            "已撤回"
        } else if self.delivered {
            "已送达"
        } else {
            "待送达"
        }
    }

    /// The assigned row in words: its kind and what it is about, e.g. 矛盾纠纷“邻里排水纠纷”,
    /// or its id where it says nothing of itself.
    pub fn what(&self) -> String {
        match &self.subject {
            Some(s) => format!("{}“{s}”", self.kind),
            None => format!("{} {}", self.kind, self.row_id),
        }
    }
}

/// The columns that hang a row from another (a dependant's link to its row), with the
/// table they point into.
pub(super) const LINKS: &[(&str, &str)] =
    &[("household_id", "household"), ("dispute_id", "dispute"), ("person_id", "person"), ("patrol_id", "patrol")];

/// How many steps down from the assigned row its dependants are followed (a household's
/// residents' errands are two); also how far up the scope looks for an assigned row.
pub(super) const DEPTH: u8 = 3;

/// The column that points from a dependant to a row of `table`, if rows can hang from it.
fn link_to(table: &str) -> Option<&'static str> {
    LINKS.iter().find(|(_, t)| *t == table).map(|(c, _)| *c)
}

/// The row `tbl`/`id` and every row that hangs from it, up to [`DEPTH`] steps down.
fn with_dependants(conn: &Connection, columns: &Columns, tbl: &str, id: &str) -> Result<BTreeSet<(String, String)>> {
    let mut found = BTreeSet::from([(tbl.to_owned(), id.to_owned())]);
    let mut frontier = vec![(tbl.to_owned(), id.to_owned())];
    for _ in 0..DEPTH {
        let mut next = Vec::new();
        for (t, i) in &frontier {
            let Some(link) = link_to(t) else { continue };
            for child in SYNCED_TABLES {
                if !columns.of(child).is_some_and(|cols| cols.iter().any(|c| c == link)) {
                    continue;
                }
                let mut stmt = conn.prepare_cached(&format!("SELECT id FROM {child} WHERE {link} = ?1"))?;
                for row in stmt.query_map([i], |r| r.get::<_, String>(0))? {
                    let key = ((*child).to_owned(), row?);
                    if found.insert(key.clone()) {
                        next.push(key);
                    }
                }
            }
        }
        frontier = next;
    }
    Ok(found)
}

/// Every change of the handed-over rows (in `temp.handover_rows`) recorded for assignment
/// `?1`: found from the rows by the change log's (tbl, row_id) index, the rows kept outside
/// by the CROSS JOIN (the change log scanned for them instead took seconds at a county's HQ,
/// under its lock).
const HANDOVER_CHANGES: &str = "INSERT INTO handover_change (assignment_id, origin, origin_seq)
     SELECT ?1, c.origin, c.origin_seq FROM temp.handover_rows h
     CROSS JOIN change_log c ON c.tbl = h.tbl AND c.row_id = h.row_id";

/// HQ assigns the row `tbl`/`row_id` (with its dependants) to the enrolled post `post`
/// (its node id or its name).
pub fn assign(store: &mut Store, post: &str, tbl: &str, row_id: &str, note: Option<&str>) -> Result<Assignment> {
    if role(store)? != NodeRole::Hq {
        return Err(Error::rule("只有县局节点可以指派"));
    }
    let peers = read_peers(store.conn(), None)?;
    let target = peers
        .iter()
        .find(|p| p.role == NodeRole::Post && (p.node_id == post || p.name == post))
        .ok_or_else(|| Error::validation("post", format!("没有登记名为或标识为“{post}”的警务室")))?;
    let post_id = target.node_id.clone();
    let Some(table) = SYNCED_TABLES.iter().copied().find(|t| *t == tbl && !REFERENCE.contains(t) && *t != "assignment")
    else {
        return Err(Error::validation("table", format!("“{tbl}”不是可以指派的数据表")));
    };
    let exists: i64 = store.conn().query_row(
        &format!("SELECT count(*) FROM {table} WHERE id = ?1 AND deleted_at IS NULL"),
        [row_id],
        |r| r.get(0),
    )?;
    if exists == 0 {
        return Err(Error::validation("id", format!("县局数据中没有这条记录（{table} {row_id}），或已删除")));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(Error::validation("note", "指派说明不能超过 500 字"));
    }
    let rows = with_dependants(store.conn(), store.columns(), table, row_id)?;
    let me = store.node_id().to_string();
    let id = store.write(|tx| {
        let id = tx.new_id();
        let now = stamp(tx.now());
        tx.insert(
            "assignment",
            &id,
            &[
                ("post_node", Value::Text(post_id.clone())),
                ("tbl", Value::Text(table.to_owned())),
                ("row_id", Value::Text(row_id.to_owned())),
                ("note", note.clone().map_or(Value::Null, Value::Text)),
                ("assigned_at", Value::Text(now)),
            ],
        )?;
        let conn = tx.conn();
        // The assignment row's own first change: once the post acknowledges it, the
        // handed-over changes travelled with it.
        let seq: i64 =
            conn.query_row("SELECT coalesce(max(origin_seq), 0) FROM change_log WHERE origin = ?1", [&me], |r| {
                r.get(0)
            })?;
        conn.execute("INSERT INTO handover (assignment_id, post, seq) VALUES (?1, ?2, ?3)", params![id, post_id, seq])?;
        // Every change of the handed-over rows, from the rows themselves.
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS handover_rows (tbl TEXT, row_id TEXT, PRIMARY KEY (tbl, row_id))",
            [],
        )?;
        conn.execute("DELETE FROM temp.handover_rows", [])?;
        {
            let mut ins = conn.prepare_cached("INSERT INTO temp.handover_rows (tbl, row_id) VALUES (?1, ?2)")?;
            for (t, r) in &rows {
                ins.execute([t, r])?;
            }
        }
        conn.execute(HANDOVER_CHANGES, [&id])?;
        conn.execute("DELETE FROM temp.handover_rows", [])?;
        Ok(id)
    })?;
    one(store, &id, "保存")
}

/// HQ withdraws an assignment. The post keeps the rows it already has (nothing is taken
/// from it); from then on their changes reach it only if they are in its villages. The
/// withdrawal reaches the post with its next sync.
pub fn withdraw(store: &mut Store, id: &str) -> Result<Assignment> {
    if role(store)? != NodeRole::Hq {
        return Err(Error::rule("只有县局节点可以撤回指派"));
    }
    let live: i64 =
        store
            .conn()
            .query_row("SELECT count(*) FROM assignment WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))?;
    if live == 0 {
        return Err(Error::validation("id", format!("没有这条指派（{id}），或已撤回")));
    }
    store.write(|tx| {
        tx.delete("assignment", id)?;
        tx.conn().execute("DELETE FROM handover_change WHERE assignment_id = ?1", [id])?;
        tx.conn().execute("DELETE FROM handover WHERE assignment_id = ?1", [id])?;
        Ok(())
    })?;
    one(store, id, "撤回")
}

/// Every assignment HQ has made, withdrawn ones included, newest first.
pub fn list(store: &Store) -> Result<Vec<Assignment>> {
    read(store.conn(), None)
}

/// One assignment, after assigning or withdrawing it.
fn one(store: &Store, id: &str, what: &str) -> Result<Assignment> {
    read(store.conn(), Some(id))?.pop().ok_or_else(|| Error::rule(format!("指派已{what}，但读取时没有找到")))
}

fn read(conn: &Connection, only: Option<&str>) -> Result<Vec<Assignment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.post_node, coalesce(p.name, '') AS post_name, a.tbl, a.row_id, a.note, a.assigned_at,
                (SELECT count(*) FROM handover_change hc WHERE hc.assignment_id = a.id) AS pending_changes,
                EXISTS (SELECT 1 FROM handover h WHERE h.assignment_id = a.id) AS awaiting, a.deleted_at
         FROM assignment a LEFT JOIN peer p ON p.node_id = a.post_node
         WHERE ?1 IS NULL OR a.id = ?1 ORDER BY a.assigned_at DESC, a.id DESC",
    )?;
    let rows = stmt.query_map([only], |r| {
        Ok(from_row!(r => Assignment {
            id, post_name, tbl, row_id, note, assigned_at, pending_changes,
            post: r.get("post_node")?,
            kind: String::new(),
            subject: None,
            delivered: !r.get::<_, bool>("awaiting")?,
            withdrawn_at: r.get("deleted_at")?,
        }))
    })?;
    let mut out: Vec<Assignment> = rows.collect::<rusqlite::Result<_>>()?;
    for a in &mut out {
        (a.kind, a.subject) = describe(conn, &a.tbl, &a.row_id)?;
    }
    Ok(out)
}

/// The rows assigned to `post` (live assignments), for its scope.
pub(super) fn assigned_rows(conn: &Connection, post: &str) -> Result<HashSet<(String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT tbl, row_id FROM assignment WHERE post_node = ?1 AND deleted_at IS NULL")?;
    let rows = stmt.query_map([post], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rows assigned to `post` (live assignments) and every row that hangs from them: what
/// the post holds by assignment (HQ's county scope and the owner of a row in its lists).
pub fn assigned_with_dependants(
    conn: &Connection,
    columns: &Columns,
    post: &str,
) -> Result<BTreeSet<(String, String)>> {
    let mut out = BTreeSet::new();
    for (t, id) in assigned_rows(conn, post)? {
        out.extend(with_dependants(conn, columns, &t, &id)?);
    }
    Ok(out)
}

/// The changes still to hand over to `post`, given how far it has acknowledged HQ's own
/// changes (`acked`): `(origin, origin_seq)`. Assignments it has acknowledged are forgotten.
pub(super) fn pending_handover(conn: &Connection, post: &str, acked: i64) -> Result<Vec<(String, i64)>> {
    conn.execute(
        "DELETE FROM handover_change WHERE assignment_id IN
             (SELECT assignment_id FROM handover WHERE post = ?1 AND seq <= ?2)",
        params![post, acked],
    )?;
    conn.execute("DELETE FROM handover WHERE post = ?1 AND seq <= ?2", params![post, acked])?;
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT hc.origin, hc.origin_seq FROM handover h
         JOIN handover_change hc ON hc.assignment_id = h.assignment_id WHERE h.post = ?1",
    )?;
    let rows = stmt.query_map([post], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether `post` is the post the assignment row `id` is for.
pub(super) fn is_for(conn: &Connection, id: &str, post: &str) -> Result<bool> {
    let to: Option<String> = conn
        .prepare_cached("SELECT post_node FROM assignment WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(to.as_deref() == Some(post))
}

/// An assignment as the post that received it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AssignmentReceived"))]
pub struct Received {
    /// The assignment row's id.
    pub id: String,
    /// The assigned row's table (`dispute`, `lead`, `household`…).
    pub tbl: String,
    /// What it is, in Chinese (矛盾纠纷, 线索, 户…).
    pub kind: String,
    /// The assigned row.
    pub row_id: String,
    /// What the row is about: a dispute's title, a lead's content, a household's address.
    pub subject: Option<String>,
    /// HQ's note.
    pub note: Option<String>,
    /// When HQ assigned it (RFC 3339, UTC).
    pub assigned_at: String,
}

/// What each assignable table is called, and the column that says what a row is about.
const SUBJECTS: &[(&str, &str, &str)] = &[
    ("dispute", "矛盾纠纷", "title"),
    ("incident", "警情", "summary"),
    ("lead", "线索", "content"),
    ("hazard", "隐患", "place || '：' || description"),
    ("household", "户", "coalesce(address, house_no)"),
    ("person", "人员", "name"),
    ("errand", "代办", "applicant_name"),
    ("feedback", "群众意见", "NULL"),
    ("visit", "走访", "NULL"),
    ("village", "村（社区）", "name || coalesce('（' || code || '）', '')"),
];

/// The assignments HQ has sent this post, newest first, with what each row is about.
pub fn received(conn: &Connection) -> Result<Vec<Received>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, tbl, row_id, note, assigned_at FROM assignment
         WHERE deleted_at IS NULL ORDER BY assigned_at DESC, id DESC",
    )?;
    let rows: Vec<(String, String, String, Option<String>, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, tbl, row_id, note, assigned_at) in rows {
        let (kind, subject) = describe(conn, &tbl, &row_id)?;
        out.push(Received { id, tbl, kind, row_id, subject, note, assigned_at });
    }
    Ok(out)
}

/// What an assigned row's table is called, and what the row is about (none when the row is
/// not here, or says nothing of itself).
pub(crate) fn describe(conn: &Connection, tbl: &str, row_id: &str) -> Result<(String, Option<String>)> {
    let Some((table, kind, expr)) = SUBJECTS.iter().find(|(t, _, _)| *t == tbl) else {
        return Ok(("记录".to_owned(), None));
    };
    let subject = conn
        .prepare_cached(&format!("SELECT {expr} FROM {table} WHERE id = ?1"))?
        .query_row([row_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten();
    Ok(((*kind).to_owned(), subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changes_handed_over_are_found_from_the_rows_not_by_scanning_the_change_log() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::open(&dir.path().join("t.db"), std::sync::Arc::new(crate::model::time::SystemClock)).unwrap();
        let conn = store.conn();
        conn.execute("CREATE TEMP TABLE handover_rows (tbl TEXT, row_id TEXT, PRIMARY KEY (tbl, row_id))", []).unwrap();
        let plan = crate::store::query_plan(conn, HANDOVER_CHANGES, ["a"]);
        assert!(plan.iter().any(|p| p.starts_with("SCAN h")), "{plan:?}");
        assert!(plan.iter().any(|p| p.contains("SEARCH c USING COVERING INDEX change_log_row")), "{plan:?}");
    }
}
