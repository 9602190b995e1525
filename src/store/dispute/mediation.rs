//! Mediation sessions (调解经过): owns the `mediation` table. A session climbs the ladder
//! (初调 → 复调 → 联调), passes the 治安调解 rules on that track, and moves the dispute's
//! status; the rules are [`crate::model::dispute`]'s.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{set_status, state};
use crate::error::Result;
use crate::model::dispute::{
    DisputeEvent, MediationInput, SecuritySession, check_level, check_security_session, enough_parties, next,
    session_mediators,
};
use crate::model::time::parse_date;
use crate::model::{MediationLevel, MediationOutcome, Role, Track};
use crate::store::place::{get_officer, work_calendar};
use crate::store::write::{date, s, v};
use crate::store::{Tx, from_row, json_list, list_json};

/// One mediation session, as the timeline shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mediation {
    /// Row id.
    pub id: String,
    /// 层级.
    pub level: MediationLevel,
    /// 层级 in Chinese.
    pub level_label: &'static str,
    /// 调解日期.
    pub held_on: String,
    /// 地点.
    pub place: Option<String>,
    /// 调解员.
    pub mediators: Vec<String>,
    /// 主持民警.
    pub presider_officer_id: Option<String>,
    /// 主持民警姓名.
    pub presider_name: Option<String>,
    /// 参加人员.
    pub officer_ids: Vec<String>,
    /// 其他在场人员.
    pub attendees: Option<String>,
    /// 记录人.
    pub recorder: Option<String>,
    /// 调解记录.
    pub record: Option<String>,
    /// 结果.
    pub outcome: MediationOutcome,
    /// 结果 in Chinese.
    pub outcome_label: &'static str,
    /// 录音录像编号.
    pub recording_ref: Option<String>,
}

impl Mediation {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Mediation> {
        let level: MediationLevel = r.get("level")?;
        let outcome: MediationOutcome = r.get("outcome")?;
        Ok(from_row!(r => Mediation {
            id, level, held_on, place, presider_officer_id, presider_name, attendees, recorder, record, outcome,
            recording_ref,
            level_label: level.label(),
            outcome_label: outcome.label(),
            mediators: json_list(r.get("mediators")?),
            officer_ids: json_list(r.get("officer_ids")?),
        }))
    }
}

/// A dispute's sessions, earliest first.
pub(super) fn mediations(conn: &Connection, dispute_id: &str) -> Result<Vec<Mediation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.level, m.held_on, m.place, m.mediators, m.presider_officer_id, o.name AS presider_name,
                m.officer_ids, m.attendees, m.recorder, m.record, m.outcome, m.recording_ref
         FROM mediation m LEFT JOIN officer o ON o.id = m.presider_officer_id
         WHERE m.dispute_id = ?1 AND m.deleted_at IS NULL ORDER BY m.held_on, m.id",
    )?;
    Ok(stmt.query_map([dispute_id], Mediation::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Records a mediation session: the ladder, the 治安调解 rules, then the state machine.
pub fn add_mediation(tx: &mut Tx<'_>, input: MediationInput) -> Result<String> {
    let today = tx.today();
    let m = input.validate(today)?;
    let dispute_id = m.input.dispute_id.clone();
    let st = state(tx.conn(), &dispute_id)?;
    let to = next(st.status, DisputeEvent::Mediated(m.outcome))?;
    m.check_received(st.received_on)?;
    let parties = super::party::party_facts(tx.conn(), &dispute_id, m.held_on)?;
    enough_parties(parties.len())?;
    let earlier = mediations(tx.conn(), &dispute_id)?;
    check_level(earlier.iter().map(|e| e.level).max(), m.level)?;
    let presider = match &m.input.presider_officer_id {
        Some(id) => Some(get_officer(tx.conn(), "presider_officer_id", id)?),
        None => None,
    };
    let mut staff: Vec<(String, Role)> = presider.iter().map(|o| (o.name.clone(), o.role)).collect();
    for (i, oid) in m.input.officer_ids.iter().enumerate() {
        let o = get_officer(tx.conn(), &format!("officer_ids[{i}]"), oid)?;
        if !staff.iter().any(|(n, _)| *n == o.name) {
            staff.push((o.name, o.role));
        }
    }
    if st.track == Track::Security {
        let cal = work_calendar(tx.conn())?;
        let dates: Vec<NaiveDate> = earlier.iter().filter_map(|e| parse_date(&e.held_on)).collect();
        check_security_session(
            &SecuritySession {
                level: m.level,
                held_on: m.held_on,
                presider: presider.as_ref().map(|o| (o.name.as_str(), o.role)),
                officers: &staff,
                recording_ref: m.input.recording_ref.as_deref(),
                exclusions: &st.exclusions,
                parties: &parties,
                earlier: &dates,
                received_on: st.received_on,
                assessment_on: st.assessment_on,
            },
            &cal,
        )?;
    }
    let mediators = session_mediators(presider.as_ref().map(|p| p.name.as_str()), &m.input.mediators)?;
    let id = tx.new_id();
    tx.insert(
        "mediation",
        &id,
        &[
            ("dispute_id", s(&dispute_id)),
            ("level", v(m.level)),
            ("held_on", date(m.held_on)),
            ("place", v(m.input.place.clone())),
            ("mediators", v(list_json(&mediators))),
            ("presider_officer_id", v(m.input.presider_officer_id.clone())),
            ("officer_ids", v(list_json(&m.input.officer_ids))),
            ("attendees", v(m.input.attendees.clone())),
            ("recorder", v(m.input.recorder.clone())),
            ("record", v(m.input.record.clone())),
            ("outcome", v(m.outcome)),
            ("recording_ref", v(m.input.recording_ref.clone())),
        ],
    )?;
    set_status(tx, &dispute_id, to, &[])?;
    Ok(id)
}

/// The sessions held in `[lo, hi)`, by dispute: date and outcome (the month's statistics).
pub fn sessions_in(
    conn: &Connection,
    lo: &str,
    hi: &str,
) -> Result<BTreeMap<String, Vec<(NaiveDate, MediationOutcome)>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT dispute_id, held_on, outcome FROM mediation
         WHERE held_on >= ?1 AND held_on < ?2 AND deleted_at IS NULL",
    )?;
    let rows = stmt.query_map([lo, hi], |r| {
        Ok((
            r.get::<_, String>("dispute_id")?,
            r.get::<_, String>("held_on")?,
            r.get::<_, MediationOutcome>("outcome")?,
        ))
    })?;
    let mut sessions: BTreeMap<String, Vec<(NaiveDate, MediationOutcome)>> = BTreeMap::new();
    for row in rows {
        let (id, on, outcome) = row?;
        if let Some(on) = parse_date(&on) {
            sessions.entry(id).or_default().push((on, outcome));
        }
    }
    Ok(sessions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DisputeStatus;
    use crate::store::dispute::tests::{open_dispute, post};

    /// An 初调 that ends 继续调解, held by `mediators`.
    fn initial_session(dispute_id: &str, mediators: &[&str]) -> MediationInput {
        MediationInput {
            dispute_id: dispute_id.to_owned(),
            level: Some(MediationLevel::Initial),
            outcome: Some(MediationOutcome::Continued),
            mediators: mediators.iter().map(|m| (*m).to_owned()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_session_is_stored_with_its_mediators_and_moves_the_status() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        store.write(|tx| add_mediation(tx, initial_session(&id, &["王德明"]))).unwrap();
        let all = mediations(store.conn(), &id).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].level_label, all[0].outcome_label), ("初调", "继续调解"));
        assert_eq!(all[0].mediators, ["王德明"]);
        assert_eq!(state(store.conn(), &id).unwrap().status, DisputeStatus::Mediating);
    }

    #[test]
    fn a_session_without_mediators_is_refused_and_stores_nothing() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        let e = store.write(|tx| add_mediation(tx, initial_session(&id, &[]))).unwrap_err();
        assert_eq!(e.field(), Some("mediators"));
        assert!(mediations(store.conn(), &id).unwrap().is_empty());
        assert_eq!(state(store.conn(), &id).unwrap().status, DisputeStatus::Registered);
    }
}
