//! Mediation sessions (调解经过): owns the `mediation` table. A session climbs the ladder
//! (初调 → 复调 → 联调), passes the 治安调解 rules on that track, and moves the dispute's
//! status; the rules are [`crate::model::dispute`]'s.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{set_status, state};
use crate::error::{Error, Result};
use crate::model::counsel::{check_in_term, check_mode};
use crate::model::dispute::{
    DisputeEvent, MediationInput, SecuritySession, check_level, check_security_session, enough_parties, next,
    session_mediators,
};
use crate::model::time::parse_date;
use crate::model::{MediationLevel, MediationMode, MediationOutcome, Role, Track};
use crate::store::counsel;
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
    /// 调解方式.
    pub mode: MediationMode,
    /// 调解方式 in Chinese.
    pub mode_label: &'static str,
    /// 联调中心 (视频联调).
    pub centre: Option<String>,
    /// 参加调解的律师.
    pub lawyer_ids: Vec<String>,
    /// Their names, in the same order.
    pub lawyer_names: Vec<String>,
}

impl Mediation {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Mediation> {
        let level: MediationLevel = r.get("level")?;
        let outcome: MediationOutcome = r.get("outcome")?;
        let mode: MediationMode = r.get("mode")?;
        Ok(from_row!(r => Mediation {
            id, level, held_on, place, presider_officer_id, presider_name, attendees, recorder, record, outcome,
            recording_ref, centre, mode,
            level_label: level.label(),
            outcome_label: outcome.label(),
            mode_label: mode.label(),
            mediators: json_list(r.get("mediators")?),
            officer_ids: json_list(r.get("officer_ids")?),
            lawyer_ids: json_list(r.get("lawyer_ids")?),
            lawyer_names: vec![],
        }))
    }
}

/// A dispute's sessions, earliest first.
pub(super) fn mediations(conn: &Connection, dispute_id: &str) -> Result<Vec<Mediation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.level, m.held_on, m.place, m.mediators, m.presider_officer_id, o.name AS presider_name,
                m.officer_ids, m.attendees, m.recorder, m.record, m.outcome, m.recording_ref, m.mode, m.centre,
                m.lawyer_ids
         FROM mediation m LEFT JOIN officer o ON o.id = m.presider_officer_id
         WHERE m.dispute_id = ?1 AND m.deleted_at IS NULL ORDER BY m.held_on, m.id",
    )?;
    let mut all = stmt.query_map([dispute_id], Mediation::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    for m in &mut all {
        m.lawyer_names = counsel::lawyer_names(conn, &m.lawyer_ids)?;
    }
    Ok(all)
}

/// The lawyers of a round: each must be on record and serving on the day.
fn check_lawyers(conn: &Connection, ids: &[String], held_on: NaiveDate) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        let field = format!("lawyer_ids[{i}]");
        let (name, term) = counsel::lawyer_term(conn, &field, id)?;
        check_in_term(&field, "调解日期", &name, term, held_on)?;
    }
    Ok(())
}

/// Changes how a round was held (`None`: as recorded) and which lawyers took part, recorded
/// afterwards: the round's other facts, which moved the dispute, stay.
pub fn set_round_mode(
    tx: &mut Tx<'_>,
    id: &str,
    mode: Option<MediationMode>,
    centre: Option<&str>,
    lawyer_ids: &[String],
) -> Result<String> {
    type Held = (String, String, MediationMode, Option<String>);
    let row: Option<Held> = tx
        .conn()
        .prepare_cached("SELECT dispute_id, held_on, mode, centre FROM mediation WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (dispute_id, held_on, recorded, recorded_centre) = row.ok_or_else(|| Error::not_found("调解记录", id))?;
    // Neither given: the round was held as recorded, with its centre.
    let centre = match (mode, centre) {
        (None, None) => recorded_centre,
        (_, c) => c.map(str::to_owned),
    };
    let centre = check_mode(mode.unwrap_or(recorded), centre.as_deref())?;
    let mode = mode.unwrap_or(recorded);
    let mut lawyers: Vec<String> = Vec::new();
    for l in lawyer_ids.iter().filter(|l| !l.trim().is_empty()) {
        if !lawyers.contains(l) {
            lawyers.push(l.clone());
        }
    }
    if let Some(on) = parse_date(&held_on) {
        check_lawyers(tx.conn(), &lawyers, on)?;
    }
    tx.update("mediation", id, &[("mode", v(mode)), ("centre", v(centre)), ("lawyer_ids", v(list_json(&lawyers)))])?;
    Ok(dispute_id)
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
    check_lawyers(tx.conn(), &m.input.lawyer_ids, m.held_on)?;
    let mediators =
        session_mediators(presider.as_ref().map(|p| p.name.as_str()), m.input.lawyer_ids.len(), &m.input.mediators)?;
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
            ("mode", v(m.mode)),
            ("centre", v(m.input.centre.clone())),
            ("lawyer_ids", v(list_json(&m.input.lawyer_ids))),
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
