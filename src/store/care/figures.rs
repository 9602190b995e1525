//! What falls due (the day plan's visits) and the month's 结对帮扶 figures.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::plan::{HOME, VISIT_OF_PLAN};
use crate::error::Result;
use crate::model::CareNeedStatus;
use crate::model::care::{CareMonth, CareNeedFact, CarePlanFact, care_month, next_due};
use crate::model::day_plan::CareDue;
use crate::model::time::parse_date;
use crate::store::day_of;
use crate::store::day_plan::place_of;
use crate::store::warning::{each, id_list};

/// The plans in force whose visit is due on `today` ([`next_due`]), judged from the plan and
/// its last visit alone. Naming and placing a plan takes a lookup in six tables; made for
/// every plan in force (1,134 at 5,000 households) it was most of 今日工作's time, so the
/// lists of plans due make it only for these (169 on that demo's day).
pub(super) fn due_ids(conn: &Connection, today: NaiveDate) -> Result<Vec<String>> {
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
