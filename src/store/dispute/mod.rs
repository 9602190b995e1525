//! Disputes (矛盾纠纷): intake and the case file. The aggregate is split by table:
//! this module owns `dispute` (intake, changes, referral, withdrawal, the list and the case
//! file); [`party`], [`mediation`], [`agreement`](mod@agreement) and [`follow_up`] own the others.
//!
//! The rules themselves are in [`crate::model::dispute`]; these modules gather the facts
//! they look at, ask them, and write through [`Tx`]. Status moves only through
//! [`next`], so every path obeys the same state machine.

pub mod agreement;
pub mod follow_up;
pub mod mediation;
pub mod party;

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use agreement::{Agreement, OverdueFulfilment, check_agreement, draft_of, finalise, overdue_fulfilments};
pub use agreement::{agreement, record_fulfilment, save_agreement};
pub use follow_up::{FollowUp, FollowUpDue, follow_ups_due, record_follow_up};
pub use mediation::{Mediation, add_mediation, set_round_mode};
pub use party::{Party, add_party, delete_party, parties, party_input, update_party};

use crate::error::{Error, MissingField, Result};
use crate::model::calendar::WorkCalendar;
use crate::model::day_plan::PlanPlace;
use crate::model::dispute::{
    AgreementInput, DisputeAction, DisputeEvent, DisputeInput, DisputeStored, Progress, SessionDue, ValidDispute,
    actions, check_editable, check_exclusions, check_fixed_after_session, next, next_levels, next_session_due,
};
use crate::model::people::{opt_date as parse_opt_date, up_to_today};
use crate::model::time::parse_date;
use crate::model::validate::{required, text};
use crate::model::warning::Risk;
use crate::model::{
    AgreementKind, DisputeKind, DisputeSource, DisputeStatus, Exclusion, Grade, MediationLevel, MediationOutcome,
    RiskLevel, SecurityOffence, Track,
};
use crate::store::day_plan::place_of;
use crate::store::from_row;
use crate::store::incident::IncidentRef;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::place::{get_officer, village_name, work_calendar};
use crate::store::warning::{each, id_list};
use crate::store::write::{date, opt_date, v};
use crate::store::{Tx, incident, json_list, list_json, page_bounds, warning};

// ───── what the screens receive ─────

/// A step the user may take next, with its label.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActionInfo {
    /// The step.
    pub action: DisputeAction,
    /// What the button says.
    pub label: &'static str,
}

/// A dispute with its whole case file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dispute {
    /// Row id.
    pub id: String,
    /// 受理日期.
    pub received_on: String,
    /// 来源.
    pub source: DisputeSource,
    /// 纠纷类型.
    pub kind: DisputeKind,
    /// 纠纷类型 in Chinese.
    pub kind_label: &'static str,
    /// 等级.
    pub grade: Grade,
    /// 调解类型.
    pub track: Track,
    /// 状态.
    pub status: DisputeStatus,
    /// 状态 in Chinese.
    pub status_label: &'static str,
    /// 纠纷名称.
    pub title: String,
    /// 涉及金额 (fen).
    pub amount_involved: i64,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 村名.
    pub village_name: Option<String>,
    /// 关联警情.
    pub incident_id: Option<String>,
    /// 承办民警.
    pub officer_id: Option<String>,
    /// 承办民警姓名.
    pub officer_name: Option<String>,
    /// 主要事实.
    pub facts: Option<String>,
    /// 争议事项.
    pub matters: Option<String>,
    /// 各方责任.
    pub responsibility: Option<String>,
    /// 违法行为.
    pub offence: Option<SecurityOffence>,
    /// 不适用调解情形.
    pub exclusions: Vec<Exclusion>,
    /// 案件发生时间 (RFC 3339).
    pub occurred_at: Option<String>,
    /// 地点.
    pub place: Option<String>,
    /// 起因.
    pub cause: Option<String>,
    /// 经过.
    pub course: Option<String>,
    /// 情节.
    pub circumstances: Option<String>,
    /// 结果.
    pub result: Option<String>,
    /// 鉴定意见送达日期.
    pub assessment_on: Option<String>,
    /// 移交去向.
    pub referred_to: Option<String>,
    /// 撤回原因.
    pub withdraw_reason: Option<String>,
    /// 结束日期 (closed, referred or withdrawn).
    pub closed_on: Option<String>,
    /// 当事人.
    pub parties: Vec<Party>,
    /// 调解经过, earliest first.
    pub mediations: Vec<Mediation>,
    /// 调解协议.
    pub agreement: Option<Agreement>,
    /// 回访.
    pub follow_ups: Vec<FollowUp>,
    /// What the agreement still lacks (empty once finalised or when no agreement is due).
    pub missing: Vec<MissingField>,
    /// The steps open now.
    pub next_actions: Vec<ActionInfo>,
    /// 调解层级 the next session may be held at, lowest first (none below the highest held;
    /// 治安调解 only 联调), so the form offers only what the core will take.
    pub mediation_levels: Vec<MediationLevel>,
    /// The agreement's draft fields while it is not yet in effect: the saved draft, or one
    /// started from the settled session (its mediators, recorder and presider), which the
    /// editor starts from.
    pub agreement_draft: Option<AgreementInput>,
    /// 关联警情: the incident the dispute names and those that name the dispute.
    pub incidents: Vec<IncidentRef>,
    /// 风险预警: the level and its reasons (computed now, from the records as they are).
    pub risk: Risk,
    /// 治安调解: when the next session is due, while one may still be held.
    pub session_due: Option<SessionDueInfo>,
}

/// When the next 治安调解 session is due ([`crate::model::dispute::next_session_due`]).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionDueInfo {
    /// Which session: 1 or 2.
    pub nth: u8,
    /// 最迟日期.
    pub due_on: String,
    /// In words: “第一次治安调解应在受理（2026-12-30）后3个工作日内进行，最迟2027-01-04”.
    pub text: String,
    /// Set when the count ran through a year whose calendar was not entered: “2027
    /// 年节假日安排尚未录入，期限按周一至周五计算”.
    pub calendar_notice: Option<String>,
}

/// One row of the disputes list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DisputeRow {
    /// Row id.
    pub id: String,
    /// 受理日期.
    pub received_on: String,
    /// 纠纷名称.
    pub title: String,
    /// 类型.
    pub kind: DisputeKind,
    /// 调解类型.
    pub track: Track,
    /// 状态.
    pub status: DisputeStatus,
    /// 状态 in Chinese.
    pub status_label: &'static str,
    /// 村名.
    pub village_name: Option<String>,
    /// 承办民警.
    pub officer_name: Option<String>,
    /// 当事人姓名, joined with 、.
    pub party_names: String,
    /// 涉及金额 (fen).
    pub amount_involved: i64,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 预警等级 (an open dispute at risk).
    pub risk_level: Option<RiskLevel>,
    /// 预警等级 in Chinese.
    pub risk_level_label: Option<&'static str>,
    /// The risk's points.
    pub risk_points: u32,
}

/// How the disputes list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DisputeSort {
    /// Newest intake first.
    #[default]
    Received,
    /// The highest warning first (then the most points, the oldest intake).
    Risk,
}

/// A page of disputes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DisputePage {
    /// Disputes matching the filter.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page, newest intake first.
    pub items: Vec<DisputeRow>,
}

/// Filters for the disputes list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct DisputeFilter {
    /// Only this status.
    pub status: Option<DisputeStatus>,
    /// Only this kind.
    pub kind: Option<DisputeKind>,
    /// Only this village.
    pub village_id: Option<String>,
    /// Only this track.
    pub track: Option<Track>,
    /// Received on or after.
    pub received_from: Option<String>,
    /// Received on or before.
    pub received_to: Option<String>,
    /// Words in the title.
    pub text: Option<String>,
    /// Only disputes this resident is a party to.
    pub person_id: Option<String>,
    /// Only disputes a member of this household is a party to.
    pub household_id: Option<String>,
    /// Only open disputes at this warning level.
    pub level: Option<RiskLevel>,
    /// Order (default: newest intake first).
    pub sort: Option<DisputeSort>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

// ───── reading ─────

/// What the rules need to know about a dispute.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub(crate) status: DisputeStatus,
    pub(crate) track: Track,
    pub(crate) received_on: NaiveDate,
    pub(crate) assessment_on: Option<NaiveDate>,
    pub(crate) exclusions: Vec<Exclusion>,
    /// An agreement took effect (it stays when mediation starts again).
    pub(crate) agreement_finalised: bool,
}

fn day(s: Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(parse_date)
}

fn exclusions(r: &Row<'_>) -> rusqlite::Result<Vec<Exclusion>> {
    Ok(json_list(r.get("exclusions")?).iter().filter_map(|e| Exclusion::parse(e)).collect())
}

impl State {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<State> {
        Ok(State {
            status: r.get("status")?,
            track: r.get("track")?,
            received_on: day(r.get("received_on")?).unwrap_or_default(),
            assessment_on: day(r.get("assessment_on")?),
            exclusions: exclusions(r)?,
            agreement_finalised: r.get("agreement_finalised")?,
        })
    }

    /// What the track and date rules compare an edit with.
    fn stored(&self, sessions_held: bool) -> DisputeStored {
        DisputeStored {
            track: self.track,
            received_on: self.received_on,
            assessment_on: self.assessment_on,
            sessions_held,
        }
    }
}

pub(crate) fn state(conn: &Connection, id: &str) -> Result<State> {
    conn.prepare_cached(
        "SELECT status, track, received_on, assessment_on, exclusions,
                EXISTS (SELECT 1 FROM agreement a WHERE a.dispute_id = dispute.id AND a.deleted_at IS NULL
                        AND a.finalised_at IS NOT NULL) AS agreement_finalised
         FROM dispute WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], State::from_row)
    .optional()?
    .ok_or_else(|| Error::not_found("纠纷", id))
}

/// The columns of `dispute` a form edits (the names of [`DisputeInput`]'s fields).
const INPUT_COLS: &str = "d.received_on, d.source, d.kind, d.grade, d.track, d.title, d.amount_involved, d.village_id,
    d.incident_id, d.officer_id, d.facts, d.matters, d.responsibility, d.offence, d.exclusions, d.occurred_at,
    d.place, d.cause, d.course, d.circumstances, d.result, d.assessment_on";

fn input_from_row(r: &Row<'_>) -> rusqlite::Result<DisputeInput> {
    Ok(from_row!(r => DisputeInput {
        received_on, source, kind, grade, track, title, amount_involved, village_id, incident_id, officer_id,
        facts, matters, responsibility, offence, occurred_at, place, cause, course, circumstances, result,
        assessment_on,
        exclusions: exclusions(r)?,
        parties: vec![],
    }))
}

/// The dispute's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str) -> Result<DisputeInput> {
    conn.prepare_cached(&format!("SELECT {INPUT_COLS} FROM dispute d WHERE d.id = ?1 AND d.deleted_at IS NULL"))?
        .query_row([id], input_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("纠纷", id))
}

impl Dispute {
    /// The dispute's own row; the case file's lists are filled in by [`get`].
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Dispute> {
        let i = input_from_row(r)?;
        let kind: DisputeKind = r.get("kind")?;
        let status: DisputeStatus = r.get("status")?;
        Ok(from_row!(r => Dispute {
            id, received_on, source, kind, grade, track, status, amount_involved, village_name, officer_name,
            referred_to, withdraw_reason, closed_on,
            kind_label: kind.label(),
            status_label: status.label(),
            title: i.title,
            village_id: i.village_id,
            incident_id: i.incident_id,
            officer_id: i.officer_id,
            facts: i.facts,
            matters: i.matters,
            responsibility: i.responsibility,
            offence: i.offence,
            exclusions: i.exclusions,
            occurred_at: i.occurred_at,
            place: i.place,
            cause: i.cause,
            course: i.course,
            circumstances: i.circumstances,
            result: i.result,
            assessment_on: i.assessment_on,
            parties: vec![],
            mediations: vec![],
            agreement: None,
            follow_ups: vec![],
            missing: vec![],
            next_actions: vec![],
            mediation_levels: vec![],
            agreement_draft: None,
            incidents: vec![],
            risk: Risk::default(),
            session_due: None,
        }))
    }
}

/// A dispute with its whole case file, as of `today`.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<Dispute> {
    let mut d = conn
        .prepare_cached(&format!(
            "SELECT d.id, d.status, {INPUT_COLS}, v.name AS village_name, o.name AS officer_name, d.referred_to,
                    d.withdraw_reason, d.closed_on
             FROM dispute d LEFT JOIN village v ON v.id = d.village_id
             LEFT JOIN officer o ON o.id = d.officer_id
             WHERE d.id = ?1 AND d.deleted_at IS NULL"
        ))?
        .query_row([id], Dispute::from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("纠纷", id))?;
    d.parties = parties(conn, id, today)?;
    d.mediations = mediation::mediations(conn, id)?;
    d.agreement = agreement(conn, id)?;
    d.follow_ups = follow_up::follow_ups(conn, id)?;
    d.mediation_levels = next_levels(d.track, d.mediations.iter().map(|m| m.level).max());
    // A draft while none took effect, and again when mediation settled anew after a
    // follow-up found the agreement in effect did not hold.
    let saved = d.agreement.as_ref().filter(|a| a.finalised_at.is_none());
    if saved.is_some() || d.agreement.is_none() || d.status == DisputeStatus::Agreed {
        d.agreement_draft = Some(agreement::draft_from(saved, &d.mediations, d.track));
    }
    d.incidents = incident::linked_to_dispute(conn, id, d.incident_id.as_deref())?;
    if matches!(d.status, DisputeStatus::Agreed) {
        d.missing = check_agreement(conn, id, today)?.1;
    }
    let progress = Progress {
        follow_up_pending: d.follow_ups.iter().any(|f| f.done_on.is_none()),
        agreement_finalised: state(conn, id)?.agreement_finalised,
    };
    d.next_actions =
        actions(d.status, progress).into_iter().map(|action| ActionInfo { action, label: action.label() }).collect();
    d.risk = warning::risk_of(conn, id, today)?;
    if d.track == Track::Security && d.next_actions.iter().any(|a| a.action == DisputeAction::Mediate) {
        d.session_due = session_due(conn, id, &work_calendar(conn)?)?;
    }
    Ok(d)
}

/// When the next 治安调解 session of dispute `id` is due, counted on `cal`; `None` once
/// two were held.
pub fn session_due(conn: &Connection, id: &str, cal: &WorkCalendar) -> Result<Option<SessionDueInfo>> {
    Ok(next_due(conn, id, cal)?.map(|due| {
        let what = if due.nth == 1 { "第一次治安调解" } else { "第二次治安调解" };
        let days = if due.nth == 1 { 3 } else { 7 };
        SessionDueInfo {
            nth: due.nth,
            due_on: due.deadline.on.to_string(),
            text: format!("{what}应在{}（{}）后{days}个工作日内进行，最迟{}", due.from_what, due.from, due.deadline.on),
            calendar_notice: due.deadline.notice(),
        }
    }))
}

fn next_due(conn: &Connection, id: &str, cal: &WorkCalendar) -> Result<Option<SessionDue>> {
    let st = state(conn, id)?;
    let held: Vec<NaiveDate> = mediation::mediations(conn, id)?.iter().filter_map(|m| parse_date(&m.held_on)).collect();
    Ok(next_session_due(&held, st.received_on, st.assessment_on, cal))
}

/// The years without a calendar that the open 治安调解 disputes' next deadlines run into.
pub fn session_due_unentered(conn: &Connection) -> Result<Vec<i32>> {
    let cal = work_calendar(conn)?;
    let ids = conn
        .prepare_cached(
            "SELECT id FROM dispute WHERE deleted_at IS NULL AND track = 'security'
               AND status IN ('registered', 'mediating')",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut years = Vec::new();
    for id in ids {
        if let Some(due) = next_due(conn, &id, &cal)? {
            years.extend(due.deadline.unentered);
        }
    }
    years.sort_unstable();
    years.dedup();
    Ok(years)
}

/// Where a visit about a dispute (`d`) goes: the home of its first party who is a registered
/// resident, else the dispute's village. Joins `ph` (that household), `pv` (the village) and
/// `pg` (the 组); [`PLACE_COLUMNS`] names them for [`crate::store::day_plan::place_of`].
pub(crate) const PARTY_HOME_JOINS: &str = "LEFT JOIN household ph ON ph.id = (SELECT pp.household_id FROM party pa
       JOIN person pp ON pp.id = pa.person_id
       WHERE pa.dispute_id = d.id AND pa.deleted_at IS NULL AND pp.deleted_at IS NULL AND pp.household_id IS NOT NULL
       ORDER BY pa.sort, pa.id LIMIT 1)
     LEFT JOIN village pv ON pv.id = coalesce(ph.village_id, d.village_id)
     LEFT JOIN village_group pg ON pg.id = ph.group_id";

/// The place columns of [`PARTY_HOME_JOINS`].
pub(crate) const PLACE_COLUMNS: &str = "pv.id AS village_id, pv.name AS village_name, pg.name AS group_name,
     coalesce(ph.address, (SELECT pa.address FROM party pa WHERE pa.dispute_id = d.id AND pa.deleted_at IS NULL
       AND pa.address IS NOT NULL ORDER BY pa.sort, pa.id LIMIT 1)) AS address";

/// Where a visit about each dispute in `ids` goes ([`PARTY_HOME_JOINS`]), by dispute id.
pub(crate) fn homes(conn: &Connection, ids: &[String]) -> Result<HashMap<String, PlanPlace>> {
    let sql = format!(
        "SELECT d.id, {PLACE_COLUMNS} FROM dispute d {PARTY_HOME_JOINS}
         WHERE d.id IN {}",
        each(1)
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([id_list(ids)], |r| Ok((r.get::<_, String>("id")?, place_of(r)?)))?
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    Ok(rows)
}

/// The parties' names joined with 、, as a column of a query over `dispute d`.
const PARTY_NAMES: &str = "(SELECT group_concat(name, '、') FROM
    (SELECT p.name FROM party p WHERE p.dispute_id = d.id AND p.deleted_at IS NULL ORDER BY p.sort, p.id))";

impl DisputeRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<DisputeRow> {
        let status: DisputeStatus = r.get("status")?;
        Ok(from_row!(r => DisputeRow {
            id, received_on, title, kind, track, status, village_name, officer_name, amount_involved,
            agreement_number,
            status_label: status.label(),
            party_names: r.get::<_, Option<String>>("party_names")?.unwrap_or_default(),
            risk_level: None,
            risk_level_label: None,
            risk_points: 0,
        }))
    }
}

/// A row of the list, without its risk, as a query over `dispute d`.
fn row_sql() -> String {
    format!(
        "SELECT d.id, d.received_on, d.title, d.kind, d.track, d.status, v.name AS village_name,
                o.name AS officer_name, {PARTY_NAMES} AS party_names, d.amount_involved,
                (SELECT a.number FROM agreement a WHERE a.dispute_id = d.id AND a.deleted_at IS NULL
                 ORDER BY a.finalised_at IS NULL, a.finalised_at DESC, a.id DESC LIMIT 1) AS agreement_number
         FROM dispute d LEFT JOIN village v ON v.id = d.village_id LEFT JOIN officer o ON o.id = d.officer_id"
    )
}

/// A page of disputes as of `today`, newest intake first, or the highest warning first;
/// each row with its warning level. Sorting or filtering by level reads `judged`, the
/// judgement of every open dispute ([`warning::judged`]).
pub fn list(
    conn: &Connection,
    f: &DisputeFilter,
    today: NaiveDate,
    judged: impl FnOnce() -> Result<std::sync::Arc<Vec<warning::Warning>>>,
) -> Result<DisputePage> {
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let from = parse_opt_date("received_from", "受理日期（起）", f.received_from.as_deref())?.map(|d| d.to_string());
    let to = parse_opt_date("received_to", "受理日期（止）", f.received_to.as_deref())?.map(|d| d.to_string());
    let words = text("text", "关键词", f.text.as_deref(), 40)?;
    let (person, household) = crate::store::search::check_involved(conn, &f.person_id, &f.household_id)?;
    let filter = format!(
        "d.deleted_at IS NULL
        AND (?1 IS NULL OR d.status = ?1) AND (?2 IS NULL OR d.kind = ?2)
        AND (?3 IS NULL OR d.village_id = ?3) AND (?4 IS NULL OR d.track = ?4)
        AND (?5 IS NULL OR d.received_on >= ?5) AND (?6 IS NULL OR d.received_on <= ?6)
        AND (?7 IS NULL OR instr(d.title, ?7) > 0) AND {}",
        crate::store::search::involving("dispute", "d", 8, 9, person.is_some(), household.is_some())
    );
    let args = params![f.status, f.kind, f.village_id, f.track, from, to, words, person, household];
    let by_risk = f.sort == Some(DisputeSort::Risk);
    let (total, mut items) = if f.level.is_none() && !by_risk {
        let total: i64 = conn
            .prepare_cached(&format!("SELECT count(*) FROM dispute d WHERE {filter}"))?
            .query_row(args, |r| r.get(0))?;
        let sql = format!("{} WHERE {filter} ORDER BY d.received_on DESC, d.id DESC LIMIT ?10 OFFSET ?11", row_sql());
        let args = params![f.status, f.kind, f.village_id, f.track, from, to, words, person, household, limit, offset];
        let items =
            conn.prepare_cached(&sql)?.query_map(args, DisputeRow::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        (total, items)
    } else {
        // Levels are computed, not stored: the kept judgement of the open disputes gives
        // the level of each dispute the filter keeps (the others have none), then order
        // and page.
        let sql = format!("SELECT d.id FROM dispute d WHERE {filter} ORDER BY d.received_on DESC, d.id DESC");
        let all: Vec<String> =
            conn.prepare_cached(&sql)?.query_map(args, |r| r.get("id"))?.collect::<rusqlite::Result<_>>()?;
        let judged = judged()?;
        let level_of: HashMap<&str, (Option<RiskLevel>, u32)> =
            judged.iter().map(|w| (w.dispute_id.as_str(), (w.risk.level, w.risk.points))).collect();
        let mut ids: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .filter(|id| f.level.is_none() || level_of.get(id).and_then(|l| l.0) == f.level)
            .collect();
        if by_risk {
            let rank = |id: &str| {
                let (l, p) = level_of.get(id).copied().unwrap_or((None, 0));
                (warning::risk::level_rank(l), std::cmp::Reverse(p))
            };
            // Stable: within a rank, the list's own order (newest intake first).
            ids.sort_by_key(|id| rank(id));
        }
        let total = ids.len() as i64;
        let shown: Vec<&str> = ids.into_iter().skip(offset as usize).take(limit as usize).collect();
        let order: HashMap<&str, usize> = shown.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut items = conn
            .prepare_cached(&format!("{} WHERE d.id IN {}", row_sql(), each(1)))?
            .query_map([id_list(&shown)], DisputeRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        items.sort_by_key(|d| order.get(d.id.as_str()).copied().unwrap_or(usize::MAX));
        (total, items)
    };
    let open: Vec<String> =
        items.iter().filter(|d| crate::model::warning::is_open(d.status)).map(|d| d.id.clone()).collect();
    let judged: HashMap<String, Risk> =
        warning::risk::risks(conn, &open, today)?.into_iter().map(|w| (w.dispute_id, w.risk)).collect();
    for d in &mut items {
        if let Some(r) = judged.get(&d.id) {
            d.risk_level = r.level;
            d.risk_level_label = r.level_label;
            d.risk_points = r.points;
        }
    }
    Ok(DisputePage { total, page, page_size, items })
}

// ───── writing ─────

pub(crate) fn set_status(tx: &mut Tx<'_>, id: &str, to: DisputeStatus, extra: &[(&'static str, Value)]) -> Result<()> {
    let mut cols = vec![("status", v(to))];
    cols.extend(extra.iter().cloned());
    tx.update("dispute", id, &cols)?;
    Ok(())
}

fn check_refs(tx: &Tx<'_>, d: &ValidDispute) -> Result<()> {
    if let Some(vid) = &d.input.village_id {
        village_name(tx.conn(), "village_id", vid)?;
    }
    if let Some(o) = &d.input.officer_id {
        get_officer(tx.conn(), "officer_id", o)?;
    }
    if let Some(i) = &d.input.incident_id
        && !incident::exists(tx.conn(), i)?
    {
        return Err(Error::validation("incident_id", format!("所选警情不存在或已删除（{i}）")));
    }
    Ok(())
}

fn dispute_cols(d: &ValidDispute) -> Vec<(&'static str, Value)> {
    let i = &d.input;
    let exclusions: Vec<String> = i.exclusions.iter().map(|e| e.as_str().to_owned()).collect();
    vec![
        ("received_on", date(d.received_on)),
        ("source", v(d.source)),
        ("kind", v(d.kind)),
        ("grade", v(d.grade)),
        ("track", v(d.track)),
        ("title", v(i.title.clone())),
        ("amount_involved", v(d.amount_involved)),
        ("village_id", v(i.village_id.clone())),
        ("incident_id", v(i.incident_id.clone())),
        ("officer_id", v(i.officer_id.clone())),
        ("facts", v(i.facts.clone())),
        ("matters", v(i.matters.clone())),
        ("responsibility", v(i.responsibility.clone())),
        ("offence", v(i.offence)),
        ("exclusions", v(list_json(&exclusions))),
        ("occurred_at", v(d.occurred_at.clone())),
        ("place", v(i.place.clone())),
        ("cause", v(i.cause.clone())),
        ("course", v(i.course.clone())),
        ("circumstances", v(i.circumstances.clone())),
        ("result", v(i.result.clone())),
        ("assessment_on", opt_date(d.assessment_on)),
    ]
}

/// Registers a dispute with its parties (status 已受理). A 治安调解 intake that already shows
/// an excluded circumstance is refused, naming it.
pub fn create(tx: &mut Tx<'_>, mut input: DisputeInput) -> Result<String> {
    let today = tx.today();
    let party_inputs = std::mem::take(&mut input.parties);
    let d = input.validate(today)?;
    if d.track == Track::Security {
        check_exclusions(&d.input.exclusions)?;
    }
    check_refs(tx, &d)?;
    let id = tx.new_id();
    let mut cols = dispute_cols(&d);
    cols.push(("status", v(DisputeStatus::Registered)));
    tx.insert("dispute", &id, &cols)?;
    for (i, p) in party_inputs.into_iter().enumerate() {
        party::insert_party(tx, &id, p, &format!("parties[{i}]."), i as i64)?;
    }
    Ok(id)
}

/// Changes a dispute (the input is the whole dispute, as edited). The track cannot change
/// once a session was held; a finalised or ended dispute cannot change at all.
pub fn update(tx: &mut Tx<'_>, id: &str, input: DisputeInput) -> Result<()> {
    let st = state(tx.conn(), id)?;
    check_editable(st.status, st.agreement_finalised)?;
    let d = input.validate(tx.today())?;
    let held = !mediation::mediations(tx.conn(), id)?.is_empty();
    check_fixed_after_session(&st.stored(held), &d)?;
    check_refs(tx, &d)?;
    tx.update("dispute", id, &dispute_cols(&d))?;
    Ok(())
}

/// Hands the dispute on (court, 司法所, HQ…).
pub fn refer(tx: &mut Tx<'_>, id: &str, referred_to: &str, on: Option<&str>) -> Result<()> {
    let st = state(tx.conn(), id)?;
    let to = next(st.status, DisputeEvent::Referred)?;
    let referred_to = required("referred_to", "移交去向", referred_to, 60)?;
    let on = up_to_today("on", "移交日期", on, tx.today())?;
    set_status(tx, id, to, &[("referred_to", v(referred_to)), ("closed_on", date(on))])
}

/// Records that the applicant withdrew.
pub fn withdraw(tx: &mut Tx<'_>, id: &str, reason: Option<&str>) -> Result<()> {
    let st = state(tx.conn(), id)?;
    let to = next(st.status, DisputeEvent::Withdrawn)?;
    let reason = text("reason", "撤回原因", reason, 500)?;
    let today = tx.today();
    set_status(tx, id, to, &[("withdraw_reason", v(reason)), ("closed_on", date(today))])
}

/// 矛盾纠纷调解台账: the disputes received in `[:from, :to)`, with their latest session and
/// agreement.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("受理日期", 12.0, "d.received_on", Show::Date),
        column("纠纷名称", 24.0, "d.title", Show::Text),
        column("纠纷类型", 14.0, "d.kind", Show::Label(|s| DisputeKind::parse(s).map(DisputeKind::label))),
        column("等级", 8.0, "d.grade", Show::Label(|s| Grade::parse(s).map(Grade::label))),
        column("来源", 11.0, "d.source", Show::Label(|s| DisputeSource::parse(s).map(DisputeSource::label))),
        column("所属村", 12.0, "v.name", Show::Text),
        column(
            "当事人",
            22.0,
            "(SELECT group_concat(name, '、') FROM (SELECT name FROM party
               WHERE dispute_id = d.id AND deleted_at IS NULL ORDER BY sort, id))",
            Show::Text,
        ),
        column("涉及金额（元）", 13.0, "d.amount_involved", Show::Money),
        column("调解类型", 10.0, "d.track", Show::Label(|s| Track::parse(s).map(Track::label))),
        column(
            "调解次数",
            9.0,
            "(SELECT count(*) FROM mediation WHERE dispute_id = d.id AND deleted_at IS NULL)",
            Show::Int,
        ),
        column(
            "最后调解层级",
            12.0,
            "(SELECT level FROM mediation WHERE dispute_id = d.id AND deleted_at IS NULL
               ORDER BY held_on DESC, id DESC LIMIT 1)",
            Show::Label(|s| MediationLevel::parse(s).map(MediationLevel::label)),
        ),
        column("状态", 12.0, "d.status", Show::Label(|s| DisputeStatus::parse(s).map(DisputeStatus::label))),
        column("协议类型", 14.0, "a.kind", Show::Label(|s| AgreementKind::parse(s).map(AgreementKind::label))),
        column("协议书编号", 22.0, "a.number", Show::Text),
        column("履行期限", 12.0, "a.performance_deadline", Show::Date),
        column("履行日期", 12.0, "a.fulfilled_on", Show::Date),
        column("移交去向", 14.0, "d.referred_to", Show::Text),
        column("责任民警", 10.0, "o.name", Show::Text),
        column("结案日期", 12.0, "d.closed_on", Show::Date),
    ],
    from: "FROM dispute d
           LEFT JOIN village v ON v.id = d.village_id
           LEFT JOIN officer o ON o.id = d.officer_id
           LEFT JOIN agreement a ON a.id = (SELECT id FROM agreement WHERE dispute_id = d.id
               AND deleted_at IS NULL ORDER BY finalised_at IS NULL, finalised_at DESC, id DESC LIMIT 1)
           WHERE d.deleted_at IS NULL AND d.received_on >= :from AND d.received_on < :to
           ORDER BY d.received_on, d.id",
};

/// A dispute as the month's statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct DisputeFact {
    /// The dispute.
    pub id: String,
    /// Its village's id, if known.
    pub village_id: Option<String>,
    /// 受理日期.
    pub received_on: NaiveDate,
    /// 纠纷类型.
    pub kind: DisputeKind,
    /// 所属村 (name), if known.
    pub village: Option<String>,
    /// 涉及金额, fen.
    pub amount_involved: i64,
    /// Where it stands now.
    pub status: DisputeStatus,
    /// 移交去向.
    pub referred_to: Option<String>,
    /// Its mediation sessions: date held and outcome.
    pub sessions: Vec<(NaiveDate, MediationOutcome)>,
}

impl DisputeFact {
    /// The dispute's id and, when its intake date reads, the fact (without sessions).
    fn from_row(r: &Row<'_>) -> rusqlite::Result<(String, Option<DisputeFact>)> {
        let received: String = r.get("received_on")?;
        let fact = match parse_date(&received) {
            Some(received_on) => Some(DisputeFact {
                id: r.get("id")?,
                village_id: r.get("village_id")?,
                received_on,
                kind: r.get("kind")?,
                village: r.get("village")?,
                amount_involved: r.get("amount_involved")?,
                status: r.get("status")?,
                referred_to: r.get("referred_to")?,
                sessions: vec![],
            }),
            None => None,
        };
        Ok((r.get("id")?, fact))
    }
}

/// The disputes received in `[lo, hi)` or with a session then, each with that period's
/// sessions (the month's statistics).
pub fn month_facts(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<DisputeFact>> {
    const FACT: &str =
        "SELECT d.id, d.village_id, d.received_on, d.kind, v.name AS village, d.amount_involved, d.status,
                d.referred_to
         FROM dispute d LEFT JOIN village v ON v.id = d.village_id";
    let sessions = mediation::sessions_in(conn, lo, hi)?;
    let mut stmt = conn
        .prepare_cached(&format!("{FACT} WHERE d.deleted_at IS NULL AND d.received_on >= ?1 AND d.received_on < ?2"))?;
    let mut by_id = conn.prepare_cached(&format!("{FACT} WHERE d.id = ?1 AND d.deleted_at IS NULL"))?;
    let mut out = vec![];
    let mut seen = std::collections::HashSet::new();
    for got in stmt.query_map([lo, hi], DisputeFact::from_row)? {
        let (id, fact) = got?;
        if let Some(mut f) = fact {
            f.sessions = sessions.get(&id).cloned().unwrap_or_default();
            out.push(f);
        }
        seen.insert(id);
    }
    for (id, s) in &sessions {
        if seen.contains(id) {
            continue;
        }
        for got in by_id.query_map([id], DisputeFact::from_row)? {
            if let (_, Some(mut f)) = got? {
                f.sessions = s.clone();
                out.push(f);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::PartyRole;
    use crate::model::dispute::PartyInput;
    use crate::model::time::FixedClock;
    use crate::store::Store;

    /// A post database in a temp dir, its clock at 09:00 on 2026-11-23.
    pub(crate) fn post() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at_date(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()));
        (Store::open(&dir.path().join("post.db"), clock).unwrap(), dir)
    }

    /// A 人民调解 dispute registered with two parties; returns its id.
    pub(crate) fn open_dispute(store: &mut Store) -> String {
        let party = |name: &str, role, id_number: &str| PartyInput {
            role: Some(role),
            name: Some(name.into()),
            id_number: Some(id_number.into()),
            ..Default::default()
        };
        let mut applicant = party("王建国", PartyRole::Applicant, "330326198005010017");
        applicant.agent_name = Some("王小建".into());
        applicant.agent_authority_ref = Some("委托书2026-1".into());
        let input = DisputeInput {
            source: Some(DisputeSource::WalkIn),
            kind: Some(DisputeKind::Neighbour),
            title: "王某与李某宅基地边界纠纷".into(),
            received_on: Some("2026-11-20".into()),
            parties: vec![applicant, party("李长林", PartyRole::Respondent, "11010519491231002X")],
            ..Default::default()
        };
        store.write(|tx| create(tx, input)).unwrap()
    }

    #[test]
    fn the_case_file_reads_back_by_column_name() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        let d = get(store.conn(), &id, store.clock().today()).unwrap();
        assert_eq!((d.title.as_str(), d.received_on.as_str()), ("王某与李某宅基地边界纠纷", "2026-11-20"));
        assert_eq!((d.status, d.status_label, d.kind_label), (DisputeStatus::Registered, "已受理", "邻里"));
        assert_eq!(d.parties.len(), 2);
        let page = list(store.conn(), &DisputeFilter::default(), store.clock().today(), || unreachable!()).unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].party_names, "王建国、李长林");
        let input = input_of(store.conn(), &id).unwrap();
        assert_eq!((input.track, input.grade), (Some(Track::People), Some(Grade::General)));
    }

    #[test]
    fn the_track_stays_once_a_session_was_held() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        let session = crate::model::dispute::MediationInput {
            dispute_id: id.clone(),
            level: Some(crate::model::MediationLevel::Initial),
            outcome: Some(crate::model::MediationOutcome::Continued),
            mediators: vec!["王德明".into()],
            ..Default::default()
        };
        store.write(|tx| add_mediation(tx, session)).unwrap();
        let mut edit = input_of(store.conn(), &id).unwrap();
        edit.track = Some(Track::Security);
        let e = store.write(|tx| update(tx, &id, edit)).unwrap_err();
        assert_eq!(e.field(), Some("track"));
        assert_eq!(state(store.conn(), &id).unwrap().track, Track::People);
    }

    #[test]
    fn a_referral_cannot_be_dated_tomorrow() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        let e = store.write(|tx| refer(tx, &id, "青山司法所", Some("2026-11-24"))).unwrap_err();
        assert_eq!((e.field(), e.to_string().as_str()), (Some("on"), "移交日期不能晚于今天"));
        store.write(|tx| refer(tx, &id, "青山司法所", None)).unwrap();
        assert_eq!(state(store.conn(), &id).unwrap().status, DisputeStatus::Referred);
    }
}
