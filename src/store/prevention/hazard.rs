//! Hazards (隐患清单 + 动态销号): owns the `hazard` table. A hazard moves reported →
//! verified → fixed → closed (回头看销号), or is found not real; a reward may be paid once
//! it is found real. The lifecycle and its dates are [`crate::model::prevention`]'s.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_village, day, must_exist};
use crate::error::{Error, Result};
use crate::model::day_plan::HazardOpen;
use crate::model::people::{opt_date, opt_phone, up_to_today};
use crate::model::prevention::{
    HazardInput, HazardStep, check_hazard_deadline, check_recheck_on, check_reward, check_step_on, hazard_next,
    hazard_overdue, reward_allowed,
};
use crate::model::sheet::{Cell, Kind};
use crate::model::time::parse_date;
use crate::model::validate::{required, text};
use crate::model::{HazardGrade, HazardKind, HazardStatus};
use crate::store::day_plan::place_of;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, opt_date as date_value, v};
use crate::store::{Tx, from_row};

/// A hazard.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hazard {
    /// Row id.
    pub id: String,
    /// 发现日期.
    pub found_on: String,
    /// 发现人 (a volunteer).
    pub found_by_volunteer_id: Option<String>,
    /// 发现人姓名.
    pub found_by_name: Option<String>,
    /// 地点.
    pub place: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 类别.
    pub kind: HazardKind,
    /// 等级.
    pub grade: HazardGrade,
    /// 描述.
    pub description: String,
    /// 整改责任人.
    pub owner: Option<String>,
    /// 责任人电话.
    pub owner_phone: Option<String>,
    /// 整改期限.
    pub deadline: Option<String>,
    /// 状态.
    pub status: HazardStatus,
    /// 逾期未整改.
    pub overdue: bool,
    /// 核实日期.
    pub verified_on: Option<String>,
    /// 整改日期.
    pub fixed_on: Option<String>,
    /// 整改情况.
    pub fix_note: Option<String>,
    /// 回头看日期.
    pub recheck_on: Option<String>,
    /// 回头看情况.
    pub recheck_note: Option<String>,
    /// 不实原因.
    pub rejected_reason: Option<String>,
    /// 奖励（分）.
    pub reward_fen: i64,
    /// 奖励发放日期.
    pub reward_paid_on: Option<String>,
}

impl Hazard {
    fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Hazard> {
        let status: HazardStatus = r.get("status")?;
        let deadline: Option<String> = r.get("deadline")?;
        Ok(from_row!(r => Hazard {
            id, found_on, found_by_volunteer_id, found_by_name, place, village_id, kind, grade, description, owner,
            owner_phone, verified_on, fixed_on, fix_note, recheck_on, recheck_note, rejected_reason, reward_fen,
            reward_paid_on, deadline, status,
            overdue: hazard_overdue(status, deadline.as_deref().and_then(parse_date), today),
        }))
    }
}

/// Records a hazard as reported.
pub fn create_hazard(tx: &mut Tx<'_>, i: HazardInput) -> Result<String> {
    let found = up_to_today("found_on", "发现日期", i.found_on.as_deref(), tx.today())?;
    let deadline = opt_date("deadline", "整改期限", i.deadline.as_deref())?;
    check_hazard_deadline(found, deadline)?;
    must_exist(tx.conn(), "volunteer", "found_by_volunteer_id", "队员", i.found_by_volunteer_id.as_deref())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    let id = tx.new_id();
    tx.insert(
        "hazard",
        &id,
        &[
            ("found_on", date(found)),
            ("found_by_volunteer_id", v(i.found_by_volunteer_id)),
            ("found_by_name", v(text("found_by_name", "发现人", i.found_by_name.as_deref(), 30)?)),
            ("place", v(required("place", "隐患地点", &i.place, 200)?)),
            ("village_id", v(i.village_id)),
            ("kind", v(i.kind.unwrap_or(HazardKind::Other))),
            ("grade", v(i.grade.unwrap_or(HazardGrade::General))),
            ("description", v(required("description", "隐患描述", &i.description, 2000)?)),
            ("owner", v(text("owner", "整改责任人", i.owner.as_deref(), 40)?)),
            ("owner_phone", v(opt_phone("owner_phone", i.owner_phone.as_deref())?)),
            ("deadline", date_value(deadline)),
            ("status", v(HazardStatus::Reported)),
        ],
    )?;
    Ok(id)
}

const HAZARD_SELECT: &str = "SELECT h.id, h.found_on, h.found_by_volunteer_id,
        coalesce(h.found_by_name, (SELECT name FROM volunteer WHERE id = h.found_by_volunteer_id)) AS found_by_name,
        h.place, h.village_id, h.kind, h.grade, h.description, h.owner, h.owner_phone, h.deadline, h.status,
        h.verified_on, h.fixed_on, h.fix_note, h.recheck_on, h.recheck_note, h.rejected_reason, h.reward_fen,
        h.reward_paid_on
     FROM hazard h";

/// One hazard.
pub fn get_hazard(conn: &Connection, id: &str, today: NaiveDate) -> Result<Hazard> {
    conn.prepare_cached(&format!("{HAZARD_SELECT} WHERE h.id = ?1 AND h.deleted_at IS NULL"))?
        .query_row([id], |r| Hazard::from_row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("隐患", id))
}

/// Hazards, newest first; `overdue_only` keeps those open past their deadline.
pub fn list_hazards(
    conn: &Connection,
    status: Option<HazardStatus>,
    village_id: Option<&str>,
    overdue_only: bool,
    today: NaiveDate,
) -> Result<Vec<Hazard>> {
    let sql = format!(
        "{HAZARD_SELECT} WHERE h.deleted_at IS NULL AND (?1 IS NULL OR h.status = ?1) AND (?2 IS NULL OR h.village_id = ?2)
           AND (?3 = 0 OR (h.status IN ('reported', 'verified') AND h.deadline < ?4))
         ORDER BY CASE WHEN ?3 = 1 THEN h.deadline END, h.found_on DESC, h.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params![status, village_id, overdue_only, day(today)], |r| Hazard::from_row(r, today))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Hazards to verify, fix or recheck, with their village and place (今日工作).
pub fn open_for_plan(conn: &Connection) -> Result<Vec<HazardOpen>> {
    let rows = conn
        .prepare_cached(
            "SELECT h.id, h.description, h.status, h.deadline, h.fixed_on, h.village_id, vg.name AS village_name,
                    NULL AS group_name, h.place AS address
             FROM hazard h LEFT JOIN village vg ON vg.id = h.village_id
             WHERE h.deleted_at IS NULL AND h.status IN ('reported', 'verified', 'fixed')",
        )?
        .query_map([], |r| {
            Ok(HazardOpen {
                id: r.get("id")?,
                description: r.get("description")?,
                status: r.get("status")?,
                deadline: r.get::<_, Option<String>>("deadline")?.as_deref().and_then(parse_date),
                fixed_on: r.get::<_, Option<String>>("fixed_on")?.as_deref().and_then(parse_date),
                place: place_of(r)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A step of a hazard's life, with what that step records.
pub fn hazard_step(
    tx: &mut Tx<'_>,
    id: &str,
    step: HazardStep,
    on: Option<NaiveDate>,
    note: Option<&str>,
    deadline: Option<NaiveDate>,
    owner: Option<&str>,
) -> Result<()> {
    let today = tx.today();
    let h = get_hazard(tx.conn(), id, today)?;
    let to = hazard_next(h.status, step)?;
    let on = on.unwrap_or(today);
    check_step_on(on, &h.found_on, today)?;
    let mut cols: Vec<(&'static str, Value)> = vec![("status", v(to))];
    match step {
        HazardStep::Verify => {
            cols.push(("verified_on", date(on)));
            if let Some(d) = deadline {
                if d < on {
                    return Err(Error::validation("deadline", "整改期限不能早于核实日期"));
                }
                cols.push(("deadline", date(d)));
            }
            if let Some(o) = text("owner", "整改责任人", owner, 40)? {
                cols.push(("owner", v(o)));
            }
        }
        HazardStep::Reject => {
            let reason = text("note", "不实原因", note, 1000)?
                .ok_or_else(|| Error::validation("note", "认定隐患不实须填写原因"))?;
            cols.push(("rejected_reason", v(reason)));
        }
        HazardStep::Fix => {
            let n = text("note", "整改情况", note, 2000)?.ok_or_else(|| Error::validation("note", "请填写整改情况"))?;
            cols.push(("fixed_on", date(on)));
            cols.push(("fix_note", v(n)));
        }
        HazardStep::Recheck => {
            check_recheck_on(on, h.fixed_on.as_deref())?;
            let n =
                text("note", "回头看情况", note, 2000)?.ok_or_else(|| Error::validation("note", "请填写回头看情况"))?;
            cols.push(("recheck_on", date(on)));
            cols.push(("recheck_note", v(n)));
        }
    }
    tx.update("hazard", id, &cols)?;
    Ok(())
}

/// Records the reward (网格红包) paid for a hazard found to be real.
pub fn pay_reward(tx: &mut Tx<'_>, id: &str, reward_fen: i64, on: Option<NaiveDate>) -> Result<()> {
    let h = get_hazard(tx.conn(), id, tx.today())?;
    reward_allowed(h.status)?;
    check_reward(h.reward_paid_on.as_deref(), reward_fen)?;
    let on = on.unwrap_or(tx.today());
    tx.update("hazard", id, &[("reward_fen", v(reward_fen)), ("reward_paid_on", date(on))])?;
    Ok(())
}

/// A month's hazards (`[from, to)` dates, `last` its last day): found, closed, overdue at
/// the month's end, and rewards paid (fen).
pub(super) fn month(conn: &Connection, from: &str, to: &str, last: &str) -> Result<(i64, i64, i64, i64)> {
    let overdue: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM hazard WHERE deleted_at IS NULL AND found_on <= ?1 AND deadline < ?1
               AND (status IN ('reported', 'verified') OR (status IN ('fixed', 'closed') AND fixed_on > ?1))",
        )?
        .query_row([last], |r| r.get(0))?;
    let (found, closed, rewards): (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT coalesce(sum(found_on >= ?1 AND found_on < ?2), 0) AS found,
                    coalesce(sum(recheck_on >= ?1 AND recheck_on < ?2), 0) AS closed,
                    coalesce(sum(CASE WHEN reward_paid_on >= ?1 AND reward_paid_on < ?2 THEN reward_fen END), 0)
                      AS rewards
             FROM hazard WHERE deleted_at IS NULL",
        )?
        .query_row(params![from, to], |r| Ok((r.get("found")?, r.get("closed")?, r.get("rewards")?)))?;
    Ok((found, closed, overdue, rewards))
}

/// “逾期” or “否” for a stored `status|deadline` on `today` ([`hazard_overdue`]).
fn overdue_cell(status_deadline: Option<String>, today: NaiveDate) -> Cell {
    let Some(s) = status_deadline else { return Cell::Empty };
    let (status, deadline) = s.split_once('|').unwrap_or((&s, ""));
    match HazardStatus::parse(status) {
        Some(st) => Cell::from(if hazard_overdue(st, parse_date(deadline), today) { "逾期" } else { "否" }),
        None => Cell::Empty,
    }
}

/// 隐患排查整改台账: the hazards found in `[:from, :to)`, with where each stands today
/// (隐患清单 + 动态销号).
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("发现日期", 12.0, "h.found_on", Show::Date),
        column("发现人", 10.0, "coalesce(h.found_by_name, vo.name)", Show::Text),
        column("隐患地点", 20.0, "h.place", Show::Text),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("隐患类别", 12.0, "h.kind", Show::Label(|s| HazardKind::parse(s).map(HazardKind::label))),
        column("等级", 6.0, "h.grade", Show::Label(|s| HazardGrade::parse(s).map(HazardGrade::label))),
        column("隐患描述", 30.0, "h.description", Show::Text),
        column("整改责任人", 10.0, "h.owner", Show::Text),
        column("责任人电话", 14.0, "h.owner_phone", Show::Text),
        column("整改期限", 12.0, "h.deadline", Show::Date),
        column("状态", 10.0, "h.status", Show::Label(|s| HazardStatus::parse(s).map(HazardStatus::label))),
        column("是否逾期", 9.0, "h.status || '|' || coalesce(h.deadline, '')", Show::With(Kind::Text, overdue_cell)),
        column("核实日期", 12.0, "h.verified_on", Show::Date),
        column("整改日期", 12.0, "h.fixed_on", Show::Date),
        column("整改情况", 22.0, "h.fix_note", Show::Text),
        column("回头看日期", 12.0, "h.recheck_on", Show::Date),
        column("回头看情况", 22.0, "h.recheck_note", Show::Text),
        column("不实原因", 18.0, "h.rejected_reason", Show::Text),
        column("奖励金额（元）", 12.0, "CASE WHEN h.reward_fen > 0 THEN h.reward_fen END", Show::Money),
        column("奖励发放日期", 12.0, "h.reward_paid_on", Show::Date),
        crate::store::attachment::photo_column!("hazard", "h"),
    ],
    from: "FROM hazard h
           LEFT JOIN volunteer vo ON vo.id = h.found_by_volunteer_id
           LEFT JOIN village vg ON vg.id = h.village_id
           WHERE h.deleted_at IS NULL AND h.found_on >= :from AND h.found_on < :to
           ORDER BY h.found_on, h.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn a_hazard_is_fixed_then_rechecked_and_its_reward_paid_once() {
        let (mut store, _dir) = post();
        let input = HazardInput {
            place: "青山村3组桥头".into(),
            description: "护栏松动".into(),
            deadline: Some("2026-11-21".into()),
            found_on: Some("2026-11-20".into()),
            ..Default::default()
        };
        let id = store.write(|tx| create_hazard(tx, input)).unwrap();
        let today = store.clock().today();
        assert!(get_hazard(store.conn(), &id, today).unwrap().overdue);
        assert_eq!(list_hazards(store.conn(), None, None, true, today).unwrap().len(), 1);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        store
            .write(|tx| hazard_step(tx, &id, HazardStep::Fix, Some(d("2026-11-22")), Some("已加固"), None, None))
            .unwrap();
        let e = store
            .write(|tx| hazard_step(tx, &id, HazardStep::Recheck, Some(d("2026-11-21")), Some("牢固"), None, None))
            .unwrap_err();
        assert_eq!(e.to_string(), "回头看日期不能早于整改日期");
        store.write(|tx| hazard_step(tx, &id, HazardStep::Recheck, None, Some("牢固"), None, None)).unwrap();
        store.write(|tx| pay_reward(tx, &id, 5000, None)).unwrap();
        assert!(store.write(|tx| pay_reward(tx, &id, 5000, None)).is_err());
        let h = get_hazard(store.conn(), &id, today).unwrap();
        assert_eq!((h.status, h.reward_fen, h.overdue), (HazardStatus::Closed, 5000, false));
        assert_eq!(month(store.conn(), "2026-11-01", "2026-12-01", "2026-11-30").unwrap(), (1, 1, 0, 5000));
    }
}
