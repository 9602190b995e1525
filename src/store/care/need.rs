//! A plan's needs (帮扶需求): found on a visit, followed through their steps until help is given.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::plan::get_plan;
use crate::error::{Error, Result};
use crate::model::care::{CareNeedInput, NeedStep, check_errand_person, need_next};
use crate::model::people::up_to_today;
use crate::model::validate::{required, text};
use crate::model::{CareNeedKind, CareNeedStatus};
use crate::store::write::{date, v};
use crate::store::{Tx, from_row};

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
