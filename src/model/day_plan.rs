//! 今日工作: the day's plan. From what the data says is due, [`build`] lists what the officer
//! should do today, grouped by village and 组 and ordered by address so a round can be walked
//! in order: people due a visit under their care plan, follow-ups due, agreements whose
//! performance deadline is within [`FULFILMENT_HORIZON_DAYS`], errands due or overdue,
//! hazards to verify, fix or recheck, the patrols planned for the day, and disputes at
//! 红色 or 橙色 risk ([`crate::model::warning`]) to go and steady.
//!
//! Pure: the store gathers one list of facts per source ([`DayFacts`]), this decides which
//! are due and how they read. A new source (an award to decide, a station's requests, the
//! lawyer's sitting) is one fact type, one function here that turns a fact into a
//! [`PlanItem`] (its rule, with a table test), one [`PlanItemKind`] and one field of
//! [`DayFacts`] filled by its store module.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use schemars::JsonSchema;
use serde::Serialize;

use crate::model::care::{days_late, next_due};
use crate::model::{ErrandMode, HazardStatus, KnownTag, PlanItemKind, RiskLevel};

/// Agreements whose performance deadline is at most this many days away are listed.
pub const FULFILMENT_HORIZON_DAYS: i64 = 3;

/// Where an item takes the officer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanPlace {
    /// 村（社区）.
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// 村民小组.
    pub group_name: Option<String>,
    /// 住址 or 地点.
    pub address: Option<String>,
}

/// One thing to do today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanItem {
    /// What it is.
    pub kind: PlanItemKind,
    /// The record it is about: the care plan, follow-up, agreement, errand, hazard or team.
    pub record_id: String,
    /// The dispute, for a follow-up or an agreement.
    pub dispute_id: Option<String>,
    /// Whom or what: a resident's name, a dispute's title, a hazard's place, a team.
    pub subject: String,
    /// What to do, in a line: 独居老人，每30天走访，上次走访 2026-10-20.
    pub detail: String,
    /// When it is (or was) due, `YYYY-MM-DD`.
    pub due_on: Option<String>,
    /// Days past due (0 when due today or later).
    pub days_late: i64,
    /// Done from the list in one step (a visit recorded with one click).
    pub one_click: bool,
    /// Where.
    pub place: PlanPlace,
}

/// The items of one 组 (or of the village as a whole, `name` none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanGroup {
    /// 村民小组, none for what is in the village but no 组.
    pub name: Option<String>,
    /// Its items, by address.
    pub items: Vec<PlanItem>,
}

/// The items of one village, by 组.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanVillage {
    /// 村（社区）; none for items not tied to one.
    pub name: Option<String>,
    /// Its 组, in order, the village-wide items last.
    pub groups: Vec<PlanGroup>,
}

/// How many items of a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanCount {
    /// The kind.
    pub kind: PlanItemKind,
    /// How many.
    pub count: i64,
}

/// The day's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayPlan {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// 星期一…星期日.
    pub weekday: String,
    /// Items in all.
    pub total: i64,
    /// Items of each kind that has any, in the order of [`PlanItemKind`].
    pub counts: Vec<PlanCount>,
    /// By village (by name; items tied to none last).
    pub villages: Vec<PlanVillage>,
}

/// A plan in force for a person or a household, with its last visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareDue {
    /// The plan.
    pub plan_id: String,
    /// 帮扶对象; none for a whole household.
    pub person_name: Option<String>,
    /// 户主, for a household plan.
    pub head_name: Option<String>,
    /// Why: a tag code or word.
    pub tag: String,
    /// 走访周期（天）.
    pub interval_days: i64,
    /// 开始日期.
    pub started_on: NaiveDate,
    /// The latest visit to them.
    pub last_visit: Option<NaiveDate>,
    /// Who is paired with them.
    pub paired: Option<String>,
    /// Their home.
    pub place: PlanPlace,
}

/// A follow-up not yet done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpOpen {
    /// The follow-up.
    pub id: String,
    /// Its dispute.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 当事人.
    pub party_names: Option<String>,
    /// 应回访日期.
    pub due_on: NaiveDate,
    /// The first party's home, else the dispute's village.
    pub place: PlanPlace,
}

/// A finalised agreement not yet carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FulfilmentOpen {
    /// The agreement.
    pub agreement_id: String,
    /// Its dispute.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 协议编号.
    pub number: Option<String>,
    /// 履行期限.
    pub deadline: NaiveDate,
    /// 当事人.
    pub party_names: Option<String>,
    /// Where.
    pub place: PlanPlace,
}

/// An errand not finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrandOpen {
    /// The errand.
    pub id: String,
    /// 申请人.
    pub applicant_name: String,
    /// 服务事项.
    pub item_name: String,
    /// 预约/代办/上门.
    pub mode: ErrandMode,
    /// 办结期限.
    pub due_on: NaiveDate,
    /// The applicant's home.
    pub place: PlanPlace,
}

/// A hazard not closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardOpen {
    /// The hazard.
    pub id: String,
    /// 隐患描述.
    pub description: String,
    /// 状态.
    pub status: HazardStatus,
    /// 整改期限.
    pub deadline: Option<NaiveDate>,
    /// 整改日期.
    pub fixed_on: Option<NaiveDate>,
    /// Its village and place.
    pub place: PlanPlace,
}

/// A team with planned patrol days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatrolPlanned {
    /// The team.
    pub team_id: String,
    /// 队伍名称.
    pub team_name: String,
    /// Weekdays it patrols, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// 巡逻时间, e.g. 19:30.
    pub time: Option<String>,
    /// 巡逻路线.
    pub route: Option<String>,
    /// Whether a patrol of the team is already logged today.
    pub logged_today: bool,
    /// Its village.
    pub place: PlanPlace,
}

/// An open dispute with a risk level ([`crate::model::warning::risk::assess`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeAtRisk {
    /// The dispute.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 预警等级.
    pub level: RiskLevel,
    /// The weightiest reasons, in Chinese, the first first.
    pub reasons: Vec<String>,
    /// The first party's home, else the dispute's village.
    pub place: PlanPlace,
}

/// Everything the day's plan is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayFacts {
    /// Plans in force whose visit is due (the store may give more; the rule is [`care_item`]'s).
    pub care: Vec<CareDue>,
    /// Follow-ups due on or before today.
    pub follow_ups: Vec<FollowUpOpen>,
    /// Agreements not carried out, deadline within the horizon.
    pub fulfilments: Vec<FulfilmentOpen>,
    /// Open errands due on or before today.
    pub errands: Vec<ErrandOpen>,
    /// Hazards not closed or rejected.
    pub hazards: Vec<HazardOpen>,
    /// Teams with patrol days.
    pub patrols: Vec<PatrolPlanned>,
    /// Open disputes with a risk level.
    pub at_risk: Vec<DisputeAtRisk>,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn tag_label(tag: &str) -> &str {
    KnownTag::parse(tag).map(KnownTag::label).unwrap_or(tag)
}

/// A person under care is listed once their next visit is due.
pub fn care_item(c: &CareDue, today: NaiveDate) -> Option<PlanItem> {
    let due = next_due(c.started_on, c.last_visit, c.interval_days);
    if due > today {
        return None;
    }
    let subject = match (&c.person_name, &c.head_name) {
        (Some(p), _) => p.clone(),
        (None, Some(h)) => format!("{h}户"),
        (None, None) => "（户）".to_owned(),
    };
    let last = c.last_visit.map(|v| format!("上次走访 {}", day(v))).unwrap_or_else(|| "尚未走访".into());
    let paired = c.paired.as_deref().map(|p| format!("，结对：{p}")).unwrap_or_default();
    Some(PlanItem {
        kind: PlanItemKind::CareVisit,
        record_id: c.plan_id.clone(),
        dispute_id: None,
        subject,
        detail: format!("{}，每{}天走访，{last}{paired}", tag_label(&c.tag), c.interval_days),
        due_on: Some(day(due)),
        days_late: days_late(due, today),
        one_click: true,
        place: c.place.clone(),
    })
}

/// A follow-up is listed from its due day until it is done.
pub fn follow_up_item(f: &FollowUpOpen, today: NaiveDate) -> Option<PlanItem> {
    (f.due_on <= today).then(|| PlanItem {
        kind: PlanItemKind::FollowUp,
        record_id: f.id.clone(),
        dispute_id: Some(f.dispute_id.clone()),
        subject: f.title.clone(),
        detail: format!("回访当事人{}，了解协议履行和矛盾是否平息", f.party_names.as_deref().unwrap_or("")),
        due_on: Some(day(f.due_on)),
        days_late: days_late(f.due_on, today),
        one_click: false,
        place: f.place.clone(),
    })
}

/// An agreement not carried out is listed from [`FULFILMENT_HORIZON_DAYS`] before its
/// deadline.
pub fn fulfilment_item(f: &FulfilmentOpen, today: NaiveDate) -> Option<PlanItem> {
    let left = (f.deadline - today).num_days();
    if left > FULFILMENT_HORIZON_DAYS {
        return None;
    }
    let when = match left {
        l if l < 0 => "已过履行期限，核实是否履行".to_owned(),
        0 => "今天到履行期限，督促履行".to_owned(),
        l => format!("{l}天后到履行期限，提醒当事人履行"),
    };
    let number = f.number.as_deref().map(|n| format!("{n}，")).unwrap_or_default();
    Some(PlanItem {
        kind: PlanItemKind::Fulfilment,
        record_id: f.agreement_id.clone(),
        dispute_id: Some(f.dispute_id.clone()),
        subject: f.title.clone(),
        detail: format!("{number}{when}（{}）", f.party_names.as_deref().unwrap_or("")),
        due_on: Some(day(f.deadline)),
        days_late: days_late(f.deadline, today),
        one_click: false,
        place: f.place.clone(),
    })
}

/// An errand is listed on its due day and after.
pub fn errand_item(e: &ErrandOpen, today: NaiveDate) -> Option<PlanItem> {
    (e.due_on <= today).then(|| PlanItem {
        kind: PlanItemKind::Errand,
        record_id: e.id.clone(),
        dispute_id: None,
        subject: format!("{} · {}", e.applicant_name, e.item_name),
        detail: format!("{}，{}", e.mode.label(), if e.due_on < today { "已逾期，尽快办结" } else { "今天到办结期限" }),
        due_on: Some(day(e.due_on)),
        days_late: days_late(e.due_on, today),
        one_click: false,
        place: e.place.clone(),
    })
}

/// What a hazard needs next, if anything today: verifying one reported, pressing for the
/// fix of one verified when its deadline is within the horizon (or past), 回头看 of one
/// fixed.
pub fn hazard_task(status: HazardStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> Option<&'static str> {
    match status {
        HazardStatus::Reported => Some("核实隐患"),
        HazardStatus::Verified if deadline.is_some_and(|d| (d - today).num_days() <= FULFILMENT_HORIZON_DAYS) => {
            Some("督促整改")
        }
        HazardStatus::Fixed => Some("回头看，核实整改后销号"),
        _ => None,
    }
}

/// A hazard is listed when [`hazard_task`] has a step for it.
pub fn hazard_item(h: &HazardOpen, today: NaiveDate) -> Option<PlanItem> {
    let task = hazard_task(h.status, h.deadline, today)?;
    let due = if h.status == HazardStatus::Fixed { h.fixed_on } else { h.deadline };
    let late = if h.status == HazardStatus::Fixed { 0 } else { due.map_or(0, |d| days_late(d, today)) };
    let deadline = match (h.status, h.deadline) {
        (HazardStatus::Verified, Some(d)) => format!("，整改期限 {}", day(d)),
        _ => String::new(),
    };
    Some(PlanItem {
        kind: PlanItemKind::Hazard,
        record_id: h.id.clone(),
        dispute_id: None,
        subject: h.place.address.clone().unwrap_or_else(|| h.description.clone()),
        detail: format!("{task}：{}{deadline}", h.description),
        due_on: due.map(day),
        days_late: late,
        one_click: false,
        place: h.place.clone(),
    })
}

/// Whether a team patrols on `today`'s weekday (1 = Monday … 7 = Sunday).
pub fn patrols_on(days: &[u8], today: NaiveDate) -> bool {
    let wd = today.weekday().number_from_monday() as u8;
    days.contains(&wd)
}

/// A team's patrol is listed on its days until one is logged.
pub fn patrol_item(p: &PatrolPlanned, today: NaiveDate) -> Option<PlanItem> {
    if !patrols_on(&p.days, today) || p.logged_today {
        return None;
    }
    let time = p.time.as_deref().map(|t| format!("{t} ")).unwrap_or_default();
    let route = p.route.as_deref().map(|r| format!("，路线：{r}")).unwrap_or_default();
    Some(PlanItem {
        kind: PlanItemKind::Patrol,
        record_id: p.team_id.clone(),
        dispute_id: None,
        subject: p.team_name.clone(),
        detail: format!("{time}巡逻{route}；巡逻后登记巡逻记录"),
        due_on: Some(day(today)),
        days_late: 0,
        one_click: false,
        place: p.place.clone(),
    })
}

/// How many reasons a warning's line names (the dispute's page has them all).
const WARNING_REASONS_SHOWN: usize = 2;

/// A dispute at 红色 or 橙色 risk is listed every day until its level falls: someone should
/// go and steady it. 黄色 stays on 首页's card only.
pub fn warning_item(w: &DisputeAtRisk) -> Option<PlanItem> {
    if !matches!(w.level, RiskLevel::Red | RiskLevel::Orange) {
        return None;
    }
    let reasons: Vec<&str> = w.reasons.iter().take(WARNING_REASONS_SHOWN).map(String::as_str).collect();
    let why = if reasons.is_empty() { String::new() } else { format!("：{}", reasons.join("；")) };
    Some(PlanItem {
        kind: PlanItemKind::Warning,
        record_id: w.dispute_id.clone(),
        dispute_id: Some(w.dispute_id.clone()),
        subject: w.title.clone(),
        detail: format!("{}{why}；上门了解情况，做好稳控", w.level.label()),
        due_on: None,
        days_late: 0,
        one_click: false,
        place: w.place.clone(),
    })
}

/// 星期一…星期日.
pub fn weekday_label(d: NaiveDate) -> &'static str {
    ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][d.weekday().num_days_from_monday() as usize]
}

/// Compares text with its runs of digits as numbers: 3组 before 12组, 2号 before 10号.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digits = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digits.is_some_and(|prev| prev != d) {
                out.push((digits.unwrap_or(false), &s[start..i]));
                start = i;
            }
            digits = Some(d);
        }
        if start < s.len() {
            out.push((digits.unwrap_or(false), &s[start..]));
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len())
}

fn opt_natural(a: Option<&str>, b: Option<&str>) -> Ordering {
    // Present before absent: a village's 组 before its village-wide items, named villages
    // before items tied to none.
    match (a, b) {
        (Some(a), Some(b)) => natural_cmp(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The day's plan from its facts: every item due today, by village, 组 and address.
pub fn build(today: NaiveDate, facts: &DayFacts) -> DayPlan {
    let mut items: Vec<PlanItem> = Vec::new();
    items.extend(facts.care.iter().filter_map(|c| care_item(c, today)));
    items.extend(facts.follow_ups.iter().filter_map(|f| follow_up_item(f, today)));
    items.extend(facts.fulfilments.iter().filter_map(|f| fulfilment_item(f, today)));
    items.extend(facts.errands.iter().filter_map(|e| errand_item(e, today)));
    items.extend(facts.hazards.iter().filter_map(|h| hazard_item(h, today)));
    items.extend(facts.patrols.iter().filter_map(|p| patrol_item(p, today)));
    items.extend(facts.at_risk.iter().filter_map(warning_item));
    arrange(today, items)
}

/// Groups and orders items into the day's plan.
pub fn arrange(today: NaiveDate, mut items: Vec<PlanItem>) -> DayPlan {
    items.sort_by(|a, b| {
        opt_natural(a.place.village_name.as_deref(), b.place.village_name.as_deref())
            .then_with(|| opt_natural(a.place.group_name.as_deref(), b.place.group_name.as_deref()))
            .then_with(|| opt_natural(a.place.address.as_deref(), b.place.address.as_deref()))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| b.days_late.cmp(&a.days_late))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.record_id.cmp(&b.record_id))
    });
    let mut counts: BTreeMap<PlanItemKind, i64> = BTreeMap::new();
    for i in &items {
        *counts.entry(i.kind).or_default() += 1;
    }
    let total = items.len() as i64;
    let mut villages: Vec<PlanVillage> = Vec::new();
    for item in items {
        let (v, g) = (item.place.village_name.clone(), item.place.group_name.clone());
        if villages.last().is_none_or(|last| last.name != v) {
            villages.push(PlanVillage { name: v, groups: Vec::new() });
        }
        let Some(village) = villages.last_mut() else { continue };
        if village.groups.last().is_none_or(|last| last.name != g) {
            village.groups.push(PlanGroup { name: g, items: Vec::new() });
        }
        if let Some(group) = village.groups.last_mut() {
            group.items.push(item);
        }
    }
    DayPlan {
        date: day(today),
        weekday: weekday_label(today).to_owned(),
        total,
        counts: counts.into_iter().map(|(kind, count)| PlanCount { kind, count }).collect(),
        villages,
    }
}

/// The days a horizon covers, for a store query's bound: items due up to `today` plus
/// [`FULFILMENT_HORIZON_DAYS`].
pub fn horizon(today: NaiveDate) -> NaiveDate {
    today + Duration::days(FULFILMENT_HORIZON_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn at(village: Option<&str>, group: Option<&str>, address: Option<&str>) -> PlanPlace {
        PlanPlace {
            village_id: village.map(|v| format!("id-{v}")),
            village_name: village.map(str::to_owned),
            group_name: group.map(str::to_owned),
            address: address.map(str::to_owned),
        }
    }

    fn care(id: &str, interval: i64, started: &str, last: Option<&str>, place: PlanPlace) -> CareDue {
        CareDue {
            plan_id: id.into(),
            person_name: Some(format!("对象{id}")),
            head_name: None,
            tag: "elderly_alone".into(),
            interval_days: interval,
            started_on: d(started),
            last_visit: last.map(d),
            paired: Some("李明".into()),
            place,
        }
    }

    #[test]
    fn a_person_under_care_is_listed_once_their_visit_falls_due() {
        let today = d("2026-11-23");
        let place = at(Some("青山村"), Some("3组"), Some("青山村3组12号"));
        // (interval, started, last visit, listed with days late)
        let cases = [
            (30, "2026-01-01", Some("2026-10-24"), Some(0)),
            (30, "2026-01-01", Some("2026-10-20"), Some(4)),
            (30, "2026-01-01", Some("2026-10-25"), None),
            (60, "2026-01-01", Some("2026-10-20"), None),
            (30, "2026-11-23", None, Some(0)),
            (30, "2026-11-20", None, Some(3)),
            (30, "2026-11-24", None, None),
        ];
        for (interval, started, last, want) in cases {
            let got = care_item(&care("p", interval, started, last, place.clone()), today);
            assert_eq!(got.as_ref().map(|i| i.days_late), want, "{interval} {started} {last:?}");
        }
        let item = care_item(&care("p", 30, "2026-01-01", Some("2026-10-20"), place), today).unwrap();
        assert_eq!(item.detail, "独居老人，每30天走访，上次走访 2026-10-20，结对：李明");
        assert!(item.one_click);
        assert_eq!(item.due_on.as_deref(), Some("2026-11-19"));
    }

    #[test]
    fn follow_ups_errands_and_fulfilments_by_their_dates() {
        let today = d("2026-11-23");
        let f = |due: &str| FollowUpOpen {
            id: "f".into(),
            dispute_id: "d".into(),
            title: "张李两家宅基地纠纷".into(),
            party_names: Some("张三、李四".into()),
            due_on: d(due),
            place: PlanPlace::default(),
        };
        assert_eq!(follow_up_item(&f("2026-11-20"), today).map(|i| i.days_late), Some(3));
        assert_eq!(follow_up_item(&f("2026-11-23"), today).map(|i| i.days_late), Some(0));
        assert!(follow_up_item(&f("2026-11-24"), today).is_none());

        let a = |deadline: &str| FulfilmentOpen {
            agreement_id: "a".into(),
            dispute_id: "d".into(),
            title: "赔偿纠纷".into(),
            number: Some("（2026）青山调字第3号".into()),
            deadline: d(deadline),
            party_names: Some("王五、赵六".into()),
            place: PlanPlace::default(),
        };
        // (deadline, listed, what the line says)
        let cases = [
            ("2026-11-20", true, "已过履行期限"),
            ("2026-11-23", true, "今天到履行期限"),
            ("2026-11-26", true, "3天后到履行期限"),
            ("2026-11-27", false, ""),
        ];
        for (deadline, listed, says) in cases {
            let got = fulfilment_item(&a(deadline), today);
            assert_eq!(got.is_some(), listed, "{deadline}");
            if let Some(i) = got {
                assert!(i.detail.contains(says), "{deadline}: {}", i.detail);
                assert!(i.detail.starts_with("（2026）青山调字第3号，"), "{}", i.detail);
            }
        }

        let e = |due: &str| ErrandOpen {
            id: "e".into(),
            applicant_name: "王桂英".into(),
            item_name: "身份证换领".into(),
            mode: ErrandMode::HomeVisit,
            due_on: d(due),
            place: PlanPlace::default(),
        };
        assert_eq!(errand_item(&e("2026-11-21"), today).unwrap().detail, "上门，已逾期，尽快办结");
        assert_eq!(errand_item(&e("2026-11-23"), today).unwrap().detail, "上门，今天到办结期限");
        assert!(errand_item(&e("2026-11-24"), today).is_none());
    }

    #[test]
    fn hazards_to_verify_fix_or_recheck() {
        let today = d("2026-11-23");
        // (status, deadline, the task or none)
        let cases = [
            (HazardStatus::Reported, None, Some("核实隐患")),
            (HazardStatus::Verified, Some("2026-11-26"), Some("督促整改")),
            (HazardStatus::Verified, Some("2026-11-10"), Some("督促整改")),
            (HazardStatus::Verified, Some("2026-11-27"), None),
            (HazardStatus::Verified, None, None),
            (HazardStatus::Fixed, None, Some("回头看，核实整改后销号")),
            (HazardStatus::Closed, None, None),
            (HazardStatus::Rejected, None, None),
        ];
        for (status, deadline, want) in cases {
            assert_eq!(hazard_task(status, deadline.map(d), today), want, "{status:?} {deadline:?}");
        }
        let h = HazardOpen {
            id: "h".into(),
            description: "电动车楼道充电".into(),
            status: HazardStatus::Verified,
            deadline: Some(d("2026-11-20")),
            fixed_on: None,
            place: at(Some("青山村"), None, Some("青山村文化礼堂")),
        };
        let i = hazard_item(&h, today).unwrap();
        assert_eq!((i.subject.as_str(), i.days_late), ("青山村文化礼堂", 3));
        assert_eq!(i.detail, "督促整改：电动车楼道充电，整改期限 2026-11-20");
    }

    #[test]
    fn a_team_is_listed_on_its_patrol_days_until_it_logs_one() {
        let monday = d("2026-11-23");
        let p = |days: &[u8], logged: bool| PatrolPlanned {
            team_id: "t".into(),
            team_name: "花木兰女子巡防队".into(),
            days: days.to_vec(),
            time: Some("19:30".into()),
            route: Some("村口—文化礼堂—河埠头".into()),
            logged_today: logged,
            place: PlanPlace::default(),
        };
        assert!(patrol_item(&p(&[1, 4], false), monday).is_some());
        assert!(patrol_item(&p(&[1, 4], true), monday).is_none());
        assert!(patrol_item(&p(&[2, 5], false), monday).is_none());
        assert!(patrol_item(&p(&[7], false), d("2026-11-29")).is_some());
        assert_eq!(
            patrol_item(&p(&[1], false), monday).unwrap().detail,
            "19:30 巡逻，路线：村口—文化礼堂—河埠头；巡逻后登记巡逻记录"
        );
        assert_eq!(weekday_label(monday), "星期一");
    }

    #[test]
    fn red_and_orange_disputes_are_listed_to_open_and_yellow_ones_are_not() {
        let w = |level: RiskLevel, reasons: &[&str]| DisputeAtRisk {
            dispute_id: "d".into(),
            title: "张李两家宅基地纠纷".into(),
            level,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            place: at(Some("青山村"), Some("3组"), Some("青山村3组12号")),
        };
        // (level, reasons, the line or none)
        let cases = [
            (
                RiskLevel::Red,
                &["扬言过激", "关联暴力警情", "调解不成"][..],
                Some("红色预警：扬言过激；关联暴力警情；上门了解情况，做好稳控"),
            ),
            (RiskLevel::Orange, &["协议逾期未履行"][..], Some("橙色预警：协议逾期未履行；上门了解情况，做好稳控")),
            (RiskLevel::Orange, &[][..], Some("橙色预警；上门了解情况，做好稳控")),
            (RiskLevel::Yellow, &["超期未调结"][..], None),
        ];
        for (level, reasons, want) in cases {
            let got = warning_item(&w(level, reasons));
            assert_eq!(got.as_ref().map(|i| i.detail.as_str()), want, "{level:?}");
            if let Some(i) = got {
                // One click opens the dispute.
                assert_eq!((i.kind, i.dispute_id.as_deref(), i.one_click), (PlanItemKind::Warning, Some("d"), false));
                assert_eq!(i.place.group_name.as_deref(), Some("3组"));
            }
        }
        let facts = DayFacts { at_risk: vec![w(RiskLevel::Red, &[]), w(RiskLevel::Yellow, &[])], ..Default::default() };
        assert_eq!(build(d("2026-11-23"), &facts).counts, vec![PlanCount { kind: PlanItemKind::Warning, count: 1 }]);
    }

    #[test]
    fn digits_compare_as_numbers() {
        let mut v = vec!["12组", "3组", "1组", "青山村3组12号", "青山村3组2号", "青山村10组1号", "10组"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1组", "3组", "10组", "12组", "青山村3组2号", "青山村3组12号", "青山村10组1号"]);
        assert_eq!(natural_cmp("007号", "7号"), Ordering::Equal);
    }

    #[test]
    fn the_plan_is_grouped_by_village_and_group_and_walked_by_address() {
        let today = d("2026-11-23");
        let facts = DayFacts {
            care: vec![
                care("a", 30, "2026-01-01", None, at(Some("青山村"), Some("12组"), Some("青山村12组1号"))),
                care("b", 30, "2026-01-01", None, at(Some("青山村"), Some("3组"), Some("青山村3组12号"))),
                care("c", 30, "2026-01-01", None, at(Some("青山村"), Some("3组"), Some("青山村3组2号"))),
                care("d", 30, "2026-01-01", None, at(Some("石桥村"), Some("1组"), Some("石桥村1组5号"))),
                // Not due: not listed.
                care("e", 30, "2026-01-01", Some("2026-11-20"), at(Some("青山村"), Some("3组"), None)),
            ],
            hazards: vec![HazardOpen {
                id: "h".into(),
                description: "护栏松动".into(),
                status: HazardStatus::Reported,
                deadline: None,
                fixed_on: None,
                place: at(Some("青山村"), None, Some("青山村桥头")),
            }],
            patrols: vec![PatrolPlanned {
                team_id: "t".into(),
                team_name: "红都义警".into(),
                days: vec![1],
                time: None,
                route: None,
                logged_today: false,
                place: PlanPlace::default(),
            }],
            ..Default::default()
        };
        let plan = build(today, &facts);
        assert_eq!(plan.total, 6);
        assert_eq!((plan.date.as_str(), plan.weekday.as_str()), ("2026-11-23", "星期一"));
        type Group<'a> = (Option<&'a str>, Vec<&'a str>);
        let shape: Vec<(Option<&str>, Vec<Group<'_>>)> = plan
            .villages
            .iter()
            .map(|v| {
                (
                    v.name.as_deref(),
                    v.groups
                        .iter()
                        .map(|g| (g.name.as_deref(), g.items.iter().map(|i| i.record_id.as_str()).collect()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (Some("石桥村"), vec![(Some("1组"), vec!["d"])]),
                (Some("青山村"), vec![(Some("3组"), vec!["c", "b"]), (Some("12组"), vec!["a"]), (None, vec!["h"])]),
                (None, vec![(None, vec!["t"])]),
            ]
        );
        assert_eq!(
            plan.counts,
            vec![
                PlanCount { kind: PlanItemKind::CareVisit, count: 4 },
                PlanCount { kind: PlanItemKind::Hazard, count: 1 },
                PlanCount { kind: PlanItemKind::Patrol, count: 1 },
            ]
        );
    }
}
