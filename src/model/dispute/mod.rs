//! Disputes and their mediation, as pure functions over values: the state machine and the
//! intake form here; a party's checks in [`party`], the sessions and the 治安调解 rules in
//! [`mediation`], the agreement's required fields and number in [`agreement`], the
//! follow-up in [`follow_up`].
//!
//! Nothing here reads the clock or the database: the store gathers the facts (parties,
//! earlier sessions, the post's names, the working-day calendar) and asks these functions
//! whether a step is allowed. Every refusal names the rule in Chinese.

pub mod agreement;
pub mod follow_up;
pub mod mediation;
pub mod party;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use agreement::*;
pub use follow_up::*;
pub use mediation::*;
pub use party::*;

use crate::error::{Error, Result};
use crate::model::people::opt_date;
use crate::model::validate::{fen, required, text};
use crate::model::{
    DisputeKind, DisputeSource, DisputeStatus, Exclusion, Grade, MediationOutcome, SecurityOffence, Track,
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
    /// A follow-up found that the agreement did not hold: mediation starts again.
    FollowUpNotHeld,
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
            DisputeEvent::FollowUpNotHeld => "因回访未落实重新调解",
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
        (S::Fulfilling | S::Fulfilled | S::Defaulted, E::FollowUpNotHeld) => S::Mediating,
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

/// Where a dispute's case file stands beyond its status: what the steps offered depend on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// A follow-up is scheduled and not yet done.
    pub follow_up_pending: bool,
    /// An agreement took effect (it stays on file when a follow-up found it did not hold
    /// and mediation started again).
    pub agreement_finalised: bool,
}

/// The steps open in `status` (a follow-up may be recorded whenever one is pending). Once
/// an agreement took effect the dispute and its parties stay as they were, also when
/// mediation starts again after a follow-up found it did not hold.
pub fn actions(status: DisputeStatus, progress: Progress) -> Vec<DisputeAction> {
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
    if progress.agreement_finalised {
        out.retain(|a| *a != A::Update);
    }
    if progress.follow_up_pending && !matches!(status, S::Registered | S::Closed | S::Referred | S::Withdrawn) {
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
    #[schemars(title = "纠纷名称")]
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

/// A dispute's fields and parties may change only while the buttons offer 修改 (before an
/// agreement takes effect and while the case is open).
pub fn check_editable(status: DisputeStatus, agreement_finalised: bool) -> Result<()> {
    let progress = Progress { agreement_finalised, ..Progress::default() };
    if actions(status, progress).contains(&DisputeAction::Update) {
        Ok(())
    } else if agreement_finalised {
        Err(Error::rule("本纠纷的调解协议已生效，纠纷和当事人信息不能再修改"))
    } else {
        Err(Error::rule(format!(
            "纠纷当前状态为“{}”，协议已生效或案件已结束，不能再修改纠纷和当事人信息",
            status.label()
        )))
    }
}

/// A party added by mistake may be deleted while the dispute is editable (no agreement in
/// effect, the case open), but not below two parties once a session was held: the
/// session's record names both sides.
pub fn check_party_removable(
    status: DisputeStatus,
    agreement_finalised: bool,
    parties_left: usize,
    sessions_held: bool,
) -> Result<()> {
    if agreement_finalised {
        return Err(Error::rule("本纠纷的调解协议已生效，当事人不能删除"));
    }
    check_editable(status, agreement_finalised)?;
    if sessions_held && parties_left < 2 {
        return Err(Error::rule("已进行过调解，删除后不足两方当事人，不能删除"));
    }
    Ok(())
}

/// What a change of a dispute is compared with: the stored track and dates, and whether a
/// session was held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeStored {
    /// 调解类型 as stored.
    pub track: Track,
    /// 受理日期 as stored.
    pub received_on: NaiveDate,
    /// 鉴定意见送达日期 as stored.
    pub assessment_on: Option<NaiveDate>,
    /// Whether a mediation session was held.
    pub sessions_held: bool,
}

/// Once a session is held the track stays, and on the 治安调解 track so do the dates its
/// deadlines count from (受理日期, 鉴定意见送达日期).
pub fn check_fixed_after_session(before: &DisputeStored, after: &ValidDispute) -> Result<()> {
    if !before.sessions_held {
        return Ok(());
    }
    if after.track != before.track {
        return Err(Error::validation("track", "已进行过调解，不能再更改调解类型"));
    }
    if before.track == Track::Security && after.received_on != before.received_on {
        return Err(Error::validation("received_on", "已进行过治安调解，受理日期不能再更改"));
    }
    if before.track == Track::Security && after.assessment_on != before.assessment_on {
        return Err(Error::validation("assessment_on", "已进行过治安调解，鉴定意见送达日期不能再更改"));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::calendar::{DayKind, SEED_2025_2026, WorkCalendar};
    use crate::model::{PartyKind, PartyRole, Sex};

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(super) fn cal() -> WorkCalendar {
        WorkCalendar::new(
            SEED_2025_2026.iter().map(|(s, off, _)| (d(s), if *off { DayKind::Holiday } else { DayKind::Workday })),
        )
    }

    pub(super) fn person(name: &str, role: PartyRole) -> PartyFacts {
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
            (S::Fulfilling, E::FollowUpNotHeld, S::Mediating),
            (S::Fulfilled, E::FollowUpNotHeld, S::Mediating),
            (S::Defaulted, E::FollowUpNotHeld, S::Mediating),
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
            E::FollowUpNotHeld,
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
        let none = Progress::default();
        let pending = Progress { follow_up_pending: true, ..none };
        let reopened = Progress { follow_up_pending: true, agreement_finalised: true };
        assert_eq!(
            actions(DisputeStatus::Agreed, none),
            [A::Update, A::SaveAgreement, A::FinaliseAgreement, A::Withdraw]
        );
        assert_eq!(actions(DisputeStatus::Fulfilling, pending), [A::RecordFulfilment, A::RecordFollowUp]);
        assert_eq!(actions(DisputeStatus::Defaulted, none), [A::RecordFulfilment, A::Refer]);
        assert!(actions(DisputeStatus::Closed, pending).is_empty());
        // A follow-up found the agreement did not hold: mediation again or referral, and
        // the next follow-up, but the parties stay as the agreement named them.
        assert_eq!(actions(DisputeStatus::Mediating, reopened), [A::Mediate, A::Refer, A::Withdraw, A::RecordFollowUp]);
        assert_eq!(actions(DisputeStatus::Failed, reopened), [A::Refer, A::RecordFollowUp]);
        for s in DisputeStatus::ALL {
            let acts = actions(*s, none);
            assert_eq!(acts.contains(&A::Refer), next(*s, DisputeEvent::Referred).is_ok(), "{s:?}");
            assert_eq!(acts.contains(&A::Withdraw), next(*s, DisputeEvent::Withdrawn).is_ok(), "{s:?}");
            assert_eq!(acts.contains(&A::FinaliseAgreement), next(*s, DisputeEvent::AgreementFinalised).is_ok());
        }
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

    #[test]
    fn a_dispute_is_editable_exactly_while_update_is_offered() {
        use DisputeStatus as S;
        for s in S::ALL {
            let offered = actions(*s, Progress::default()).contains(&DisputeAction::Update);
            assert_eq!(check_editable(*s, false).is_ok(), offered, "{s:?}");
            assert!(check_editable(*s, true).is_err(), "{s:?} with an agreement in effect");
        }
        let e = check_editable(S::Fulfilling, false).unwrap_err();
        assert!(e.to_string().contains("履行中"), "{e}");
        let e = check_editable(S::Mediating, true).unwrap_err();
        assert!(e.to_string().contains("调解协议已生效"), "{e}");
    }

    #[test]
    fn a_party_added_by_mistake_may_go_until_an_agreement_takes_effect() {
        use DisputeStatus as S;
        // (status, agreement in effect, parties left, a session held, refused with)
        let cases = [
            (S::Registered, false, 1, false, None),
            (S::Mediating, false, 2, true, None),
            (S::Mediating, false, 1, true, Some("不足两方当事人")),
            (S::Agreed, false, 2, true, None),
            (S::Mediating, true, 2, true, Some("调解协议已生效")),
            (S::Fulfilling, true, 3, true, Some("调解协议已生效")),
            (S::Withdrawn, false, 2, false, Some("已撤回")),
        ];
        for (status, finalised, left, held, refused) in cases {
            let got = check_party_removable(status, finalised, left, held).err().map(|e| e.to_string());
            match (got, refused) {
                (None, None) => {}
                (Some(msg), Some(want)) => assert!(msg.contains(want), "{status:?}: {msg}"),
                (got, want) => panic!("{status:?} {finalised} {left} {held}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_track_and_the_security_dates_are_fixed_once_a_session_was_held() {
        let today = d("2026-11-23");
        let valid = |track, received: &str, assessed: Option<&str>| {
            DisputeInput {
                source: Some(DisputeSource::WalkIn),
                kind: Some(DisputeKind::Neighbour),
                title: "邻里纠纷".into(),
                track: Some(track),
                received_on: Some(received.into()),
                assessment_on: assessed.map(str::to_owned),
                ..Default::default()
            }
            .validate(today)
            .unwrap()
        };
        let stored = |track, held| DisputeStored {
            track,
            received_on: d("2026-11-20"),
            assessment_on: None,
            sessions_held: held,
        };
        // (stored, edit, the field refused or None)
        let cases = [
            (stored(Track::People, false), valid(Track::Security, "2026-11-21", None), None),
            (stored(Track::People, true), valid(Track::Security, "2026-11-20", None), Some("track")),
            (stored(Track::People, true), valid(Track::People, "2026-11-21", None), None),
            (stored(Track::Security, true), valid(Track::Security, "2026-11-21", None), Some("received_on")),
            (
                stored(Track::Security, true),
                valid(Track::Security, "2026-11-20", Some("2026-11-22")),
                Some("assessment_on"),
            ),
            (stored(Track::Security, true), valid(Track::Security, "2026-11-20", None), None),
        ];
        for (before, after, refused) in cases {
            let got = check_fixed_after_session(&before, &after).err().and_then(|e| e.field().map(str::to_owned));
            assert_eq!(got.as_deref(), refused, "{before:?} → {:?} {}", after.track, after.received_on);
        }
    }
}
