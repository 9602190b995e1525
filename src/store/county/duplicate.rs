//! 疑似重复人员: person rows that may be one resident registered twice, and the decisions
//! county logins made about them (`duplicate_decision`, local to HQ).
//!
//! Two rows are suspected when they hold the same ID number, or the same name and birth
//! date where at least one has no ID number (two different ID numbers are two people). This
//! module finds such pairs among the rows the connection can see; which post holds each
//! row, and whether the two posts differ, is the api's to say (the rows' owners).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::Result;
use crate::model::time::stamp;
use crate::store::from_row;
use crate::store::warning::{each, id_list};

/// Why two rows are suspected to be one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// 公民身份号码相同.
    IdNumber,
    /// 姓名、出生日期相同（缺公民身份号码）.
    NameBirth,
}

impl DuplicateReason {
    /// In Chinese.
    pub fn label(self) -> &'static str {
        match self {
            DuplicateReason::IdNumber => "公民身份号码相同",
            DuplicateReason::NameBirth => "姓名、出生日期相同（缺公民身份号码）",
        }
    }
}

/// A person row as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicatePerson {
    /// The row's id (`hq.record` opens it).
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 性别 in Chinese, if known.
    pub sex: Option<String>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 住址 (the person's own, else the household's).
    pub address: Option<String>,
}

/// One row's facts as the pairing looks at them.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    name: String,
    birth_date: Option<String>,
    id_number: Option<String>,
}

fn number(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Why `a` and `b` are suspected to be one person, if they are.
fn reason(a: &Row, b: &Row) -> Option<DuplicateReason> {
    match (number(&a.id_number), number(&b.id_number)) {
        (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => Some(DuplicateReason::IdNumber),
        (Some(_), Some(_)) => None,
        _ => (a.name.trim() == b.name.trim() && a.birth_date.is_some() && a.birth_date == b.birth_date)
            .then_some(DuplicateReason::NameBirth),
    }
}

/// The pair in its stored order (the smaller id first).
pub fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b { (a, b) } else { (b, a) }
}

fn read_rows(conn: &Connection, sql: &str) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([], |r| Ok(Row { id: r.get(0)?, name: r.get(1)?, birth_date: r.get(2)?, id_number: r.get(3)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The live rows sharing an ID number with another, by number: the grouping reads the
/// index on (id_number, deleted_at) alone (migration 0024), rows only for the groups found.
const BY_NUMBER: &str = "SELECT id, name, birth_date, id_number FROM person
     WHERE deleted_at IS NULL AND id_number IN (
         SELECT id_number FROM person WHERE deleted_at IS NULL AND id_number IS NOT NULL AND id_number <> ''
         GROUP BY id_number HAVING count(*) > 1)
     ORDER BY id_number, id";

/// The live rows sharing a name and birth date with another, by both: the grouping reads the
/// index on (name, birth_date, deleted_at) alone.
const BY_NAME: &str = "SELECT p.id, p.name, p.birth_date, p.id_number FROM person p
     JOIN (SELECT name, birth_date FROM person WHERE deleted_at IS NULL AND birth_date IS NOT NULL
           GROUP BY name, birth_date HAVING count(*) > 1) g ON g.name = p.name AND g.birth_date = p.birth_date
     WHERE p.deleted_at IS NULL ORDER BY p.name, p.birth_date, p.id";

/// Every suspected pair among the live person rows `conn` sees, ordered, with its reason,
/// leaving out the pairs already decided. Each group (one ID number, one name and birth
/// date) is read by an index range, never row by row.
pub fn suspected(conn: &Connection) -> Result<Vec<(String, String, DuplicateReason)>> {
    let by_number = read_rows(conn, BY_NUMBER)?;
    let by_name = read_rows(conn, BY_NAME)?;
    let decided = decided(conn)?;
    let mut out: BTreeMap<(String, String), DuplicateReason> = BTreeMap::new();
    let mut group = |rows: &[Row]| {
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                let Some(why) = reason(a, b) else { continue };
                let (x, y) = ordered(&a.id, &b.id);
                let key = (x.to_owned(), y.to_owned());
                if !decided.contains(&key) {
                    out.entry(key).and_modify(|r| *r = (*r).min(why)).or_insert(why);
                }
            }
        }
    };
    for rows in by_number.chunk_by(|a, b| a.id_number == b.id_number) {
        group(rows);
    }
    for rows in by_name.chunk_by(|a, b| a.name == b.name && a.birth_date == b.birth_date) {
        group(rows);
    }
    Ok(out.into_iter().map(|((a, b), r)| (a, b, r)).collect())
}

/// Why the rows `a` and `b` are suspected to be one person, if they are (both live).
pub fn suspected_pair(conn: &Connection, a: &str, b: &str) -> Result<Option<DuplicateReason>> {
    let one = |id: &str| -> Result<Option<Row>> {
        Ok(conn
            .prepare_cached("SELECT id, name, birth_date, id_number FROM person WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([id], |r| {
                Ok(Row { id: r.get(0)?, name: r.get(1)?, birth_date: r.get(2)?, id_number: r.get(3)? })
            })
            .optional()?)
    };
    Ok(match (one(a)?, one(b)?) {
        (Some(x), Some(y)) if a != b => reason(&x, &y),
        _ => None,
    })
}

/// The rows `ids`, for the review, by id.
pub fn briefs(conn: &Connection, ids: &[&str]) -> Result<BTreeMap<String, DuplicatePerson>> {
    let sql = format!(
        "SELECT p.id, p.name, p.sex, p.birth_date, p.id_number, coalesce(p.address, h.address) AS address
         FROM person p LEFT JOIN household h ON h.id = p.household_id WHERE p.id IN {}",
        each(1)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out = BTreeMap::new();
    for row in stmt.query_map([id_list(ids)], |r| {
        let sex: Option<crate::model::Sex> = r.get("sex")?;
        Ok(DuplicatePerson {
            id: r.get("id")?,
            name: r.get("name")?,
            sex: sex.map(|s| s.label().to_owned()),
            birth_date: r.get("birth_date")?,
            id_number: r.get("id_number")?,
            address: r.get("address")?,
        })
    })? {
        let b = row?;
        out.insert(b.id.clone(), b);
    }
    Ok(out)
}

/// The pairs already decided, ordered.
fn decided(conn: &Connection) -> Result<HashSet<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT person_a, person_b FROM main.duplicate_decision")?;
    let out = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(out)
}

/// A decision on a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateDecision {
    /// Its id.
    pub id: String,
    /// The pair (the smaller id first).
    pub person_a: String,
    /// The other.
    pub person_b: String,
    /// The same person (else different people).
    pub same: bool,
    /// The assignment that handed one post the other's record (the same person).
    pub assignment_id: Option<String>,
    /// 说明.
    pub note: Option<String>,
    /// The county login that decided.
    pub decided_by: String,
    /// When (RFC 3339, UTC).
    pub decided_at: String,
}

/// The decision on the pair `a`/`b`, if one was made.
pub fn decision(conn: &Connection, a: &str, b: &str) -> Result<Option<DuplicateDecision>> {
    let (a, b) = ordered(a, b);
    Ok(conn
        .prepare_cached(
            "SELECT id, person_a, person_b, same, assignment_id, note, decided_by, decided_at
             FROM main.duplicate_decision WHERE person_a = ?1 AND person_b = ?2",
        )?
        .query_row([a, b], |r| {
            Ok(from_row!(r => DuplicateDecision {
                id, person_a, person_b, same, assignment_id, note, decided_by, decided_at
            }))
        })
        .optional()?)
}

/// Stores a decision on the pair `a`/`b` (on HQ's main connection).
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &Connection,
    a: &str,
    b: &str,
    same: bool,
    assignment_id: Option<&str>,
    note: Option<&str>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<DuplicateDecision> {
    let (a, b) = ordered(a, b);
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO main.duplicate_decision (id, person_a, person_b, same, assignment_id, note, decided_by, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, a, b, same, assignment_id, note, by, stamp(at)],
    )?;
    decision(conn, a, b)?.ok_or_else(|| crate::error::Error::not_found("疑似重复人员的处理记录", &id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_county_is_grouped_from_its_indexes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        crate::store::migrate::migrate(&mut conn).unwrap();
        for (sql, index) in [(BY_NUMBER, "person_id_number"), (BY_NAME, "person_name")] {
            let plan = crate::store::query_plan(&conn, sql, []);
            assert!(plan.iter().any(|p| p.contains(&format!("COVERING INDEX {index}"))), "{index}: {plan:?}");
        }
    }

    fn row(id: &str, name: &str, birth: Option<&str>, number: Option<&str>) -> Row {
        Row { id: id.into(), name: name.into(), birth_date: birth.map(Into::into), id_number: number.map(Into::into) }
    }

    #[test]
    fn a_pair_is_suspected_by_its_id_number_or_by_name_and_birth_date_when_a_number_is_missing() {
        use DuplicateReason as R;
        let cases = [
            (
                "same number",
                row("a", "钱溪", None, Some("11010519491231002X")),
                row("b", "钱西", None, Some("11010519491231002x")),
                Some(R::IdNumber),
            ),
            (
                "two numbers are two people",
                row("a", "王伟", Some("1980-01-01"), Some("330326198001010011")),
                row("b", "王伟", Some("1980-01-01"), Some("330326198001010038")),
                None,
            ),
            (
                "name and birth, one number missing",
                row("a", "孙口", Some("1950-03-04"), None),
                row("b", "孙口", Some("1950-03-04"), Some("330326195003040012")),
                Some(R::NameBirth),
            ),
            (
                "name and birth, none",
                row("a", "孙口", Some("1950-03-04"), None),
                row("b", "孙口 ", Some("1950-03-04"), Some(" ")),
                Some(R::NameBirth),
            ),
            (
                "no birth date: a name alone is not enough",
                row("a", "孙口", None, None),
                row("b", "孙口", None, None),
                None,
            ),
            (
                "another birth date",
                row("a", "孙口", Some("1950-03-04"), None),
                row("b", "孙口", Some("1950-03-05"), None),
                None,
            ),
        ];
        for (name, a, b, want) in cases {
            assert_eq!(reason(&a, &b), want, "{name}");
            assert_eq!(reason(&b, &a), want, "{name} (either way)");
        }
    }
}
