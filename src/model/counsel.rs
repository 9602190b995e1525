//! 法律顾问 and 驻所律师: the lawyers who serve the post (a firm's lawyer sitting at the post
//! on set days, or the village's legal adviser), their sittings (坐班: hours, consultations
//! given, people served), and the lawyer as a participant in mediation rounds.
//!
//! The rules here are pure: what a lawyer's record and a sitting must hold (hours 0.5–12,
//! not after today, inside the lawyer's term, counts not negative), how a mediation round
//! was held (现场, 警务室, 视频联调 with the centre's name), and the month's figures.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::{opt_date, opt_phone, up_to_today};
use crate::model::validate::{person_name, required, text};
use crate::model::{LawyerKind, MediationLevel, MediationMode};

/// The shortest sitting recorded, in hours.
pub const MIN_HOURS: f64 = 0.5;
/// The longest sitting recorded in a day, in hours.
pub const MAX_HOURS: f64 = 12.0;
/// The most consultations or people one sitting may record (a typing slip beyond it).
pub const MAX_COUNT: i64 = 500;

/// A lawyer as the form sends it (`lawyer.create`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct LawyerInput {
    /// 姓名.
    #[schemars(title = "姓名")]
    pub name: String,
    /// 身份: adviser (法律顾问) or resident (驻所律师); default resident.
    pub kind: Option<LawyerKind>,
    /// 律师事务所.
    #[schemars(title = "律师事务所")]
    pub firm: String,
    /// 执业证号 (17 digits).
    #[schemars(title = "执业证号")]
    pub licence_no: String,
    /// 联系电话.
    pub phone: Option<String>,
    /// 服务起始日期 (default today).
    pub serving_from: Option<String>,
    /// 服务截止日期 (blank while serving).
    pub serving_to: Option<String>,
    /// 备注 (坐班安排: 每周二、四上午…).
    pub notes: Option<String>,
}

/// A lawyer's record, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidLawyer {
    /// 姓名.
    pub name: String,
    /// 身份.
    pub kind: LawyerKind,
    /// 律师事务所.
    pub firm: String,
    /// 执业证号.
    pub licence_no: String,
    /// 联系电话.
    pub phone: Option<String>,
    /// 服务起始日期.
    pub serving_from: NaiveDate,
    /// 服务截止日期.
    pub serving_to: Option<NaiveDate>,
    /// 备注.
    pub notes: Option<String>,
}

/// A lawyer's practising certificate number (律师执业证号): 17 digits; spaces are dropped.
pub fn licence_no(field: &str, raw: &str) -> Result<String> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(Error::validation(field, "执业证号不能为空"));
    }
    if s.len() != 17 || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::validation(field, format!("执业证号“{}”应为17位数字", raw.trim())));
    }
    Ok(s)
}

impl LawyerInput {
    /// Checks every field; `today` is the default start.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidLawyer> {
        let name = person_name("name", "律师姓名", &self.name)?;
        let firm = required("firm", "律师事务所", &self.firm, 60)?;
        let licence_no = licence_no("licence_no", &self.licence_no)?;
        let phone = opt_phone("phone", self.phone.as_deref())?;
        let serving_from = opt_date("serving_from", "服务起始日期", self.serving_from.as_deref())?.unwrap_or(today);
        let serving_to = opt_date("serving_to", "服务截止日期", self.serving_to.as_deref())?;
        if let Some(to) = serving_to
            && to < serving_from
        {
            return Err(Error::validation("serving_to", format!("服务截止日期{to}不能早于起始日期{serving_from}")));
        }
        let notes = text("notes", "备注", self.notes.as_deref(), 500)?;
        Ok(ValidLawyer {
            name,
            kind: self.kind.unwrap_or(LawyerKind::Resident),
            firm,
            licence_no,
            phone,
            serving_from,
            serving_to,
            notes,
        })
    }
}

/// A lawyer's term: from the first day to the last (none while serving).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// 服务起始日期.
    pub from: NaiveDate,
    /// 服务截止日期.
    pub to: Option<NaiveDate>,
}

impl Term {
    /// Whether `on` lies inside the term.
    pub fn covers(self, on: NaiveDate) -> bool {
        on >= self.from && self.to.is_none_or(|t| on <= t)
    }

    /// The term as a sentence: “2026-01-01 起” or “2026-01-01 至 2026-12-31”.
    pub fn show(self) -> String {
        match self.to {
            Some(t) => format!("{} 至 {t}", self.from),
            None => format!("{} 起", self.from),
        }
    }
}

/// A day the lawyer worked for the post (a sitting, a mediation round) must lie in the term.
pub fn check_in_term(field: &str, what: &str, lawyer: &str, term: Term, on: NaiveDate) -> Result<()> {
    if term.covers(on) {
        return Ok(());
    }
    Err(Error::validation(field, format!("{what}{on}不在{lawyer}律师的服务期内（{}）", term.show())))
}

/// A term changed on a lawyer with sittings: every sitting must still lie in it.
pub fn check_term_keeps(term: Term, sittings: &[NaiveDate]) -> Result<()> {
    match sittings.iter().find(|d| !term.covers(**d)) {
        None => Ok(()),
        Some(d) => Err(Error::validation(
            if *d < term.from { "serving_from" } else { "serving_to" },
            format!("该律师{d}有坐班记录，服务期（{}）须包含这一天", term.show()),
        )),
    }
}

/// A sitting as the form sends it (`sitting.create`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct SittingInput {
    /// 律师.
    #[schemars(title = "律师")]
    pub lawyer_id: String,
    /// 坐班日期 (default today).
    pub sat_on: Option<String>,
    /// 坐班时长（小时）, 0.5–12.
    #[schemars(title = "坐班时长（小时）")]
    pub hours: f64,
    /// 法律咨询（次）.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub consultations: i64,
    /// 接待群众（人）.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub people_served: i64,
    /// 咨询事项、普法内容等.
    pub topics: Option<String>,
}

/// A sitting, checked (all but the lawyer's term, which needs the lawyer).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSitting {
    /// 坐班日期.
    pub sat_on: NaiveDate,
    /// 时长, to a tenth of an hour.
    pub hours: f64,
    /// 法律咨询（次）.
    pub consultations: i64,
    /// 接待群众（人）.
    pub people_served: i64,
    /// 咨询事项.
    pub topics: Option<String>,
}

/// Hours sat: 0.5 to 12, kept to a tenth.
pub fn check_hours(hours: f64) -> Result<f64> {
    if !hours.is_finite() || !(MIN_HOURS..=MAX_HOURS).contains(&hours) {
        return Err(Error::validation(
            "hours",
            format!("坐班时长应为{MIN_HOURS}至{MAX_HOURS}小时，收到的是{}小时", show_hours(hours)),
        ));
    }
    Ok((hours * 10.0).round() / 10.0)
}

/// A count of a sitting: not negative, and not beyond [`MAX_COUNT`].
pub fn check_count(field: &str, label: &str, n: i64) -> Result<i64> {
    if n < 0 {
        return Err(Error::validation(field, format!("{label}不能为负数")));
    }
    if n > MAX_COUNT {
        return Err(Error::validation(field, format!("{label}{n}过大，一次坐班最多登记{MAX_COUNT}")));
    }
    Ok(n)
}

impl SittingInput {
    /// Checks every field that needs no lookup.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidSitting> {
        if self.lawyer_id.trim().is_empty() {
            return Err(Error::validation("lawyer_id", "请选择坐班的律师"));
        }
        let sat_on = up_to_today("sat_on", "坐班日期", self.sat_on.as_deref(), today)?;
        let hours = check_hours(self.hours)?;
        let consultations = check_count("consultations", "法律咨询次数", self.consultations)?;
        let people_served = check_count("people_served", "接待群众人数", self.people_served)?;
        let topics = text("topics", "咨询事项", self.topics.as_deref(), 2000)?;
        Ok(ValidSitting { sat_on, hours, consultations, people_served, topics })
    }
}

/// Hours as printed: `3` or `1.5`.
pub fn show_hours(h: f64) -> String {
    let s = format!("{h:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// How a round held without a mode given is recorded: 联调 at the post, the lower rungs on
/// site (百户长 and 治保主任 go to the parties). The migration gives older rounds the same.
pub fn default_mode(level: MediationLevel) -> MediationMode {
    match level {
        MediationLevel::Joint => MediationMode::AtPost,
        _ => MediationMode::OnSite,
    }
}

/// How a round was held, checked: 视频联调 names the town's or county's mediation centre it
/// was held with; the other ways name none.
pub fn check_mode(mode: MediationMode, centre: Option<&str>) -> Result<Option<String>> {
    let centre = text("centre", "联调中心", centre, 60)?;
    match (mode, centre) {
        (MediationMode::Video, None) => {
            Err(Error::validation("centre", "视频联调须填写联调的调解中心（如“城关镇矛盾纠纷联合调解中心”）"))
        }
        (MediationMode::Video, Some(c)) => Ok(Some(c)),
        (m, Some(_)) => {
            Err(Error::validation("centre", format!("调解方式为“{}”时不填写联调中心；只有视频联调填写", m.label())))
        }
        (_, None) => Ok(None),
    }
}

/// A sitting as the month's figures count it.
#[derive(Debug, Clone, PartialEq)]
pub struct SittingFact {
    /// 坐班日期.
    pub sat_on: NaiveDate,
    /// 时长.
    pub hours: f64,
    /// 法律咨询.
    pub consultations: i64,
    /// 接待群众.
    pub people_served: i64,
}

/// A dispute a lawyer took part in mediating in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct LawyerDisputeFact {
    /// The dispute.
    pub dispute_id: String,
    /// An agreement took effect (any time).
    pub agreed: bool,
    /// A follow-up found the agreement did not hold (反弹).
    pub rebounded: bool,
}

/// The month's 法律顾问 figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CounselMonth {
    /// 坐班（次）.
    pub sittings: i64,
    /// 坐班时长（小时）.
    pub hours: f64,
    /// 法律咨询（次）.
    pub consultations: i64,
    /// 接待群众（人次）.
    pub people_served: i64,
    /// 律师参与调解的纠纷（件）: a round in the month with a lawyer.
    pub disputes: i64,
    /// Of those, with an agreement.
    pub agreed: i64,
    /// Of those with an agreement, how many rebounded (a follow-up found it did not hold).
    pub rebounded: i64,
    /// 视频联调（次）: rounds in the month held by video.
    pub video_rounds: i64,
}

/// The month's figures from the sittings in it, the disputes a lawyer joined in it (one
/// fact per dispute, or several: a dispute counts once) and the rounds held by video.
pub fn month_figures(sittings: &[SittingFact], disputes: &[LawyerDisputeFact], video_rounds: i64) -> CounselMonth {
    let mut by_dispute: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for d in disputes {
        let e = by_dispute.entry(d.dispute_id.as_str()).or_default();
        e.0 |= d.agreed;
        e.1 |= d.rebounded;
    }
    let agreed: BTreeSet<&str> = by_dispute.iter().filter(|(_, (a, _))| *a).map(|(k, _)| *k).collect();
    let hours: f64 = sittings.iter().map(|s| s.hours).sum();
    CounselMonth {
        sittings: sittings.len() as i64,
        hours: (hours * 10.0).round() / 10.0,
        consultations: sittings.iter().map(|s| s.consultations).sum(),
        people_served: sittings.iter().map(|s| s.people_served).sum(),
        disputes: by_dispute.len() as i64,
        agreed: agreed.len() as i64,
        rebounded: by_dispute.iter().filter(|(k, (_, r))| *r && agreed.contains(*k)).count() as i64,
        video_rounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn lawyer() -> LawyerInput {
        LawyerInput {
            name: "孙明".into(),
            firm: "北京大成（常州）律师事务所".into(),
            licence_no: "13204201910123456".into(),
            serving_from: Some("2026-01-01".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_lawyer_needs_a_name_a_firm_and_a_seventeen_digit_licence() {
        let today = d("2026-11-23");
        let ok = lawyer().validate(today).unwrap();
        assert_eq!((ok.kind, ok.serving_from, ok.serving_to), (LawyerKind::Resident, d("2026-01-01"), None));
        // (change, field refused, words in the message)
        type Case = (fn(&mut LawyerInput), &'static str, &'static str);
        let cases: &[Case] = &[
            (|l| l.name = " ".into(), "name", "律师姓名不能为空"),
            (|l| l.firm = "".into(), "firm", "律师事务所不能为空"),
            (|l| l.licence_no = "".into(), "licence_no", "执业证号不能为空"),
            (|l| l.licence_no = "1320420191012345".into(), "licence_no", "应为17位数字"),
            (|l| l.licence_no = "1320420191012345X".into(), "licence_no", "应为17位数字"),
            (|l| l.phone = Some("12345".into()), "phone", "格式不对"),
            (|l| l.serving_from = Some("2026-13-01".into()), "serving_from", "不是有效日期"),
            (|l| l.serving_to = Some("2025-12-31".into()), "serving_to", "不能早于起始日期"),
        ];
        for (change, field, words) in cases {
            let mut l = lawyer();
            change(&mut l);
            let e = l.validate(today).unwrap_err();
            assert_eq!(e.field(), Some(*field), "{e}");
            assert!(e.to_string().contains(words), "{e}");
        }
        let spaced = LawyerInput { licence_no: "13204 20191 0123456".into(), ..lawyer() };
        assert_eq!(spaced.validate(today).unwrap().licence_no, "13204201910123456");
        let dflt = LawyerInput { serving_from: None, ..lawyer() };
        assert_eq!(dflt.validate(today).unwrap().serving_from, today);
    }

    #[test]
    fn a_sitting_is_half_an_hour_to_twelve_not_after_today_and_counts_not_negative() {
        let today = d("2026-11-23");
        let base = SittingInput {
            lawyer_id: "l1".into(),
            sat_on: Some("2026-11-20".into()),
            hours: 3.0,
            consultations: 4,
            people_served: 6,
            topics: Some("土地承包、赡养".into()),
        };
        let ok = base.validate(today).unwrap();
        assert_eq!((ok.sat_on, ok.hours, ok.consultations, ok.people_served), (d("2026-11-20"), 3.0, 4, 6));
        // (hours, sat_on, consultations, people, refused field)
        type Case<'a> = (f64, Option<&'a str>, i64, i64, Option<&'a str>);
        let cases: &[Case<'_>] = &[
            (0.5, None, 0, 0, None),
            (12.0, Some("2026-11-23"), 0, 0, None),
            (0.4, None, 0, 0, Some("hours")),
            (12.5, None, 0, 0, Some("hours")),
            (f64::NAN, None, 0, 0, Some("hours")),
            (2.0, Some("2026-11-24"), 0, 0, Some("sat_on")),
            (2.0, Some("11/20"), 0, 0, Some("sat_on")),
            (2.0, None, -1, 0, Some("consultations")),
            (2.0, None, 0, -3, Some("people_served")),
            (2.0, None, 501, 0, Some("consultations")),
        ];
        for (hours, on, c, p, refused) in cases {
            let s = SittingInput {
                hours: *hours,
                sat_on: on.map(str::to_owned),
                consultations: *c,
                people_served: *p,
                ..base.clone()
            };
            let r = s.validate(today);
            assert_eq!(r.as_ref().err().and_then(|e| e.field()), *refused, "{hours} {on:?} {c} {p}: {r:?}");
        }
        let e = SittingInput { hours: 13.0, ..base.clone() }.validate(today).unwrap_err();
        assert_eq!(e.to_string(), "坐班时长应为0.5至12小时，收到的是13小时");
        let e = SittingInput { sat_on: Some("2026-11-24".into()), ..base.clone() }.validate(today).unwrap_err();
        assert_eq!(e.to_string(), "坐班日期不能晚于今天");
        let e = SittingInput { people_served: -1, ..base.clone() }.validate(today).unwrap_err();
        assert_eq!(e.to_string(), "接待群众人数不能为负数");
        assert_eq!(SittingInput { hours: 2.25, ..base.clone() }.validate(today).unwrap().hours, 2.3);
        let e = SittingInput { lawyer_id: " ".into(), ..base }.validate(today).unwrap_err();
        assert_eq!(e.field(), Some("lawyer_id"));
    }

    #[test]
    fn a_sitting_lies_inside_the_lawyers_term() {
        let term = Term { from: d("2026-03-01"), to: Some(d("2026-08-31")) };
        let cases = [("2026-02-28", false), ("2026-03-01", true), ("2026-08-31", true), ("2026-09-01", false)];
        for (on, ok) in cases {
            assert_eq!(check_in_term("sat_on", "坐班日期", "孙明", term, d(on)).is_ok(), ok, "{on}");
        }
        let e = check_in_term("sat_on", "坐班日期", "孙明", term, d("2026-09-01")).unwrap_err();
        assert_eq!(e.to_string(), "坐班日期2026-09-01不在孙明律师的服务期内（2026-03-01 至 2026-08-31）");
        let open = Term { from: d("2026-03-01"), to: None };
        assert!(check_in_term("sat_on", "坐班日期", "孙明", open, d("2030-01-01")).is_ok());

        let sat = [d("2026-03-05"), d("2026-06-10")];
        assert!(check_term_keeps(term, &sat).is_ok());
        let e = check_term_keeps(Term { from: d("2026-04-01"), to: None }, &sat).unwrap_err();
        assert_eq!(e.field(), Some("serving_from"));
        assert!(e.to_string().contains("2026-03-05有坐班记录"), "{e}");
        let e = check_term_keeps(Term { from: d("2026-03-01"), to: Some(d("2026-06-01")) }, &sat).unwrap_err();
        assert_eq!(e.field(), Some("serving_to"));
    }

    #[test]
    fn video_mediation_names_its_centre_and_other_ways_none() {
        use MediationMode as M;
        // (mode, centre, Ok(stored centre) or the refusal's words)
        type Case<'a> = (M, Option<&'a str>, std::result::Result<Option<&'a str>, &'a str>);
        let cases: &[Case<'_>] = &[
            (M::OnSite, None, Ok(None)),
            (M::AtPost, Some("  "), Ok(None)),
            (M::Video, Some(" 谷城县矛盾纠纷联合调解中心 "), Ok(Some("谷城县矛盾纠纷联合调解中心"))),
            (M::Video, None, Err("视频联调须填写联调的调解中心")),
            (M::Video, Some(" "), Err("视频联调须填写联调的调解中心")),
            (M::OnSite, Some("盛康镇调解中心"), Err("调解方式为“现场”时不填写联调中心")),
            (M::AtPost, Some("盛康镇调解中心"), Err("调解方式为“警务室”时不填写联调中心")),
        ];
        for (mode, centre, want) in cases {
            match (check_mode(*mode, *centre), want) {
                (Ok(got), Ok(w)) => assert_eq!(got.as_deref(), *w),
                (Err(e), Err(words)) => {
                    assert_eq!(e.field(), Some("centre"));
                    assert!(e.to_string().contains(words), "{e}");
                }
                (got, want) => panic!("{mode:?} {centre:?}: {got:?}, want {want:?}"),
            }
        }
        assert_eq!(default_mode(MediationLevel::Initial), M::OnSite);
        assert_eq!(default_mode(MediationLevel::Review), M::OnSite);
        assert_eq!(default_mode(MediationLevel::Joint), M::AtPost);
    }

    #[test]
    fn the_months_figures_count_each_dispute_once_and_rebounds_only_of_agreements() {
        let s = |on: &str, h: f64, c: i64, p: i64| SittingFact {
            sat_on: d(on),
            hours: h,
            consultations: c,
            people_served: p,
        };
        let f =
            |id: &str, agreed: bool, rebounded: bool| LawyerDisputeFact { dispute_id: id.into(), agreed, rebounded };
        assert_eq!(month_figures(&[], &[], 0), CounselMonth::default());
        let m = month_figures(
            &[s("2026-11-03", 3.0, 5, 7), s("2026-11-05", 2.5, 2, 2), s("2026-11-10", 0.5, 0, 0)],
            &[
                f("a", true, false),
                f("a", true, false), // a second round of the same dispute
                f("b", true, true),
                f("c", false, true), // no agreement: a follow-up of nothing does not count
                f("d", false, false),
            ],
            2,
        );
        assert_eq!(
            m,
            CounselMonth {
                sittings: 3,
                hours: 6.0,
                consultations: 7,
                people_served: 9,
                disputes: 4,
                agreed: 2,
                rebounded: 1,
                video_rounds: 2
            }
        );
    }
}
