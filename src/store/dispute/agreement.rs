//! The mediation agreement (调解协议): owns the `agreement` table. A draft is saved as
//! edited; finalising checks every required field, numbers it per post, year and kind,
//! and schedules the follow-up; fulfilment is recorded on it.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use super::{Mediation, PARTY_HOME_JOINS, PARTY_NAMES, PLACE_COLUMNS, input_of, set_status, state};
use crate::error::{Error, MissingField, Result};
use crate::model::day_plan::FulfilmentOpen;
use crate::model::dispute::{
    AgreementFacts, AgreementInput, DisputeEvent, FulfilmentInput, check_agreement_kind, check_agreement_open,
    check_default_on, check_exclusions, check_fulfilment_on, check_parties, check_presider, default_kind,
    follow_up_due, format_number, incomplete, missing_fields, next, settled_before_finalising,
};
use crate::model::people::opt_date as parse_opt_date;
use crate::model::time::{parse_date, stamp};
use crate::model::validate::text;
use crate::model::{AgreementKind, DisputeStatus, MediationOutcome, Track};
use crate::store::day_plan::place_of;
use crate::store::from_row;
use crate::store::place::{get_officer, get_post};
use crate::store::write::{date, opt_date, s, v};
use crate::store::{Tx, day_of, json_list, list_json};

/// The agreement (draft or finalised).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agreement {
    /// Row id.
    pub id: String,
    /// 协议类型.
    pub kind: AgreementKind,
    /// 协议类型 in Chinese.
    pub kind_label: &'static str,
    /// 文书编号, e.g. （2026）青山调字第 17 号 (none for drafts and oral agreements).
    pub number: Option<String>,
    /// 编号年度.
    pub number_year: Option<i32>,
    /// 编号序号.
    pub number_seq: Option<i64>,
    /// 调解委员会 / 调解机关.
    pub issuer: Option<String>,
    /// 主持民警.
    pub presider_officer_id: Option<String>,
    /// 主持民警姓名.
    pub presider_name: Option<String>,
    /// 调解员.
    pub mediators: Vec<String>,
    /// 记录人.
    pub recorder: Option<String>,
    /// 协议内容.
    pub terms: Option<String>,
    /// 履行方式.
    pub performance_method: Option<String>,
    /// 履行地点.
    pub performance_place: Option<String>,
    /// 履行期限.
    pub performance_deadline: Option<String>,
    /// 份数.
    pub copies: Option<i64>,
    /// 生效日期.
    pub effective_on: Option<String>,
    /// When it was finalised (RFC 3339); none for a draft.
    pub finalised_at: Option<String>,
    /// 履行完毕日期.
    pub fulfilled_on: Option<String>,
    /// 履行情况说明.
    pub fulfilment_note: Option<String>,
    /// 登记未履行日期.
    pub defaulted_on: Option<String>,
}

impl Agreement {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Agreement> {
        let kind: AgreementKind = r.get("kind")?;
        Ok(from_row!(r => Agreement {
            id, number, number_year, number_seq, issuer, presider_officer_id, presider_name, recorder, terms,
            performance_method, performance_place, performance_deadline, copies, effective_on, finalised_at,
            fulfilled_on, fulfilment_note, defaulted_on, kind,
            kind_label: kind.label(),
            mediators: json_list(r.get("mediators")?),
        }))
    }

    /// The draft's fields, as the form edits them.
    fn input(&self) -> AgreementInput {
        AgreementInput {
            kind: Some(self.kind),
            terms: self.terms.clone(),
            performance_method: self.performance_method.clone(),
            performance_place: self.performance_place.clone(),
            performance_deadline: self.performance_deadline.clone(),
            copies: self.copies,
            mediators: self.mediators.clone(),
            recorder: self.recorder.clone(),
            presider_officer_id: self.presider_officer_id.clone(),
            effective_on: self.effective_on.clone(),
            // The stored issuer is the override; the post's name is filled in when checking.
            issuer: self.issuer.clone(),
        }
    }
}

/// An agreement due and not carried out.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverdueFulfilment {
    /// 纠纷.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 调解类型 (治安调解: the case returns for a decision).
    pub track: Track,
    /// 状态 (fulfilling: not yet recorded; defaulted: recorded as not carried out).
    pub status: DisputeStatus,
    /// 协议.
    pub agreement_id: String,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 履行期限.
    pub performance_deadline: String,
    /// Days past the deadline.
    pub days_overdue: i64,
    /// 村名.
    pub village_name: Option<String>,
    /// 当事人姓名.
    pub party_names: String,
}

impl OverdueFulfilment {
    fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<OverdueFulfilment> {
        let deadline: String = r.get("performance_deadline")?;
        Ok(from_row!(r => OverdueFulfilment {
            dispute_id, title, track, status, agreement_id, agreement_number, village_name,
            days_overdue: parse_date(&deadline).map(|d| (today - d).num_days()).unwrap_or(0),
            performance_deadline: deadline,
            party_names: r.get::<_, Option<String>>("party_names")?.unwrap_or_default(),
        }))
    }
}

/// The dispute's agreement: the draft being written, else the one in effect (the latest
/// finalised: when a follow-up found an agreement did not hold and mediation settled
/// again, a new agreement takes effect after it).
pub fn agreement(conn: &Connection, dispute_id: &str) -> Result<Option<Agreement>> {
    Ok(conn
        .prepare_cached(
            "SELECT a.id, a.kind, a.number, a.number_year, a.number_seq, a.issuer, a.presider_officer_id,
                    o.name AS presider_name, a.mediators, a.recorder, a.terms, a.performance_method,
                    a.performance_place, a.performance_deadline, a.copies, a.effective_on, a.finalised_at,
                    a.fulfilled_on, a.fulfilment_note, a.defaulted_on
             FROM agreement a LEFT JOIN officer o ON o.id = a.presider_officer_id
             WHERE a.dispute_id = ?1 AND a.deleted_at IS NULL
             ORDER BY a.finalised_at IS NULL DESC, a.finalised_at DESC, a.id DESC LIMIT 1",
        )?
        .query_row([dispute_id], Agreement::from_row)
        .optional()?)
}

/// The agreement the dispute's draft is: its agreement, unless that took effect and the
/// dispute has settled again since (mediation after a follow-up found it did not hold),
/// when the next agreement is still to be written.
fn draft_row(conn: &Connection, dispute_id: &str, status: DisputeStatus) -> Result<Option<Agreement>> {
    Ok(agreement(conn, dispute_id)?.filter(|a| !(a.finalised_at.is_some() && status == DisputeStatus::Agreed)))
}

/// The agreement's draft fields: the saved draft, or one started from the settled session
/// (its mediators, recorder and presider) with the kind following the track.
pub fn draft_of(conn: &Connection, dispute_id: &str) -> Result<AgreementInput> {
    let st = state(conn, dispute_id)?;
    if let Some(a) = draft_row(conn, dispute_id, st.status)? {
        return Ok(a.input());
    }
    Ok(draft_from(None, &super::mediation::mediations(conn, dispute_id)?, st.track))
}

/// [`draft_of`] from what is already read: the saved draft, else the settled session's
/// mediators (or its presiding officer, when it names none), recorder and presider.
pub(super) fn draft_from(saved: Option<&Agreement>, mediations: &[Mediation], track: Track) -> AgreementInput {
    if let Some(a) = saved {
        return a.input();
    }
    let settled = mediations.iter().rev().find(|m| m.outcome == MediationOutcome::Settled);
    // The agreement's 调解员 are the session's; a session its presiding officer or a lawyer
    // held without a mediator names none, and then they sign as the mediators.
    let mediators = match settled {
        Some(m) if m.mediators.is_empty() => m.presider_name.iter().chain(&m.lawyer_names).cloned().collect(),
        Some(m) => m.mediators.clone(),
        None => vec![],
    };
    AgreementInput {
        kind: Some(default_kind(track)),
        mediators,
        recorder: settled.and_then(|m| m.recorder.clone()),
        presider_officer_id: settled.and_then(|m| m.presider_officer_id.clone()),
        ..Default::default()
    }
}

/// The facts the agreement's required-field check looks at, with the post's names filled in.
fn agreement_facts(
    conn: &Connection,
    dispute_id: &str,
    draft: &AgreementInput,
    on: NaiveDate,
) -> Result<AgreementFacts> {
    let d = input_of(conn, dispute_id)?;
    let kind = draft.kind.unwrap_or(default_kind(d.track.unwrap_or(Track::People)));
    let post = get_post(conn)?;
    let issuer = draft.issuer.clone().or_else(|| {
        post.and_then(|p| match kind {
            AgreementKind::People => p.fields.committee_name,
            AgreementKind::Security => p.fields.station_name,
            AgreementKind::Oral => None,
        })
    });
    let presider = match &draft.presider_officer_id {
        Some(id) => Some(get_officer(conn, "presider_officer_id", id)).transpose()?.map(|o| (o.name, o.role)),
        None => None,
    };
    Ok(AgreementFacts {
        kind,
        issuer,
        presider,
        parties: super::party::party_facts(conn, dispute_id, on)?,
        on,
        facts: d.facts,
        matters: d.matters,
        responsibility: d.responsibility,
        offence: d.offence,
        occurred_at: d.occurred_at,
        place: d.place,
        cause: d.cause,
        course: d.course,
        circumstances: d.circumstances,
        result: d.result,
        terms: draft.terms.clone(),
        performance_method: draft.performance_method.clone(),
        performance_place: draft.performance_place.clone(),
        performance_deadline: draft.performance_deadline.as_deref().and_then(parse_date),
        mediators: draft.mediators.clone(),
        recorder: draft.recorder.clone(),
        effective_on: draft.effective_on.as_deref().and_then(parse_date),
        copies: draft.copies,
    })
}

/// What the agreement (as drafted, or as it would start) still lacks; empty once finalised.
pub fn check_agreement(
    conn: &Connection,
    dispute_id: &str,
    today: NaiveDate,
) -> Result<(AgreementKind, Vec<MissingField>)> {
    let draft = draft_of(conn, dispute_id)?;
    let facts = agreement_facts(conn, dispute_id, &draft, today)?;
    let status = state(conn, dispute_id)?.status;
    if draft_row(conn, dispute_id, status)?.is_some_and(|a| a.finalised_at.is_some()) {
        return Ok((facts.kind, vec![]));
    }
    Ok((facts.kind, missing_fields(&facts)))
}

/// Agreements whose performance deadline is before `today` and that were not carried out.
pub fn overdue_fulfilments(conn: &Connection, today: NaiveDate) -> Result<Vec<OverdueFulfilment>> {
    let sql = format!(
        "SELECT d.id AS dispute_id, d.title, d.track, d.status, a.id AS agreement_id, a.number AS agreement_number,
                a.performance_deadline, v.name AS village_name, {PARTY_NAMES} AS party_names
         FROM agreement a JOIN dispute d ON d.id = a.dispute_id AND d.deleted_at IS NULL
         LEFT JOIN village v ON v.id = d.village_id
         WHERE a.deleted_at IS NULL AND a.finalised_at IS NOT NULL AND a.fulfilled_on IS NULL
           AND a.performance_deadline < ?1 AND d.status IN ('fulfilling', 'defaulted')
           AND NOT EXISTS (SELECT 1 FROM agreement b WHERE b.dispute_id = a.dispute_id AND b.deleted_at IS NULL
                           AND b.finalised_at > a.finalised_at)
         ORDER BY a.performance_deadline, d.id"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([today.to_string()], |r| OverdueFulfilment::from_row(r, today))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Finalised agreements not carried out whose performance deadline is on or before `until`,
/// with where each takes the officer (今日工作).
pub fn unfulfilled_until(conn: &Connection, until: NaiveDate) -> Result<Vec<FulfilmentOpen>> {
    let sql = format!(
        "SELECT a.id AS agreement_id, d.id AS dispute_id, d.title, a.number, a.performance_deadline,
                {PARTY_NAMES} AS party_names, {PLACE_COLUMNS}
         FROM agreement a JOIN dispute d ON d.id = a.dispute_id AND d.deleted_at IS NULL
         {PARTY_HOME_JOINS}
         WHERE a.deleted_at IS NULL AND a.finalised_at IS NOT NULL AND a.fulfilled_on IS NULL
           AND a.performance_deadline <= ?1 AND d.status IN ('fulfilling', 'defaulted')"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([until.to_string()], |r| {
            Ok(day_of(r.get("performance_deadline")?).map(|due| -> rusqlite::Result<FulfilmentOpen> {
                Ok(from_row!(r => FulfilmentOpen {
                    agreement_id, dispute_id, title, number, party_names, deadline: due, place: place_of(r)?,
                }))
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().flatten().collect::<rusqlite::Result<_>>()?)
}

/// Saves the agreement draft (the input is the whole draft, as edited). A finalised
/// agreement cannot change.
pub fn save_agreement(tx: &mut Tx<'_>, dispute_id: &str, input: AgreementInput) -> Result<()> {
    let st = state(tx.conn(), dispute_id)?;
    let existing = draft_row(tx.conn(), dispute_id, st.status)?;
    let finalised = existing.as_ref().filter(|a| a.finalised_at.is_some()).map(|a| a.number.as_deref());
    check_agreement_open(finalised, st.status)?;
    let a = input.validate()?;
    let kind = a.input.kind.unwrap_or(default_kind(st.track));
    check_agreement_kind(st.track, kind)?;
    if let Some(p) = &a.input.presider_officer_id {
        get_officer(tx.conn(), "presider_officer_id", p)?;
    }
    let cols = vec![
        ("dispute_id", s(dispute_id)),
        ("kind", v(kind)),
        ("issuer", v(a.input.issuer.clone())),
        ("presider_officer_id", v(a.input.presider_officer_id.clone())),
        ("mediators", v(list_json(&a.input.mediators))),
        ("recorder", v(a.input.recorder.clone())),
        ("terms", v(a.input.terms.clone())),
        ("performance_method", v(a.input.performance_method.clone())),
        ("performance_place", v(a.input.performance_place.clone())),
        ("performance_deadline", opt_date(a.performance_deadline)),
        ("copies", v(a.input.copies)),
        ("effective_on", opt_date(a.effective_on)),
    ];
    match existing {
        Some(e) => {
            tx.update("agreement", &e.id, &cols)?;
        }
        None => {
            let id = tx.new_id();
            tx.insert("agreement", &id, &cols)?;
        }
    }
    Ok(())
}

/// The next number of `kind` in `year` for the post `code`. The immediate write
/// transaction holds the database lock from this read to the commit, so two finalisations
/// cannot take the same number.
fn next_seq(tx: &Tx<'_>, code: &str, kind: AgreementKind, year: i32) -> Result<i64> {
    Ok(tx.conn().query_row(
        "SELECT coalesce(max(number_seq), 0) + 1 AS next FROM agreement
         WHERE post_code = ?1 AND kind = ?2 AND number_year = ?3 AND number IS NOT NULL AND deleted_at IS NULL",
        params![code, kind, year],
        |r| r.get("next"),
    )?)
}

/// Finalises the agreement: checks every required field (listing all that are missing),
/// numbers it per post, year and kind inside this transaction, moves the dispute to 履行中
/// and schedules the follow-up. Returns the agreement's id.
pub fn finalise(tx: &mut Tx<'_>, dispute_id: &str) -> Result<String> {
    let today = tx.today();
    let st = state(tx.conn(), dispute_id)?;
    if let Some(a) = draft_row(tx.conn(), dispute_id, st.status)?.filter(|a| a.finalised_at.is_some()) {
        return Err(Error::rule(format!(
            "调解协议已于{}生效{}，不能重复生效",
            a.effective_on.unwrap_or_default(),
            a.number.map(|n| format!("（{n}）")).unwrap_or_default()
        )));
    }
    let outcomes: Vec<MediationOutcome> =
        super::mediation::mediations(tx.conn(), dispute_id)?.iter().map(|m| m.outcome).collect();
    settled_before_finalising(&outcomes)?;
    let to = next(st.status, DisputeEvent::AgreementFinalised)?;
    let mut draft = draft_of(tx.conn(), dispute_id)?;
    let kind = draft.kind.unwrap_or(AgreementKind::People);
    check_agreement_kind(st.track, kind)?;
    if kind != AgreementKind::People && draft.effective_on.is_none() {
        // A security or oral agreement takes effect when the parties sign, i.e. now.
        draft.effective_on = Some(today.to_string());
    }
    let facts = agreement_facts(tx.conn(), dispute_id, &draft, today)?;
    if st.track == Track::Security {
        check_exclusions(&st.exclusions)?;
        if let Some((name, role)) = &facts.presider {
            check_presider(Some((name.as_str(), *role)))?;
        }
        check_parties(&facts.parties, today)?;
    }
    let missing = missing_fields(&facts);
    if !missing.is_empty() {
        return Err(incomplete(kind, missing));
    }
    let effective_on = facts.effective_on.unwrap_or(today);
    let mut number_cols: Vec<(&'static str, Value)> = vec![];
    // Oral agreements are recorded without a number.
    if kind != AgreementKind::Oral {
        let post = get_post(tx.conn())?;
        let (code, prefix) = match post.map(|p| (p.fields.code, p.fields.doc_prefix)) {
            Some((Some(c), Some(p))) => (c, p),
            _ => {
                return Err(Error::rule(format!(
                    "警务室尚未设置编码或文书字号前缀，无法为{}编号；请在“设置”中填写后再生效",
                    kind.label()
                )));
            }
        };
        let year = today.year();
        let seq = next_seq(tx, &code, kind, year)?;
        number_cols = vec![
            ("number", v(format_number(kind, year, &prefix, seq))),
            ("number_year", v(year)),
            ("number_seq", v(seq)),
            ("post_code", v(code)),
        ];
    }
    // Make sure a row exists (a dispute may be finalised straight from the default draft).
    if draft_row(tx.conn(), dispute_id, st.status)?.is_none() {
        save_agreement(tx, dispute_id, draft.clone())?;
    }
    let agreement_id =
        agreement(tx.conn(), dispute_id)?.map(|a| a.id).ok_or_else(|| Error::not_found("调解协议", dispute_id))?;
    let mut cols = number_cols;
    cols.push(("issuer", v(facts.issuer.clone())));
    cols.push(("effective_on", date(effective_on)));
    cols.push(("finalised_at", v(stamp(tx.now()))));
    tx.update("agreement", &agreement_id, &cols)?;
    set_status(tx, dispute_id, to, &[])?;
    let due = follow_up_due(facts.performance_deadline, effective_on);
    // After a follow-up found the last agreement did not hold, the follow-up it scheduled
    // now checks this one.
    let cols = [("dispute_id", s(dispute_id)), ("agreement_id", s(&agreement_id)), ("due_on", date(due))];
    match super::follow_up::pending(tx.conn(), dispute_id)? {
        Some(fid) => {
            tx.update("follow_up", &fid, &cols)?;
        }
        None => {
            let fid = tx.new_id();
            tx.insert("follow_up", &fid, &cols)?;
        }
    }
    Ok(agreement_id)
}

/// Records whether the agreement was carried out; a fulfilment after a follow-up that
/// found the settlement held closes the dispute.
pub fn record_fulfilment(tx: &mut Tx<'_>, input: FulfilmentInput) -> Result<()> {
    let today = tx.today();
    let st = state(tx.conn(), &input.dispute_id)?;
    let event = if input.fulfilled { DisputeEvent::Fulfilled } else { DisputeEvent::Defaulted };
    let mut to = next(st.status, event)?;
    let a = agreement(tx.conn(), &input.dispute_id)?
        .filter(|a| a.finalised_at.is_some())
        .ok_or_else(|| Error::rule("本纠纷没有已生效的调解协议"))?;
    let on = parse_opt_date("on", "日期", input.on.as_deref())?.unwrap_or(today);
    check_fulfilment_on(on, a.effective_on.as_deref().and_then(parse_date), today)?;
    if !input.fulfilled {
        check_default_on(on, a.performance_deadline.as_deref().and_then(parse_date))?;
    }
    let note = text("note", "履行情况说明", input.note.as_deref(), 2000)?;
    let cols = if input.fulfilled {
        vec![("fulfilled_on", date(on)), ("fulfilment_note", v(note))]
    } else {
        vec![("defaulted_on", date(on)), ("fulfilment_note", v(note))]
    };
    tx.update("agreement", &a.id, &cols)?;
    let mut extra = vec![];
    if to == DisputeStatus::Fulfilled && super::follow_up::held_on(tx.conn(), &input.dispute_id)?.is_some() {
        to = next(to, DisputeEvent::FollowUpHeld)?;
        extra.push(("closed_on", date(on)));
    }
    set_status(tx, &input.dispute_id, to, &extra)
}

/// A finalised agreement, as the month's statistics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementFact {
    /// Its dispute.
    pub dispute_id: String,
    /// The dispute's village, if known.
    pub village_id: Option<String>,
    /// 协议类型.
    pub kind: AgreementKind,
    /// The day it took effect.
    pub effective_on: NaiveDate,
}

/// The agreements that took effect in `[lo, hi)`: an agreement counts when it takes effect
/// (its legal date), not when it was typed in.
pub fn effective_in(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<AgreementFact>> {
    let rows = conn
        .prepare_cached(
            "SELECT a.kind, a.effective_on, a.dispute_id, d.village_id FROM agreement a
             LEFT JOIN dispute d ON d.id = a.dispute_id
             WHERE a.deleted_at IS NULL AND a.finalised_at IS NOT NULL AND a.effective_on >= ?1 AND a.effective_on < ?2",
        )?
        .query_map([lo, hi], |r| {
            Ok((
                r.get::<_, AgreementKind>("kind")?,
                day_of(r.get("effective_on")?),
                r.get::<_, String>("dispute_id")?,
                r.get::<_, Option<String>>("village_id")?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, on, dispute_id, village_id)| {
            on.map(|effective_on| AgreementFact { dispute_id, village_id, kind, effective_on })
        })
        .collect())
}
