//! Households (户) and visits (走访).

use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::{HouseholdInput, VisitInput, opt_date};
use crate::model::validate::text;
use crate::model::{Relation, Residence, Sex};
use crate::store::from_row;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::person::{PersonBrief, members};
use crate::store::place::village_name;
use crate::store::write::{date, v};
use crate::store::{Tx, page_bounds};

/// A household with what its card shows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Household {
    /// Row id.
    pub id: String,
    /// 村（社区）.
    pub village_id: String,
    /// Its name.
    pub village_name: Option<String>,
    /// 村民小组.
    pub group_id: Option<String>,
    /// Its name.
    pub group_name: Option<String>,
    /// 门牌号.
    pub house_no: Option<String>,
    /// 住址.
    pub address: Option<String>,
    /// 户主.
    pub head_person_id: Option<String>,
    /// 户主姓名.
    pub head_name: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 家庭成员, the head first.
    pub members: Vec<PersonBrief>,
    /// 走访记录, newest first.
    pub visits: Vec<Visit>,
}

/// One row of the households list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdRow {
    /// Row id.
    pub id: String,
    /// 村（社区）.
    pub village_name: Option<String>,
    /// 小组.
    pub group_name: Option<String>,
    /// 住址.
    pub address: Option<String>,
    /// 户主姓名.
    pub head_name: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 人数.
    pub member_count: i64,
}

/// A page of households.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdPage {
    /// Households matching the filter, counted up to 1,000 past this page's start.
    pub total: i64,
    /// Whether there are more than `total` (the screen shows “1000 户以上”).
    pub more: bool,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page.
    pub items: Vec<HouseholdRow>,
}

/// Filters for the households list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct HouseholdFilter {
    /// Only this village.
    pub village_id: Option<String>,
    /// Only this group.
    pub group_id: Option<String>,
    /// Only households with a member carrying this tag.
    pub tag: Option<String>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

/// A visit.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Visit {
    /// Row id.
    pub id: String,
    /// 户.
    pub household_id: String,
    /// 走访对象.
    pub person_id: Option<String>,
    /// 走访对象姓名 (none when the whole household was visited, or the person is deleted since).
    pub person_name: Option<String>,
    /// 走访民警.
    pub officer_id: Option<String>,
    /// 民警姓名.
    pub officer_name: Option<String>,
    /// 日期.
    pub visited_on: String,
    /// 走访情况.
    pub notes: Option<String>,
    /// 发现的诉求.
    pub needs: Option<String>,
}

fn check_group(conn: &Connection, village_id: &str, group_id: &str) -> Result<String> {
    conn.prepare_cached("SELECT name FROM village_group WHERE id = ?1 AND village_id = ?2 AND deleted_at IS NULL")?
        .query_row([group_id, village_id], |r| r.get("name"))
        .optional()?
        .ok_or_else(|| Error::validation("group_id", "所选村民小组不属于该村或已删除"))
}

/// Whether a live household exists.
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM household WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn columns(conn: &Connection, input: &HouseholdInput) -> Result<Vec<(&'static str, rusqlite::types::Value)>> {
    let village = village_name(conn, "village_id", &input.village_id)?;
    let group = input.group_id.as_deref().map(|g| check_group(conn, &input.village_id, g)).transpose()?;
    let address = input.address.clone().or_else(|| {
        input.house_no.as_ref().map(|no| {
            let no = if no.chars().all(|c| c.is_ascii_digit()) { format!("{no}号") } else { no.clone() };
            format!("{village}{}{no}", group.as_deref().unwrap_or(""))
        })
    });
    Ok(vec![
        ("village_id", v(input.village_id.clone())),
        ("group_id", v(input.group_id.clone())),
        ("house_no", v(input.house_no.clone())),
        ("address", v(address)),
        ("phone", v(input.phone.clone())),
        ("notes", v(input.notes.clone())),
    ])
}

/// Registers a household. The head is set when a member is added as 户主.
pub fn create(tx: &mut Tx<'_>, input: HouseholdInput) -> Result<String> {
    let input = input.validate()?;
    if input.head_person_id.is_some() {
        return Err(Error::validation("head_person_id", "新建户时请先保存户，再添加户主"));
    }
    let cols = columns(tx.conn(), &input)?;
    let id = tx.new_id();
    tx.insert("household", &id, &cols)?;
    Ok(id)
}

/// Updates a household (the input is the whole household, as edited).
pub fn update(tx: &mut Tx<'_>, id: &str, input: HouseholdInput) -> Result<()> {
    let input = input.validate()?;
    if !exists(tx.conn(), id)? {
        return Err(Error::not_found("户", id));
    }
    let mut cols = columns(tx.conn(), &input)?;
    if let Some(head) = &input.head_person_id {
        let belongs: Option<String> = tx
            .conn()
            .query_row(
                "SELECT name FROM person WHERE id = ?1 AND household_id = ?2 AND deleted_at IS NULL",
                [head, id],
                |r| r.get("name"),
            )
            .optional()?;
        if belongs.is_none() {
            return Err(Error::validation("head_person_id", "户主必须是本户成员"));
        }
    }
    cols.push(("head_person_id", v(input.head_person_id.clone())));
    tx.update("household", id, &cols)?;
    Ok(())
}

/// The household's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str) -> Result<HouseholdInput> {
    conn.prepare_cached(
        "SELECT village_id, group_id, house_no, address, head_person_id, phone, notes
         FROM household WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(from_row!(r => HouseholdInput {
            village_id, group_id, house_no, address, head_person_id, phone, notes,
        }))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("户", id))
}

/// A household with its members and visits.
pub fn get(conn: &Connection, id: &str) -> Result<Household> {
    let mut h = conn
        .prepare_cached(
            "SELECT h.id, h.village_id, v.name AS village_name, h.group_id, g.name AS group_name, h.house_no,
                    h.address, h.head_person_id, p.name AS head_name, h.phone, h.notes
             FROM household h LEFT JOIN village v ON v.id = h.village_id
             LEFT JOIN village_group g ON g.id = h.group_id
             LEFT JOIN person p ON p.id = h.head_person_id AND p.deleted_at IS NULL
             WHERE h.id = ?1 AND h.deleted_at IS NULL",
        )?
        .query_row([id], |r| {
            Ok(from_row!(r => Household {
                id, village_id, village_name, group_id, group_name, house_no, address, head_person_id,
                head_name, phone, notes,
                members: vec![],
                visits: vec![],
            }))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("户", id))?;
    h.members = members(conn, id)?;
    h.visits = visits(conn, id)?;
    Ok(h)
}

/// A page of households, by address.
///
/// The count stops at [`crate::store::search::COUNT_CAP`] past the page's first row (as
/// search does: a county has 150,000 households and counting them all on every page costs
/// more than the page). Each filter given is a condition on its own, so a village or group
/// is one range of `household_village`. With a tag, a rare tag drives the page from
/// `person_tag` (at most the cap's worth of households to sort); a common one walks the
/// households in address order, probing `person_tag` by household.
pub fn list(conn: &Connection, f: &HouseholdFilter) -> Result<HouseholdPage> {
    use rusqlite::types::Value;
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let tag = f.tag.as_deref().map(|t| crate::model::validate::tag("tag", t)).transpose()?;
    let mut conds = vec!["h.deleted_at IS NULL".to_owned()];
    let mut args: Vec<Value> = vec![];
    for (col, val) in [("h.village_id", &f.village_id), ("h.group_id", &f.group_id)] {
        if let Some(v) = val {
            args.push(Value::Text(v.clone()));
            conds.push(format!("{col} = ?{}", args.len()));
        }
    }
    let base = conds.join(" AND ");
    let cap = offset + crate::store::search::COUNT_CAP;
    let (counted, by_tag) = match &tag {
        None => (capped(conn, &format!("SELECT 1 FROM household h WHERE {base}"), &args, cap)?, String::new()),
        Some(t) => {
            let mut a = args.clone();
            a.push(Value::Text(t.clone()));
            let n = a.len();
            let counted = capped(
                conn,
                &format!(
                    "SELECT DISTINCT pt.household_id FROM person_tag pt JOIN household h ON h.id = pt.household_id
                     WHERE pt.tag = ?{n} AND {base}"
                ),
                &a,
                cap,
            )?;
            args = a;
            // Few: list them from the tag and sort; many: walk the address order and probe.
            let cond = if counted <= cap {
                format!(" AND h.id IN (SELECT household_id FROM person_tag WHERE tag = ?{n})")
            } else {
                format!(" AND EXISTS (SELECT 1 FROM person_tag pt WHERE pt.household_id = h.id AND pt.tag = ?{n})")
            };
            (counted, cond)
        }
    };
    let n = args.len();
    let sql = format!(
        "SELECT h.id, v.name AS village_name, g.name AS group_name, h.address, p.name AS head_name,
                coalesce(h.phone, p.phone) AS phone,
                (SELECT count(*) FROM person m WHERE m.household_id = h.id AND m.deleted_at IS NULL) AS member_count
         FROM household h LEFT JOIN village v ON v.id = h.village_id
         LEFT JOIN village_group g ON g.id = h.group_id
         LEFT JOIN person p ON p.id = h.head_person_id
         WHERE {base}{by_tag} ORDER BY h.address, h.id LIMIT ?{} OFFSET ?{}",
        n + 1,
        n + 2
    );
    args.push(Value::Integer(limit));
    args.push(Value::Integer(offset));
    let items = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(args), |r| {
            Ok(from_row!(r => HouseholdRow {
                id, village_name, group_name, address, head_name, phone, member_count,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(HouseholdPage { total: counted.min(cap), more: counted > cap, page, page_size, items })
}

/// Rows of `sql`, counted up to `cap + 1`.
fn capped(conn: &Connection, sql: &str, args: &[rusqlite::types::Value], cap: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) FROM ({sql} LIMIT {})", cap + 1))?
        .query_row(rusqlite::params_from_iter(args), |r| r.get(0))?)
}

/// Records a visit.
pub fn create_visit(tx: &mut Tx<'_>, input: VisitInput) -> Result<Visit> {
    if !exists(tx.conn(), &input.household_id)? {
        return Err(Error::validation("household_id", "所选户不存在或已删除"));
    }
    let mut person_name = None;
    if let Some(p) = &input.person_id {
        let name: Option<String> = tx
            .conn()
            .query_row(
                "SELECT name FROM person WHERE id = ?1 AND household_id = ?2 AND deleted_at IS NULL",
                [p, &input.household_id],
                |r| r.get("name"),
            )
            .optional()?;
        if name.is_none() {
            return Err(Error::validation("person_id", "走访对象不是该户成员"));
        }
        person_name = name;
    }
    let officer_name = match &input.officer_id {
        Some(o) => Some(crate::store::place::get_officer(tx.conn(), "officer_id", o)?.name),
        None => None,
    };
    let visited_on = opt_date("visited_on", "走访日期", input.visited_on.as_deref())?.unwrap_or(tx.today());
    if visited_on > tx.today() {
        return Err(Error::validation("visited_on", "走访日期不能晚于今天"));
    }
    let notes = text("notes", "走访情况", input.notes.as_deref(), 4000)?;
    let needs = text("needs", "发现的诉求", input.needs.as_deref(), 2000)?;
    if notes.is_none() && needs.is_none() {
        return Err(Error::validation("notes", "请填写走访情况或发现的诉求"));
    }
    let id = tx.new_id();
    tx.insert(
        "visit",
        &id,
        &[
            ("household_id", v(input.household_id.clone())),
            ("person_id", v(input.person_id.clone())),
            ("officer_id", v(input.officer_id.clone())),
            ("visited_on", date(visited_on)),
            ("notes", v(notes.clone())),
            ("needs", v(needs.clone())),
        ],
    )?;
    Ok(Visit {
        id,
        household_id: input.household_id,
        person_id: input.person_id,
        person_name,
        officer_id: input.officer_id,
        officer_name,
        visited_on: visited_on.format("%Y-%m-%d").to_string(),
        notes,
        needs,
    })
}

/// A household's visits, newest first.
pub fn visits(conn: &Connection, household_id: &str) -> Result<Vec<Visit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.household_id, v.person_id, v.officer_id, o.name AS officer_name, v.visited_on, v.notes,
                v.needs, p.name AS person_name
         FROM visit v LEFT JOIN officer o ON o.id = v.officer_id
         LEFT JOIN person p ON p.id = v.person_id AND p.deleted_at IS NULL
         WHERE v.household_id = ?1 AND v.deleted_at IS NULL ORDER BY v.visited_on DESC, v.id DESC",
    )?;
    Ok(stmt
        .query_map([household_id], |r| {
            Ok(from_row!(r => Visit {
                id, household_id, person_id, officer_id, visited_on, notes, needs,
                officer_name: r.get("officer_name")?,
                person_name: r.get("person_name")?,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// 实有人口台账: every resident with their household, by village, group and address (never cut).
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("村（社区）", 14.0, "v.name", Show::Text),
        column("村民小组", 9.0, "g.name", Show::Text),
        column("住址", 26.0, "h.address", Show::Text),
        column("户主姓名", 10.0, "hp.name", Show::Text),
        column("姓名", 10.0, "p.name", Show::Text),
        column("与户主关系", 11.0, "p.relation", Show::Label(|s| Relation::parse(s).map(Relation::label))),
        column("性别", 6.0, "p.sex", Show::Label(|s| Sex::parse(s).map(Sex::label))),
        column("民族", 8.0, "p.ethnicity", Show::Text),
        column("出生日期", 12.0, "p.birth_date", Show::Date),
        column("公民身份号码", 21.0, "p.id_number", Show::Text),
        column("联系电话", 14.0, "coalesce(p.phone, h.phone)", Show::Text),
        column("居住状态", 10.0, "p.residence", Show::Label(|s| Residence::parse(s).map(Residence::label))),
        column("标签", 18.0, "p.tags", Show::Tags),
        column("备注", 20.0, "p.notes", Show::Text),
    ],
    from: "FROM household h
           LEFT JOIN village v ON v.id = h.village_id
           LEFT JOIN village_group g ON g.id = h.group_id
           LEFT JOIN person hp ON hp.id = h.head_person_id AND hp.deleted_at IS NULL
           JOIN person p ON p.household_id = h.id AND p.deleted_at IS NULL
           WHERE h.deleted_at IS NULL
           ORDER BY v.name, length(g.name), g.name, h.address, h.id, p.relation <> 'head', p.birth_date",
};

/// The household visits made in `[lo, hi)`, with each household's village.
pub fn visits_in(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<VisitFact>> {
    Ok(conn
        .prepare_cached(VISITS_IN)?
        .query_map([lo, hi], |r| {
            Ok(VisitFact { household_id: r.get("household_id")?, village_id: r.get("village_id")? })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// [`visits_in`]'s query.
pub(crate) const VISITS_IN: &str = "SELECT v.household_id, h.village_id FROM visit v
     LEFT JOIN household h ON h.id = v.household_id
     WHERE v.deleted_at IS NULL AND v.visited_on >= ?1 AND v.visited_on < ?2";

/// How many visits were made in `[lo, hi)`: read from the date's index alone (it carries
/// the deletion), for the month's totals.
pub fn visits_counted(conn: &Connection, lo: &str, hi: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM visit WHERE deleted_at IS NULL AND visited_on >= ?1 AND visited_on < ?2")?
        .query_row([lo, hi], |r| r.get(0))?)
}

/// A household visit, as the month's statistics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFact {
    /// The household visited.
    pub household_id: String,
    /// Its village.
    pub village_id: Option<String>,
}
