//! Writing a dispute: intake, changes, referral and withdrawal, and the status write every path shares.

use rusqlite::types::Value;

use super::state;
use super::{mediation, party};
use crate::error::{Error, Result};
use crate::model::dispute::{
    DisputeEvent, DisputeInput, ValidDispute, check_editable, check_exclusions, check_fixed_after_session, next,
};
use crate::model::people::up_to_today;
use crate::model::validate::{required, text};
use crate::model::{DisputeStatus, Track};
use crate::store::place::{get_officer, village_name};
use crate::store::write::{date, opt_date, v};
use crate::store::{Tx, incident, list_json};

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
