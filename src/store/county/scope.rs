//! What a county login may see at HQ, applied where the data is read, so that no query can
//! forget it.
//!
//! A station leader (派出所负责人) sees the rows of the posts of one station, and only
//! those: the rows those posts themselves receive from HQ by sync ([`crate::sync::scope`]):
//! a row lying in one of their villages (its own `village_id`, else that of the household,
//! dispute or person it hangs from), a row one of the posts created, a row HQ assigned to
//! one of them and what hangs from it. County-wide roles have no scope.
//!
//! How: for the length of a station leader's call, [`shadow`] puts in front of every table
//! that holds residents' data a TEMP view of the same name that keeps only the rows in
//! scope, and [`unshadow`] takes them away after. SQLite resolves an unqualified table name
//! in the `temp` schema before `main`, so every query of the core (statistics, lists,
//! search, one record) reads through the scope without knowing it, and a query added
//! tomorrow does too; SQLite prepares a cached statement again after each change of schema,
//! so none compiled against the tables runs while the views stand. The views are made on
//! HQ's one connection, the one bundles are applied on, so a scoped call reads pages an
//! import left in its cache (a second connection's cache is emptied by every write of
//! another). Per call the scope's small tables are refilled ([`fill`]). A view cannot be
//! written to, so a write attempted while scoped fails loudly instead of going astray; the
//! few writes a scoped caller may make (an assignment) check the scope first and run with
//! the views taken away (`Api::lifted`).
//!
//! Tables that hold no resident's data (`peer`, `audit_alarm`, the change log's clocks) are
//! not shadowed: the api filters posts by [`Scope::posts`] where it lists them.

use std::collections::BTreeSet;
use std::fmt::Write;

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::store::seed::REFERENCE;
use crate::store::write::Columns;
use crate::store::{SYNCED_TABLES, Store};

/// The rows HQ assigned to a post and every row hanging from them, by the post's node id:
/// sync's rule (`sync::assign::assigned_with_dependants`), handed in by the caller.
pub type Assigned<'a> = dyn FnMut(&Store, &str) -> Result<BTreeSet<(String, String)>> + 'a;

/// The posts (and so the rows) a caller may see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The posts' node ids.
    pub posts: BTreeSet<String>,
    /// The station (派出所) whose posts they are, for a station leader's scope.
    pub station: Option<String>,
    /// Their villages' ids.
    villages: BTreeSet<String>,
    /// Rows assigned to them, and the rows that hang from those.
    rows: BTreeSet<(String, String)>,
}

/// Columns that lead from a row to the row that places it in a village (as in
/// [`crate::sync::scope`]).
const LINKS: &[(&str, &str)] = &[("household_id", "household"), ("dispute_id", "dispute"), ("person_id", "person")];

/// The indexes that carry a row's link towards its village beside its id (migration 0025),
/// named for the lookups up the chain: SQLite's planner keeps to a key's unique index in a
/// scalar subquery even where such an index would answer alone, and the scope tests every
/// row of the county it reads this way.
const PLACE_INDEXES: &[(&str, &str)] = &[("household", "household_place"), ("person", "person_place")];

/// How many steps up a row's village is looked for.
const DEPTH: u8 = 4;

/// Local tables holding residents' data, each with the synced table its rows are about:
/// (table, column naming the row, the table it is in — `None` when the row names its table).
const LOCAL: &[(&str, &str, Option<&str>)] = &[
    ("search_gram", "ref_id", Some("person")),
    ("person_tag", "person_id", Some("person")),
    ("involvement", "person_id", Some("person")),
    ("search_doc", "ref_id", None),
    ("conflict", "row_id", None),
    ("change_log", "row_id", None),
];

impl Scope {
    /// The scope of the posts filed under station `station_id`, as HQ's data stands now.
    pub fn of_station(store: &Store, station_id: &str, assigned: &mut Assigned<'_>) -> Result<Scope> {
        let posts: Vec<String> = store
            .conn()
            .prepare_cached("SELECT node_id FROM peer WHERE role = 'post' AND station_id = ?1")?
            .query_map([station_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Scope { station: Some(station_id.to_owned()), ..Scope::of_posts(store, &posts, assigned)? })
    }

    /// The scope of the posts `posts` (node ids).
    pub fn of_posts(store: &Store, posts: &[String], assigned: &mut Assigned<'_>) -> Result<Scope> {
        let conn = store.conn();
        let mut scope = Scope { posts: posts.iter().cloned().collect(), ..Default::default() };
        let mut villages = conn.prepare_cached("SELECT villages FROM peer WHERE node_id = ?1")?;
        let mut by_code = conn.prepare_cached("SELECT id FROM village WHERE code = ?1")?;
        for post in posts {
            let codes: Vec<String> = villages
                .query_map([post], |r| r.get::<_, String>(0))?
                .map(|c| c.map(|c| crate::store::json_list(Some(c))))
                .collect::<rusqlite::Result<Vec<_>>>()?
                .concat();
            for code in codes {
                for id in by_code.query_map([code], |r| r.get::<_, String>(0))? {
                    scope.villages.insert(id?);
                }
            }
            scope.rows.extend(assigned(store, post)?);
        }
        Ok(scope)
    }

    /// Whether the caller may see the post `post`.
    pub fn has_post(&self, post: &str) -> bool {
        self.posts.contains(post)
    }
}

/// The SQL expression for the id of the village a row of `table` (aliased `alias`) lies
/// in: its own `village_id`, else that of the first row it hangs from that has one (the
/// rule of [`crate::sync::scope`], on the main tables).
fn village_expr(columns: &Columns, table: &str, alias: &str, depth: u8) -> Option<String> {
    if table == "village" {
        return Some(format!("{alias}.id"));
    }
    let cols = columns.of(table)?;
    let has = |c: &str| cols.iter().any(|k| k == c);
    let mut parts = Vec::new();
    if has("village_id") {
        parts.push(format!("{alias}.village_id"));
    }
    if depth > 0 {
        for (col, parent) in LINKS {
            if *parent == table || !has(col) {
                continue;
            }
            let inner = format!("{alias}{}", parent.chars().next().unwrap_or('x'));
            if let Some(e) = village_expr(columns, parent, &inner, depth - 1) {
                let index = PLACE_INDEXES
                    .iter()
                    .find(|(t, _)| t == parent)
                    .map_or_else(String::new, |(_, index)| format!(" INDEXED BY {index}"));
                parts.push(format!("(SELECT {e} FROM main.{parent} {inner}{index} WHERE {inner}.id = {alias}.{col})"));
            }
        }
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(format!("coalesce({})", parts.join(", "))),
    }
}

/// The id of the village the row `table`/`id` lies in (by the rule above, on the main
/// tables), if it can be told.
pub fn village_of(store: &Store, table: &str, id: &str) -> Result<Option<String>> {
    let Some(table) = SYNCED_TABLES.iter().find(|t| **t == table) else { return Ok(None) };
    let Some(expr) = village_expr(store.columns(), table, "s", DEPTH) else { return Ok(None) };
    Ok(store
        .conn()
        .prepare_cached(&format!("SELECT {expr} FROM main.{table} s WHERE s.id = ?1"))?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// The condition a row of the synced `table` (aliased `s`) must meet to be in scope.
fn row_condition(columns: &Columns, table: &str) -> String {
    let mut any = Vec::new();
    if let Some(v) = village_expr(columns, table, "s", DEPTH) {
        any.push(format!("{v} IN (SELECT id FROM temp.scope_village)"));
    }
    any.push(format!(
        "EXISTS (SELECT 1 FROM main.row_origin o WHERE o.tbl = '{table}' AND o.row_id = s.id
                 AND o.origin IN (SELECT node FROM temp.scope_post))"
    ));
    any.push(format!("EXISTS (SELECT 1 FROM temp.scope_row r WHERE r.tbl = '{table}' AND r.row_id = s.id)"));
    any.join(" OR ")
}

/// `CASE` over a row's table name: whether the row `s.{col}` of that table is in scope (read
/// through the scoped views).
fn named_row_in_scope(col: &str, table_col: &str) -> String {
    let mut sql = format!("CASE s.{table_col}");
    for t in SYNCED_TABLES {
        let _ = write!(sql, " WHEN '{t}' THEN EXISTS (SELECT 1 FROM {t} v WHERE v.id = s.{col})");
    }
    sql.push_str(" ELSE 0 END");
    sql
}

/// The scope's views, each with the table it shadows and its `CREATE TEMP VIEW` statement,
/// for [`shadow`] and [`unshadow`] (made once per store: the schema does not change while
/// it is open).
pub fn views(columns: &Columns) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for t in SYNCED_TABLES {
        if REFERENCE.contains(t) {
            continue;
        }
        let cond = if *t == "assignment" {
            "s.post_node IN (SELECT node FROM temp.scope_post)".to_owned()
        } else {
            row_condition(columns, t)
        };
        out.push(((*t).to_owned(), format!("CREATE TEMP VIEW {t} AS SELECT * FROM main.{t} s WHERE {cond}")));
    }
    for (t, col, of) in LOCAL {
        let cond = match of {
            Some(of) => format!("EXISTS (SELECT 1 FROM {of} v WHERE v.id = s.{col})"),
            None if *t == "search_doc" => named_row_in_scope(col, "kind"),
            None => named_row_in_scope(col, "tbl"),
        };
        out.push(((*t).to_owned(), format!("CREATE TEMP VIEW {t} AS SELECT * FROM main.{t} s WHERE {cond}")));
    }
    out
}

/// Makes `conn` ready to be scoped: creates the scope's tables unless they are there (TEMP
/// objects belong to the connection that made them; these hold no resident's data).
pub fn prepare(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS scope_village (id TEXT PRIMARY KEY) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS scope_post (node TEXT PRIMARY KEY) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS scope_row (tbl TEXT, row_id TEXT, PRIMARY KEY (tbl, row_id)) WITHOUT ROWID;",
    )?;
    Ok(())
}

/// Puts the scope's `views` in front of the tables they shadow, all or none (one savepoint,
/// inside the caller's transaction if one is open), so that from now on every query of
/// `conn` reads through the scope [`fill`] set. A statement prepared before (the
/// connection's cache keeps them) is prepared again by SQLite on its next run, the schema
/// having changed, so none reads the tables directly (a test pins this).
pub fn shadow(conn: &Connection, views: &[(String, String)]) -> Result<()> {
    in_savepoint(conn, "scope_shadow", || {
        for (_, sql) in views {
            conn.execute_batch(sql)?;
        }
        Ok(())
    })
}

/// Takes the scope's `views` away again: `conn` reads the tables.
pub fn unshadow(conn: &Connection, views: &[(String, String)]) -> Result<()> {
    in_savepoint(conn, "scope_unshadow", || {
        for (table, _) in views {
            conn.execute_batch(&format!("DROP VIEW IF EXISTS temp.\"{table}\""))?;
        }
        Ok(())
    })
}

/// Runs `f` in a savepoint named `name` of `conn`: released when `f` succeeds, rolled back
/// to (and released) when it fails. A savepoint nests in the caller's transaction when one is
/// open (a station leader's write, inside its audited transaction) and is one on its own
/// otherwise.
fn in_savepoint(conn: &Connection, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    conn.execute_batch(&format!("SAVEPOINT {name}"))?;
    match f() {
        Ok(()) => {
            conn.execute_batch(&format!("RELEASE {name}"))?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"));
            Err(e)
        }
    }
}

/// Sets the scope a [`prepare`]d connection reads through (replacing the one before).
pub fn fill(conn: &Connection, scope: &Scope) -> Result<()> {
    in_savepoint(conn, "scope_fill", || {
        conn.execute_batch("DELETE FROM temp.scope_village; DELETE FROM temp.scope_post; DELETE FROM temp.scope_row;")?;
        let mut v = conn.prepare_cached("INSERT INTO temp.scope_village (id) VALUES (?1)")?;
        for id in &scope.villages {
            v.execute([id])?;
        }
        let mut p = conn.prepare_cached("INSERT INTO temp.scope_post (node) VALUES (?1)")?;
        for node in &scope.posts {
            p.execute([node])?;
        }
        let mut r = conn.prepare_cached("INSERT OR IGNORE INTO temp.scope_row (tbl, row_id) VALUES (?1, ?2)")?;
        for (t, id) in &scope.rows {
            r.execute([t, id])?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_finds_its_village_through_what_it_hangs_from() {
        let dir = tempfile::tempdir().expect("dir");
        let store =
            Store::open(&dir.path().join("t.db"), std::sync::Arc::new(crate::model::time::SystemClock)).expect("open");
        let c = store.columns();
        assert_eq!(village_expr(c, "village", "s", DEPTH).as_deref(), Some("s.id"));
        assert_eq!(village_expr(c, "household", "s", DEPTH).as_deref(), Some("s.village_id"));
        let person = village_expr(c, "person", "s", DEPTH).expect("person");
        assert!(
            person.contains("main.household sh INDEXED BY household_place WHERE sh.id = s.household_id"),
            "{person}"
        );
        // An errand hangs from a person, who hangs from a household.
        let errand = village_expr(c, "errand", "s", DEPTH).expect("errand");
        assert!(errand.contains("main.person") && errand.contains("main.household"), "{errand}");
        // Rows with no village of their own or above: the post's own settings, its officers.
        assert_eq!(village_expr(c, "officer", "s", DEPTH), None);
        // Every view is valid SQL over this schema; a reader with an empty scope sees no
        // resident, and cannot write through a view.
        let reader = store.conn();
        prepare(reader).expect("tables");
        fill(reader, &Scope::default()).expect("fill");
        shadow(reader, &views(c)).expect("views");
        // Each row's way up to its village is read from the indexes that carry it alone.
        for table in ["visit", "errand"] {
            let plan = crate::store::query_plan(reader, &format!("SELECT count(*) FROM {table}"), []);
            for index in ["person_place", "household_place"] {
                assert!(
                    plan.iter().any(|p| p.contains(&format!("COVERING INDEX {index} "))),
                    "{table}, {index}: {plan:?}"
                );
            }
        }
        for (t, _) in views(c) {
            // The change log's visible rows are the reference data's (every post's).
            let reference = REFERENCE.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
            let only = if t == "change_log" { format!(" WHERE tbl NOT IN ({reference})") } else { String::new() };
            let n: i64 = reader.query_row(&format!("SELECT count(*) FROM {t}{only}"), [], |r| r.get(0)).expect(&t);
            assert_eq!(n, 0, "{t}");
            let write = format!("INSERT INTO {t} (id) VALUES ('x')");
            assert!(reader.execute(&write, []).is_err(), "{t} is written through its view");
        }
    }

    #[test]
    fn a_statement_cached_before_the_views_stand_reads_through_them_and_not_after() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store =
            Store::open(&dir.path().join("t.db"), std::sync::Arc::new(crate::model::time::SystemClock)).expect("open");
        store
            .write(|tx| {
                let village = crate::model::people::VillageInput { name: "青山村".into(), ..Default::default() };
                crate::store::place::create_village(tx, village)
            })
            .expect("village");
        let conn = store.conn();
        let count = || -> i64 {
            conn.prepare_cached("SELECT count(*) FROM village")
                .expect("sql")
                .query_row([], |r| r.get(0))
                .expect("count")
        };
        let all = count();
        assert!(all > 0);
        let views = views(store.columns());
        prepare(conn).expect("tables");
        fill(conn, &Scope::default()).expect("fill");
        // Inside a transaction too, as a station leader's write runs.
        conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
        shadow(conn, &views).expect("views");
        assert_eq!(count(), 0, "the statement cached before the views read the table");
        unshadow(conn, &views).expect("away");
        assert_eq!(count(), all, "the statement cached under the views still reads through them");
        conn.execute_batch("COMMIT").expect("commit");
        shadow(conn, &views).expect("views again");
        assert_eq!(count(), 0);
        unshadow(conn, &views).expect("away again");
        assert_eq!(count(), all);
    }
}
