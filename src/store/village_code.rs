//! A village known by its code (区划代码) is one row on every node.
//!
//! A village entered with a code gets an id derived from the code ([`village_id`], UUIDv5
//! as the seeded reference data), so two posts that register the same village before they
//! sync write the same row, and the per-column merge makes it one. Rows made before that
//! (a random id, from an older version, or a code set later on a village entered without
//! one) are merged into the derived row as soon as a second row with their code is found
//! (`unify`): at open, once, for what a file already holds ([`ensure`]), and at the
//! commit of any transaction that wrote a village row or, from another node, a
//! `village_id`. Merging is ordinary logged writes, so it travels like any other:
//! - the derived row is created (from the earliest entered of the others) or revived;
//! - every row of every synced table with a `village_id` column ([`referencing`]) that
//!   points at another row of the code is pointed at the derived row, deleted rows too;
//! - 五无, whose id is derived from the village and year, is carried to the derived
//!   village's row for that year when it has none;
//! - groups (组), whose id is derived from the village and the name when they are added
//!   ([`group_id`]), are one per name: a group whose name another group of the village
//!   has goes to the derived id, with its households;
//! - the other rows are deleted (kept, with their code, as tombstones).
//!
//! Every node merges into the same id, so concurrent merges agree. A change made before
//! the merge that arrives after it (a household placed in the losing row) is pointed at the
//! derived row by the commit that applies it, on every node that applies it.

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;
use rusqlite::types::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::store::write::{Columns, s, v};
use crate::store::{SYNCED_TABLES, Store, Tx, get_meta, set_meta};

/// The id of the village with `code`, the same on every node.
pub fn village_id(code: &str) -> String {
    Uuid::new_v5(&crate::store::seed::NAMESPACE, format!("village/{code}").as_bytes()).to_string()
}

/// The id of the group (组) `name` of village `village` when first entered, the same on
/// every node, so that two posts adding 3组 to one village make one row.
pub fn group_id(village: &str, name: &str) -> String {
    Uuid::new_v5(&crate::store::seed::NAMESPACE, format!("village_group/{village}/{name}").as_bytes()).to_string()
}

/// The synced tables whose rows point at a village: those with a `village_id` column. A new
/// table that places its rows in a village names the column `village_id` and is merged
/// with the rest.
pub fn referencing(columns: &Columns) -> Vec<&'static str> {
    SYNCED_TABLES
        .iter()
        .copied()
        .filter(|t| *t != "village" && columns.of(t).is_some_and(|cols| cols.iter().any(|c| c == "village_id")))
        .collect()
}

/// The version of the one pass over a whole file at open ([`ensure`]).
const PASS: &str = "village_code_pass";

/// Merges what the file holds, once (a file of an earlier version may hold two rows for
/// one code).
pub fn ensure(store: &mut Store) -> Result<()> {
    if get_meta(store.conn(), PASS)?.is_some() {
        return Ok(());
    }
    store.write(|tx| {
        let codes: Vec<String> = tx
            .conn()
            .prepare("SELECT code FROM village WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for code in &codes {
            merge_code(tx, code)?;
        }
        set_meta(tx.conn(), PASS, "1")?;
        Ok(())
    })
}

/// Merges the rows of the codes of the villages `ids` (those that have one).
pub(crate) fn unify(tx: &mut Tx<'_>, ids: &BTreeSet<String>) -> Result<()> {
    let mut codes = BTreeSet::new();
    for id in ids {
        let code: Option<String> = tx
            .conn()
            .prepare_cached("SELECT code FROM village WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten();
        codes.extend(code);
    }
    for code in &codes {
        merge_code(tx, code)?;
    }
    Ok(())
}

/// A village row of a code.
struct Row {
    id: String,
    name: String,
    township: Option<String>,
    live: bool,
}

/// Makes the rows of `code` one: the derived row, with everything that pointed at the
/// others. Nothing happens while the code has one row.
fn merge_code(tx: &mut Tx<'_>, code: &str) -> Result<()> {
    let rows: Vec<Row> = tx
        .conn()
        .prepare_cached("SELECT id, name, township, deleted_at IS NULL FROM village WHERE code = ?1 ORDER BY id")?
        .query_map([code], |r| Ok(Row { id: r.get(0)?, name: r.get(1)?, township: r.get(2)?, live: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.len() < 2 {
        return Ok(());
    }
    let target = village_id(code);
    let others: Vec<&Row> = rows.iter().filter(|r| r.id != target).collect();
    let live = rows.iter().any(|r| r.live);
    match rows.iter().find(|r| r.id == target) {
        None => {
            // UUIDv7 ids sort by when they were made: the first entered names the village.
            let first = others.iter().find(|r| r.live).unwrap_or(&others[0]);
            let mut cols = vec![("name", s(&first.name)), ("code", s(code)), ("township", v(first.township.clone()))];
            if !live {
                cols.push(("deleted_at", s(&crate::model::time::stamp(tx.now()))));
            }
            tx.insert("village", &target, &cols)?;
        }
        Some(t) if !t.live && live => tx.undelete("village", &target)?,
        Some(_) => {}
    }
    let tables = referencing(tx.columns());
    for other in &others {
        for table in &tables {
            repoint(tx, table, &other.id, &target)?;
        }
        if other.live {
            tx.delete("village", &other.id)?;
        }
    }
    merge_groups(tx, &target)
}

/// The groups of `village` brought from the merged rows are one per name too: a group
/// whose name another group of the village has goes to the id derived from the village
/// and the name, with its households; a deleted one's households go there when that is
/// live (a late household placed in it).
fn merge_groups(tx: &mut Tx<'_>, village: &str) -> Result<()> {
    let groups: Vec<(String, String, bool)> = tx
        .conn()
        .prepare_cached("SELECT id, name, deleted_at IS NULL FROM village_group WHERE village_id = ?1 ORDER BY id")?
        .query_map([village], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, name, live) in &groups {
        let into = group_id(village, name);
        let twin = groups.iter().any(|(other, n, _)| other != id && n == name);
        if *id == into || !twin {
            continue;
        }
        let held: Option<bool> = tx
            .conn()
            .prepare_cached("SELECT deleted_at IS NULL FROM village_group WHERE id = ?1")?
            .query_row([&into], |r| r.get(0))
            .optional()?;
        match held {
            None if *live => tx.insert("village_group", &into, &[("village_id", s(village)), ("name", s(name))])?,
            Some(false) if *live => tx.undelete("village_group", &into)?,
            Some(true) => {}
            _ => continue,
        }
        let households: Vec<String> = tx
            .conn()
            .prepare_cached("SELECT id FROM household WHERE group_id = ?1 ORDER BY id")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for h in households {
            tx.update("household", &h, &[("group_id", s(&into))])?;
        }
        if *live {
            tx.delete("village_group", id)?;
        }
    }
    Ok(())
}

/// Points the rows of `table` in village `from` at village `to`.
fn repoint(tx: &mut Tx<'_>, table: &'static str, from: &str, to: &str) -> Result<()> {
    let ids: Vec<String> = tx
        .conn()
        .prepare_cached(&format!("SELECT id FROM {table} WHERE village_id = ?1 ORDER BY id"))?
        .query_map([from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        if table == "five_nones" {
            carry_five_nones(tx, &id, to)?;
        }
        tx.update(table, &id, &[("village_id", s(to))])?;
    }
    Ok(())
}

/// 五无 rows are found by an id derived from the village and year: a live one of the losing
/// village is copied to the derived village's row for its year when that has none live,
/// and deleted (kept) in any case.
fn carry_five_nones(tx: &mut Tx<'_>, id: &str, to: &str) -> Result<()> {
    const COPIED: &[&str] = &[
        "year",
        "no_cases",
        "no_fraud",
        "no_drugs",
        "no_petitions",
        "no_cults",
        "confirmed_by",
        "confirmed_on",
        "notes",
    ];
    let sql = format!("SELECT {} FROM five_nones WHERE id = ?1 AND deleted_at IS NULL", COPIED.join(", "));
    let row: Option<Vec<Value>> = tx
        .conn()
        .prepare_cached(&sql)?
        .query_row([id], |r| (0..COPIED.len()).map(|i| r.get::<_, Value>(i)).collect())
        .optional()?;
    let Some(values) = row else { return Ok(()) };
    let Value::Integer(year) = values[0] else { return Ok(()) };
    let into = crate::store::prevention::five_nones::five_nones_id(to, year as i32);
    let held: Option<bool> = tx
        .conn()
        .prepare_cached("SELECT deleted_at IS NULL FROM five_nones WHERE id = ?1")?
        .query_row([&into], |r| r.get(0))
        .optional()?;
    let mut cols: Vec<(&'static str, Value)> = COPIED.iter().copied().zip(values).collect();
    cols.push(("village_id", s(to)));
    match held {
        None => tx.insert("five_nones", &into, &cols)?,
        Some(false) => {
            cols.push(("deleted_at", Value::Null));
            tx.update("five_nones", &into, &cols)?;
        }
        Some(true) => {}
    }
    tx.delete("five_nones", id)
}
