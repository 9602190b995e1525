//! 结对帮扶: owns the `care_default`, `care_plan` and `care_need` tables. A plan pairs a
//! person (or a household) with an officer or volunteer and an interval; its visits are the
//! household's visit records (to the person, or to nobody in particular); its needs are
//! followed until help is given. The rules (when a visit falls due, a need's lifecycle, the
//! month's figures) are [`crate::model::care`]'s.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::care::{
    CareDefaultInput, CareMonth, CareNeedFact, CareNeedInput, CarePlanFact, CarePlanInput, NeedStep, care_month,
    check_end, check_errand_person, check_interval, check_pairing, days_late, interval_for, need_next, next_due,
};
use crate::model::day_plan::CareDue;
use crate::model::people::{VisitInput, up_to_today};
use crate::model::sheet::{Cell, Kind};
use crate::model::time::parse_date;
use crate::model::validate::{required, tag, text};
use crate::model::{CareNeedKind, CareNeedStatus, KnownTag};
use crate::store::day_plan::place_of;
use crate::store::household::{Visit, create_visit};
use crate::store::ledger::{Ledger, Show, column};
use crate::store::warning::{each, id_list};
use crate::store::write::{date, v};
use crate::store::{Tx, day_of, from_row, page_bounds};

/// A tag's visit interval, as the admin set it or as the software starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CareDefault {
    /// The tag's code (or the post's own word).
    pub tag: String,
    /// 中文.
    pub label: String,
    /// 走访周期（天）.
    pub interval_days: i64,
    /// Whether the station admin set it (else the built-in interval).
    pub set_by_admin: bool,
}

/// The intervals the admin has set, by tag.
pub fn set_intervals(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare_cached("SELECT tag, interval_days FROM care_default WHERE deleted_at IS NULL")?;
    Ok(stmt.query_map([], |r| Ok((r.get("tag")?, r.get("interval_days")?)))?.collect::<rusqlite::Result<_>>()?)
}

fn tag_label(t: &str) -> String {
    KnownTag::parse(t).map(KnownTag::label).unwrap_or(t).to_owned()
}

/// Every known tag's interval, then the post's own tags the admin set one for.
pub fn defaults(conn: &Connection) -> Result<Vec<CareDefault>> {
    let set = set_intervals(conn)?;
    let mut out: Vec<CareDefault> = KnownTag::ALL
        .iter()
        .map(|t| CareDefault {
            tag: t.as_str().to_owned(),
            label: t.label().to_owned(),
            interval_days: interval_for(t.as_str(), &set),
            set_by_admin: set.contains_key(t.as_str()),
        })
        .collect();
    for (t, days) in &set {
        if KnownTag::parse(t).is_none() {
            out.push(CareDefault { tag: t.clone(), label: t.clone(), interval_days: *days, set_by_admin: true });
        }
    }
    Ok(out)
}

/// Sets a tag's interval (plans made later start with it; existing plans keep theirs).
pub fn set_default(tx: &mut Tx<'_>, input: CareDefaultInput) -> Result<()> {
    let t = tag("tag", &input.tag)?;
    let days = check_interval("interval_days", input.interval_days)?;
    let existing: Option<String> = tx
        .conn()
        .prepare_cached("SELECT id FROM care_default WHERE tag = ?1 AND deleted_at IS NULL ORDER BY id LIMIT 1")?
        .query_row([&t], |r| r.get("id"))
        .optional()?;
    match existing {
        Some(id) => {
            tx.update("care_default", &id, &[("interval_days", v(days))])?;
        }
        None => {
            let id = tx.new_id();
            tx.insert("care_default", &id, &[("tag", v(t)), ("interval_days", v(days))])?;
        }
    }
    Ok(())
}

/// A care plan with where it stands.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CarePlan {
    /// Row id.
    pub id: String,
    /// 户.
    pub household_id: String,
    /// 帮扶对象; none for the household as a whole.
    pub person_id: Option<String>,
    /// 姓名 (the person's, or the head's for a household).
    pub name: Option<String>,
    /// 村（社区）.
    pub village_name: Option<String>,
    /// 村民小组.
    pub group_name: Option<String>,
    /// 住址.
    pub address: Option<String>,
    /// 帮扶类别 (tag code or word).
    pub tag: String,
    /// 帮扶类别 in Chinese.
    pub tag_label: String,
    /// 走访周期（天）.
    pub interval_days: i64,
    /// 结对民警/辅警.
    pub officer_id: Option<String>,
    /// Their name.
    pub officer_name: Option<String>,
    /// 结对志愿者.
    pub volunteer_id: Option<String>,
    /// Their name.
    pub volunteer_name: Option<String>,
    /// 开始日期.
    pub started_on: String,
    /// 结束日期.
    pub ended_on: Option<String>,
    /// 结束原因.
    pub end_reason: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 最近走访.
    pub last_visit: Option<String>,
    /// 下次应走访 (none once ended).
    pub next_due: Option<String>,
    /// Days the visit is late (0 when not late).
    pub days_late: i64,
    /// Needs not yet helped.
    pub open_needs: i64,
}

/// A care plan with its visits and needs.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CarePlanDetail {
    /// The plan.
    pub plan: CarePlan,
    /// 走访记录 counted for it, newest first.
    pub visits: Vec<Visit>,
    /// 帮扶需求, newest first.
    pub needs: Vec<CareNeed>,
}

/// A need found and the help given.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CareNeed {
    /// Row id.
    pub id: String,
    /// 帮扶计划.
    pub care_plan_id: String,
    /// 类别.
    pub kind: CareNeedKind,
    /// 需求情况.
    pub description: String,
    /// 发现日期.
    pub found_on: String,
    /// 发现时的走访.
    pub visit_id: Option<String>,
    /// 办理它的代办.
    pub errand_id: Option<String>,
    /// That errand's item and where it stands, e.g. 身份证换领（已送达）.
    pub errand_summary: Option<String>,
    /// 状态.
    pub status: CareNeedStatus,
    /// 帮扶情况 (or why no longer needed).
    pub help: Option<String>,
    /// 办结日期.
    pub closed_on: Option<String>,
}

/// Filters for the care plans list.
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CarePlanFilter {
    /// Only this village.
    pub village_id: Option<String>,
    /// Only this tag.
    pub tag: Option<String>,
    /// Only those whose visit is due or late today.
    pub due_only: Option<bool>,
    /// Ended plans too (default no).
    pub include_ended: Option<bool>,
    /// Only this household's.
    pub household_id: Option<String>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20).
    pub page_size: Option<u32>,
}

/// A page of care plans.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CarePlanPage {
    /// Plans matching the filter.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page, the latest visits first due.
    pub items: Vec<CarePlan>,
}

/// The household a plan's visits go to: the person's current one, else the plan's.
const HOME: &str = "coalesce((SELECT hp.household_id FROM person hp WHERE hp.id = cp.person_id
     AND hp.deleted_at IS NULL AND hp.household_id IS NOT NULL), cp.household_id)";

/// The visits that count for a plan: to its household, and to its person or to nobody in
/// particular (`vi` the visit, `cp` the plan).
const VISIT_OF_PLAN: &str =
    "vi.deleted_at IS NULL AND (cp.person_id IS NULL OR vi.person_id IS NULL OR vi.person_id = cp.person_id)";

fn plan_select() -> String {
    format!(
        "SELECT cp.id, {HOME} AS household_id, cp.person_id, coalesce(p.name, hh.name) AS name,
                vg.name AS village_name, g.name AS group_name, coalesce(p.address, h.address) AS address,
                cp.tag, cp.interval_days, cp.officer_id, o.name AS officer_name, cp.volunteer_id,
                vo.name AS volunteer_name, cp.started_on, cp.ended_on, cp.end_reason, cp.notes,
                (SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = h.id AND {VISIT_OF_PLAN})
                  AS last_visit,
                (SELECT count(*) FROM care_need n WHERE n.care_plan_id = cp.id AND n.status = 'open'
                   AND n.deleted_at IS NULL) AS open_needs
         FROM care_plan cp
         LEFT JOIN person p ON p.id = cp.person_id
         JOIN household h ON h.id = {HOME} AND h.deleted_at IS NULL
         LEFT JOIN person hh ON hh.id = h.head_person_id
         LEFT JOIN village vg ON vg.id = h.village_id
         LEFT JOIN village_group g ON g.id = h.group_id
         LEFT JOIN officer o ON o.id = cp.officer_id
         LEFT JOIN volunteer vo ON vo.id = cp.volunteer_id"
    )
}

impl CarePlan {
    fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<CarePlan> {
        let t: String = r.get("tag")?;
        let started: String = r.get("started_on")?;
        let ended: Option<String> = r.get("ended_on")?;
        let last: Option<String> = r.get("last_visit")?;
        let interval: i64 = r.get("interval_days")?;
        let due = match (parse_date(&started), &ended) {
            (Some(s), None) => Some(next_due(s, last.as_deref().and_then(parse_date), interval)),
            _ => None,
        };
        Ok(from_row!(r => CarePlan {
            id, household_id, person_id, name, village_name, group_name, address, officer_id, officer_name,
            volunteer_id, volunteer_name, end_reason, notes, open_needs,
            tag_label: tag_label(&t),
            tag: t,
            interval_days: interval,
            started_on: started,
            ended_on: ended,
            last_visit: last,
            next_due: due.map(|d| d.format("%Y-%m-%d").to_string()),
            days_late: due.map_or(0, |d| days_late(d, today)),
        }))
    }
}

/// One plan.
pub fn get_plan(conn: &Connection, id: &str, today: NaiveDate) -> Result<CarePlan> {
    conn.prepare_cached(&format!("{} WHERE cp.id = ?1 AND cp.deleted_at IS NULL", plan_select()))?
        .query_row([id], |r| CarePlan::from_row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("帮扶计划", id))
}

/// One plan with its visits and needs.
pub fn detail(conn: &Connection, id: &str, today: NaiveDate) -> Result<CarePlanDetail> {
    let plan = get_plan(conn, id, today)?;
    let visits = crate::store::household::visits(conn, &plan.household_id)?
        .into_iter()
        .filter(|vi| plan.person_id.is_none() || vi.person_id.is_none() || vi.person_id == plan.person_id)
        .collect();
    Ok(CarePlanDetail { visits, needs: needs(conn, id)?, plan })
}

/// A page of plans, the most overdue first (then by address).
pub fn list(conn: &Connection, f: &CarePlanFilter, today: NaiveDate) -> Result<CarePlanPage> {
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let t = f.tag.as_deref().map(|t| tag("tag", t)).transpose()?;
    let sql = format!(
        "{} WHERE cp.deleted_at IS NULL AND (?1 IS NULL OR h.village_id = ?1) AND (?2 IS NULL OR cp.tag = ?2)
           AND (?3 = 1 OR cp.ended_on IS NULL) AND (?4 IS NULL OR h.id = ?4)
           AND (cp.person_id IS NULL OR p.deleted_at IS NULL) AND (?5 IS NULL OR cp.id IN {})",
        plan_select(),
        each(5)
    );
    // Due only: the plans whose visit is due are found first, so only they are named and placed.
    let due = f.due_only.unwrap_or(false).then(|| due_ids(conn, today)).transpose()?.map(|ids| id_list(&ids));
    let mut all: Vec<CarePlan> = conn
        .prepare_cached(&sql)?
        .query_map(params![f.village_id, t, f.include_ended.unwrap_or(false), f.household_id, due], |r| {
            CarePlan::from_row(r, today)
        })?
        .collect::<rusqlite::Result<_>>()?;
    if f.due_only.unwrap_or(false) {
        let today_s = today.format("%Y-%m-%d").to_string();
        all.retain(|p| p.next_due.as_deref().is_some_and(|d| d <= today_s.as_str()));
    }
    // Due first (the earliest due date leads), ended last; then by address.
    all.sort_by(|a, b| {
        (a.next_due.is_none(), &a.next_due, &a.address, &a.id).cmp(&(
            b.next_due.is_none(),
            &b.next_due,
            &b.address,
            &b.id,
        ))
    });
    let total = all.len() as i64;
    let items = all.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(CarePlanPage { total, page, page_size, items })
}

/// The person's household (and that the person exists).
fn person_household(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT household_id FROM person WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([person_id], |r| r.get::<_, Option<String>>("household_id"))
        .optional()?
        .ok_or_else(|| Error::validation("person_id", format!("所选帮扶对象不存在或已删除（{person_id}）")))
}

fn check_refs(conn: &Connection, officer_id: Option<&str>, volunteer_id: Option<&str>) -> Result<()> {
    check_pairing(officer_id, volunteer_id)?;
    if let Some(o) = officer_id {
        crate::store::place::get_officer(conn, "officer_id", o)?;
    }
    if let Some(vo) = volunteer_id {
        let ok: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM volunteer WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([vo], |r| r.get(0))
            .optional()?;
        if ok.is_none() {
            return Err(Error::validation("volunteer_id", format!("所选志愿者不存在或已删除（{vo}）")));
        }
    }
    Ok(())
}

/// Starts a plan. A person (or a household) has one plan in force at a time.
pub fn create_plan(tx: &mut Tx<'_>, i: CarePlanInput) -> Result<String> {
    let person = i.person_id.clone().filter(|s| !s.trim().is_empty());
    let given_household = i.household_id.clone().filter(|s| !s.trim().is_empty());
    let household = match (&person, &given_household) {
        (Some(p), given) => {
            let home = person_household(tx.conn(), p)?.ok_or_else(|| {
                Error::validation("person_id", "该人员未登记所属户，请先把他（她）编入户，再制定帮扶计划")
            })?;
            if given.as_ref().is_some_and(|g| *g != home) {
                return Err(Error::validation("household_id", "所选户不是帮扶对象所在的户"));
            }
            home
        }
        (None, Some(h)) => {
            if !crate::store::household::exists(tx.conn(), h)? {
                return Err(Error::validation("household_id", "所选户不存在或已删除"));
            }
            h.clone()
        }
        (None, None) => return Err(Error::validation("person_id", "请选择帮扶对象（人员或户）")),
    };
    let t = tag("tag", &i.tag)?;
    let days = match i.interval_days {
        Some(d) => check_interval("interval_days", d)?,
        None => interval_for(&t, &set_intervals(tx.conn())?),
    };
    check_refs(tx.conn(), i.officer_id.as_deref(), i.volunteer_id.as_deref())?;
    let started = up_to_today("started_on", "开始日期", i.started_on.as_deref(), tx.today())?;
    let existing: Option<(String, String)> = tx
        .conn()
        .prepare_cached(
            "SELECT id, tag FROM care_plan WHERE deleted_at IS NULL AND ended_on IS NULL
               AND ((?1 IS NOT NULL AND person_id = ?1) OR (?1 IS NULL AND person_id IS NULL AND household_id = ?2))",
        )?
        .query_row(params![person, household], |r| Ok((r.get("id")?, r.get("tag")?)))
        .optional()?;
    if let Some((existing_id, existing_tag)) = existing {
        return Err(Error::Duplicate {
            field: "person_id".into(),
            message: format!("该对象已有在执行的帮扶计划（{}），请修改原计划", tag_label(&existing_tag)),
            existing_id,
        });
    }
    let id = tx.new_id();
    tx.insert(
        "care_plan",
        &id,
        &[
            ("household_id", v(household)),
            ("person_id", v(person)),
            ("tag", v(t)),
            ("interval_days", v(days)),
            ("officer_id", v(i.officer_id)),
            ("volunteer_id", v(i.volunteer_id)),
            ("started_on", date(started)),
            ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ],
    )?;
    Ok(id)
}

/// A plan's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str) -> Result<CarePlanInput> {
    conn.prepare_cached(
        "SELECT person_id, household_id, tag, interval_days, officer_id, volunteer_id, started_on, notes
         FROM care_plan WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(from_row!(r => CarePlanInput {
            person_id, household_id, tag, officer_id, volunteer_id, started_on, notes,
            interval_days: Some(r.get("interval_days")?),
        }))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("帮扶计划", id))
}

/// Changes a plan (the input is the whole plan, as edited): its tag, interval, pairing and
/// notes. Whom it is for stays.
pub fn update_plan(tx: &mut Tx<'_>, id: &str, i: CarePlanInput) -> Result<()> {
    let before = input_of(tx.conn(), id)?;
    if i.person_id != before.person_id {
        return Err(Error::validation("person_id", "帮扶对象不能更改；请结束本计划，为新对象另建计划"));
    }
    let t = tag("tag", &i.tag)?;
    let days = check_interval("interval_days", i.interval_days.unwrap_or(before.interval_days.unwrap_or(1)))?;
    check_refs(tx.conn(), i.officer_id.as_deref(), i.volunteer_id.as_deref())?;
    tx.update(
        "care_plan",
        id,
        &[
            ("tag", v(t)),
            ("interval_days", v(days)),
            ("officer_id", v(i.officer_id)),
            ("volunteer_id", v(i.volunteer_id)),
            ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ],
    )?;
    Ok(())
}

/// Ends a plan (moved away, no longer in need…): it leaves 今日工作 and the figures.
pub fn end_plan(tx: &mut Tx<'_>, id: &str, on: Option<NaiveDate>, reason: &str) -> Result<()> {
    let p = get_plan(tx.conn(), id, tx.today())?;
    if let Some(e) = &p.ended_on {
        return Err(Error::rule(format!("该帮扶计划已于 {e} 结束")));
    }
    let reason = required("reason", "结束原因", reason, 200)?;
    let on = on.unwrap_or(tx.today());
    let started = parse_date(&p.started_on).unwrap_or(on);
    check_end(started, on, tx.today())?;
    tx.update("care_plan", id, &[("ended_on", date(on)), ("end_reason", v(reason))])?;
    Ok(())
}

/// Keeps a person's plans with the person when they move household.
pub fn follow_person(tx: &mut Tx<'_>, person_id: &str, household_id: &str) -> Result<()> {
    let plans: Vec<String> = tx
        .conn()
        .prepare_cached("SELECT id FROM care_plan WHERE person_id = ?1 AND deleted_at IS NULL AND household_id <> ?2")?
        .query_map([person_id, household_id], |r| r.get("id"))?
        .collect::<rusqlite::Result<_>>()?;
    for id in plans {
        tx.update("care_plan", &id, &[("household_id", v(household_id.to_owned()))])?;
    }
    Ok(())
}

/// A visit recorded against a plan: to its household and person, by the paired officer
/// unless another is given; a need found on it is recorded with it.
#[derive(Debug, Clone, Default)]
pub struct PlanVisit {
    /// 走访民警 (default the paired officer).
    pub officer_id: Option<String>,
    /// 走访日期 (default today).
    pub visited_on: Option<String>,
    /// 走访情况.
    pub notes: Option<String>,
    /// A need found on the visit, and its kind.
    pub need: Option<(CareNeedKind, String)>,
}

/// The notes of a visit recorded with one click from 今日工作.
pub const ROUTINE_NOTES: &str = "按结对帮扶计划上门走访，情况正常";

/// Records a visit against a plan; returns the visit.
pub fn visit(tx: &mut Tx<'_>, plan_id: &str, pv: PlanVisit) -> Result<Visit> {
    let p = get_plan(tx.conn(), plan_id, tx.today())?;
    if p.ended_on.is_some() {
        return Err(Error::rule("该帮扶计划已结束，请在户的页面记录走访"));
    }
    let notes = match (&pv.notes, &pv.need) {
        (Some(n), _) if !n.trim().is_empty() => Some(n.clone()),
        (_, Some(_)) => None,
        _ => Some(ROUTINE_NOTES.to_owned()),
    };
    let visit = create_visit(
        tx,
        VisitInput {
            household_id: p.household_id.clone(),
            person_id: p.person_id.clone(),
            officer_id: pv.officer_id.or(p.officer_id.clone()),
            visited_on: pv.visited_on,
            notes,
            needs: pv.need.as_ref().map(|(_, d)| d.clone()),
        },
    )?;
    if let Some((kind, description)) = pv.need {
        add_need(
            tx,
            CareNeedInput {
                care_plan_id: plan_id.to_owned(),
                kind,
                description,
                found_on: Some(visit.visited_on.clone()),
                visit_id: Some(visit.id.clone()),
                errand_id: None,
            },
        )?;
    }
    Ok(visit)
}

const NEED_SELECT: &str = "SELECT n.id, n.care_plan_id, n.kind, n.description, n.found_on, n.visit_id, n.errand_id,
        (SELECT si.name || '（' || CASE e.status WHEN 'accepted' THEN '受理' WHEN 'in_progress' THEN '办理中'
           WHEN 'done' THEN '办结' WHEN 'delivered' THEN '已送达' WHEN 'cancelled' THEN '已取消' ELSE e.status END || '）'
         FROM errand e LEFT JOIN service_item si ON si.id = e.service_item_id WHERE e.id = n.errand_id) AS errand_summary,
        n.status, n.help, n.closed_on
     FROM care_need n";

fn need_row(r: &Row<'_>) -> rusqlite::Result<CareNeed> {
    Ok(from_row!(r => CareNeed {
        id, care_plan_id, kind, description, found_on, visit_id, errand_id, errand_summary, status, help, closed_on,
    }))
}

/// A plan's needs, newest first.
pub fn needs(conn: &Connection, plan_id: &str) -> Result<Vec<CareNeed>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{NEED_SELECT} WHERE n.care_plan_id = ?1 AND n.deleted_at IS NULL ORDER BY n.found_on DESC, n.id DESC"
    ))?;
    Ok(stmt.query_map([plan_id], need_row)?.collect::<rusqlite::Result<_>>()?)
}

/// One need.
pub fn get_need(conn: &Connection, id: &str) -> Result<CareNeed> {
    conn.prepare_cached(&format!("{NEED_SELECT} WHERE n.id = ?1 AND n.deleted_at IS NULL"))?
        .query_row([id], need_row)
        .optional()?
        .ok_or_else(|| Error::not_found("帮扶需求", id))
}

/// Checks an errand may serve a need of the plan's person.
fn check_errand(conn: &Connection, errand_id: &str, plan_person: Option<&str>) -> Result<()> {
    let person: Option<Option<String>> = conn
        .prepare_cached("SELECT person_id FROM errand WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([errand_id], |r| r.get("person_id"))
        .optional()?;
    let Some(person) = person else {
        return Err(Error::validation("errand_id", format!("所选代办不存在或已删除（{errand_id}）")));
    };
    check_errand_person(plan_person, person.as_deref())
}

/// Records a need found for a person under care.
pub fn add_need(tx: &mut Tx<'_>, i: CareNeedInput) -> Result<String> {
    let p = get_plan(tx.conn(), &i.care_plan_id, tx.today())
        .map_err(|_| Error::validation("care_plan_id", "所选帮扶计划不存在或已删除"))?;
    let description = required("description", "需求情况", &i.description, 1000)?;
    let found = up_to_today("found_on", "发现日期", i.found_on.as_deref(), tx.today())?;
    if let Some(e) = &i.errand_id {
        check_errand(tx.conn(), e, p.person_id.as_deref())?;
    }
    if let Some(vi) = &i.visit_id {
        let ok: Option<i64> = tx
            .conn()
            .prepare_cached("SELECT 1 FROM visit WHERE id = ?1 AND household_id = ?2 AND deleted_at IS NULL")?
            .query_row([vi, &p.household_id], |r| r.get(0))
            .optional()?;
        if ok.is_none() {
            return Err(Error::validation("visit_id", "所选走访记录不是对该户的走访"));
        }
    }
    let id = tx.new_id();
    tx.insert(
        "care_need",
        &id,
        &[
            ("care_plan_id", v(i.care_plan_id)),
            ("household_id", v(p.household_id)),
            ("kind", v(i.kind)),
            ("description", v(description)),
            ("found_on", date(found)),
            ("visit_id", v(i.visit_id)),
            ("errand_id", v(i.errand_id)),
            ("status", v(CareNeedStatus::Open)),
        ],
    )?;
    Ok(id)
}

/// A step of a need's life: help given (or why no longer needed) on `on`, or reopened; an
/// errand that serves it may be linked on the way.
pub fn need_step(
    tx: &mut Tx<'_>,
    id: &str,
    step: NeedStep,
    note: Option<&str>,
    on: Option<NaiveDate>,
    errand_id: Option<&str>,
) -> Result<()> {
    let n = get_need(tx.conn(), id)?;
    let to = need_next(n.status, step)?;
    let mut cols: Vec<(&'static str, Value)> = vec![("status", v(to))];
    if let Some(e) = errand_id {
        let person = get_plan(tx.conn(), &n.care_plan_id, tx.today())?.person_id;
        check_errand(tx.conn(), e, person.as_deref())?;
        cols.push(("errand_id", v(e.to_owned())));
    }
    match step {
        NeedStep::Help | NeedStep::Drop => {
            let label = if step == NeedStep::Help { "帮扶情况" } else { "不再需要的原因" };
            let note =
                text("help", label, note, 2000)?.ok_or_else(|| Error::validation("help", format!("请填写{label}")))?;
            let on = on.unwrap_or(tx.today());
            if on > tx.today() {
                return Err(Error::validation("on", "日期不能晚于今天"));
            }
            if on.format("%Y-%m-%d").to_string() < n.found_on {
                return Err(Error::validation("on", format!("日期不能早于发现日期 {}", n.found_on)));
            }
            cols.push(("help", v(note)));
            cols.push(("closed_on", date(on)));
        }
        NeedStep::Reopen => {
            cols.push(("closed_on", Value::Null));
        }
    }
    tx.update("care_need", id, &cols)?;
    Ok(())
}

/// The plans in force whose visit is due on `today` ([`next_due`]), judged from the plan and
/// its last visit alone. Naming and placing a plan takes a lookup in six tables; made for
/// every plan in force (1,134 at 5,000 households) it was most of 今日工作's time, so the
/// lists of plans due make it only for these (169 on that demo's day).
fn due_ids(conn: &Connection, today: NaiveDate) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT cp.id, cp.interval_days, cp.started_on,
                (SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = {HOME} AND {VISIT_OF_PLAN})
                  AS last_visit
         FROM care_plan cp WHERE cp.deleted_at IS NULL AND cp.ended_on IS NULL"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| {
        let started: String = r.get("started_on")?;
        let last: Option<String> = r.get("last_visit")?;
        let interval: i64 = r.get("interval_days")?;
        let due = parse_date(&started).map(|s| next_due(s, last.as_deref().and_then(parse_date), interval));
        due.filter(|d| *d <= today).map(|_| r.get::<_, String>("id")).transpose()
    })?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// The plans in force whose visit is due on `today`, with their last visit, for 今日工作.
pub fn due_facts(conn: &Connection, today: NaiveDate) -> Result<Vec<CareDue>> {
    let sql = format!(
        "SELECT cp.id, p.name AS person_name, hh.name AS head_name, cp.tag, cp.interval_days, cp.started_on,
                (SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = h.id AND {VISIT_OF_PLAN})
                  AS last_visit,
                coalesce(o.name, vo.name) AS paired,
                h.village_id, vg.name AS village_name, g.name AS group_name, coalesce(p.address, h.address) AS address
         FROM care_plan cp
         LEFT JOIN person p ON p.id = cp.person_id
         JOIN household h ON h.id = {HOME} AND h.deleted_at IS NULL
         LEFT JOIN person hh ON hh.id = h.head_person_id
         LEFT JOIN village vg ON vg.id = h.village_id
         LEFT JOIN village_group g ON g.id = h.group_id
         LEFT JOIN officer o ON o.id = cp.officer_id
         LEFT JOIN volunteer vo ON vo.id = cp.volunteer_id
         WHERE cp.deleted_at IS NULL AND cp.ended_on IS NULL AND (cp.person_id IS NULL OR p.deleted_at IS NULL)
           AND cp.id IN {}",
        each(1)
    );
    let due = id_list(&due_ids(conn, today)?);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([due], |r| {
        let started: String = r.get("started_on")?;
        Ok(parse_date(&started).map(|started_on| -> rusqlite::Result<CareDue> {
            Ok(CareDue {
                plan_id: r.get("id")?,
                person_name: r.get("person_name")?,
                head_name: r.get("head_name")?,
                tag: r.get("tag")?,
                interval_days: r.get("interval_days")?,
                started_on,
                last_visit: day_of(r.get("last_visit")?),
                paired: r.get("paired")?,
                place: place_of(r)?,
            })
        }))
    })?;
    let mut out = Vec::new();
    for row in rows {
        if let Some(c) = row? {
            out.push(c?);
        }
    }
    Ok(out)
}

/// A plan as the month reads it: id, village, started, ended, interval.
type PlanSpan = (String, Option<String>, Option<NaiveDate>, Option<NaiveDate>, i64);

/// The plans in force at some time in `[lo, hi)` with their visits before `hi`, and the
/// needs found or closed in it, as the month's figures count them.
pub fn month_facts(conn: &Connection, lo: &str, hi: &str) -> Result<(Vec<CarePlanFact>, Vec<CareNeedFact>)> {
    let sql = format!(
        "SELECT cp.id, vg.name AS village, cp.started_on, cp.ended_on, cp.interval_days
         FROM care_plan cp
         LEFT JOIN person p ON p.id = cp.person_id
         JOIN household h ON h.id = {HOME} AND h.deleted_at IS NULL
         LEFT JOIN village vg ON vg.id = h.village_id
         WHERE cp.deleted_at IS NULL AND cp.started_on < ?2 AND (cp.ended_on IS NULL OR cp.ended_on >= ?1)
           AND (cp.person_id IS NULL OR p.deleted_at IS NULL)"
    );
    let plans: Vec<PlanSpan> = conn
        .prepare_cached(&sql)?
        .query_map([lo, hi], |r| {
            Ok((
                r.get("id")?,
                r.get("village")?,
                day_of(r.get("started_on")?),
                day_of(r.get("ended_on")?),
                r.get("interval_days")?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Each plan's visits: the latest before the month, and those in it.
    let visits_sql = format!(
        "SELECT vi.visited_on FROM care_plan cp JOIN visit vi ON vi.household_id = {HOME} AND {VISIT_OF_PLAN}
         WHERE cp.id = ?1 AND vi.visited_on < ?3
           AND (vi.visited_on >= ?2 OR vi.visited_on = (SELECT max(vi.visited_on) FROM visit vi
                 WHERE vi.household_id = {HOME} AND {VISIT_OF_PLAN} AND vi.visited_on < ?2))"
    );
    let mut visits_stmt = conn.prepare_cached(&visits_sql)?;
    let mut facts = Vec::with_capacity(plans.len());
    for (id, village, started, ended, interval_days) in plans {
        let Some(started_on) = started else { continue };
        let visits = visits_stmt
            .query_map(params![id, lo, hi], |r| Ok(day_of(r.get("visited_on")?)))?
            .filter_map(|d| d.transpose())
            .collect::<rusqlite::Result<_>>()?;
        facts.push(CarePlanFact { village, started_on, ended_on: ended, interval_days, visits });
    }
    let needs = conn
        .prepare_cached(
            "SELECT found_on, status, closed_on FROM care_need WHERE deleted_at IS NULL
               AND ((found_on >= ?1 AND found_on < ?2) OR (closed_on >= ?1 AND closed_on < ?2))",
        )?
        .query_map([lo, hi], |r| Ok((day_of(r.get("found_on")?), r.get("status")?, day_of(r.get("closed_on")?))))?
        .collect::<rusqlite::Result<Vec<(Option<NaiveDate>, CareNeedStatus, Option<NaiveDate>)>>>()?
        .into_iter()
        .filter_map(|(found, status, closed_on)| found.map(|found_on| CareNeedFact { found_on, status, closed_on }))
        .collect();
    Ok((facts, needs))
}

/// The month beginning on `first` in figures, as of `today`.
pub fn month_figures(conn: &Connection, first: NaiveDate, today: NaiveDate) -> Result<CareMonth> {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    let f = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let (plans, needs) = month_facts(conn, &f(first), &f(next))?;
    Ok(care_month(first, last, today, &plans, &needs))
}

/// “逾期 N 天”, “今天” or the due date, for a stored `started|last visit|interval|ended` on
/// `today` ([`next_due`]).
fn due_cell(stored: Option<String>, today: NaiveDate) -> Cell {
    let Some(s) = stored else { return Cell::Empty };
    let parts: Vec<&str> = s.split('|').collect();
    let [started, last, interval, ended] = parts[..] else { return Cell::Empty };
    if !ended.is_empty() {
        return Cell::from("已结束");
    }
    let (Some(started), Ok(interval)) = (parse_date(started), interval.parse::<i64>()) else { return Cell::Empty };
    let due = next_due(started, parse_date(last), interval);
    match days_late(due, today) {
        0 if due == today => Cell::from("今天"),
        0 => Cell::from(due.format("%Y-%m-%d").to_string()),
        n => Cell::from(format!("逾期{n}天（应{}）", due.format("%Y-%m-%d"))),
    }
}

/// 结对帮扶台账: the plans in force at some time in `[:from, :to)`, with their visits in it
/// and where each stands today.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("村（社区）", 14.0, "vg.name", Show::Text),
        column("村民小组", 9.0, "g.name", Show::Text),
        column("住址", 26.0, "coalesce(p.address, h.address)", Show::Text),
        column("帮扶对象", 10.0, "coalesce(p.name, hh.name || '户')", Show::Text),
        column("帮扶类别", 12.0, "cp.tag", Show::Label(|s| KnownTag::parse(s).map(KnownTag::label))),
        column("走访周期（天）", 10.0, "cp.interval_days", Show::Int),
        column("结对民警", 10.0, "o.name", Show::Text),
        column("结对志愿者", 10.0, "vo.name", Show::Text),
        column("开始日期", 12.0, "cp.started_on", Show::Date),
        column(
            "期间走访（次）",
            10.0,
            "(SELECT count(*) FROM visit vi WHERE vi.household_id = h.id AND vi.deleted_at IS NULL
               AND (cp.person_id IS NULL OR vi.person_id IS NULL OR vi.person_id = cp.person_id)
               AND vi.visited_on >= :from AND vi.visited_on < :to)",
            Show::Int,
        ),
        column(
            "最近走访",
            12.0,
            "(SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = h.id AND vi.deleted_at IS NULL
               AND (cp.person_id IS NULL OR vi.person_id IS NULL OR vi.person_id = cp.person_id))",
            Show::Date,
        ),
        column(
            "下次应走访",
            16.0,
            "cp.started_on || '|' || coalesce((SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = h.id
               AND vi.deleted_at IS NULL AND (cp.person_id IS NULL OR vi.person_id IS NULL
               OR vi.person_id = cp.person_id)), '') || '|' || cp.interval_days || '|' || coalesce(cp.ended_on, '')",
            Show::With(Kind::Text, due_cell),
        ),
        column(
            "待帮扶需求",
            8.0,
            "(SELECT count(*) FROM care_need n WHERE n.care_plan_id = cp.id AND n.status = 'open'
               AND n.deleted_at IS NULL)",
            Show::Int,
        ),
        column("结束日期", 12.0, "cp.ended_on", Show::Date),
        column("结束原因", 16.0, "cp.end_reason", Show::Text),
        column("备注", 20.0, "cp.notes", Show::Text),
    ],
    from: "FROM care_plan cp
           LEFT JOIN person p ON p.id = cp.person_id
           JOIN household h ON h.id = cp.household_id
           LEFT JOIN person hh ON hh.id = h.head_person_id
           LEFT JOIN village vg ON vg.id = h.village_id
           LEFT JOIN village_group g ON g.id = h.group_id
           LEFT JOIN officer o ON o.id = cp.officer_id
           LEFT JOIN volunteer vo ON vo.id = cp.volunteer_id
           WHERE cp.deleted_at IS NULL AND cp.started_on < :to AND (cp.ended_on IS NULL OR cp.ended_on >= :from)
           ORDER BY vg.name, length(g.name), g.name, h.address, cp.id",
};

/// 帮扶需求台账: the needs found in `[:from, :to)` and the help given.
pub const NEEDS_LEDGER: Ledger = Ledger {
    columns: &[
        column("发现日期", 12.0, "n.found_on", Show::Date),
        column("村（社区）", 14.0, "vg.name", Show::Text),
        column("帮扶对象", 10.0, "coalesce(p.name, hh.name || '户')", Show::Text),
        column("住址", 26.0, "coalesce(p.address, h.address)", Show::Text),
        column("需求类别", 14.0, "n.kind", Show::Label(|s| CareNeedKind::parse(s).map(CareNeedKind::label))),
        column("需求情况", 30.0, "n.description", Show::Text),
        column("状态", 9.0, "n.status", Show::Label(|s| CareNeedStatus::parse(s).map(CareNeedStatus::label))),
        column("帮扶情况", 30.0, "n.help", Show::Text),
        column("办结日期", 12.0, "n.closed_on", Show::Date),
        column(
            "关联代办",
            18.0,
            "(SELECT si.name || '（' || e.applicant_name || '）' FROM errand e
               LEFT JOIN service_item si ON si.id = e.service_item_id WHERE e.id = n.errand_id)",
            Show::Text,
        ),
    ],
    from: "FROM care_need n
           JOIN care_plan cp ON cp.id = n.care_plan_id
           LEFT JOIN person p ON p.id = cp.person_id
           LEFT JOIN household h ON h.id = n.household_id
           LEFT JOIN person hh ON hh.id = h.head_person_id
           LEFT JOIN village vg ON vg.id = h.village_id
           WHERE n.deleted_at IS NULL AND n.found_on >= :from AND n.found_on < :to
           ORDER BY n.found_on, n.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn a_plan_falls_due_is_visited_and_moves_on() {
        let (mut store, _dir) = post();
        let today = store.clock().today();
        let (plan, officer) = store
            .write(|tx| {
                let v = crate::store::place::create_village(
                    tx,
                    crate::model::people::VillageInput { name: "青山村".into(), ..Default::default() },
                )?
                .id;
                let g = crate::store::place::create_group(tx, &v, "3组")?.id;
                let h = crate::store::household::create(
                    tx,
                    crate::model::people::HouseholdInput {
                        village_id: v,
                        group_id: Some(g),
                        house_no: Some("12".into()),
                        ..Default::default()
                    },
                )?;
                let officer = crate::store::place::create_officer(
                    tx,
                    crate::model::people::OfficerInput {
                        name: "李明".into(),
                        role: crate::model::Role::Officer,
                        badge_no: None,
                        phone: None,
                        active: None,
                    },
                )?
                .id;
                let plan = create_plan(
                    tx,
                    CarePlanInput {
                        household_id: Some(h),
                        tag: "独居老人".into(),
                        officer_id: Some(officer.clone()),
                        ..Default::default()
                    },
                )?;
                Ok((plan, officer))
            })
            .unwrap();
        let p = get_plan(store.conn(), &plan, today).unwrap();
        assert_eq!(
            (p.interval_days, p.next_due.as_deref(), p.officer_id.as_deref()),
            (30, Some("2026-11-23"), Some(officer.as_str()))
        );
        let due_only = CarePlanFilter { due_only: Some(true), ..Default::default() };
        assert_eq!(due_facts(store.conn(), today).unwrap().len(), 1);
        assert_eq!(list(store.conn(), &due_only, today).unwrap().total, 1);
        store.write(|tx| visit(tx, &plan, PlanVisit::default())).unwrap();
        let p = get_plan(store.conn(), &plan, today).unwrap();
        assert_eq!((p.last_visit.as_deref(), p.next_due.as_deref()), (Some("2026-11-23"), Some("2026-12-23")));
        // In force but visited today: not due, so neither 今日工作 nor the list of plans due names it.
        assert!(due_facts(store.conn(), today).unwrap().is_empty());
        assert_eq!(list(store.conn(), &due_only, today).unwrap().total, 0);
        assert_eq!(list(store.conn(), &CarePlanFilter::default(), today).unwrap().total, 1);
        let d = detail(store.conn(), &plan, today).unwrap();
        assert_eq!(d.visits[0].notes.as_deref(), Some(ROUTINE_NOTES));
        assert_eq!(d.visits[0].officer_id.as_deref(), Some(officer.as_str()));
        let e = store.write(|tx| end_plan(tx, &plan, None, " ")).unwrap_err();
        assert_eq!(e.field(), Some("reason"));
        store.write(|tx| end_plan(tx, &plan, None, "已搬离")).unwrap();
        assert!(due_facts(store.conn(), today).unwrap().is_empty());
        assert!(store.write(|tx| visit(tx, &plan, PlanVisit::default())).is_err());
    }
}
