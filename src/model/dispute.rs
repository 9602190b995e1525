//! Disputes and their mediation: the state machine, the 治安调解 rules and the agreement's
//! required fields, as pure functions over values.
//!
//! Nothing here reads the clock or the database: the store gathers the facts (parties,
//! earlier sessions, the post's names, the working-day calendar) and asks these functions
//! whether a step is allowed. Every refusal names the rule in Chinese.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, MissingField, Result};
use crate::model::calendar::WorkCalendar;
use crate::model::id_number::IdNumber;
use crate::model::people::{opt_date, opt_phone};
use crate::model::time::age_on;
use crate::model::validate::{fen, person_name, required, text};
use crate::model::{
    AgreementKind, DisputeKind, DisputeSource, DisputeStatus, Exclusion, Grade, MediationLevel, MediationOutcome,
    PartyKind, PartyRole, Role, SecurityOffence, Sex, Track,
};

// ───── the state machine ─────

/// Something that happens to a dispute and may move its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeEvent {
    /// A mediation session was held with this outcome.
    Mediated(MediationOutcome),
    /// The agreement (written or oral) was finalised.
    AgreementFinalised,
    /// The agreement was carried out.
    Fulfilled,
    /// The agreement was not carried out.
    Defaulted,
    /// A follow-up found that the settlement held.
    FollowUpHeld,
    /// Handed on to a court, the judicial office or HQ.
    Referred,
    /// The applicant withdrew.
    Withdrawn,
}

impl DisputeEvent {
    /// What the step is called, for messages.
    pub fn label(self) -> &'static str {
        match self {
            DisputeEvent::Mediated(_) => "调解",
            DisputeEvent::AgreementFinalised => "协议生效",
            DisputeEvent::Fulfilled => "登记履行完毕",
            DisputeEvent::Defaulted => "登记未履行",
            DisputeEvent::FollowUpHeld => "回访结案",
            DisputeEvent::Referred => "移交",
            DisputeEvent::Withdrawn => "撤回",
        }
    }
}

/// The status a dispute moves to when `event` happens in `status`, or a refusal naming both.
pub fn next(status: DisputeStatus, event: DisputeEvent) -> Result<DisputeStatus> {
    use DisputeEvent as E;
    use DisputeStatus as S;
    let to = match (status, event) {
        (S::Registered | S::Mediating, E::Mediated(o)) => match o {
            MediationOutcome::Settled => S::Agreed,
            MediationOutcome::Continued | MediationOutcome::Escalated => S::Mediating,
            MediationOutcome::Failed => S::Failed,
        },
        (S::Agreed, E::AgreementFinalised) => S::Fulfilling,
        (S::Fulfilling | S::Defaulted, E::Fulfilled) => S::Fulfilled,
        (S::Fulfilling, E::Defaulted) => S::Defaulted,
        (S::Fulfilled, E::FollowUpHeld) => S::Closed,
        (S::Registered | S::Mediating | S::Failed | S::Defaulted, E::Referred) => S::Referred,
        (S::Registered | S::Mediating | S::Agreed, E::Withdrawn) => S::Withdrawn,
        _ => {
            return Err(Error::rule(format!("纠纷当前状态为“{}”，不能{}", status.label(), event.label())));
        }
    };
    Ok(to)
}

/// A step the user may take next on a dispute (what the buttons offer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DisputeAction {
    /// 修改纠纷、当事人.
    Update,
    /// 登记调解.
    Mediate,
    /// 保存协议草稿.
    SaveAgreement,
    /// 协议生效（编号）.
    FinaliseAgreement,
    /// 登记履行情况.
    RecordFulfilment,
    /// 登记回访.
    RecordFollowUp,
    /// 移交.
    Refer,
    /// 撤回.
    Withdraw,
}

impl DisputeAction {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            DisputeAction::Update => "修改纠纷信息",
            DisputeAction::Mediate => "登记调解",
            DisputeAction::SaveAgreement => "填写调解协议",
            DisputeAction::FinaliseAgreement => "协议生效并编号",
            DisputeAction::RecordFulfilment => "登记履行情况",
            DisputeAction::RecordFollowUp => "登记回访",
            DisputeAction::Refer => "移交",
            DisputeAction::Withdraw => "撤回",
        }
    }
}

/// The steps open in `status` (a follow-up may be recorded whenever one is pending).
pub fn actions(status: DisputeStatus, follow_up_pending: bool) -> Vec<DisputeAction> {
    use DisputeAction as A;
    use DisputeStatus as S;
    let mut out = match status {
        S::Registered | S::Mediating => vec![A::Update, A::Mediate, A::Refer, A::Withdraw],
        S::Agreed => vec![A::Update, A::SaveAgreement, A::FinaliseAgreement, A::Withdraw],
        S::Fulfilling => vec![A::RecordFulfilment],
        S::Defaulted => vec![A::RecordFulfilment, A::Refer],
        S::Failed => vec![A::Refer],
        S::Fulfilled | S::Closed | S::Referred | S::Withdrawn => vec![],
    };
    if follow_up_pending && matches!(status, S::Fulfilling | S::Fulfilled | S::Defaulted) {
        out.push(A::RecordFollowUp);
    }
    out
}

// ───── inputs ─────

/// A dispute as the intake form sends it (`dispute.create`; `dispute.update` changes some
/// of these fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct DisputeInput {
    /// 受理日期 (default today).
    pub received_on: Option<String>,
    /// 来源.
    pub source: Option<DisputeSource>,
    /// 纠纷类型.
    pub kind: Option<DisputeKind>,
    /// 纠纷等级 (default 一般).
    pub grade: Option<Grade>,
    /// 调解类型: people (default) or security.
    pub track: Option<Track>,
    /// 纠纷名称, e.g. 王某与李某宅基地边界纠纷.
    pub title: String,
    /// 涉及金额, in fen.
    pub amount_involved: Option<i64>,
    /// 所属村（社区）.
    pub village_id: Option<String>,
    /// 关联警情.
    pub incident_id: Option<String>,
    /// 承办民警.
    pub officer_id: Option<String>,
    /// 纠纷主要事实.
    pub facts: Option<String>,
    /// 争议事项.
    pub matters: Option<String>,
    /// 各方责任.
    pub responsibility: Option<String>,
    /// 治安调解: 违法行为.
    pub offence: Option<SecurityOffence>,
    /// 治安调解: 不适用调解的情形 (any one refuses 治安调解).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub exclusions: Vec<Exclusion>,
    /// 治安调解: 案件发生时间 (Beijing time, e.g. 2026-11-20 14:30).
    pub occurred_at: Option<String>,
    /// 治安调解: 案件发生地点.
    pub place: Option<String>,
    /// 治安调解: 起因.
    pub cause: Option<String>,
    /// 治安调解: 经过.
    pub course: Option<String>,
    /// 治安调解: 情节.
    pub circumstances: Option<String>,
    /// 治安调解: 结果.
    pub result: Option<String>,
    /// 治安调解: 伤情/价值鉴定意见送达日期 (the 3 working days then count from it).
    pub assessment_on: Option<String>,
    /// 当事人 (at intake only; later through `party.add`).
    #[serde(default, skip_serializing)]
    pub parties: Vec<PartyInput>,
}

/// A dispute's fields, checked.
#[derive(Debug, Clone)]
pub struct ValidDispute {
    /// The input, tidied.
    pub input: DisputeInput,
    /// 受理日期.
    pub received_on: NaiveDate,
    /// 来源.
    pub source: DisputeSource,
    /// 纠纷类型.
    pub kind: DisputeKind,
    /// 纠纷等级.
    pub grade: Grade,
    /// 调解类型.
    pub track: Track,
    /// 涉及金额 (fen).
    pub amount_involved: i64,
    /// 案件发生时间, stored form (RFC 3339 UTC).
    pub occurred_at: Option<String>,
    /// 鉴定意见日期.
    pub assessment_on: Option<NaiveDate>,
}

impl DisputeInput {
    /// Checks and tidies every field except the parties; `today` bounds the dates.
    pub fn validate(mut self, today: NaiveDate) -> Result<ValidDispute> {
        let received_on = opt_date("received_on", "受理日期", self.received_on.as_deref())?.unwrap_or(today);
        if received_on > today {
            return Err(Error::validation("received_on", "受理日期不能晚于今天"));
        }
        let source = self.source.ok_or_else(|| Error::validation("source", "请选择纠纷来源"))?;
        let kind = self.kind.ok_or_else(|| Error::validation("kind", "请选择纠纷类型"))?;
        self.title = required("title", "纠纷名称", &self.title, 60)?;
        let amount_involved = fen("amount_involved", "涉及金额", self.amount_involved.unwrap_or(0))?;
        self.village_id = self.village_id.filter(|s| !s.trim().is_empty());
        self.incident_id = self.incident_id.filter(|s| !s.trim().is_empty());
        self.officer_id = self.officer_id.filter(|s| !s.trim().is_empty());
        self.facts = text("facts", "纠纷主要事实", self.facts.as_deref(), 4000)?;
        self.matters = text("matters", "争议事项", self.matters.as_deref(), 2000)?;
        self.responsibility = text("responsibility", "各方责任", self.responsibility.as_deref(), 2000)?;
        self.place = text("place", "案件发生地点", self.place.as_deref(), 100)?;
        self.cause = text("cause", "起因", self.cause.as_deref(), 2000)?;
        self.course = text("course", "经过", self.course.as_deref(), 4000)?;
        self.circumstances = text("circumstances", "情节", self.circumstances.as_deref(), 2000)?;
        self.result = text("result", "结果", self.result.as_deref(), 2000)?;
        let occurred_at = match self.occurred_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let t = crate::model::time::parse_instant(s).ok_or_else(|| {
                    Error::validation("occurred_at", format!("案件发生时间“{s}”无法识别，应写作 2026-11-20 14:30"))
                })?;
                if t.with_timezone(&crate::model::time::beijing()).date_naive() > today {
                    return Err(Error::validation("occurred_at", "案件发生时间不能晚于今天"));
                }
                Some(crate::model::time::stamp(t))
            }
        };
        let assessment_on = opt_date("assessment_on", "鉴定意见送达日期", self.assessment_on.as_deref())?;
        if assessment_on.is_some_and(|a| a > today) {
            return Err(Error::validation("assessment_on", "鉴定意见送达日期不能晚于今天"));
        }
        let track = self.track.unwrap_or(Track::People);
        if track == Track::People {
            let security_only = [
                ("offence", self.offence.is_some()),
                ("exclusions", !self.exclusions.is_empty()),
                ("assessment_on", assessment_on.is_some()),
            ];
            if let Some((field, _)) = security_only.iter().find(|(_, set)| *set) {
                return Err(Error::validation(
                    *field,
                    "只有治安调解案件才填写违法行为、不适用调解情形和鉴定意见日期；请先把调解类型改为治安调解",
                ));
            }
        }
        self.exclusions.sort();
        self.exclusions.dedup();
        Ok(ValidDispute {
            received_on,
            source,
            kind,
            grade: self.grade.unwrap_or(Grade::General),
            track,
            amount_involved,
            occurred_at,
            assessment_on,
            input: self,
        })
    }
}

/// A party as a form sends it: linked to a resident (`person_id`; blank fields are filled
/// from the resident's record), typed in, or an organisation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// 关联人员: copies name, sex, ethnicity, birth date, ID number, phone and address.
    pub person_id: Option<String>,
    /// 当事人类别: person (default) or organisation.
    pub kind: Option<PartyKind>,
    /// 当事人身份: applicant, respondent, victim, offender, other.
    pub role: Option<PartyRole>,
    /// 姓名 / 单位名称.
    pub name: Option<String>,
    /// 性别 (derived from the ID number when blank).
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期 (derived from the ID number when blank).
    pub birth_date: Option<String>,
    /// 年龄, when the birth date is not known.
    pub age: Option<i32>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 住址 / 单位地址.
    pub address: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 单位的法定代表人.
    pub legal_rep: Option<String>,
    /// 监护人姓名 (a party under 16).
    pub guardian_name: Option<String>,
    /// 监护人与当事人关系.
    pub guardian_relation: Option<String>,
    /// 委托代理人姓名.
    pub agent_name: Option<String>,
    /// 授权委托书编号/说明.
    pub agent_authority_ref: Option<String>,
}

/// A party's facts, checked: what the rules and the agreement look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyFacts {
    /// 类别.
    pub kind: PartyKind,
    /// 身份.
    pub role: PartyRole,
    /// 姓名 / 单位名称.
    pub name: String,
    /// 性别.
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期.
    pub birth_date: Option<NaiveDate>,
    /// 年龄 as entered (only when the birth date is unknown).
    pub age: Option<i32>,
    /// 公民身份号码 (18 characters).
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

impl PartyFacts {
    /// Age on `day`: from the birth date, else the age entered.
    pub fn age_on(&self, day: NaiveDate) -> Option<i32> {
        self.birth_date.map(|b| age_on(b, day)).or(self.age)
    }
}

impl PartyInput {
    /// Checks every field; `field` prefixes the field names in messages (e.g. `parties[1].`).
    pub fn validate(self, prefix: &str, today: NaiveDate) -> Result<PartyFacts> {
        let f = |name: &str| format!("{prefix}{name}");
        let kind = self.kind.unwrap_or(PartyKind::Person);
        let role = self.role.ok_or_else(|| Error::validation(f("role"), "请选择当事人身份（申请人、被申请人等）"))?;
        let raw_name = self.name.unwrap_or_default();
        let address = text(&f("address"), "住址", self.address.as_deref(), 100)?;
        let phone = opt_phone(&f("phone"), self.phone.as_deref())?;
        if kind == PartyKind::Organisation {
            let name = required(&f("name"), "单位名称", &raw_name, 60)?;
            let personal = [
                ("sex", self.sex.is_some()),
                ("birth_date", self.birth_date.is_some()),
                ("age", self.age.is_some()),
                ("id_number", self.id_number.as_deref().is_some_and(|s| !s.trim().is_empty())),
                ("guardian_name", self.guardian_name.is_some()),
            ];
            if let Some((field, _)) = personal.iter().find(|(_, set)| *set) {
                return Err(Error::validation(f(field), "单位当事人不填写性别、出生日期、身份证号或监护人"));
            }
            return Ok(PartyFacts {
                kind,
                role,
                name,
                sex: None,
                ethnicity: None,
                birth_date: None,
                age: None,
                id_number: None,
                address,
                phone,
                legal_rep: text(&f("legal_rep"), "法定代表人", self.legal_rep.as_deref(), 30)?,
                guardian_name: None,
                guardian_relation: None,
                agent_name: text(&f("agent_name"), "委托代理人", self.agent_name.as_deref(), 30)?,
                agent_authority_ref: text(
                    &f("agent_authority_ref"),
                    "授权委托书",
                    self.agent_authority_ref.as_deref(),
                    100,
                )?,
            });
        }
        let name = person_name(&f("name"), "当事人姓名", &raw_name)?;
        let id = match self.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(IdNumber::parse(s, today).map_err(|e| Error::validation(f("id_number"), e.message()))?),
        };
        let entered_birth = opt_date(&f("birth_date"), "出生日期", self.birth_date.as_deref())?;
        if entered_birth.is_some_and(|b| b > today) {
            return Err(Error::validation(f("birth_date"), "出生日期不能晚于今天"));
        }
        let (birth_date, sex) = match &id {
            Some(id) => {
                if let Some(b) = entered_birth.filter(|b| *b != id.birth_date()) {
                    return Err(Error::validation(
                        f("birth_date"),
                        format!("当事人“{name}”的出生日期{b}与公民身份号码中的{}不一致，请核对", id.birth_date()),
                    ));
                }
                if let Some(s) = self.sex.filter(|s| *s != id.sex()) {
                    return Err(Error::validation(
                        f("sex"),
                        format!(
                            "当事人“{name}”的性别“{}”与公民身份号码（{}）不一致，请核对",
                            s.label(),
                            id.sex().label()
                        ),
                    ));
                }
                (Some(id.birth_date()), Some(id.sex()))
            }
            None => (entered_birth, self.sex),
        };
        if let Some(a) = self.age
            && !(0..=120).contains(&a)
        {
            return Err(Error::validation(f("age"), format!("年龄{a}不在0至120之间")));
        }
        let opt_name = |field: &str, label: &str, raw: Option<&str>| -> Result<Option<String>> {
            raw.map(str::trim).filter(|s| !s.is_empty()).map(|s| person_name(&f(field), label, s)).transpose()
        };
        let guardian_name = opt_name("guardian_name", "监护人姓名", self.guardian_name.as_deref())?;
        let agent_name = opt_name("agent_name", "委托代理人姓名", self.agent_name.as_deref())?;
        Ok(PartyFacts {
            kind,
            role,
            name,
            sex,
            ethnicity: text(&f("ethnicity"), "民族", self.ethnicity.as_deref(), 10)?,
            age: if birth_date.is_some() { None } else { self.age },
            birth_date,
            id_number: id.map(|i| i.as_str().to_owned()),
            address,
            phone,
            legal_rep: None,
            guardian_relation: text(&f("guardian_relation"), "监护关系", self.guardian_relation.as_deref(), 10)?,
            guardian_name,
            agent_name,
            agent_authority_ref: text(
                &f("agent_authority_ref"),
                "授权委托书",
                self.agent_authority_ref.as_deref(),
                100,
            )?,
        })
    }
}

// ───── mediation rules ─────

/// The ladder may be climbed, and steps skipped, but not gone back down: a session may not
/// be held below the highest level already held (初调 → 复调 → 联调).
pub fn check_level(highest_held: Option<MediationLevel>, level: MediationLevel) -> Result<()> {
    match highest_held {
        Some(h) if level < h => Err(Error::validation(
            "level",
            format!("本纠纷已进行过{}，不能再回到{}；请选择{}或更高层级", h.label(), level.label(), h.label()),
        )),
        _ => Ok(()),
    }
}

/// A proposed 治安调解 session, with everything the rules look at.
#[derive(Debug, Clone)]
pub struct SecuritySession<'a> {
    /// 调解层级 of the new session.
    pub level: MediationLevel,
    /// 调解日期.
    pub held_on: NaiveDate,
    /// 主持人: name and role.
    pub presider: Option<(&'a str, Role)>,
    /// Post staff taking part: name and role.
    pub officers: &'a [(String, Role)],
    /// 录音录像编号.
    pub recording_ref: Option<&'a str>,
    /// 不适用调解情形 recorded on the dispute.
    pub exclusions: &'a [Exclusion],
    /// The parties.
    pub parties: &'a [PartyFacts],
    /// Dates of the sessions already held, earliest first.
    pub earlier: &'a [NaiveDate],
    /// 受理日期.
    pub received_on: NaiveDate,
    /// 鉴定意见送达日期.
    pub assessment_on: Option<NaiveDate>,
}

/// Excluded circumstances refuse 治安调解, naming each one.
pub fn check_exclusions(exclusions: &[Exclusion]) -> Result<()> {
    if exclusions.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = exclusions.iter().map(|e| e.label()).collect();
    Err(Error::rule(format!(
        "本案存在不适用治安调解的情形：{}，不能进行治安调解，应依法作出处理决定",
        names.join("、")
    )))
}

/// The presiding officer must be a sworn officer (辅警不能主持治安调解).
pub fn check_presider(presider: Option<(&str, Role)>) -> Result<()> {
    match presider {
        None => Err(Error::validation("presider_officer_id", "治安调解须由民警主持，请选择主持人")),
        Some((name, Role::Auxiliary)) => {
            Err(Error::rule(format!("{name}是辅警，辅警不能主持治安调解，请选择一名民警主持")))
        }
        Some(_) => Ok(()),
    }
}

/// When an auxiliary takes part, the session's audio/video reference must be stored.
pub fn check_recording(officers: &[(String, Role)], recording_ref: Option<&str>) -> Result<()> {
    let aux: Vec<&str> = officers.iter().filter(|(_, r)| *r == Role::Auxiliary).map(|(n, _)| n.as_str()).collect();
    if !aux.is_empty() && recording_ref.is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::validation(
            "recording_ref",
            format!("辅警{}参与治安调解，须全程录音录像，请填写录音录像编号", aux.join("、")),
        ));
    }
    Ok(())
}

/// A party under 16 on `on` needs a guardian; an offender may not be represented by an
/// agent; a victim's agent needs a written authority.
pub fn check_parties(parties: &[PartyFacts], on: NaiveDate) -> Result<()> {
    for p in parties {
        if p.kind == PartyKind::Person && p.age_on(on).is_some_and(|a| a < 16) && p.guardian_name.is_none() {
            return Err(Error::rule(format!("当事人“{}”未满十六周岁，须有监护人在场，请先登记其监护人", p.name)));
        }
        if p.agent_name.is_some() {
            if p.role == PartyRole::Offender {
                return Err(Error::rule(format!(
                    "“{}”是违法行为人，治安调解中违法行为人不得委托他人代为参加，请删除其委托代理人",
                    p.name
                )));
            }
            if p.agent_authority_ref.is_none() {
                return Err(Error::rule(format!(
                    "当事人“{}”委托代理人参加调解，须有书面授权委托书，请登记授权委托书",
                    p.name
                )));
            }
        }
    }
    Ok(())
}

/// At most two sessions: the first within 3 working days of intake (or of the assessment
/// report), the second within 7 working days of the first.
pub fn check_schedule(
    earlier: &[NaiveDate],
    held_on: NaiveDate,
    received_on: NaiveDate,
    assessment_on: Option<NaiveDate>,
    cal: &WorkCalendar,
) -> Result<()> {
    match earlier {
        [] => {
            let (base, what) = match assessment_on {
                Some(a) if a > received_on => (a, "鉴定意见送达"),
                _ => (received_on, "受理"),
            };
            let deadline = cal.add_working_days(base, 3);
            if held_on > deadline {
                return Err(Error::rule(format!(
                    "治安调解应在{what}（{base}）后3个工作日内进行，即最迟{deadline}；{held_on}已超过期限，应依法作出处理决定"
                )));
            }
            Ok(())
        }
        [first] => {
            let deadline = cal.add_working_days(*first, 7);
            if held_on > deadline {
                return Err(Error::rule(format!(
                    "第二次治安调解应在第一次调解（{first}）后7个工作日内进行，即最迟{deadline}；{held_on}已超过期限"
                )));
            }
            Ok(())
        }
        _ => Err(Error::rule("治安调解最多进行两次，本案已调解两次，调解不成的应依法作出处理决定")),
    }
}

/// Every rule a 治安调解 session must pass, in the order a user would fix them.
pub fn check_security_session(s: &SecuritySession<'_>, cal: &WorkCalendar) -> Result<()> {
    check_exclusions(s.exclusions)?;
    if s.level != MediationLevel::Joint {
        return Err(Error::validation(
            "level",
            format!("治安调解由公安机关主持，应选择“联调”，不能登记为“{}”", s.level.label()),
        ));
    }
    check_presider(s.presider)?;
    check_recording(s.officers, s.recording_ref)?;
    check_parties(s.parties, s.held_on)?;
    check_schedule(s.earlier, s.held_on, s.received_on, s.assessment_on, cal)
}

// ───── the agreement ─────

/// Everything an agreement's required-field check looks at.
#[derive(Debug, Clone)]
pub struct AgreementFacts {
    /// 协议类型.
    pub kind: AgreementKind,
    /// 调解委员会 / 调解机关 (the override or the post's setting).
    pub issuer: Option<String>,
    /// 主持人 (security): name and role.
    pub presider: Option<(String, Role)>,
    /// The parties.
    pub parties: Vec<PartyFacts>,
    /// The day the check is made (ages are counted on it).
    pub on: NaiveDate,
    /// 纠纷主要事实.
    pub facts: Option<String>,
    /// 争议事项.
    pub matters: Option<String>,
    /// 各方责任.
    pub responsibility: Option<String>,
    /// 违法行为.
    pub offence: Option<SecurityOffence>,
    /// 案件发生时间.
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
    /// 协议内容.
    pub terms: Option<String>,
    /// 履行方式.
    pub performance_method: Option<String>,
    /// 履行地点.
    pub performance_place: Option<String>,
    /// 履行期限.
    pub performance_deadline: Option<NaiveDate>,
    /// 调解员.
    pub mediators: Vec<String>,
    /// 记录人.
    pub recorder: Option<String>,
    /// 生效日期.
    pub effective_on: Option<NaiveDate>,
    /// 份数.
    pub copies: Option<i64>,
}

fn miss(out: &mut Vec<MissingField>, field: impl Into<String>, label: impl Into<String>) {
    out.push(MissingField { field: field.into(), label: label.into() });
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn party_fields(out: &mut Vec<MissingField>, parties: &[PartyFacts], on: NaiveDate, guardians: bool) {
    for (i, p) in parties.iter().enumerate() {
        let who =
            if p.name.is_empty() { format!("第{}位当事人", i + 1) } else { format!("当事人“{}”", p.name) };
        let mut need = |ok: bool, field: &str, label: &str| {
            if !ok {
                miss(out, format!("parties[{i}].{field}"), format!("{who}的{label}"));
            }
        };
        if p.kind == PartyKind::Organisation {
            need(!blank(&p.address), "address", "单位地址");
            need(!blank(&p.legal_rep), "legal_rep", "法定代表人");
            continue;
        }
        need(p.sex.is_some(), "sex", "性别");
        need(!blank(&p.ethnicity), "ethnicity", "民族");
        need(p.birth_date.is_some() || p.age.is_some(), "birth_date", "出生日期或年龄");
        need(!blank(&p.id_number), "id_number", "公民身份号码");
        need(!blank(&p.address), "address", "住址");
        need(!blank(&p.phone), "phone", "联系电话");
        if guardians && p.age_on(on).is_some_and(|a| a < 16) {
            need(!blank(&p.guardian_name), "guardian_name", "监护人（未满十六周岁）");
            need(!blank(&p.guardian_relation), "guardian_relation", "监护关系");
        }
    }
}

/// Every required field the agreement still lacks, in the order of the printed document.
/// An empty list means it may be finalised.
pub fn missing_fields(a: &AgreementFacts) -> Vec<MissingField> {
    let mut out = Vec::new();
    let need = |out: &mut Vec<MissingField>, ok: bool, field: &str, label: &str| {
        if !ok {
            miss(out, field, label);
        }
    };
    match a.kind {
        AgreementKind::Oral => {
            need(&mut out, !blank(&a.terms), "terms", "协议内容（口头协议也须记录）");
            need(&mut out, !a.mediators.is_empty(), "mediators", "调解员");
        }
        AgreementKind::People => {
            need(&mut out, !blank(&a.issuer), "issuer", "人民调解委员会名称（可在设置中填写）");
            need(&mut out, a.parties.len() >= 2, "parties", "双方当事人（至少两方）");
            party_fields(&mut out, &a.parties, a.on, false);
            need(&mut out, !blank(&a.facts), "facts", "纠纷主要事实");
            need(&mut out, !blank(&a.matters), "matters", "争议事项");
            need(&mut out, !blank(&a.responsibility), "responsibility", "各方责任");
            need(&mut out, !blank(&a.terms), "terms", "协议内容（当事人的权利义务）");
            need(&mut out, !blank(&a.performance_method), "performance_method", "履行方式");
            need(&mut out, !blank(&a.performance_place), "performance_place", "履行地点");
            need(&mut out, a.performance_deadline.is_some(), "performance_deadline", "履行期限");
            need(&mut out, !a.mediators.is_empty(), "mediators", "调解员");
            need(&mut out, !blank(&a.recorder), "recorder", "记录人");
            need(&mut out, a.effective_on.is_some(), "effective_on", "生效日期");
            let want = a.parties.len() as i64 + 1;
            need(
                &mut out,
                a.copies.is_some_and(|c| c >= want),
                "copies",
                &format!("协议份数（至少{want}份：每方当事人各一份，调解委员会留存一份）"),
            );
        }
        AgreementKind::Security => {
            need(&mut out, !blank(&a.issuer), "issuer", "调解机关名称（所属派出所，可在设置中填写）");
            need(&mut out, a.presider.is_some(), "presider_officer_id", "主持人（民警）");
            need(&mut out, a.parties.len() >= 2, "parties", "双方当事人（至少两方）");
            party_fields(&mut out, &a.parties, a.on, true);
            need(&mut out, a.offence.is_some(), "offence", "违法行为");
            need(&mut out, !blank(&a.occurred_at), "occurred_at", "案件发生时间");
            need(&mut out, !blank(&a.place), "place", "案件发生地点");
            need(&mut out, !blank(&a.cause), "cause", "起因");
            need(&mut out, !blank(&a.course), "course", "经过");
            need(&mut out, !blank(&a.circumstances), "circumstances", "情节");
            need(&mut out, !blank(&a.result), "result", "结果");
            need(&mut out, !blank(&a.terms), "terms", "协议内容");
            need(&mut out, a.performance_deadline.is_some(), "performance_deadline", "履行期限");
            need(&mut out, !blank(&a.performance_method), "performance_method", "履行方式");
            let want = a.parties.len() as i64 + 1;
            need(
                &mut out,
                a.copies == Some(want),
                "copies",
                &format!("协议份数（应为{want}份：每方当事人各一份，公安机关留存一份）"),
            );
        }
    }
    out
}

/// The refusal listing every missing field.
pub fn incomplete(kind: AgreementKind, missing: Vec<MissingField>) -> Error {
    let labels: Vec<&str> = missing.iter().map(|m| m.label.as_str()).collect();
    Error::Incomplete {
        message: format!("{}还缺少以下内容，不能生效：{}", kind.label(), labels.join("；")), missing
    }
}

/// Which agreement kinds a track allows (an oral agreement is allowed on both).
pub fn check_agreement_kind(track: Track, kind: AgreementKind) -> Result<()> {
    match (track, kind) {
        (_, AgreementKind::Oral)
        | (Track::People, AgreementKind::People)
        | (Track::Security, AgreementKind::Security) => Ok(()),
        _ => Err(Error::validation("kind", format!("{}案件不能制作{}", track.label(), kind.label()))),
    }
}

/// The document word of each written kind: 调 (people's) or 治调 (security).
pub fn number_word(kind: AgreementKind) -> Option<&'static str> {
    match kind {
        AgreementKind::People => Some("调"),
        AgreementKind::Security => Some("治调"),
        AgreementKind::Oral => None,
    }
}

/// A document number: `（2026）青山调字第 17 号`; oral agreements have none.
pub fn format_number(kind: AgreementKind, year: i32, prefix: &str, seq: i64) -> Option<String> {
    number_word(kind).map(|w| format!("（{year}）{prefix}{w}字第 {seq} 号"))
}

// ───── sessions, agreements, fulfilment and follow-up: what the forms send ─────

/// A mediation session (`mediation.add`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct MediationInput {
    /// 纠纷.
    pub dispute_id: String,
    /// 调解层级: initial (初调), review (复调), joint (联调).
    pub level: Option<MediationLevel>,
    /// 调解日期 (default today).
    pub held_on: Option<String>,
    /// 调解地点.
    pub place: Option<String>,
    /// 调解员 (names: 百户长, 治保主任, 民警, 调解员…).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub mediators: Vec<String>,
    /// 主持民警 (required for 治安调解).
    pub presider_officer_id: Option<String>,
    /// 参加调解的警务室人员.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub officer_ids: Vec<String>,
    /// 其他在场人员.
    pub attendees: Option<String>,
    /// 记录人.
    pub recorder: Option<String>,
    /// 调解记录.
    pub record: Option<String>,
    /// 调解结果: settled, continued, escalated, failed.
    pub outcome: Option<MediationOutcome>,
    /// 录音录像编号 (required when an auxiliary takes part in 治安调解).
    pub recording_ref: Option<String>,
}

/// A mediation session's free-text fields, checked.
#[derive(Debug, Clone)]
pub struct ValidMediation {
    /// The input, tidied.
    pub input: MediationInput,
    /// 层级.
    pub level: MediationLevel,
    /// 结果.
    pub outcome: MediationOutcome,
    /// 调解日期.
    pub held_on: NaiveDate,
}

/// A list of names (mediators): each checked, blanks dropped, duplicates removed.
pub fn names(field: &str, label: &str, raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, n) in raw.iter().enumerate() {
        if n.trim().is_empty() {
            continue;
        }
        let n = required(&format!("{field}[{i}]"), label, n, 30)?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

impl MediationInput {
    /// Checks every field that needs no lookup; `today` bounds the date.
    pub fn validate(mut self, today: NaiveDate) -> Result<ValidMediation> {
        let level = self.level.ok_or_else(|| Error::validation("level", "请选择调解层级（初调、复调或联调）"))?;
        let outcome = self.outcome.ok_or_else(|| Error::validation("outcome", "请选择调解结果"))?;
        let held_on = opt_date("held_on", "调解日期", self.held_on.as_deref())?.unwrap_or(today);
        if held_on > today {
            return Err(Error::validation("held_on", "调解日期不能晚于今天"));
        }
        self.mediators = names("mediators", "调解员姓名", &self.mediators)?;
        self.place = text("place", "调解地点", self.place.as_deref(), 100)?;
        self.attendees = text("attendees", "其他在场人员", self.attendees.as_deref(), 500)?;
        self.recorder = text("recorder", "记录人", self.recorder.as_deref(), 30)?;
        self.record = text("record", "调解记录", self.record.as_deref(), 8000)?;
        self.recording_ref = text("recording_ref", "录音录像编号", self.recording_ref.as_deref(), 100)?;
        self.presider_officer_id = self.presider_officer_id.filter(|s| !s.trim().is_empty());
        let mut seen = std::collections::HashSet::new();
        self.officer_ids.retain(|s| !s.trim().is_empty() && seen.insert(s.clone()));
        Ok(ValidMediation { input: self, level, outcome, held_on })
    }
}

/// An agreement's draft fields (`agreement.save` changes some of them).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    /// 协议类型: people, security or oral (default: the dispute's track).
    pub kind: Option<AgreementKind>,
    /// 协议内容: the parties' rights and obligations.
    pub terms: Option<String>,
    /// 履行方式.
    pub performance_method: Option<String>,
    /// 履行地点.
    pub performance_place: Option<String>,
    /// 履行期限.
    pub performance_deadline: Option<String>,
    /// 份数 (一式 N 份).
    pub copies: Option<i64>,
    /// 调解员.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub mediators: Vec<String>,
    /// 记录人.
    pub recorder: Option<String>,
    /// 主持民警 (治安调解).
    pub presider_officer_id: Option<String>,
    /// 生效日期.
    pub effective_on: Option<String>,
    /// 调解委员会/调解机关名称, when not the post's setting.
    pub issuer: Option<String>,
}

/// An agreement draft, checked.
#[derive(Debug, Clone)]
pub struct ValidAgreement {
    /// The input, tidied.
    pub input: AgreementInput,
    /// 履行期限.
    pub performance_deadline: Option<NaiveDate>,
    /// 生效日期.
    pub effective_on: Option<NaiveDate>,
}

impl AgreementInput {
    /// Checks every field that needs no lookup.
    pub fn validate(mut self) -> Result<ValidAgreement> {
        self.terms = text("terms", "协议内容", self.terms.as_deref(), 8000)?;
        self.performance_method = text("performance_method", "履行方式", self.performance_method.as_deref(), 500)?;
        self.performance_place = text("performance_place", "履行地点", self.performance_place.as_deref(), 100)?;
        self.recorder = text("recorder", "记录人", self.recorder.as_deref(), 30)?;
        self.issuer = text("issuer", "调解委员会/调解机关名称", self.issuer.as_deref(), 60)?;
        self.mediators = names("mediators", "调解员姓名", &self.mediators)?;
        self.presider_officer_id = self.presider_officer_id.filter(|s| !s.trim().is_empty());
        if let Some(c) = self.copies
            && !(1..=20).contains(&c)
        {
            return Err(Error::validation("copies", format!("协议份数{c}不在1至20之间")));
        }
        let performance_deadline = opt_date("performance_deadline", "履行期限", self.performance_deadline.as_deref())?;
        let effective_on = opt_date("effective_on", "生效日期", self.effective_on.as_deref())?;
        if let (Some(d), Some(e)) = (performance_deadline, effective_on)
            && d < e
        {
            return Err(Error::validation("performance_deadline", format!("履行期限{d}早于协议生效日期{e}，请核对")));
        }
        Ok(ValidAgreement { input: self, performance_deadline, effective_on })
    }
}

/// When the follow-up falls due: at the performance deadline, or 30 days after the
/// agreement takes effect when it has none.
pub fn follow_up_due(deadline: Option<NaiveDate>, effective_on: NaiveDate) -> NaiveDate {
    deadline.unwrap_or(effective_on + chrono::Duration::days(30))
}

/// `fulfilment.record`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FulfilmentInput {
    /// 纠纷.
    pub dispute_id: String,
    /// Whether the agreement was carried out.
    pub fulfilled: bool,
    /// 日期 (default today).
    pub on: Option<String>,
    /// 履行情况说明.
    pub note: Option<String>,
}

/// `followup.record`: name the follow-up by its id, or the dispute (its next pending one).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    /// 回访记录.
    pub id: Option<String>,
    /// 纠纷 (when `id` is not given).
    pub dispute_id: Option<String>,
    /// 回访日期 (default today).
    pub done_on: Option<String>,
    /// 协议是否得到履行、纠纷是否平息.
    pub held: bool,
    /// 当事人满意度, e.g. 满意 / 基本满意 / 不满意.
    pub satisfaction: Option<String>,
    /// 发现的新风险.
    pub new_risks: Option<String>,
    /// 回访情况.
    pub notes: Option<String>,
    /// 回访民警.
    pub officer_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calendar::{DayKind, SEED_2025_2026};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::new(
            SEED_2025_2026.iter().map(|(s, off, _)| (d(s), if *off { DayKind::Holiday } else { DayKind::Workday })),
        )
    }

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_table_says() {
        use DisputeEvent as E;
        use DisputeStatus as S;
        use MediationOutcome as O;
        let allowed = [
            (S::Registered, E::Mediated(O::Settled), S::Agreed),
            (S::Registered, E::Mediated(O::Continued), S::Mediating),
            (S::Registered, E::Mediated(O::Escalated), S::Mediating),
            (S::Registered, E::Mediated(O::Failed), S::Failed),
            (S::Mediating, E::Mediated(O::Settled), S::Agreed),
            (S::Mediating, E::Mediated(O::Continued), S::Mediating),
            (S::Mediating, E::Mediated(O::Escalated), S::Mediating),
            (S::Mediating, E::Mediated(O::Failed), S::Failed),
            (S::Agreed, E::AgreementFinalised, S::Fulfilling),
            (S::Fulfilling, E::Fulfilled, S::Fulfilled),
            (S::Fulfilling, E::Defaulted, S::Defaulted),
            (S::Defaulted, E::Fulfilled, S::Fulfilled),
            (S::Fulfilled, E::FollowUpHeld, S::Closed),
            (S::Registered, E::Referred, S::Referred),
            (S::Mediating, E::Referred, S::Referred),
            (S::Failed, E::Referred, S::Referred),
            (S::Defaulted, E::Referred, S::Referred),
            (S::Registered, E::Withdrawn, S::Withdrawn),
            (S::Mediating, E::Withdrawn, S::Withdrawn),
            (S::Agreed, E::Withdrawn, S::Withdrawn),
        ];
        let events = [
            E::Mediated(O::Settled),
            E::Mediated(O::Continued),
            E::Mediated(O::Escalated),
            E::Mediated(O::Failed),
            E::AgreementFinalised,
            E::Fulfilled,
            E::Defaulted,
            E::FollowUpHeld,
            E::Referred,
            E::Withdrawn,
        ];
        for status in DisputeStatus::ALL {
            for event in events {
                let want = allowed.iter().find(|(s, e, _)| s == status && *e == event).map(|(_, _, to)| *to);
                match (next(*status, event), want) {
                    (Ok(got), Some(to)) => assert_eq!(got, to, "{status:?} + {event:?}"),
                    (Err(e), None) => {
                        assert_eq!(e.code(), "rule");
                        let msg = e.to_string();
                        assert!(msg.contains(status.label()) && msg.contains(event.label()), "{msg}");
                    }
                    (got, want) => panic!("{status:?} + {event:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn the_actions_offered_match_the_transitions() {
        use DisputeAction as A;
        assert_eq!(
            actions(DisputeStatus::Agreed, false),
            [A::Update, A::SaveAgreement, A::FinaliseAgreement, A::Withdraw]
        );
        assert_eq!(actions(DisputeStatus::Fulfilling, true), [A::RecordFulfilment, A::RecordFollowUp]);
        assert_eq!(actions(DisputeStatus::Defaulted, false), [A::RecordFulfilment, A::Refer]);
        assert!(actions(DisputeStatus::Closed, true).is_empty());
        for s in DisputeStatus::ALL {
            let acts = actions(*s, false);
            assert_eq!(acts.contains(&A::Refer), next(*s, DisputeEvent::Referred).is_ok(), "{s:?}");
            assert_eq!(acts.contains(&A::Withdraw), next(*s, DisputeEvent::Withdrawn).is_ok(), "{s:?}");
            assert_eq!(acts.contains(&A::FinaliseAgreement), next(*s, DisputeEvent::AgreementFinalised).is_ok());
        }
    }

    #[test]
    fn the_ladder_may_skip_up_but_not_go_down() {
        use MediationLevel as L;
        let cases = [
            (None, L::Initial, true),
            (None, L::Joint, true),
            (Some(L::Initial), L::Initial, true),
            (Some(L::Initial), L::Joint, true),
            (Some(L::Review), L::Initial, false),
            (Some(L::Joint), L::Review, false),
            (Some(L::Joint), L::Joint, true),
        ];
        for (held, level, ok) in cases {
            let r = check_level(held, level);
            assert_eq!(r.is_ok(), ok, "{held:?} then {level:?}");
            if let Err(e) = r {
                assert_eq!(e.field(), Some("level"));
                assert!(e.to_string().contains("不能再回到"), "{e}");
            }
        }
    }

    fn person(name: &str, role: PartyRole) -> PartyFacts {
        PartyFacts {
            kind: PartyKind::Person,
            role,
            name: name.into(),
            sex: Some(Sex::Male),
            ethnicity: Some("汉族".into()),
            birth_date: Some(d("1980-05-01")),
            age: None,
            id_number: Some("330326198005010017".into()),
            address: Some("青山村3组12号".into()),
            phone: Some("13800001234".into()),
            legal_rep: None,
            guardian_name: None,
            guardian_relation: None,
            agent_name: None,
            agent_authority_ref: None,
        }
    }

    #[test]
    fn exclusions_refuse_naming_each_reason() {
        assert!(check_exclusions(&[]).is_ok());
        let e = check_exclusions(&[Exclusion::HiredViolence, Exclusion::SuspectFled]).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("雇凶伤害他人") && msg.contains("违法嫌疑人逃跑"), "{msg}");
    }

    #[test]
    fn only_a_sworn_officer_presides() {
        assert!(check_presider(Some(("周立新", Role::Officer))).is_ok());
        assert!(check_presider(Some(("郑国华", Role::StationAdmin))).is_ok());
        let e = check_presider(Some(("林海燕", Role::Auxiliary))).unwrap_err();
        assert!(e.to_string().contains("辅警不能主持治安调解"), "{e}");
        assert_eq!(check_presider(None).unwrap_err().field(), Some("presider_officer_id"));
    }

    #[test]
    fn an_auxiliary_taking_part_needs_a_recording() {
        let staff = [("周立新".to_owned(), Role::Officer), ("林海燕".to_owned(), Role::Auxiliary)];
        assert!(check_recording(&staff[..1], None).is_ok());
        let e = check_recording(&staff, None).unwrap_err();
        assert_eq!(e.field(), Some("recording_ref"));
        assert!(e.to_string().contains("林海燕"), "{e}");
        assert!(check_recording(&staff, Some(" ")).is_err());
        assert!(check_recording(&staff, Some("LY-2026-118")).is_ok());
    }

    #[test]
    fn minors_guardians_and_agents() {
        let on = d("2026-11-23");
        let mut minor = person("王小明", PartyRole::Offender);
        minor.birth_date = Some(d("2011-01-01"));
        let e = check_parties(&[minor.clone()], on).unwrap_err();
        assert!(e.to_string().contains("未满十六周岁"), "{e}");
        minor.guardian_name = Some("王建国".into());
        assert!(check_parties(&[minor.clone()], on).is_ok());
        // Sixteen on the day: no guardian needed; an entered age counts when no birth date.
        let mut sixteen = person("李强", PartyRole::Victim);
        sixteen.birth_date = Some(d("2010-11-23"));
        assert!(check_parties(&[sixteen], on).is_ok());
        let mut by_age = person("赵磊", PartyRole::Victim);
        by_age.birth_date = None;
        by_age.age = Some(14);
        assert!(check_parties(&[by_age], on).is_err());

        let mut offender = person("张伟", PartyRole::Offender);
        offender.agent_name = Some("刘律师".into());
        offender.agent_authority_ref = Some("委托书2026-3".into());
        let e = check_parties(&[offender], on).unwrap_err();
        assert!(e.to_string().contains("违法行为人不得委托"), "{e}");
        let mut victim = person("陈芳", PartyRole::Victim);
        victim.agent_name = Some("陈建华".into());
        let e = check_parties(&[victim.clone()], on).unwrap_err();
        assert!(e.to_string().contains("授权委托书"), "{e}");
        victim.agent_authority_ref = Some("授权委托书（2026-11-20）".into());
        assert!(check_parties(&[victim], on).is_ok());
    }

    #[test]
    fn sessions_are_counted_in_working_days_and_at_most_two() {
        let cal = cal();
        // (earlier, held_on, received_on, assessment_on, ok)
        type Case<'a> = (&'a [&'a str], &'a str, &'a str, Option<&'a str>, bool);
        let cases: &[Case<'_>] = &[
            (&[], "2026-11-26", "2026-11-23", None, true),
            (&[], "2026-11-27", "2026-11-23", None, false),
            // across National Day: Sep 30 + 3 working days = Oct 10 (a worked Saturday)
            (&[], "2026-10-10", "2026-09-30", None, true),
            (&[], "2026-10-12", "2026-09-30", None, false),
            // the assessment report restarts the count
            (&[], "2026-11-20", "2026-11-02", Some("2026-11-17"), true),
            (&[], "2026-11-20", "2026-11-02", None, false),
            (&["2026-11-24"], "2026-12-03", "2026-11-23", None, true),
            (&["2026-11-24"], "2026-12-04", "2026-11-23", None, false),
            (&["2026-11-24", "2026-11-25"], "2026-11-26", "2026-11-23", None, false),
        ];
        for (earlier, held, received, assessed, ok) in cases {
            let earlier: Vec<NaiveDate> = earlier.iter().map(|s| d(s)).collect();
            let r = check_schedule(&earlier, d(held), d(received), assessed.map(d), &cal);
            assert_eq!(r.is_ok(), *ok, "{earlier:?} {held} {received} {assessed:?}: {r:?}");
        }
        let e = check_schedule(&[], d("2026-10-12"), d("2026-09-30"), None, &cal).unwrap_err();
        assert!(e.to_string().contains("最迟2026-10-10"), "{e}");
        let e = check_schedule(&[d("2026-11-24"), d("2026-11-25")], d("2026-11-26"), d("2026-11-23"), None, &cal)
            .unwrap_err();
        assert!(e.to_string().contains("最多进行两次"), "{e}");
    }

    #[test]
    fn a_security_session_must_be_joint() {
        let parties = [person("张伟", PartyRole::Offender), person("陈芳", PartyRole::Victim)];
        let s = SecuritySession {
            level: MediationLevel::Review,
            held_on: d("2026-11-24"),
            presider: Some(("周立新", Role::Officer)),
            officers: &[],
            recording_ref: None,
            exclusions: &[],
            parties: &parties,
            earlier: &[],
            received_on: d("2026-11-23"),
            assessment_on: None,
        };
        let e = check_security_session(&s, &cal()).unwrap_err();
        assert!(e.to_string().contains("应选择“联调”"), "{e}");
        let ok = SecuritySession { level: MediationLevel::Joint, ..s };
        assert!(check_security_session(&ok, &cal()).is_ok());
    }

    fn people_agreement() -> AgreementFacts {
        AgreementFacts {
            kind: AgreementKind::People,
            issuer: Some("青山镇人民调解委员会".into()),
            presider: None,
            parties: vec![person("王建国", PartyRole::Applicant), person("李长林", PartyRole::Respondent)],
            on: d("2026-11-23"),
            facts: Some("两家宅基地边界有争议".into()),
            matters: Some("围墙位置".into()),
            responsibility: Some("双方均有责任".into()),
            offence: None,
            occurred_at: None,
            place: None,
            cause: None,
            course: None,
            circumstances: None,
            result: None,
            terms: Some("围墙后退20厘米".into()),
            performance_method: Some("自行拆除重砌".into()),
            performance_place: Some("现场".into()),
            performance_deadline: Some(d("2026-12-20")),
            mediators: vec!["周立新".into()],
            recorder: Some("林海燕".into()),
            effective_on: Some(d("2026-11-23")),
            copies: Some(3),
        }
    }

    #[test]
    fn a_complete_people_agreement_lacks_nothing() {
        assert_eq!(missing_fields(&people_agreement()), vec![]);
    }

    #[test]
    fn every_missing_field_is_listed() {
        let mut a = people_agreement();
        a.issuer = None;
        a.parties[1].id_number = None;
        a.parties[1].phone = None;
        a.parties[0].birth_date = None;
        a.terms = None;
        a.performance_deadline = None;
        a.copies = Some(2);
        let fields: Vec<String> = missing_fields(&a).into_iter().map(|m| m.field).collect();
        assert_eq!(
            fields,
            [
                "issuer",
                "parties[0].birth_date",
                "parties[1].id_number",
                "parties[1].phone",
                "terms",
                "performance_deadline",
                "copies"
            ]
        );
        let e = incomplete(AgreementKind::People, missing_fields(&a));
        assert!(e.to_string().contains("当事人“李长林”的公民身份号码"), "{e}");
    }

    #[test]
    fn an_organisation_needs_its_address_and_legal_representative() {
        let mut a = people_agreement();
        a.parties[1] = PartyFacts {
            kind: PartyKind::Organisation,
            name: "青山建材有限公司".into(),
            sex: None,
            ethnicity: None,
            birth_date: None,
            id_number: None,
            phone: None,
            ..a.parties[1].clone()
        };
        let fields: Vec<String> = missing_fields(&a).into_iter().map(|m| m.field).collect();
        assert_eq!(fields, ["parties[1].legal_rep"]);
    }

    #[test]
    fn a_security_agreement_needs_the_case_a_presider_guardians_and_exactly_three_copies() {
        let mut a = people_agreement();
        a.kind = AgreementKind::Security;
        a.issuer = Some("平安县公安局青山派出所".into());
        a.parties[1].birth_date = Some(d("2012-03-01"));
        a.parties[1].id_number = None;
        a.copies = Some(4);
        let fields: Vec<String> = missing_fields(&a).into_iter().map(|m| m.field).collect();
        assert_eq!(
            fields,
            [
                "presider_officer_id",
                "parties[1].id_number",
                "parties[1].guardian_name",
                "parties[1].guardian_relation",
                "offence",
                "occurred_at",
                "place",
                "cause",
                "course",
                "circumstances",
                "result",
                "copies"
            ]
        );
    }

    #[test]
    fn an_oral_agreement_needs_only_terms_and_mediators() {
        let a = AgreementFacts {
            kind: AgreementKind::Oral,
            parties: vec![],
            issuer: None,
            recorder: None,
            copies: None,
            ..people_agreement()
        };
        assert!(missing_fields(&a).is_empty());
        let a = AgreementFacts { terms: None, mediators: vec![], ..a };
        assert_eq!(missing_fields(&a).len(), 2);
    }

    #[test]
    fn numbers_read_as_the_documents_print_them() {
        assert_eq!(format_number(AgreementKind::People, 2026, "青山", 17).as_deref(), Some("（2026）青山调字第 17 号"));
        assert_eq!(
            format_number(AgreementKind::Security, 2026, "青山", 3).as_deref(),
            Some("（2026）青山治调字第 3 号")
        );
        assert_eq!(format_number(AgreementKind::Oral, 2026, "青山", 1), None);
    }

    #[test]
    fn the_follow_up_falls_due_at_the_deadline_or_a_month_after_the_agreement() {
        assert_eq!(follow_up_due(Some(d("2026-12-20")), d("2026-11-23")), d("2026-12-20"));
        assert_eq!(follow_up_due(None, d("2026-11-23")), d("2026-12-23"));
    }

    #[test]
    fn mediator_names_are_tidied_and_deduplicated() {
        let raw = ["周立新".to_owned(), " ".to_owned(), " 王德明 ".to_owned(), "周立新".to_owned()];
        assert_eq!(names("mediators", "调解员姓名", &raw).unwrap(), ["周立新", "王德明"]);
        let long = ["很".repeat(31)];
        assert_eq!(names("mediators", "调解员姓名", &long).unwrap_err().field(), Some("mediators[0]"));
    }

    #[test]
    fn a_session_needs_a_level_and_an_outcome_and_no_future_date() {
        let today = d("2026-11-23");
        let base = MediationInput {
            dispute_id: "x".into(),
            level: Some(MediationLevel::Initial),
            outcome: Some(MediationOutcome::Continued),
            officer_ids: vec!["a".into(), "b".into(), "a".into()],
            ..Default::default()
        };
        let ok = base.clone().validate(today).unwrap();
        assert_eq!((ok.held_on, ok.input.officer_ids.len()), (today, 2));
        let e = MediationInput { level: None, ..base.clone() }.validate(today).unwrap_err();
        assert_eq!(e.field(), Some("level"));
        let e = MediationInput { held_on: Some("2026-11-24".into()), ..base }.validate(today).unwrap_err();
        assert_eq!(e.field(), Some("held_on"));
    }

    #[test]
    fn an_agreement_deadline_cannot_precede_its_effective_date() {
        let a = AgreementInput {
            performance_deadline: Some("2026-11-20".into()),
            effective_on: Some("2026-11-23".into()),
            ..Default::default()
        };
        assert_eq!(a.validate().unwrap_err().field(), Some("performance_deadline"));
        let a = AgreementInput { copies: Some(0), ..Default::default() };
        assert_eq!(a.validate().unwrap_err().field(), Some("copies"));
    }

    #[test]
    fn kinds_fit_tracks() {
        assert!(check_agreement_kind(Track::People, AgreementKind::People).is_ok());
        assert!(check_agreement_kind(Track::Security, AgreementKind::Oral).is_ok());
        assert!(check_agreement_kind(Track::People, AgreementKind::Security).is_err());
        assert!(check_agreement_kind(Track::Security, AgreementKind::People).is_err());
    }

    #[test]
    fn a_party_takes_sex_and_birth_from_the_id_number() {
        let today = d("2026-11-23");
        let p = PartyInput {
            role: Some(PartyRole::Applicant),
            name: Some("王芳".into()),
            id_number: Some("11010519491231002X".into()),
            age: Some(50),
            ..Default::default()
        }
        .validate("parties[0].", today)
        .unwrap();
        assert_eq!((p.sex, p.birth_date, p.age), (Some(Sex::Female), Some(d("1949-12-31")), None));
        let e = PartyInput {
            role: Some(PartyRole::Applicant),
            name: Some("王芳".into()),
            id_number: Some("11010519491231002X".into()),
            sex: Some(Sex::Male),
            ..Default::default()
        }
        .validate("parties[0].", today)
        .unwrap_err();
        assert_eq!(e.field(), Some("parties[0].sex"));
        let e = PartyInput { name: Some("王芳".into()), ..Default::default() }.validate("", today).unwrap_err();
        assert_eq!(e.field(), Some("role"));
    }

    #[test]
    fn a_people_dispute_refuses_security_fields() {
        let today = d("2026-11-23");
        let input = DisputeInput {
            source: Some(DisputeSource::WalkIn),
            kind: Some(DisputeKind::Neighbour),
            title: "邻里纠纷".into(),
            offence: Some(SecurityOffence::Assault),
            ..Default::default()
        };
        assert_eq!(input.clone().validate(today).unwrap_err().field(), Some("offence"));
        let ok = DisputeInput { track: Some(Track::Security), ..input }.validate(today).unwrap();
        assert_eq!((ok.grade, ok.received_on, ok.amount_involved), (Grade::General, today, 0));
    }
}
