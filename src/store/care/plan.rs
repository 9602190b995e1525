//! 结对帮扶 plans: the pairing, the list and detail, and creating, editing and ending a plan.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use super::figures::due_ids;
use super::need::{CareNeed, needs};
use super::{set_intervals, tag_label};
use crate::error::{Error, Result};
use crate::model::care::{CarePlanInput, check_end, check_interval, check_pairing, days_late, interval_for, next_due};
use crate::model::people::up_to_today;
use crate::model::time::parse_date;
use crate::model::validate::{required, tag, text};
use crate::store::household::Visit;
use crate::store::warning::{each, id_list};
use crate::store::write::{date, v};
use crate::store::{Tx, from_row, page_bounds};

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
pub(super) const HOME: &str = "coalesce((SELECT hp.household_id FROM person hp WHERE hp.id = cp.person_id
     AND hp.deleted_at IS NULL AND hp.household_id IS NOT NULL), cp.household_id)";

/// The visits that count for a plan: to its household, and to its person or to nobody in
/// particular (`vi` the visit, `cp` the plan).
pub(super) const VISIT_OF_PLAN: &str =
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
