//! 结对帮扶: regular care for 独居老人, 留守儿童/老人, 困难群众, the disabled. A care plan
//! (`CarePlan`) pairs a person (or a household) with an officer or a volunteer and says how
//! often they are visited; the station admin sets the interval for each tag
//! (`CareDefault`), the visits are the post's ordinary visit records, and the needs found
//! (`CareNeed`) are followed until help is given (a 低保 application, a doctor, 送证上门
//! through an errand).
//!
//! The rules here are pure: when the next visit is due, what a plan and a need must hold, a
//! need's lifecycle, and the month's figures (people under care, visits due and done, per
//! village).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{CareNeedKind, CareNeedStatus, KnownTag};

/// The intervals the software starts with, before the station admin sets any: (tag, days).
pub const BUILT_IN_INTERVALS: &[(KnownTag, i64)] = &[
    (KnownTag::ElderlyAlone, 30),
    (KnownTag::LeftBehindChild, 60),
    (KnownTag::LeftBehindElderly, 30),
    (KnownTag::Hardship, 60),
    (KnownTag::SubsistenceAllowance, 90),
    (KnownTag::Disabled, 60),
];

/// The interval for a tag nobody has set one for.
pub const FALLBACK_INTERVAL: i64 = 60;

/// The longest interval a plan may have: a visit at least once a year.
pub const MAX_INTERVAL: i64 = 365;

/// The interval of a tag: the admin's when set (`set`, tag → days), else the built-in one,
/// else [`FALLBACK_INTERVAL`].
pub fn interval_for(tag: &str, set: &BTreeMap<String, i64>) -> i64 {
    set.get(tag).copied().unwrap_or_else(|| {
        BUILT_IN_INTERVALS.iter().find(|(t, _)| t.as_str() == tag).map(|(_, d)| *d).unwrap_or(FALLBACK_INTERVAL)
    })
}

/// An interval between 1 and [`MAX_INTERVAL`] days.
pub fn check_interval(field: &str, days: i64) -> Result<i64> {
    if !(1..=MAX_INTERVAL).contains(&days) {
        return Err(Error::validation(field, format!("走访周期应为1至{MAX_INTERVAL}天，收到的是{days}天")));
    }
    Ok(days)
}

/// `care.defaults_set`: the interval the admin sets for a tag.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CareDefaultInput {
    /// 人员标签: a known code (elderly_alone…) or label, or the post's own tag.
    #[schemars(title = "人员标签")]
    pub tag: String,
    /// 走访周期（天）.
    #[schemars(title = "走访周期（天）")]
    pub interval_days: i64,
}

/// A care plan as the form sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CarePlanInput {
    /// 帮扶对象 (a resident); blank when the household as a whole is cared for.
    pub person_id: Option<String>,
    /// 帮扶的户 (default the person's household).
    pub household_id: Option<String>,
    /// 帮扶类别: the tag it is for (独居老人, 留守儿童…).
    #[schemars(title = "帮扶类别")]
    pub tag: String,
    /// 走访周期（天）; default the admin's interval for the tag.
    pub interval_days: Option<i64>,
    /// 结对民警/辅警.
    pub officer_id: Option<String>,
    /// 结对志愿者 (a volunteer of the post).
    pub volunteer_id: Option<String>,
    /// 开始日期 (default today).
    pub started_on: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// Someone is paired with the person: an officer or a volunteer.
pub fn check_pairing(officer_id: Option<&str>, volunteer_id: Option<&str>) -> Result<()> {
    if officer_id.is_none() && volunteer_id.is_none() {
        return Err(Error::validation("officer_id", "请选择结对的民警（辅警）或志愿者"));
    }
    Ok(())
}

/// A plan ends no earlier than it started, and not after today.
pub fn check_end(started_on: NaiveDate, ended_on: NaiveDate, today: NaiveDate) -> Result<()> {
    if ended_on > today {
        return Err(Error::validation("on", "结束日期不能晚于今天"));
    }
    if ended_on < started_on {
        return Err(Error::validation("on", format!("结束日期不能早于开始日期 {started_on}")));
    }
    Ok(())
}

/// When a plan's next visit is due: `interval` days after the last visit, or on the day the
/// plan started when nobody has visited since (a new plan is visited at once).
pub fn next_due(started_on: NaiveDate, last_visit: Option<NaiveDate>, interval: i64) -> NaiveDate {
    match last_visit {
        Some(v) if v >= started_on - Duration::days(interval) => v + Duration::days(interval),
        _ => started_on,
    }
}

/// How many days a visit due on `due` is late on `today` (0 when not yet late).
pub fn days_late(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days().max(0)
}

/// A need found for a person under care, as the form sends it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CareNeedInput {
    /// 帮扶计划.
    #[schemars(title = "帮扶计划")]
    pub care_plan_id: String,
    /// 需求类别.
    #[schemars(title = "需求类别")]
    pub kind: CareNeedKind,
    /// 需求情况.
    #[schemars(title = "需求情况")]
    pub description: String,
    /// 发现日期 (default today).
    pub found_on: Option<String>,
    /// 发现时的走访记录.
    pub visit_id: Option<String>,
    /// 办理它的代办 (送证上门…).
    pub errand_id: Option<String>,
}

/// A step in a need's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedStep {
    /// 已帮扶: the help given is recorded.
    Help,
    /// 不再需要: the reason is recorded.
    Drop,
    /// Reopened (the help did not settle it).
    Reopen,
}

/// A need's lifecycle: open → helped or dropped; either may be reopened.
pub fn need_next(from: CareNeedStatus, step: NeedStep) -> Result<CareNeedStatus> {
    use CareNeedStatus as S;
    match (from, step) {
        (S::Open, NeedStep::Help) => Ok(S::Helped),
        (S::Open, NeedStep::Drop) => Ok(S::Dropped),
        (S::Helped | S::Dropped, NeedStep::Reopen) => Ok(S::Open),
        (s, step) => {
            let what = match step {
                NeedStep::Help => "登记帮扶",
                NeedStep::Drop => "标为不再需要",
                NeedStep::Reopen => "重新打开",
            };
            Err(Error::rule(format!("该需求当前为“{}”，不能{what}", s.label())))
        }
    }
}

/// An errand serves a need of the same person: when both name a resident, it is the same
/// one.
pub fn check_errand_person(plan_person: Option<&str>, errand_person: Option<&str>) -> Result<()> {
    match (plan_person, errand_person) {
        (Some(p), Some(e)) if p != e => Err(Error::validation("errand_id", "所选代办的申请人不是该帮扶对象")),
        _ => Ok(()),
    }
}

/// A plan as the month's figures count it.
#[derive(Debug, Clone, PartialEq)]
pub struct CarePlanFact {
    /// 村（社区）.
    pub village: Option<String>,
    /// 开始日期.
    pub started_on: NaiveDate,
    /// 结束日期.
    pub ended_on: Option<NaiveDate>,
    /// 走访周期（天）.
    pub interval_days: i64,
    /// Its visits up to the month's end, in any order.
    pub visits: Vec<NaiveDate>,
}

/// A need as the month's figures count it.
#[derive(Debug, Clone, PartialEq)]
pub struct CareNeedFact {
    /// 发现日期.
    pub found_on: NaiveDate,
    /// 状态.
    pub status: CareNeedStatus,
    /// The day it was helped or dropped.
    pub closed_on: Option<NaiveDate>,
}

/// The care figures of one slice (the post, a village).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CareFigures {
    /// 帮扶对象: plans in force on the month's last day (or today, in the current month).
    pub under_care: i64,
    /// 应走访: plans whose visit fell due in the month (or was already late when it began).
    pub due: i64,
    /// 已走访: of those, visited in the month.
    pub done: i64,
    /// 逾期未走访: due, not visited in the month, and its day has passed.
    pub overdue: i64,
}

/// A village's care figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CareVillage {
    /// 村（社区）.
    pub name: String,
    /// Its figures.
    pub figures: CareFigures,
}

/// The month's 结对帮扶 figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CareMonth {
    /// The whole post.
    pub total: CareFigures,
    /// By village (by name; “（未填村）” for a household without one).
    pub by_village: Vec<CareVillage>,
    /// 发现需求: needs found in the month.
    pub needs_found: i64,
    /// 已帮扶: needs helped in the month.
    pub needs_helped: i64,
}

/// What one plan adds to a month `[first, last]` as of `today`.
fn plan_month(p: &CarePlanFact, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> CareFigures {
    let mut f = CareFigures::default();
    let start = p.started_on.max(first);
    let end = p.ended_on.map_or(last, |e| e.min(last));
    if start > end {
        return f;
    }
    let census = last.min(today).max(first);
    if p.started_on <= census && p.ended_on.is_none_or(|e| e >= census) {
        f.under_care = 1;
    }
    let before = p.visits.iter().copied().filter(|v| *v < first).max();
    let due = next_due(p.started_on, before, p.interval_days);
    if due > end {
        return f;
    }
    f.due = 1;
    if p.visits.iter().any(|v| *v >= first && *v <= last) {
        f.done = 1;
    } else if due < today.min(end + Duration::days(1)) {
        f.overdue = 1;
    }
    f
}

fn add(to: &mut CareFigures, f: &CareFigures) {
    to.under_care += f.under_care;
    to.due += f.due;
    to.done += f.done;
    to.overdue += f.overdue;
}

/// The month `[first, last]`'s figures as of `today`.
pub fn care_month(
    first: NaiveDate,
    last: NaiveDate,
    today: NaiveDate,
    plans: &[CarePlanFact],
    needs: &[CareNeedFact],
) -> CareMonth {
    let mut total = CareFigures::default();
    let mut by_village: BTreeMap<String, CareFigures> = BTreeMap::new();
    for p in plans {
        let f = plan_month(p, first, last, today);
        if f == CareFigures::default() {
            continue;
        }
        add(&mut total, &f);
        add(by_village.entry(p.village.clone().unwrap_or_else(|| "（未填村）".into())).or_default(), &f);
    }
    let in_month = |d: NaiveDate| d >= first && d <= last;
    CareMonth {
        total,
        by_village: by_village.into_iter().map(|(name, figures)| CareVillage { name, figures }).collect(),
        needs_found: needs.iter().filter(|n| in_month(n.found_on)).count() as i64,
        needs_helped: needs
            .iter()
            .filter(|n| n.status == CareNeedStatus::Helped && n.closed_on.is_some_and(in_month))
            .count() as i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn the_admins_interval_wins_over_the_built_in_one() {
        let mut set = BTreeMap::new();
        assert_eq!(interval_for("elderly_alone", &set), 30);
        assert_eq!(interval_for("left_behind_child", &set), 60);
        assert_eq!(interval_for("重点关注", &set), FALLBACK_INTERVAL);
        set.insert("elderly_alone".to_owned(), 14);
        set.insert("重点关注".to_owned(), 7);
        assert_eq!(interval_for("elderly_alone", &set), 14);
        assert_eq!(interval_for("重点关注", &set), 7);
        for (days, ok) in [(0, false), (1, true), (365, true), (366, false), (-3, false)] {
            assert_eq!(check_interval("interval_days", days).is_ok(), ok, "{days}");
        }
        assert!(check_interval("interval_days", 0).unwrap_err().to_string().contains("1至365天"));
    }

    #[test]
    fn the_next_visit_falls_due_an_interval_after_the_last() {
        // (started, last visit, interval, due)
        let cases = [
            ("2026-11-01", None, 30, "2026-11-01"),
            ("2026-11-01", Some("2026-11-05"), 30, "2026-12-05"),
            ("2026-06-01", Some("2026-10-20"), 30, "2026-11-19"),
            // A visit shortly before the plan counts; one long before does not.
            ("2026-11-01", Some("2026-10-25"), 30, "2026-11-24"),
            ("2026-11-01", Some("2026-08-01"), 30, "2026-11-01"),
        ];
        for (started, last, interval, due) in cases {
            assert_eq!(next_due(d(started), last.map(d), interval), d(due), "{started} {last:?}");
        }
        assert_eq!(days_late(d("2026-11-19"), d("2026-11-23")), 4);
        assert_eq!(days_late(d("2026-11-25"), d("2026-11-23")), 0);
    }

    #[test]
    fn a_plan_needs_a_pairing_and_ends_within_its_life() {
        assert_eq!(check_pairing(None, None).unwrap_err().field(), Some("officer_id"));
        assert!(check_pairing(Some("o"), None).is_ok());
        assert!(check_pairing(None, Some("v")).is_ok());
        let today = d("2026-11-23");
        assert!(check_end(d("2026-11-01"), d("2026-11-23"), today).is_ok());
        assert_eq!(check_end(d("2026-11-01"), d("2026-11-24"), today).unwrap_err().to_string(), "结束日期不能晚于今天");
        assert!(check_end(d("2026-11-01"), d("2026-10-31"), today).unwrap_err().to_string().contains("2026-11-01"));
        assert!(check_errand_person(Some("p1"), Some("p1")).is_ok());
        assert!(check_errand_person(Some("p1"), None).is_ok());
        assert_eq!(check_errand_person(Some("p1"), Some("p2")).unwrap_err().field(), Some("errand_id"));
    }

    #[test]
    fn need_lifecycle_table() {
        use CareNeedStatus as S;
        let steps = [NeedStep::Help, NeedStep::Drop, NeedStep::Reopen];
        let allowed = [
            (S::Open, NeedStep::Help, S::Helped),
            (S::Open, NeedStep::Drop, S::Dropped),
            (S::Helped, NeedStep::Reopen, S::Open),
            (S::Dropped, NeedStep::Reopen, S::Open),
        ];
        for from in S::ALL {
            for step in steps {
                let want = allowed.iter().find(|(f, s, _)| f == from && *s == step).map(|(_, _, t)| *t);
                match (need_next(*from, step), want) {
                    (Ok(to), Some(t)) => assert_eq!(to, t),
                    (Err(e), None) => assert!(e.to_string().contains(from.label()), "{e}"),
                    (got, want) => panic!("{from:?} {step:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    fn plan(village: &str, started: &str, ended: Option<&str>, interval: i64, visits: &[&str]) -> CarePlanFact {
        CarePlanFact {
            village: Some(village.into()),
            started_on: d(started),
            ended_on: ended.map(d),
            interval_days: interval,
            visits: visits.iter().map(|v| d(v)).collect(),
        }
    }

    #[test]
    fn each_plan_counts_by_when_its_visit_fell_due() {
        let (first, last, today) = (d("2026-11-01"), d("2026-11-30"), d("2026-11-23"));
        // (plan, want (under care, due, done, overdue))
        let cases = [
            // Visited in October, due again on 11-14: visited on 11-10, done.
            (plan("青山村", "2026-01-01", None, 30, &["2026-10-15", "2026-11-10"]), (1, 1, 1, 0)),
            // Due on 11-14, not visited: overdue.
            (plan("青山村", "2026-01-01", None, 30, &["2026-10-15"]), (1, 1, 0, 1)),
            // Due on 11-29, after today: due, not yet overdue.
            (plan("青山村", "2026-01-01", None, 30, &["2026-10-30"]), (1, 1, 0, 0)),
            // Every 60 days, visited on 10-20: next due in December, nothing due in November.
            (plan("石桥村", "2026-01-01", None, 60, &["2026-10-20"]), (1, 0, 0, 0)),
            // Started in November, never visited: due at once, overdue.
            (plan("石桥村", "2026-11-05", None, 30, &[]), (1, 1, 0, 1)),
            // Started today: due today, not yet overdue.
            (plan("石桥村", "2026-11-23", None, 30, &[]), (1, 1, 0, 0)),
            // Ended in October: nothing.
            (plan("石桥村", "2026-01-01", Some("2026-10-31"), 30, &[]), (0, 0, 0, 0)),
            // Ended on 11-10 after falling due on 11-05 unvisited: due and overdue, no longer under care.
            (plan("石桥村", "2026-01-01", Some("2026-11-10"), 30, &["2026-10-06"]), (0, 1, 0, 1)),
            // Starts in December.
            (plan("石桥村", "2026-12-01", None, 30, &[]), (0, 0, 0, 0)),
        ];
        for (p, (u, due, done, overdue)) in cases {
            let m = care_month(first, last, today, std::slice::from_ref(&p), &[]);
            assert_eq!(
                (m.total.under_care, m.total.due, m.total.done, m.total.overdue),
                (u, due, done, overdue),
                "{p:?}"
            );
        }
    }

    #[test]
    fn figures_split_by_village_and_needs_count_in_their_month() {
        let (first, last, today) = (d("2026-11-01"), d("2026-11-30"), d("2026-11-23"));
        let plans = [
            plan("青山村", "2026-01-01", None, 30, &["2026-10-15", "2026-11-10"]),
            plan("青山村", "2026-01-01", None, 30, &["2026-10-15"]),
            plan("石桥村", "2026-11-05", None, 30, &[]),
        ];
        let needs = [
            CareNeedFact {
                found_on: d("2026-11-10"),
                status: CareNeedStatus::Helped,
                closed_on: Some(d("2026-11-12")),
            },
            CareNeedFact {
                found_on: d("2026-10-10"),
                status: CareNeedStatus::Helped,
                closed_on: Some(d("2026-11-02")),
            },
            CareNeedFact { found_on: d("2026-11-11"), status: CareNeedStatus::Open, closed_on: None },
            CareNeedFact {
                found_on: d("2026-11-12"),
                status: CareNeedStatus::Dropped,
                closed_on: Some(d("2026-11-13")),
            },
        ];
        let m = care_month(first, last, today, &plans, &needs);
        assert_eq!(m.total, CareFigures { under_care: 3, due: 3, done: 1, overdue: 2 });
        assert_eq!(m.by_village.len(), 2);
        assert_eq!(m.by_village[1].name, "青山村");
        assert_eq!(m.by_village[1].figures, CareFigures { under_care: 2, due: 2, done: 1, overdue: 1 });
        assert_eq!((m.needs_found, m.needs_helped), (3, 2));
    }
}
