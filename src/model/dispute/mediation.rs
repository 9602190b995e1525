//! Mediation sessions: the ladder (初调 → 复调 → 联调), the 治安调解 rules (excluded
//! cases, a sworn presider, a recording when an auxiliary takes part, minors and agents,
//! the working-day deadlines), and the session form's checks.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::PartyFacts;
use crate::error::{Error, Result};
use crate::model::calendar::{Deadline, WorkCalendar};
use crate::model::counsel::{check_mode, default_mode};
use crate::model::people::opt_date;
use crate::model::validate::{required, text};
use crate::model::{Exclusion, MediationLevel, MediationMode, MediationOutcome, PartyKind, PartyRole, Role, Track};

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

/// Why someone of `role` may not preside over 治安调解, or none when they may: it must be a
/// sworn officer, not an auxiliary (辅警).
pub fn preside_refusal(role: Role) -> Option<&'static str> {
    (role == Role::Auxiliary).then_some("辅警不能主持治安调解")
}

/// The presiding officer must be a sworn officer (辅警不能主持治安调解).
pub fn check_presider(presider: Option<(&str, Role)>) -> Result<()> {
    match presider {
        None => Err(Error::validation("presider_officer_id", "治安调解须由民警主持，请选择主持人")),
        Some((name, role)) => match preside_refusal(role) {
            Some(why) => Err(Error::rule(format!("{name}是{}，{why}，请选择一名民警主持", role.label()))),
            None => Ok(()),
        },
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

/// When the next 治安调解 session is due: the first within 3 working days of intake (or of
/// the assessment report, when it came later), the second within 7 of the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDue {
    /// Which session: 1 or 2.
    pub nth: u8,
    /// The day counted from.
    pub from: NaiveDate,
    /// What that day is: 受理, 鉴定意见送达 or 第一次调解.
    pub from_what: &'static str,
    /// The last day, with the years counted through without a calendar.
    pub deadline: Deadline,
}

/// The next session's deadline, `None` once two were held.
pub fn next_session_due(
    earlier: &[NaiveDate],
    received_on: NaiveDate,
    assessment_on: Option<NaiveDate>,
    cal: &WorkCalendar,
) -> Option<SessionDue> {
    match earlier {
        [] => {
            let (from, from_what) = match assessment_on {
                Some(a) if a > received_on => (a, "鉴定意见送达"),
                _ => (received_on, "受理"),
            };
            Some(SessionDue { nth: 1, from, from_what, deadline: cal.deadline(from, 3) })
        }
        [first] => {
            Some(SessionDue { nth: 2, from: *first, from_what: "第一次调解", deadline: cal.deadline(*first, 7) })
        }
        _ => None,
    }
}

/// At most two sessions: the first within 3 working days of intake (or of the assessment
/// report), the second within 7 working days of the first ([`next_session_due`]).
pub fn check_schedule(
    earlier: &[NaiveDate],
    held_on: NaiveDate,
    received_on: NaiveDate,
    assessment_on: Option<NaiveDate>,
    cal: &WorkCalendar,
) -> Result<()> {
    let Some(due) = next_session_due(earlier, received_on, assessment_on, cal) else {
        return Err(Error::rule("治安调解最多进行两次，本案已调解两次，调解不成的应依法作出处理决定"));
    };
    let (base, what, deadline) = (due.from, due.from_what, due.deadline.on);
    if held_on <= deadline {
        return Ok(());
    }
    Err(Error::rule(if due.nth == 1 {
        format!(
            "治安调解应在{what}（{base}）后3个工作日内进行，即最迟{deadline}；{held_on}已超过期限，应依法作出处理决定"
        )
    } else {
        format!("第二次治安调解应在第一次调解（{base}）后7个工作日内进行，即最迟{deadline}；{held_on}已超过期限")
    }))
}

/// 治安调解 is held by the police: its sessions are 联调.
pub fn check_security_level(level: MediationLevel) -> Result<()> {
    if level != MediationLevel::Joint {
        return Err(Error::validation(
            "level",
            format!("治安调解由公安机关主持，应选择“联调”，不能登记为“{}”", level.label()),
        ));
    }
    Ok(())
}

/// The levels the next session may be held at, lowest first: none below the highest already
/// held ([`check_level`]), and for 治安调解 only 联调 ([`check_security_level`]).
pub fn next_levels(track: Track, highest_held: Option<MediationLevel>) -> Vec<MediationLevel> {
    MediationLevel::ALL
        .iter()
        .copied()
        .filter(|l| check_level(highest_held, *l).is_ok())
        .filter(|l| track == Track::People || check_security_level(*l).is_ok())
        .collect()
}

/// Every rule a 治安调解 session must pass, in the order a user would fix them.
pub fn check_security_session(s: &SecuritySession<'_>, cal: &WorkCalendar) -> Result<()> {
    check_exclusions(s.exclusions)?;
    check_security_level(s.level)?;
    check_presider(s.presider)?;
    check_recording(s.officers, s.recording_ref)?;
    check_parties(s.parties, s.held_on)?;
    check_schedule(s.earlier, s.held_on, s.received_on, s.assessment_on, cal)
}

/// A mediation session (`mediation.add`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct MediationInput {
    /// 纠纷.
    #[schemars(title = "纠纷")]
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
    /// 调解方式: on_site (现场), at_post (警务室), video (视频联调); default 警务室 for 联调,
    /// 现场 below it.
    pub mode: Option<MediationMode>,
    /// 联调中心: the town's or county's mediation centre (required for 视频联调).
    pub centre: Option<String>,
    /// 参加调解的律师 (法律顾问, 驻所律师).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub lawyer_ids: Vec<String>,
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
    /// 调解方式 (the input's centre is checked against it).
    pub mode: MediationMode,
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
        let mut seen = std::collections::HashSet::new();
        self.lawyer_ids.retain(|s| !s.trim().is_empty() && seen.insert(s.clone()));
        let mode = self.mode.unwrap_or_else(|| default_mode(level));
        self.centre = check_mode(mode, self.centre.as_deref())?;
        Ok(ValidMediation { input: self, level, outcome, held_on, mode })
    }
}

/// A session needs both sides registered first.
pub fn enough_parties(registered: usize) -> Result<()> {
    if registered < 2 {
        return Err(Error::rule("调解前请至少登记双方当事人"));
    }
    Ok(())
}

/// The session's mediators: the names entered, no more (a presiding officer or a lawyer is
/// recorded as such, and may be the one who mediates when no mediator is named); a session
/// needs a mediator, a presiding officer or a lawyer.
pub fn session_mediators(presider: Option<&str>, lawyers: usize, entered: &[String]) -> Result<Vec<String>> {
    if entered.is_empty() && presider.is_none() && lawyers == 0 {
        return Err(Error::validation("mediators", "请填写调解员姓名"));
    }
    Ok(entered.to_vec())
}

impl ValidMediation {
    /// A session cannot be held before the dispute was received.
    pub fn check_received(&self, received_on: NaiveDate) -> Result<()> {
        if self.held_on < received_on {
            return Err(Error::validation("held_on", format!("调解日期{}早于受理日期{received_on}", self.held_on)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dispute::tests::{cal, d, person};

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

    #[test]
    fn the_next_session_is_offered_only_the_levels_it_may_take() {
        use MediationLevel as L;
        let cases = [
            (Track::People, None, vec![L::Initial, L::Review, L::Joint]),
            (Track::People, Some(L::Review), vec![L::Review, L::Joint]),
            (Track::People, Some(L::Joint), vec![L::Joint]),
            (Track::Security, None, vec![L::Joint]),
            (Track::Security, Some(L::Joint), vec![L::Joint]),
        ];
        for (track, held, want) in cases {
            assert_eq!(next_levels(track, held), want, "{track:?} after {held:?}");
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
        assert_eq!(preside_refusal(Role::Auxiliary), Some("辅警不能主持治安调解"));
        assert_eq!(preside_refusal(Role::Officer), None);
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
        assert_eq!((ok.mode, ok.input.centre), (MediationMode::OnSite, None));
        let video = MediationInput {
            mode: Some(MediationMode::Video),
            centre: Some("盛康镇联合调解中心".into()),
            lawyer_ids: vec!["l1".into(), " ".into(), "l1".into()],
            ..base.clone()
        };
        let ok = video.clone().validate(today).unwrap();
        assert_eq!((ok.mode, ok.input.lawyer_ids.len()), (MediationMode::Video, 1));
        let e = MediationInput { centre: None, ..video }.validate(today).unwrap_err();
        assert_eq!(e.field(), Some("centre"));
        let e = MediationInput { level: None, ..base.clone() }.validate(today).unwrap_err();
        assert_eq!(e.field(), Some("level"));
        let e = MediationInput { held_on: Some("2026-11-24".into()), ..base }.validate(today).unwrap_err();
        assert_eq!(e.field(), Some("held_on"));
    }

    #[test]
    fn a_session_needs_two_parties_and_a_mediator() {
        assert!(enough_parties(1).unwrap_err().to_string().contains("至少登记双方当事人"));
        assert!(enough_parties(2).is_ok());
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // (presider, lawyers, entered, mediators or the field refused)
        type Case<'a> = (Option<&'a str>, usize, &'a [&'a str], Result<&'a [&'a str], &'a str>);
        let cases: [Case<'_>; 5] = [
            (None, 0, &[], Err("mediators")),
            (None, 1, &[], Ok(&[])),
            (Some("周立新"), 0, &[], Ok(&[])),
            (Some("周立新"), 0, &["王德明"], Ok(&["王德明"])),
            (Some("周立新"), 0, &["王德明", "周立新"], Ok(&["王德明", "周立新"])),
        ];
        for (presider, lawyers, entered, want) in cases {
            let got = session_mediators(presider, lawyers, &names(entered));
            match want {
                Ok(w) => assert_eq!(got.unwrap(), names(w)),
                Err(field) => assert_eq!(got.unwrap_err().field(), Some(field)),
            }
        }
    }

    #[test]
    fn a_session_is_not_held_before_the_intake() {
        let m = MediationInput {
            dispute_id: "x".into(),
            level: Some(MediationLevel::Initial),
            outcome: Some(MediationOutcome::Continued),
            held_on: Some("2026-11-20".into()),
            ..Default::default()
        }
        .validate(d("2026-11-23"))
        .unwrap();
        assert!(m.check_received(d("2026-11-20")).is_ok());
        let e = m.check_received(d("2026-11-21")).unwrap_err();
        assert_eq!((e.field(), e.to_string().as_str()), (Some("held_on"), "调解日期2026-11-20早于受理日期2026-11-21"));
    }
}
