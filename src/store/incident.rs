//! Incidents (警情): their table, the reference checks SQLite does not make (village,
//! residents, officer, dispute), and the ledger list, newest first.
//!
//! Times are stored as UTC RFC 3339 and returned also as Beijing wall time.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::incident::{IncidentInput, ValidIncident};
use crate::model::people::opt_date;
use crate::model::time::{from_beijing, show, stamp};
use crate::model::{Disposition, IncidentKind};
use crate::store::ledger::{Ledger, Show, column};
use crate::store::warning::{self, RepeatCount};
use crate::store::write::v;
use crate::store::{Tx, from_row, json_list, list_json, page_bounds, place};

/// A resident named in an incident.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvolvedPerson {
    /// Person id.
    pub id: String,
    /// 姓名 (absent if the person was deleted since).
    pub name: Option<String>,
}

/// An incident as its card shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    /// Row id.
    pub id: String,
    /// 发生时间, UTC RFC 3339.
    pub occurred_at: String,
    /// 发生时间, Beijing time (`YYYY-MM-DD HH:MM`).
    pub occurred_at_local: String,
    /// 接报时间, UTC RFC 3339.
    pub reported_at: Option<String>,
    /// 接报时间, Beijing time.
    pub reported_at_local: Option<String>,
    /// 发生地点.
    pub place: String,
    /// 所属村（社区）.
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// 警情类别.
    pub kind: IncidentKind,
    /// 警情类别 in Chinese.
    pub kind_label: &'static str,
    /// 报警人姓名.
    pub reporter_name: Option<String>,
    /// 报警人联系电话.
    pub reporter_phone: Option<String>,
    /// 报警人 as a registered resident.
    pub reporter_person_id: Option<String>,
    /// 涉及人员 (free text).
    pub people: Option<String>,
    /// 涉及的登记人员.
    pub persons: Vec<InvolvedPerson>,
    /// 简要警情.
    pub summary: String,
    /// 处置经过.
    pub handling: Option<String>,
    /// 处置结果.
    pub disposition: Disposition,
    /// 处置结果 in Chinese.
    pub disposition_label: &'static str,
    /// 关联的矛盾纠纷.
    pub dispute_id: Option<String>,
    /// Its title, so the link names the dispute.
    pub dispute_title: Option<String>,
    /// 案件编号.
    pub case_no: Option<String>,
    /// 处警民警/辅警.
    pub officer_id: Option<String>,
    /// Their name.
    pub officer_name: Option<String>,
    /// 重复警情: other incidents at the same place or naming one of its residents within the
    /// county's window (一地多报, 一人多报).
    pub repeats: RepeatCount,
}

const SELECT: &str =
    "SELECT i.id, i.occurred_at, i.reported_at, i.place, i.village_id, vg.name AS village_name, i.kind,
        i.reporter_name, i.reporter_phone, i.reporter_person_id, i.people, i.person_ids, i.summary, i.handling,
        i.disposition, i.dispute_id, i.case_no, i.officer_id, o.name AS officer_name, d.title AS dispute_title
     FROM incident i LEFT JOIN village vg ON vg.id = i.village_id
     LEFT JOIN officer o ON o.id = i.officer_id
     LEFT JOIN dispute d ON d.id = i.dispute_id AND d.deleted_at IS NULL";

fn local(t: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(t).ok().map(|t| show(t.with_timezone(&Utc)))
}

fn row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    let occurred_at: String = r.get("occurred_at")?;
    let reported_at: Option<String> = r.get("reported_at")?;
    let kind: IncidentKind = r.get("kind")?;
    let disposition: Disposition = r.get("disposition")?;
    Ok(from_row!(r => Incident {
        id, occurred_at, reported_at, place, village_id, village_name, kind, reporter_name, reporter_phone,
        reporter_person_id, people, summary, handling, disposition, dispute_id, case_no, officer_id, officer_name,
        dispute_title,
        occurred_at_local: local(&occurred_at).unwrap_or(occurred_at),
        reported_at_local: reported_at.as_deref().and_then(local),
        kind_label: kind.label(),
        disposition_label: disposition.label(),
        persons: json_list(r.get("person_ids")?).into_iter().map(|id| InvolvedPerson { id, name: None }).collect(),
        repeats: RepeatCount::default(),
    }))
}

/// An incident as a dispute's page names it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentRef {
    /// Row id.
    pub id: String,
    /// 发生时间, Beijing time.
    pub occurred_at_local: String,
    /// 警情类别 in Chinese.
    pub kind_label: &'static str,
    /// 发生地点.
    pub place: String,
}

/// The incidents linked to a dispute either way: the one the dispute names (`incident_id`)
/// and those that name the dispute, earliest first.
pub fn linked_to_dispute(conn: &Connection, dispute_id: &str, incident_id: Option<&str>) -> Result<Vec<IncidentRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, occurred_at, kind, place FROM incident
         WHERE (dispute_id = ?1 OR id = ?2) AND deleted_at IS NULL ORDER BY occurred_at, id",
    )?;
    Ok(stmt
        .query_map(params![dispute_id, incident_id], |r| {
            let occurred_at: String = r.get("occurred_at")?;
            let kind: IncidentKind = r.get("kind")?;
            Ok(from_row!(r => IncidentRef {
                id, place,
                occurred_at_local: local(&occurred_at).unwrap_or(occurred_at),
                kind_label: kind.label(),
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

fn person_name(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM person WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |r| r.get("name"))
        .optional()?)
}

/// Fills in the names of the residents and the repeat counts of each incident.
fn complete(conn: &Connection, mut items: Vec<Incident>) -> Result<Vec<Incident>> {
    for i in &mut items {
        for p in &mut i.persons {
            p.name = person_name(conn, &p.id)?;
        }
    }
    let days = warning::rules(conn)?.repeat_incident_days;
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let counts = warning::repeat::counts(conn, &ids, days)?;
    for i in &mut items {
        i.repeats = counts.get(&i.id).copied().unwrap_or_default();
    }
    Ok(items)
}

/// A village's incidents in `[from, to)` (instants as stored): opened as cases, fraud,
/// drugs (what 五无 looks at).
pub fn village_counts(conn: &Connection, village_id: &str, from: &str, to: &str) -> Result<(i64, i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(disposition = 'case_opened'), 0) AS cases, coalesce(sum(kind = 'fraud'), 0) AS fraud,
                    coalesce(sum(kind = 'drugs'), 0) AS drugs
             FROM incident WHERE deleted_at IS NULL AND village_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3",
        )?
        .query_row(params![village_id, from, to], |r| Ok((r.get("cases")?, r.get("fraud")?, r.get("drugs")?)))?)
}

/// Whether a live incident `id` exists (for the rows that link one).
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM incident WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// One incident.
pub fn get(conn: &Connection, id: &str) -> Result<Incident> {
    let i = conn
        .prepare_cached(&format!("{SELECT} WHERE i.id = ?1 AND i.deleted_at IS NULL"))?
        .query_row([id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("警情", id))?;
    Ok(complete(conn, vec![i])?.remove(0))
}

/// The incident's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str) -> Result<IncidentInput> {
    let i = get(conn, id)?;
    Ok(IncidentInput {
        occurred_at: i.occurred_at,
        reported_at: i.reported_at,
        place: i.place,
        village_id: i.village_id,
        kind: i.kind,
        reporter_name: i.reporter_name,
        reporter_phone: i.reporter_phone,
        reporter_person_id: i.reporter_person_id,
        people: i.people,
        person_ids: i.persons.into_iter().map(|p| p.id).collect(),
        summary: i.summary,
        handling: i.handling,
        disposition: Some(i.disposition),
        dispute_id: i.dispute_id,
        case_no: i.case_no,
        officer_id: i.officer_id,
    })
}

fn check_refs(conn: &Connection, i: &IncidentInput) -> Result<()> {
    if let Some(vid) = &i.village_id {
        place::village_name(conn, "village_id", vid)?;
    }
    if let Some(p) = &i.reporter_person_id
        && person_name(conn, p)?.is_none()
    {
        return Err(Error::validation("reporter_person_id", "所选报警人不存在或已删除"));
    }
    for (n, p) in i.person_ids.iter().enumerate() {
        if person_name(conn, p)?.is_none() {
            return Err(Error::validation("person_ids", format!("涉及的第{}名登记人员不存在或已删除（{p}）", n + 1)));
        }
    }
    if let Some(d) = &i.dispute_id {
        let found: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM dispute WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([d], |r| r.get("1"))
            .optional()?;
        if found.is_none() {
            return Err(Error::validation("dispute_id", format!("关联的矛盾纠纷不存在或已删除（{d}）")));
        }
    }
    if let Some(o) = &i.officer_id {
        place::get_officer(conn, "officer_id", o)?;
    }
    Ok(())
}

fn columns(conn: &Connection, valid: ValidIncident) -> Result<Vec<(&'static str, Value)>> {
    let ValidIncident { input: i, occurred_at, reported_at, disposition } = valid;
    check_refs(conn, &i)?;
    Ok(vec![
        ("occurred_at", v(stamp(occurred_at))),
        ("reported_at", v(reported_at.map(stamp))),
        ("place", v(i.place)),
        ("village_id", v(i.village_id)),
        ("kind", v(i.kind)),
        ("reporter_name", v(i.reporter_name)),
        ("reporter_phone", v(i.reporter_phone)),
        ("reporter_person_id", v(i.reporter_person_id)),
        ("people", v(i.people)),
        ("person_ids", v(list_json(&i.person_ids))),
        ("summary", v(i.summary)),
        ("handling", v(i.handling)),
        ("disposition", v(disposition)),
        ("dispute_id", v(i.dispute_id)),
        ("case_no", v(i.case_no)),
        ("officer_id", v(i.officer_id)),
    ])
}

/// Records an incident.
pub fn create(tx: &mut Tx<'_>, input: IncidentInput) -> Result<String> {
    let valid = input.validate(tx.now())?;
    let cols = columns(tx.conn(), valid)?;
    let id = tx.new_id();
    tx.insert("incident", &id, &cols)?;
    Ok(id)
}

/// Updates an incident (the input is the whole incident, as edited).
pub fn update(tx: &mut Tx<'_>, id: &str, input: IncidentInput) -> Result<()> {
    get(tx.conn(), id)?;
    let valid = input.validate(tx.now())?;
    let cols = columns(tx.conn(), valid)?;
    tx.update("incident", id, &cols)?;
    Ok(())
}

/// Filters for the incident ledger.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct IncidentFilter {
    /// Only this kind.
    pub kind: Option<IncidentKind>,
    /// Only this disposition.
    pub disposition: Option<Disposition>,
    /// Only this village.
    pub village_id: Option<String>,
    /// From this date (Beijing calendar day, inclusive).
    pub from: Option<String>,
    /// To this date (Beijing calendar day, inclusive).
    pub to: Option<String>,
    /// Only incidents this resident reported or is named in.
    pub person_id: Option<String>,
    /// Only incidents a member of this household reported or is named in.
    pub household_id: Option<String>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

/// A page of incidents.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentPage {
    /// Incidents matching the filter.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page, newest first.
    pub items: Vec<Incident>,
}

/// The UTC instant a Beijing calendar day starts at, as stored.
fn day_start(d: NaiveDate) -> String {
    stamp(from_beijing(d.and_time(chrono::NaiveTime::MIN)))
}

/// A page of incidents, newest first.
pub fn list(conn: &Connection, f: &IncidentFilter) -> Result<IncidentPage> {
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let from = opt_date("from", "起始日期", f.from.as_deref())?;
    let to = opt_date("to", "截止日期", f.to.as_deref())?;
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        return Err(Error::validation("to", "截止日期不能早于起始日期"));
    }
    let from = from.map(day_start);
    let until = to.map(|d| day_start(d + Duration::days(1)));
    let (person, household) = crate::store::search::check_involved(conn, &f.person_id, &f.household_id)?;
    // Only the filters given are conditions on rows (one left out is a constant test of its
    // parameter), so the count of an unfiltered or date-bounded page reads the small partial
    // `incident_live` index rather than every incident.
    let cond = |given: bool, n: usize, test: &str| {
        if given { format!("i.{test} ?{n}") } else { format!("?{n} IS NULL") }
    };
    let filter = format!(
        "i.deleted_at IS NULL AND {} AND {} AND {} AND {} AND {} AND {}",
        cond(f.kind.is_some(), 1, "kind ="),
        cond(f.disposition.is_some(), 2, "disposition ="),
        cond(f.village_id.is_some(), 3, "village_id ="),
        cond(from.is_some(), 4, "occurred_at >="),
        cond(until.is_some(), 5, "occurred_at <"),
        crate::store::search::involving("incident", "i", 6, 7, person.is_some(), household.is_some())
    );
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM incident i WHERE {filter}"))?
        .query_row(params![f.kind, f.disposition, f.village_id, from, until, person, household], |r| r.get(0))?;
    let items = conn
        .prepare_cached(&format!("{SELECT} WHERE {filter} ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?8 OFFSET ?9"))?
        .query_map(params![f.kind, f.disposition, f.village_id, from, until, person, household, limit, offset], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let items = complete(conn, items)?;
    Ok(IncidentPage { total, page, page_size, items })
}

/// 警情台账: the incidents that occurred in `[:from, :to)` (instants as stored).
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("发生时间", 17.0, "i.occurred_at", Show::Instant),
        column("报警时间", 17.0, "i.reported_at", Show::Instant),
        column("地点", 22.0, "i.place", Show::Text),
        column("所属村", 12.0, "v.name", Show::Text),
        column("警情类别", 11.0, "i.kind", Show::Label(|s| IncidentKind::parse(s).map(IncidentKind::label))),
        column("报警人", 10.0, "i.reporter_name", Show::Text),
        column("报警人电话", 14.0, "i.reporter_phone", Show::Text),
        column("涉及人员", 16.0, "i.people", Show::Text),
        column("简要情况", 30.0, "i.summary", Show::Text),
        column("处置情况", 24.0, "i.handling", Show::Text),
        column("处置结果", 10.0, "i.disposition", Show::Label(|s| Disposition::parse(s).map(Disposition::label))),
        column("案件编号", 16.0, "i.case_no", Show::Text),
        column("处警民警", 10.0, "o.name", Show::Text),
        crate::store::attachment::photo_column!("incident", "i"),
    ],
    from: "FROM incident i
           LEFT JOIN village v ON v.id = i.village_id
           LEFT JOIN officer o ON o.id = i.officer_id
           WHERE i.deleted_at IS NULL AND i.occurred_at >= :from AND i.occurred_at < :to
           ORDER BY i.occurred_at, i.id",
};

/// The incidents that occurred in `[from, to)` (instants as stored), with their village.
pub fn kinds_in(conn: &Connection, from: &str, to: &str) -> Result<Vec<IncidentFact>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, village_id, kind FROM incident
             WHERE deleted_at IS NULL AND occurred_at >= ?1 AND occurred_at < ?2",
        )?
        .query_map([from, to], |r| {
            Ok(IncidentFact { id: r.get("id")?, village_id: r.get("village_id")?, kind: r.get("kind")? })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// An incident, as the month's statistics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFact {
    /// The incident.
    pub id: String,
    /// Its village, if known.
    pub village_id: Option<String>,
    /// 警情类别.
    pub kind: IncidentKind,
}
