//! Prevention work (群防群治), one module per aggregate: [`team`]s and [`volunteer`]s,
//! [`patrol`]s with their findings, [`lead`]s, [`hazard`]s, [`outreach`], residents'
//! [`feedback`], and the 五无 villages ([`five_nones`](mod@five_nones)). Each owns its table(s) and queries;
//! the lifecycles and rules come from [`crate::model::prevention`]. This module keeps what
//! they share (reference checks) and the month's figures, which ask each of them.

pub mod feedback;
pub mod five_nones;
pub mod hazard;
pub mod lead;
pub mod outreach;
pub mod patrol;
pub mod team;
pub mod volunteer;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::Serialize;

pub use feedback::{Feedback, answer_feedback, create_feedback, list_feedback};
pub use five_nones::{FiveNonesYear, confirm_five_nones, five_nones};
pub use hazard::{Hazard, create_hazard, get_hazard, hazard_step, list_hazards, pay_reward};
pub use lead::{Lead, advance_lead, create_lead, list_leads};
pub use outreach::{Outreach, OutreachTotal, create_outreach, list_outreach, outreach_totals};
pub use patrol::{Finding, Patrol, create_patrol, list_patrols};
pub use team::{Team, create_team, list_teams};
pub use volunteer::{Volunteer, create_volunteer, end_volunteer, list_volunteers};

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::place;

fn check_village(conn: &Connection, id: Option<&str>) -> Result<()> {
    if let Some(id) = id {
        place::village_name(conn, "village_id", id)?;
    }
    Ok(())
}

fn check_officer(conn: &Connection, id: Option<&str>) -> Result<()> {
    if let Some(id) = id {
        place::get_officer(conn, "officer_id", id)?;
    }
    Ok(())
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn must_exist(conn: &Connection, table: &str, field: &str, label: &str, id: Option<&str>) -> Result<()> {
    match id {
        Some(id) if !exists(conn, table, id)? => {
            Err(Error::validation(field, format!("所选{label}不存在或已删除（{id}）")))
        }
        _ => Ok(()),
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

// ───── monthly figures ─────

/// A month of prevention work in figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreventionMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// 在岗队员（月末）.
    pub active_volunteers: i64,
    /// 巡逻次数.
    pub patrols: i64,
    /// 巡逻时长（小时）.
    pub patrol_hours: f64,
    /// 巡逻发现.
    pub findings: i64,
    /// 接报线索.
    pub leads_received: i64,
    /// 线索转警情/案件.
    pub leads_converted: i64,
    /// 发现隐患.
    pub hazards_found: i64,
    /// 隐患销号.
    pub hazards_closed: i64,
    /// 逾期未整改（月末）.
    pub hazards_overdue: i64,
    /// 发放奖励（分）.
    pub rewards_fen: i64,
    /// 宣传场次.
    pub outreach_sessions: i64,
    /// 宣传受众.
    pub outreach_audience: i64,
    /// 反诈APP注册.
    pub app_registrations: i64,
    /// 收到意见.
    pub feedback_received: i64,
    /// 答复意见.
    pub feedback_answered: i64,
}

/// The month's figures. `first` is the first day of the month.
pub fn month_figures(conn: &Connection, first: NaiveDate) -> Result<PreventionMonth> {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    let (f, n) = (day(first), day(next));
    // Patrol instants are UTC; the month's bounds are Beijing midnights.
    let utc = |d: NaiveDate| stamp(crate::model::time::from_beijing(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let (patrols, minutes, findings) = patrol::month(conn, &utc(first), &utc(next))?;
    let (leads_received, leads_converted) = lead::month(conn, &f, &n)?;
    let (hazards_found, hazards_closed, hazards_overdue, rewards_fen) = hazard::month(conn, &f, &n, &day(last))?;
    let (outreach_sessions, outreach_audience, app_registrations) = outreach::month(conn, &f, &n)?;
    let (feedback_received, feedback_answered) = feedback::month(conn, &f, &n)?;
    Ok(PreventionMonth {
        month: first.format("%Y-%m").to_string(),
        active_volunteers: volunteer::active_on(conn, last)?,
        patrols,
        patrol_hours: (minutes / 6.0).round() / 10.0,
        findings,
        leads_received,
        leads_converted,
        hazards_found,
        hazards_closed,
        hazards_overdue,
        rewards_fen,
        outreach_sessions,
        outreach_audience,
        app_registrations,
        feedback_received,
        feedback_answered,
    })
}
