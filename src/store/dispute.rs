//! Disputes (矛盾纠纷): intake, parties, mediation sessions, the agreement and its number,
//! fulfilment and follow-up. Owns the `dispute`, `party`, `mediation`, `agreement` and
//! `follow_up` tables.
//!
//! The rules themselves are in [`crate::model::dispute`]; this module gathers the facts
//! they look at, asks them, and writes through [`Tx`]. Status moves only through
//! [`next`], so every path obeys the same state machine.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, MissingField, Result};
use crate::model::dispute::{
    AgreementFacts, AgreementInput, DisputeAction, DisputeEvent, DisputeInput, FollowUpInput, FulfilmentInput,
    MediationInput, PartyFacts, PartyInput, SecuritySession, ValidDispute, actions, check_agreement_kind,
    check_exclusions, check_level, check_parties, check_presider, check_security_session, follow_up_due, format_number,
    incomplete, missing_fields, next,
};
use crate::model::people::opt_date as parse_opt_date;
use crate::model::time::{age_on, parse_date, stamp};
use crate::model::validate::{required, text};
use crate::model::{
    AgreementKind, DisputeKind, DisputeSource, DisputeStatus, Exclusion, Grade, MediationLevel, MediationOutcome,
    PartyKind, PartyRole, Role, SecurityOffence, Sex, Track,
};
use crate::store::place::{get_officer, get_post, village_name, work_calendar};
use crate::store::write::{date, opt_date, s, v};
use crate::store::{Tx, json_list, list_json, page_bounds, person};

// ───── what the screens receive ─────

/// A party as the case file shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Party {
    /// Row id.
    pub id: String,
    /// 纠纷.
    pub dispute_id: String,
    /// 关联人员.
    pub person_id: Option<String>,
    /// 类别.
    pub kind: PartyKind,
    /// 身份.
    pub role: PartyRole,
    /// 身份 in Chinese.
    pub role_label: &'static str,
    /// 姓名 / 单位名称.
    pub name: String,
    /// 性别.
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 年龄 today (from the birth date, else as entered).
    pub age: Option<i32>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 住址.
    pub address: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 法定代表人.
    pub legal_rep: Option<String>,
    /// 监护人.
    pub guardian_name: Option<String>,
    /// 监护关系.
    pub guardian_relation: Option<String>,
    /// 委托代理人.
    pub agent_name: Option<String>,
    /// 授权委托书.
    pub agent_authority_ref: Option<String>,
}

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

/// A follow-up visit (回访).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUp {
    /// Row id.
    pub id: String,
    /// 纠纷.
    pub dispute_id: String,
    /// 协议.
    pub agreement_id: Option<String>,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 应回访日期.
    pub due_on: String,
    /// 回访日期.
    pub done_on: Option<String>,
    /// 回访民警.
    pub officer_id: Option<String>,
    /// 回访民警姓名.
    pub officer_name: Option<String>,
    /// 协议是否履行、纠纷是否平息.
    pub held: Option<bool>,
    /// 满意度.
    pub satisfaction: Option<String>,
    /// 新风险.
    pub new_risks: Option<String>,
    /// 回访情况.
    pub notes: Option<String>,
}

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
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20).
    pub page_size: Option<u32>,
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

/// A follow-up due and not yet done.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUpDue {
    /// 回访记录.
    pub id: String,
    /// 纠纷.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 应回访日期.
    pub due_on: String,
    /// Days past due (0 when due today or later).
    pub days_overdue: i64,
    /// 村名.
    pub village_name: Option<String>,
    /// 当事人姓名.
    pub party_names: String,
}

// ───── reading ─────

/// What the rules need to know about a dispute.
#[derive(Debug, Clone)]
struct State {
    status: DisputeStatus,
    track: Track,
    received_on: NaiveDate,
    assessment_on: Option<NaiveDate>,
    exclusions: Vec<Exclusion>,
}

fn day(s: Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(parse_date)
}

fn state(conn: &Connection, id: &str) -> Result<State> {
    conn.prepare_cached(
        "SELECT status, track, received_on, assessment_on, exclusions FROM dispute
         WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        let exclusions: Vec<Exclusion> = json_list(r.get(4)?).iter().filter_map(|e| Exclusion::parse(e)).collect();
        Ok(State {
            status: r.get(0)?,
            track: r.get(1)?,
            received_on: day(r.get(2)?).unwrap_or_default(),
            assessment_on: day(r.get(3)?),
            exclusions,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("纠纷", id))
}

/// The dispute's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str) -> Result<DisputeInput> {
    conn.prepare_cached(
        "SELECT received_on, source, kind, grade, track, title, amount_involved, village_id, incident_id,
                officer_id, facts, matters, responsibility, offence, exclusions, occurred_at, place, cause,
                course, circumstances, result, assessment_on
         FROM dispute WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(DisputeInput {
            received_on: r.get(0)?,
            source: r.get(1)?,
            kind: r.get(2)?,
            grade: r.get(3)?,
            track: r.get(4)?,
            title: r.get(5)?,
            amount_involved: r.get(6)?,
            village_id: r.get(7)?,
            incident_id: r.get(8)?,
            officer_id: r.get(9)?,
            facts: r.get(10)?,
            matters: r.get(11)?,
            responsibility: r.get(12)?,
            offence: r.get(13)?,
            exclusions: json_list(r.get(14)?).iter().filter_map(|e| Exclusion::parse(e)).collect(),
            occurred_at: r.get(15)?,
            place: r.get(16)?,
            cause: r.get(17)?,
            course: r.get(18)?,
            circumstances: r.get(19)?,
            result: r.get(20)?,
            assessment_on: r.get(21)?,
            parties: vec![],
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("纠纷", id))
}

const PARTY_COLS: &str = "id, dispute_id, person_id, kind, role, name, sex, ethnicity, birth_date, age, id_number,
     address, phone, legal_rep, guardian_name, guardian_relation, agent_name, agent_authority_ref";

fn party_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Party> {
    let role: PartyRole = r.get(4)?;
    let birth_date: Option<String> = r.get(8)?;
    let age: Option<i32> = r.get(9)?;
    Ok(Party {
        id: r.get(0)?,
        dispute_id: r.get(1)?,
        person_id: r.get(2)?,
        kind: r.get(3)?,
        role,
        role_label: role.label(),
        name: r.get(5)?,
        sex: r.get(6)?,
        ethnicity: r.get(7)?,
        age: birth_date.as_deref().and_then(parse_date).map(|b| age_on(b, today)).or(age),
        birth_date,
        id_number: r.get(10)?,
        address: r.get(11)?,
        phone: r.get(12)?,
        legal_rep: r.get(13)?,
        guardian_name: r.get(14)?,
        guardian_relation: r.get(15)?,
        agent_name: r.get(16)?,
        agent_authority_ref: r.get(17)?,
    })
}

/// A dispute's parties, in the order they were entered.
pub fn parties(conn: &Connection, dispute_id: &str, today: NaiveDate) -> Result<Vec<Party>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PARTY_COLS} FROM party WHERE dispute_id = ?1 AND deleted_at IS NULL ORDER BY sort, id"
    ))?;
    Ok(stmt.query_map([dispute_id], |r| party_row(r, today))?.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn facts_of(p: &Party) -> PartyFacts {
    PartyFacts {
        kind: p.kind,
        role: p.role,
        name: p.name.clone(),
        sex: p.sex,
        ethnicity: p.ethnicity.clone(),
        birth_date: p.birth_date.as_deref().and_then(parse_date),
        age: if p.birth_date.is_some() { None } else { p.age },
        id_number: p.id_number.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        legal_rep: p.legal_rep.clone(),
        guardian_name: p.guardian_name.clone(),
        guardian_relation: p.guardian_relation.clone(),
        agent_name: p.agent_name.clone(),
        agent_authority_ref: p.agent_authority_ref.clone(),
    }
}

fn party_facts(conn: &Connection, dispute_id: &str, today: NaiveDate) -> Result<Vec<PartyFacts>> {
    Ok(parties(conn, dispute_id, today)?.iter().map(facts_of).collect())
}

fn party_input_of(conn: &Connection, id: &str) -> Result<(String, PartyInput)> {
    conn.prepare_cached(&format!("SELECT {PARTY_COLS} FROM party WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(1)?,
                PartyInput {
                    person_id: r.get(2)?,
                    kind: r.get(3)?,
                    role: r.get(4)?,
                    name: r.get(5)?,
                    sex: r.get(6)?,
                    ethnicity: r.get(7)?,
                    birth_date: r.get(8)?,
                    age: r.get(9)?,
                    id_number: r.get(10)?,
                    address: r.get(11)?,
                    phone: r.get(12)?,
                    legal_rep: r.get(13)?,
                    guardian_name: r.get(14)?,
                    guardian_relation: r.get(15)?,
                    agent_name: r.get(16)?,
                    agent_authority_ref: r.get(17)?,
                },
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("当事人", id))
}

/// The current fields of a party, for an update that changes only some of them.
pub fn party_input(conn: &Connection, id: &str) -> Result<PartyInput> {
    Ok(party_input_of(conn, id)?.1)
}

fn mediations(conn: &Connection, dispute_id: &str) -> Result<Vec<Mediation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.level, m.held_on, m.place, m.mediators, m.presider_officer_id, o.name, m.officer_ids,
                m.attendees, m.recorder, m.record, m.outcome, m.recording_ref
         FROM mediation m LEFT JOIN officer o ON o.id = m.presider_officer_id
         WHERE m.dispute_id = ?1 AND m.deleted_at IS NULL ORDER BY m.held_on, m.id",
    )?;
    Ok(stmt
        .query_map([dispute_id], |r| {
            let level: MediationLevel = r.get(1)?;
            let outcome: MediationOutcome = r.get(11)?;
            Ok(Mediation {
                id: r.get(0)?,
                level,
                level_label: level.label(),
                held_on: r.get(2)?,
                place: r.get(3)?,
                mediators: json_list(r.get(4)?),
                presider_officer_id: r.get(5)?,
                presider_name: r.get(6)?,
                officer_ids: json_list(r.get(7)?),
                attendees: r.get(8)?,
                recorder: r.get(9)?,
                record: r.get(10)?,
                outcome,
                outcome_label: outcome.label(),
                recording_ref: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The dispute's agreement (there is at most one live one).
pub fn agreement(conn: &Connection, dispute_id: &str) -> Result<Option<Agreement>> {
    Ok(conn
        .prepare_cached(
            "SELECT a.id, a.kind, a.number, a.number_year, a.number_seq, a.issuer, a.presider_officer_id, o.name,
                    a.mediators, a.recorder, a.terms, a.performance_method, a.performance_place,
                    a.performance_deadline, a.copies, a.effective_on, a.finalised_at, a.fulfilled_on,
                    a.fulfilment_note, a.defaulted_on
             FROM agreement a LEFT JOIN officer o ON o.id = a.presider_officer_id
             WHERE a.dispute_id = ?1 AND a.deleted_at IS NULL ORDER BY a.id LIMIT 1",
        )?
        .query_row([dispute_id], |r| {
            let kind: AgreementKind = r.get(1)?;
            Ok(Agreement {
                id: r.get(0)?,
                kind,
                kind_label: kind.label(),
                number: r.get(2)?,
                number_year: r.get(3)?,
                number_seq: r.get(4)?,
                issuer: r.get(5)?,
                presider_officer_id: r.get(6)?,
                presider_name: r.get(7)?,
                mediators: json_list(r.get(8)?),
                recorder: r.get(9)?,
                terms: r.get(10)?,
                performance_method: r.get(11)?,
                performance_place: r.get(12)?,
                performance_deadline: r.get(13)?,
                copies: r.get(14)?,
                effective_on: r.get(15)?,
                finalised_at: r.get(16)?,
                fulfilled_on: r.get(17)?,
                fulfilment_note: r.get(18)?,
                defaulted_on: r.get(19)?,
            })
        })
        .optional()?)
}

fn agreement_input(a: &Agreement) -> AgreementInput {
    AgreementInput {
        kind: Some(a.kind),
        terms: a.terms.clone(),
        performance_method: a.performance_method.clone(),
        performance_place: a.performance_place.clone(),
        performance_deadline: a.performance_deadline.clone(),
        copies: a.copies,
        mediators: a.mediators.clone(),
        recorder: a.recorder.clone(),
        presider_officer_id: a.presider_officer_id.clone(),
        effective_on: a.effective_on.clone(),
        // The stored issuer is the override; the post's name is filled in when checking.
        issuer: a.issuer.clone(),
    }
}

/// The agreement's draft fields: the saved draft, or one started from the settled session
/// (its mediators, recorder and presider) with the kind following the track.
pub fn draft_of(conn: &Connection, dispute_id: &str) -> Result<AgreementInput> {
    if let Some(a) = agreement(conn, dispute_id)? {
        return Ok(agreement_input(&a));
    }
    let st = state(conn, dispute_id)?;
    let settled = mediations(conn, dispute_id)?.into_iter().rev().find(|m| m.outcome == MediationOutcome::Settled);
    let kind = match st.track {
        Track::People => AgreementKind::People,
        Track::Security => AgreementKind::Security,
    };
    Ok(AgreementInput {
        kind: Some(kind),
        mediators: settled.as_ref().map(|m| m.mediators.clone()).unwrap_or_default(),
        recorder: settled.as_ref().and_then(|m| m.recorder.clone()),
        presider_officer_id: settled.and_then(|m| m.presider_officer_id),
        ..Default::default()
    })
}

fn follow_ups(conn: &Connection, dispute_id: &str) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.dispute_id, f.agreement_id, a.number, f.due_on, f.done_on, f.officer_id, o.name, f.held,
                f.satisfaction, f.new_risks, f.notes
         FROM follow_up f LEFT JOIN agreement a ON a.id = f.agreement_id
         LEFT JOIN officer o ON o.id = f.officer_id
         WHERE f.dispute_id = ?1 AND f.deleted_at IS NULL ORDER BY f.due_on, f.id",
    )?;
    Ok(stmt
        .query_map([dispute_id], |r| {
            Ok(FollowUp {
                id: r.get(0)?,
                dispute_id: r.get(1)?,
                agreement_id: r.get(2)?,
                agreement_number: r.get(3)?,
                due_on: r.get(4)?,
                done_on: r.get(5)?,
                officer_id: r.get(6)?,
                officer_name: r.get(7)?,
                held: r.get(8)?,
                satisfaction: r.get(9)?,
                new_risks: r.get(10)?,
                notes: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The facts the agreement's required-field check looks at, with the post's names filled in.
fn agreement_facts(
    conn: &Connection,
    dispute_id: &str,
    draft: &AgreementInput,
    on: NaiveDate,
) -> Result<AgreementFacts> {
    let d = input_of(conn, dispute_id)?;
    let kind = draft.kind.unwrap_or(match d.track.unwrap_or(Track::People) {
        Track::People => AgreementKind::People,
        Track::Security => AgreementKind::Security,
    });
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
        parties: party_facts(conn, dispute_id, on)?,
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
    if agreement(conn, dispute_id)?.is_some_and(|a| a.finalised_at.is_some()) {
        return Ok((facts.kind, vec![]));
    }
    Ok((facts.kind, missing_fields(&facts)))
}

/// A dispute with its whole case file, as of `today`.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<Dispute> {
    let mut d = conn
        .prepare_cached(
            "SELECT d.id, d.received_on, d.source, d.kind, d.grade, d.track, d.status, d.title, d.amount_involved,
                    d.village_id, v.name, d.incident_id, d.officer_id, o.name, d.facts, d.matters, d.responsibility,
                    d.offence, d.exclusions, d.occurred_at, d.place, d.cause, d.course, d.circumstances, d.result,
                    d.assessment_on, d.referred_to, d.withdraw_reason, d.closed_on
             FROM dispute d LEFT JOIN village v ON v.id = d.village_id
             LEFT JOIN officer o ON o.id = d.officer_id
             WHERE d.id = ?1 AND d.deleted_at IS NULL",
        )?
        .query_row([id], |r| {
            let kind: DisputeKind = r.get(3)?;
            let status: DisputeStatus = r.get(6)?;
            Ok(Dispute {
                id: r.get(0)?,
                received_on: r.get(1)?,
                source: r.get(2)?,
                kind,
                kind_label: kind.label(),
                grade: r.get(4)?,
                track: r.get(5)?,
                status,
                status_label: status.label(),
                title: r.get(7)?,
                amount_involved: r.get(8)?,
                village_id: r.get(9)?,
                village_name: r.get(10)?,
                incident_id: r.get(11)?,
                officer_id: r.get(12)?,
                officer_name: r.get(13)?,
                facts: r.get(14)?,
                matters: r.get(15)?,
                responsibility: r.get(16)?,
                offence: r.get(17)?,
                exclusions: json_list(r.get(18)?).iter().filter_map(|e| Exclusion::parse(e)).collect(),
                occurred_at: r.get(19)?,
                place: r.get(20)?,
                cause: r.get(21)?,
                course: r.get(22)?,
                circumstances: r.get(23)?,
                result: r.get(24)?,
                assessment_on: r.get(25)?,
                referred_to: r.get(26)?,
                withdraw_reason: r.get(27)?,
                closed_on: r.get(28)?,
                parties: vec![],
                mediations: vec![],
                agreement: None,
                follow_ups: vec![],
                missing: vec![],
                next_actions: vec![],
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("纠纷", id))?;
    d.parties = parties(conn, id, today)?;
    d.mediations = mediations(conn, id)?;
    d.agreement = agreement(conn, id)?;
    d.follow_ups = follow_ups(conn, id)?;
    if matches!(d.status, DisputeStatus::Agreed) {
        d.missing = check_agreement(conn, id, today)?.1;
    }
    let pending = d.follow_ups.iter().any(|f| f.done_on.is_none());
    d.next_actions =
        actions(d.status, pending).into_iter().map(|action| ActionInfo { action, label: action.label() }).collect();
    Ok(d)
}

const PARTY_NAMES: &str = "(SELECT group_concat(name, '、') FROM
    (SELECT p.name FROM party p WHERE p.dispute_id = d.id AND p.deleted_at IS NULL ORDER BY p.sort, p.id))";

/// A page of disputes, newest intake first.
pub fn list(conn: &Connection, f: &DisputeFilter) -> Result<DisputePage> {
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
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM dispute d WHERE {filter}"))?
        .query_row(args, |r| r.get(0))?;
    let sql = format!(
        "SELECT d.id, d.received_on, d.title, d.kind, d.track, d.status, v.name, o.name, {PARTY_NAMES},
                d.amount_involved,
                (SELECT a.number FROM agreement a WHERE a.dispute_id = d.id AND a.deleted_at IS NULL LIMIT 1)
         FROM dispute d LEFT JOIN village v ON v.id = d.village_id LEFT JOIN officer o ON o.id = d.officer_id
         WHERE {filter} ORDER BY d.received_on DESC, d.id DESC LIMIT ?10 OFFSET ?11"
    );
    let args = params![f.status, f.kind, f.village_id, f.track, from, to, words, person, household, limit, offset];
    let items = conn
        .prepare_cached(&sql)?
        .query_map(args, |r| {
            let status: DisputeStatus = r.get(5)?;
            Ok(DisputeRow {
                id: r.get(0)?,
                received_on: r.get(1)?,
                title: r.get(2)?,
                kind: r.get(3)?,
                track: r.get(4)?,
                status,
                status_label: status.label(),
                village_name: r.get(6)?,
                officer_name: r.get(7)?,
                party_names: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                amount_involved: r.get(9)?,
                agreement_number: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(DisputePage { total, page, page_size, items })
}

/// Agreements whose performance deadline is before `today` and that were not carried out.
pub fn overdue_fulfilments(conn: &Connection, today: NaiveDate) -> Result<Vec<OverdueFulfilment>> {
    let sql = format!(
        "SELECT d.id, d.title, d.track, d.status, a.id, a.number, a.performance_deadline, v.name, {PARTY_NAMES}
         FROM agreement a JOIN dispute d ON d.id = a.dispute_id AND d.deleted_at IS NULL
         LEFT JOIN village v ON v.id = d.village_id
         WHERE a.deleted_at IS NULL AND a.finalised_at IS NOT NULL AND a.fulfilled_on IS NULL
           AND a.performance_deadline < ?1 AND d.status IN ('fulfilling', 'defaulted')
         ORDER BY a.performance_deadline, d.id"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([today.to_string()], |r| {
            let deadline: String = r.get(6)?;
            Ok(OverdueFulfilment {
                dispute_id: r.get(0)?,
                title: r.get(1)?,
                track: r.get(2)?,
                status: r.get(3)?,
                agreement_id: r.get(4)?,
                agreement_number: r.get(5)?,
                days_overdue: parse_date(&deadline).map(|d| (today - d).num_days()).unwrap_or(0),
                performance_deadline: deadline,
                village_name: r.get(7)?,
                party_names: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Follow-ups due on or before `on` and not yet done, the most overdue first.
pub fn follow_ups_due(conn: &Connection, on: NaiveDate) -> Result<Vec<FollowUpDue>> {
    let sql = format!(
        "SELECT f.id, d.id, d.title, a.number, f.due_on, v.name, {PARTY_NAMES}
         FROM follow_up f JOIN dispute d ON d.id = f.dispute_id AND d.deleted_at IS NULL
         LEFT JOIN agreement a ON a.id = f.agreement_id
         LEFT JOIN village v ON v.id = d.village_id
         WHERE f.deleted_at IS NULL AND f.done_on IS NULL AND f.due_on <= ?1
         ORDER BY f.due_on, f.id"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([on.to_string()], |r| {
            let due: String = r.get(4)?;
            Ok(FollowUpDue {
                id: r.get(0)?,
                dispute_id: r.get(1)?,
                title: r.get(2)?,
                agreement_number: r.get(3)?,
                days_overdue: parse_date(&due).map(|d| (on - d).num_days().max(0)).unwrap_or(0),
                due_on: due,
                village_name: r.get(5)?,
                party_names: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

// ───── writing ─────

fn set_status(tx: &mut Tx<'_>, id: &str, to: DisputeStatus, extra: &[(&'static str, Value)]) -> Result<()> {
    let mut cols = vec![("status", v(to))];
    cols.extend(extra.iter().cloned());
    tx.update("dispute", id, &cols)?;
    Ok(())
}

fn check_editable(status: DisputeStatus) -> Result<()> {
    if actions(status, false).contains(&DisputeAction::Update) {
        Ok(())
    } else {
        Err(Error::rule(format!(
            "纠纷当前状态为“{}”，协议已生效或案件已结束，不能再修改纠纷和当事人信息",
            status.label()
        )))
    }
}

fn check_refs(tx: &Tx<'_>, d: &ValidDispute) -> Result<()> {
    if let Some(vid) = &d.input.village_id {
        village_name(tx.conn(), "village_id", vid)?;
    }
    if let Some(o) = &d.input.officer_id {
        get_officer(tx.conn(), "officer_id", o)?;
    }
    if let Some(i) = &d.input.incident_id {
        let found: Option<i64> = tx
            .conn()
            .query_row("SELECT 1 FROM incident WHERE id = ?1 AND deleted_at IS NULL", [i], |r| r.get(0))
            .optional()?;
        if found.is_none() {
            return Err(Error::validation("incident_id", format!("所选警情不存在或已删除（{i}）")));
        }
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
        insert_party(tx, &id, p, &format!("parties[{i}]."), i as i64)?;
    }
    Ok(id)
}

/// Changes a dispute (the input is the whole dispute, as edited). The track cannot change
/// once a session was held; a finalised or ended dispute cannot change at all.
pub fn update(tx: &mut Tx<'_>, id: &str, input: DisputeInput) -> Result<()> {
    let st = state(tx.conn(), id)?;
    check_editable(st.status)?;
    let d = input.validate(tx.today())?;
    if !mediations(tx.conn(), id)?.is_empty() {
        // The 治安调解 deadlines count from these dates: once a session is held they stay.
        if d.track != st.track {
            return Err(Error::validation("track", "已进行过调解，不能再更改调解类型"));
        }
        if st.track == Track::Security && d.received_on != st.received_on {
            return Err(Error::validation("received_on", "已进行过治安调解，受理日期不能再更改"));
        }
        if st.track == Track::Security && d.assessment_on != st.assessment_on {
            return Err(Error::validation("assessment_on", "已进行过治安调解，鉴定意见送达日期不能再更改"));
        }
    }
    check_refs(tx, &d)?;
    tx.update("dispute", id, &dispute_cols(&d))?;
    Ok(())
}

/// Fills a linked party's blank fields from the resident's record.
fn fill_from_person(conn: &Connection, mut p: PartyInput, prefix: &str, today: NaiveDate) -> Result<PartyInput> {
    let Some(pid) = p.person_id.clone().filter(|s| !s.trim().is_empty()) else {
        p.person_id = None;
        return Ok(p);
    };
    if p.kind == Some(PartyKind::Organisation) {
        return Err(Error::validation(format!("{prefix}person_id"), "单位当事人不能关联人员"));
    }
    let person = person::get(conn, &pid, today).map_err(|e| match e {
        Error::NotFound { .. } => {
            Error::validation(format!("{prefix}person_id"), format!("所选人员不存在或已删除（{pid}）"))
        }
        other => other,
    })?;
    let fill = |mine: &mut Option<String>, theirs: Option<String>| {
        if mine.as_deref().is_none_or(|s| s.trim().is_empty()) {
            *mine = theirs;
        }
    };
    fill(&mut p.name, Some(person.name));
    fill(&mut p.ethnicity, person.ethnicity);
    fill(&mut p.birth_date, person.birth_date);
    fill(&mut p.id_number, person.id_number);
    fill(&mut p.phone, person.phone);
    fill(&mut p.address, person.address.or(person.household_address));
    if p.sex.is_none() {
        p.sex = person.sex;
    }
    Ok(p)
}

fn party_cols(dispute_id: &str, person_id: Option<String>, p: &PartyFacts) -> Vec<(&'static str, Value)> {
    vec![
        ("dispute_id", s(dispute_id)),
        ("person_id", v(person_id)),
        ("kind", v(p.kind)),
        ("role", v(p.role)),
        ("name", v(p.name.clone())),
        ("sex", v(p.sex)),
        ("ethnicity", v(p.ethnicity.clone())),
        ("birth_date", opt_date(p.birth_date)),
        ("age", v(p.age)),
        ("id_number", v(p.id_number.clone())),
        ("address", v(p.address.clone())),
        ("phone", v(p.phone.clone())),
        ("legal_rep", v(p.legal_rep.clone())),
        ("guardian_name", v(p.guardian_name.clone())),
        ("guardian_relation", v(p.guardian_relation.clone())),
        ("agent_name", v(p.agent_name.clone())),
        ("agent_authority_ref", v(p.agent_authority_ref.clone())),
    ]
}

fn insert_party(tx: &mut Tx<'_>, dispute_id: &str, input: PartyInput, prefix: &str, sort: i64) -> Result<String> {
    let today = tx.today();
    let input = fill_from_person(tx.conn(), input, prefix, today)?;
    let person_id = input.person_id.clone();
    if let Some(pid) = &person_id {
        let dup: Option<String> = tx
            .conn()
            .query_row(
                "SELECT name FROM party WHERE dispute_id = ?1 AND person_id = ?2 AND deleted_at IS NULL",
                [dispute_id, pid],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(name) = dup {
            return Err(Error::validation(format!("{prefix}person_id"), format!("“{name}”已是本纠纷的当事人")));
        }
    }
    let facts = input.validate(prefix, today)?;
    let id = tx.new_id();
    let mut cols = party_cols(dispute_id, person_id, &facts);
    cols.push(("sort", v(sort)));
    tx.insert("party", &id, &cols)?;
    Ok(id)
}

/// Adds a party to a dispute that is still open to changes.
pub fn add_party(tx: &mut Tx<'_>, dispute_id: &str, input: PartyInput) -> Result<String> {
    check_editable(state(tx.conn(), dispute_id)?.status)?;
    let sort: i64 = tx.conn().query_row(
        "SELECT coalesce(max(sort), -1) + 1 FROM party WHERE dispute_id = ?1 AND deleted_at IS NULL",
        [dispute_id],
        |r| r.get(0),
    )?;
    insert_party(tx, dispute_id, input, "", sort)
}

/// Changes a party (the input is the whole party, as edited).
pub fn update_party(tx: &mut Tx<'_>, id: &str, input: PartyInput) -> Result<String> {
    let (dispute_id, before) = party_input_of(tx.conn(), id)?;
    check_editable(state(tx.conn(), &dispute_id)?.status)?;
    let today = tx.today();
    // A newly linked resident fills what is blank; an existing link keeps what was edited.
    let input =
        if input.person_id != before.person_id { fill_from_person(tx.conn(), input, "", today)? } else { input };
    let person_id = input.person_id.clone().filter(|s| !s.trim().is_empty());
    let facts = input.validate("", today)?;
    tx.update("party", id, &party_cols(&dispute_id, person_id, &facts))?;
    Ok(dispute_id)
}

/// Records a mediation session: the ladder, the 治安调解 rules, then the state machine.
pub fn add_mediation(tx: &mut Tx<'_>, input: MediationInput) -> Result<String> {
    let today = tx.today();
    let m = input.validate(today)?;
    let dispute_id = m.input.dispute_id.clone();
    let st = state(tx.conn(), &dispute_id)?;
    let to = next(st.status, DisputeEvent::Mediated(m.outcome))?;
    if m.held_on < st.received_on {
        return Err(Error::validation("held_on", format!("调解日期{}早于受理日期{}", m.held_on, st.received_on)));
    }
    let parties = party_facts(tx.conn(), &dispute_id, m.held_on)?;
    if parties.len() < 2 {
        return Err(Error::rule("调解前请至少登记双方当事人"));
    }
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
    let mut mediators = m.input.mediators.clone();
    if let Some(p) = &presider
        && !mediators.contains(&p.name)
    {
        mediators.insert(0, p.name.clone());
    }
    if mediators.is_empty() {
        return Err(Error::validation("mediators", "请填写调解员姓名"));
    }
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

/// Saves the agreement draft (the input is the whole draft, as edited). A finalised
/// agreement cannot change.
pub fn save_agreement(tx: &mut Tx<'_>, dispute_id: &str, input: AgreementInput) -> Result<()> {
    let st = state(tx.conn(), dispute_id)?;
    let existing = agreement(tx.conn(), dispute_id)?;
    if let Some(a) = existing.as_ref().filter(|a| a.finalised_at.is_some()) {
        return Err(Error::rule(format!(
            "调解协议{}已生效，内容不能再修改",
            a.number.as_deref().map(|n| format!("（{n}）")).unwrap_or_default()
        )));
    }
    if !matches!(st.status, DisputeStatus::Registered | DisputeStatus::Mediating | DisputeStatus::Agreed) {
        return Err(Error::rule(format!("纠纷当前状态为“{}”，不能填写调解协议", st.status.label())));
    }
    let a = input.validate()?;
    let kind = a.input.kind.unwrap_or(match st.track {
        Track::People => AgreementKind::People,
        Track::Security => AgreementKind::Security,
    });
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

/// Finalises the agreement: checks every required field (listing all that are missing),
/// numbers it per post, year and kind inside this transaction, moves the dispute to 履行中
/// and schedules the follow-up. Returns the agreement's id.
pub fn finalise(tx: &mut Tx<'_>, dispute_id: &str) -> Result<String> {
    let today = tx.today();
    let st = state(tx.conn(), dispute_id)?;
    if let Some(a) = agreement(tx.conn(), dispute_id)?.filter(|a| a.finalised_at.is_some()) {
        return Err(Error::rule(format!(
            "调解协议已于{}生效{}，不能重复生效",
            a.effective_on.unwrap_or_default(),
            a.number.map(|n| format!("（{n}）")).unwrap_or_default()
        )));
    }
    let settled = mediations(tx.conn(), dispute_id)?.iter().any(|m| m.outcome == MediationOutcome::Settled);
    if !settled {
        return Err(Error::rule("尚无达成一致的调解记录，请先登记结果为“达成一致”的调解，再使协议生效"));
    }
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
        let seq: i64 = tx.conn().query_row(
            "SELECT coalesce(max(number_seq), 0) + 1 FROM agreement
             WHERE post_code = ?1 AND kind = ?2 AND number_year = ?3 AND number IS NOT NULL AND deleted_at IS NULL",
            params![code, kind, year],
            |r| r.get(0),
        )?;
        // The immediate write transaction holds the database lock from the read above to the
        // commit, so two finalisations cannot take the same number.
        number_cols = vec![
            ("number", v(format_number(kind, year, &prefix, seq))),
            ("number_year", v(year)),
            ("number_seq", v(seq)),
            ("post_code", v(code)),
        ];
    }
    // Make sure a row exists (a dispute may be finalised straight from the default draft).
    if agreement(tx.conn(), dispute_id)?.is_none() {
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
    let fid = tx.new_id();
    tx.insert(
        "follow_up",
        &fid,
        &[("dispute_id", s(dispute_id)), ("agreement_id", s(&agreement_id)), ("due_on", date(due))],
    )?;
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
    if on > today {
        return Err(Error::validation("on", "日期不能晚于今天"));
    }
    if let Some(e) = a.effective_on.as_deref().and_then(parse_date).filter(|e| on < *e) {
        return Err(Error::validation("on", format!("日期{on}早于协议生效日期{e}")));
    }
    let note = text("note", "履行情况说明", input.note.as_deref(), 2000)?;
    let cols = if input.fulfilled {
        vec![("fulfilled_on", date(on)), ("fulfilment_note", v(note))]
    } else {
        vec![("defaulted_on", date(on)), ("fulfilment_note", v(note))]
    };
    tx.update("agreement", &a.id, &cols)?;
    let mut extra = vec![];
    if to == DisputeStatus::Fulfilled {
        let held_on: Option<String> = tx
            .conn()
            .query_row(
                "SELECT max(done_on) FROM follow_up WHERE dispute_id = ?1 AND held = 1 AND done_on IS NOT NULL
                 AND deleted_at IS NULL",
                [&input.dispute_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if held_on.is_some() {
            to = next(to, DisputeEvent::FollowUpHeld)?;
            extra.push(("closed_on", date(on)));
        }
    }
    set_status(tx, &input.dispute_id, to, &extra)
}

/// Records a follow-up; when the agreement was carried out and it held, the dispute closes.
/// Returns the follow-up's id.
pub fn record_follow_up(tx: &mut Tx<'_>, input: FollowUpInput) -> Result<String> {
    let today = tx.today();
    let (fid, dispute_id, done) = match (&input.id, &input.dispute_id) {
        (Some(id), _) => tx
            .conn()
            .query_row(
                "SELECT id, dispute_id, done_on FROM follow_up WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("回访记录", id))?,
        (None, Some(d)) => {
            state(tx.conn(), d)?;
            tx.conn()
                .query_row(
                    "SELECT id, dispute_id, done_on FROM follow_up
                     WHERE dispute_id = ?1 AND done_on IS NULL AND deleted_at IS NULL ORDER BY due_on, id LIMIT 1",
                    [d],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)),
                )
                .optional()?
                .ok_or_else(|| Error::rule("本纠纷没有待回访的记录"))?
        }
        (None, None) => return Err(Error::validation("id", "请指明回访记录（id）或纠纷（dispute_id）")),
    };
    if let Some(done) = done {
        return Err(Error::rule(format!("该回访已于{done}完成，不能重复登记")));
    }
    if let Some(o) = &input.officer_id {
        get_officer(tx.conn(), "officer_id", o)?;
    }
    let done_on = parse_opt_date("done_on", "回访日期", input.done_on.as_deref())?.unwrap_or(today);
    if done_on > today {
        return Err(Error::validation("done_on", "回访日期不能晚于今天"));
    }
    let satisfaction = text("satisfaction", "满意度", input.satisfaction.as_deref(), 20)?;
    let new_risks = text("new_risks", "新风险", input.new_risks.as_deref(), 2000)?;
    let notes = text("notes", "回访情况", input.notes.as_deref(), 4000)?;
    if notes.is_none() && satisfaction.is_none() {
        return Err(Error::validation("notes", "请填写回访情况或当事人满意度"));
    }
    tx.update(
        "follow_up",
        &fid,
        &[
            ("done_on", date(done_on)),
            ("officer_id", v(input.officer_id.clone())),
            ("held", v(input.held)),
            ("satisfaction", v(satisfaction)),
            ("new_risks", v(new_risks)),
            ("notes", v(notes)),
        ],
    )?;
    let st = state(tx.conn(), &dispute_id)?;
    if input.held && st.status == DisputeStatus::Fulfilled {
        let to = next(st.status, DisputeEvent::FollowUpHeld)?;
        set_status(tx, &dispute_id, to, &[("closed_on", date(done_on))])?;
    }
    Ok(fid)
}

/// Hands the dispute on (court, 司法所, HQ…).
pub fn refer(tx: &mut Tx<'_>, id: &str, referred_to: &str, on: Option<&str>) -> Result<()> {
    let st = state(tx.conn(), id)?;
    let to = next(st.status, DisputeEvent::Referred)?;
    let referred_to = required("referred_to", "移交去向", referred_to, 60)?;
    let on = parse_opt_date("on", "移交日期", on)?.unwrap_or(tx.today());
    if on > tx.today() {
        return Err(Error::validation("on", "移交日期不能晚于今天"));
    }
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
