//! Disputes (矛盾纠纷): intake and the case file. The aggregate is split by table:
//! this module owns `dispute` (the case file here; intake, changes, referral and withdrawal in
//! `intake`; the list in `listing`; the ledger and month facts in `ledger`, all re-exported
//! here); [`party`], [`mediation`], [`agreement`](mod@agreement) and [`follow_up`] own the others.
//!
//! The rules themselves are in [`crate::model::dispute`]; these modules gather the facts
//! they look at, ask them, and write through [`Tx`](crate::store::Tx). Status moves only through
//! [`next`](crate::model::dispute::next), so every path obeys the same state machine.

pub mod agreement;
pub mod follow_up;
pub mod mediation;
pub mod party;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

pub use agreement::{Agreement, OverdueFulfilment, check_agreement, draft_of, finalise, overdue_fulfilments};
pub use agreement::{agreement, record_fulfilment, save_agreement};
pub use follow_up::{FollowUp, FollowUpDue, follow_ups_due, record_follow_up};
pub use mediation::{Mediation, add_mediation, set_round_mode};
pub use party::{Party, add_party, delete_party, parties, party_input, update_party};

use crate::error::{Error, MissingField, Result};
use crate::model::calendar::WorkCalendar;
use crate::model::dispute::{
    AgreementInput, DisputeAction, DisputeInput, DisputeStored, Progress, SessionDue, actions, check_editable,
    next_levels, next_session_due,
};
use crate::model::time::parse_date;
use crate::model::warning::Risk;
use crate::model::{
    DisputeKind, DisputeSource, DisputeStatus, Exclusion, Grade, MediationLevel, SecurityOffence, Track,
};
use crate::store::from_row;
use crate::store::incident::IncidentRef;
use crate::store::place::work_calendar;
use crate::store::{incident, json_list, warning};

mod intake;
mod ledger;
mod listing;

pub(crate) use intake::set_status;
pub use intake::{create, refer, update, withdraw};
pub use ledger::{DisputeFact, LEDGER, month_facts};
use listing::PARTY_NAMES;
pub use listing::{DisputeFilter, DisputePage, DisputeRow, DisputeSort, list};
pub(crate) use listing::{PARTY_HOME_JOINS, PLACE_COLUMNS, homes};

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
