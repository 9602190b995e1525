//! The mediation agreement: the facts its required-field check looks at (listing every
//! field missing, in the order of the printed document), the kinds a track allows, the
//! document number, the draft form, and fulfilment.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{PartyFacts, names};
use crate::error::{Error, MissingField, Result};
use crate::model::people::opt_date;
use crate::model::validate::text;
use crate::model::{AgreementKind, DisputeStatus, MediationOutcome, PartyKind, Role, SecurityOffence, Track};

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

/// `fulfilment.record`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FulfilmentInput {
    /// 纠纷.
    #[schemars(title = "纠纷")]
    pub dispute_id: String,
    /// Whether the agreement was carried out.
    #[schemars(title = "履行情况")]
    pub fulfilled: bool,
    /// 日期 (default today).
    pub on: Option<String>,
    /// 履行情况说明.
    pub note: Option<String>,
}

/// The agreement kind a track starts with: 人民调解协议书 or 治安调解协议书.
pub fn default_kind(track: Track) -> AgreementKind {
    match track {
        Track::People => AgreementKind::People,
        Track::Security => AgreementKind::Security,
    }
}

/// A draft may be saved while the dispute is before its agreement (已受理, 调解中, 已达成)
/// and the agreement is not finalised (`finalised` holds its number when it is).
pub fn check_agreement_open(finalised: Option<Option<&str>>, status: DisputeStatus) -> Result<()> {
    if let Some(number) = finalised {
        return Err(Error::rule(format!(
            "调解协议{}已生效，内容不能再修改",
            number.map(|n| format!("（{n}）")).unwrap_or_default()
        )));
    }
    if !matches!(status, DisputeStatus::Registered | DisputeStatus::Mediating | DisputeStatus::Agreed) {
        return Err(Error::rule(format!("纠纷当前状态为“{}”，不能填写调解协议", status.label())));
    }
    Ok(())
}

/// An agreement takes effect only after a session settled the dispute.
pub fn settled_before_finalising(outcomes: &[MediationOutcome]) -> Result<()> {
    if !outcomes.contains(&MediationOutcome::Settled) {
        return Err(Error::rule("尚无达成一致的调解记录，请先登记结果为“达成一致”的调解，再使协议生效"));
    }
    Ok(())
}

/// Fulfilment is recorded for a day neither after today nor before the agreement took effect.
pub fn check_fulfilment_on(on: NaiveDate, effective_on: Option<NaiveDate>, today: NaiveDate) -> Result<()> {
    if on > today {
        return Err(Error::validation("on", "日期不能晚于今天"));
    }
    if let Some(e) = effective_on.filter(|e| on < *e) {
        return Err(Error::validation("on", format!("日期{on}早于协议生效日期{e}")));
    }
    Ok(())
}

/// A default (未履行) is recorded only once the performance deadline has passed: until the
/// end of that day the parties may still carry the agreement out.
pub fn check_default_on(on: NaiveDate, deadline: Option<NaiveDate>) -> Result<()> {
    match deadline {
        Some(d) if on <= d => Err(Error::validation(
            "on",
            format!("履行期限为{d}，期限届满前不能登记未履行（最早可在{}登记）", d + chrono::Duration::days(1)),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartyRole;
    use crate::model::dispute::tests::{d, person};

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
    fn a_default_waits_for_the_deadline_to_pass() {
        // (recorded on, deadline, refused)
        let cases = [
            ("2026-11-19", Some("2026-11-20"), true),
            ("2026-11-20", Some("2026-11-20"), true),
            ("2026-11-21", Some("2026-11-20"), false),
            ("2026-11-19", None, false),
        ];
        for (on, deadline, refused) in cases {
            let r = check_default_on(d(on), deadline.map(d));
            assert_eq!(r.is_err(), refused, "{on} {deadline:?}");
        }
        let e = check_default_on(d("2026-11-19"), Some(d("2026-11-20"))).unwrap_err();
        assert_eq!(e.field(), Some("on"));
        assert_eq!(e.to_string(), "履行期限为2026-11-20，期限届满前不能登记未履行（最早可在2026-11-21登记）");
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
    fn a_draft_is_open_before_the_agreement_takes_effect() {
        use DisputeStatus as S;
        for s in S::ALL {
            let open = matches!(s, S::Registered | S::Mediating | S::Agreed);
            assert_eq!(check_agreement_open(None, *s).is_ok(), open, "{s:?}");
        }
        let e = check_agreement_open(Some(Some("（2026）青山调字第 3 号")), S::Agreed).unwrap_err();
        assert_eq!(e.to_string(), "调解协议（（2026）青山调字第 3 号）已生效，内容不能再修改");
        assert_eq!(
            check_agreement_open(Some(None), S::Agreed).unwrap_err().to_string(),
            "调解协议已生效，内容不能再修改"
        );
        assert_eq!(default_kind(Track::People), AgreementKind::People);
        assert_eq!(default_kind(Track::Security), AgreementKind::Security);
    }

    #[test]
    fn finalising_needs_a_settled_session_and_fulfilment_a_plausible_day() {
        use MediationOutcome as O;
        assert!(settled_before_finalising(&[]).is_err());
        assert!(settled_before_finalising(&[O::Continued, O::Failed]).is_err());
        assert!(settled_before_finalising(&[O::Continued, O::Settled]).is_ok());
        let today = d("2026-11-23");
        // (on, effective_on, ok)
        let cases = [
            ("2026-11-23", Some("2026-11-20"), true),
            ("2026-11-24", Some("2026-11-20"), false),
            ("2026-11-19", Some("2026-11-20"), false),
            ("2026-11-19", None, true),
        ];
        for (on, effective, ok) in cases {
            let r = check_fulfilment_on(d(on), effective.map(d), today);
            assert_eq!(r.is_ok(), ok, "{on} {effective:?}");
            if let Err(e) = r {
                assert_eq!(e.field(), Some("on"));
            }
        }
    }
}
