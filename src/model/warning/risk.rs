//! 矛盾纠纷风险预警: the risk of one open dispute, from the facts the store gathers about it
//! (its parties' other disputes, incidents linked to it or to its parties, its agreement
//! and follow-ups, its mediation rounds, and the words in its texts). Each signal adds the
//! points [`WarningRules`] gives it and says why in a [`Reason`] naming its records; the
//! total sets the level.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use schemars::JsonSchema;
use serde::Serialize;

use super::{RecordRef, WarningRules};
use crate::model::validate::show_fen;
use crate::model::{DisputeStatus, Grade, IncidentKind, MediationOutcome, RiskLevel, RiskSignal};

/// Who a party is, for matching them in other disputes: the same resident, or the same ID
/// number typed in. A name alone never matches (two 王伟 are not one person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyKey {
    /// 姓名 / 单位名称.
    pub name: String,
    /// The resident linked, if any.
    pub person_id: Option<String>,
    /// 公民身份号码, if known.
    pub id_number: Option<String>,
}

impl PartyKey {
    /// Whether `other` is the same party.
    pub fn same(&self, other: &PartyKey) -> bool {
        let both = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => !a.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim()),
            _ => false,
        };
        both(&self.person_id, &other.person_id) || both(&self.id_number, &other.id_number)
    }
}

/// Another dispute one of the parties is a party to.
#[derive(Debug, Clone)]
pub struct OtherDispute {
    /// The dispute (its `post_name` set when it is another post's, at HQ).
    pub record: RecordRef,
    /// 受理日期.
    pub received_on: NaiveDate,
    /// Its parties.
    pub parties: Vec<PartyKey>,
}

/// How an incident is linked to the dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentLink {
    /// Linked to the dispute itself (either side names the other).
    Dispute,
    /// Reported by or naming this party.
    Party(String),
}

/// An incident linked to the dispute or to one of its parties.
#[derive(Debug, Clone)]
pub struct LinkedIncident {
    /// The incident.
    pub record: RecordRef,
    /// 警情类别.
    pub kind: IncidentKind,
    /// The Beijing date it occurred.
    pub occurred_on: NaiveDate,
    /// 简要警情.
    pub summary: String,
    /// How it is linked.
    pub link: IncidentLink,
}

/// The finalised agreement, as far as its fulfilment goes.
#[derive(Debug, Clone)]
pub struct AgreementState {
    /// The agreement.
    pub record: RecordRef,
    /// 履行期限.
    pub deadline: Option<NaiveDate>,
    /// 履行完毕日期.
    pub fulfilled_on: Option<NaiveDate>,
    /// 登记未履行日期.
    pub defaulted_on: Option<NaiveDate>,
}

/// A follow-up that was done.
#[derive(Debug, Clone)]
pub struct FollowUpFound {
    /// The follow-up.
    pub record: RecordRef,
    /// 回访日期.
    pub done_on: NaiveDate,
    /// Whether it found the agreement held.
    pub held: bool,
}

/// A mediation round.
#[derive(Debug, Clone)]
pub struct Round {
    /// The session.
    pub record: RecordRef,
    /// 调解日期.
    pub held_on: NaiveDate,
    /// 调解结果.
    pub outcome: MediationOutcome,
}

/// A text of the case file, searched for threat words.
#[derive(Debug, Clone)]
pub struct CaseText {
    /// The record it belongs to.
    pub record: RecordRef,
    /// The field's name in Chinese (纠纷主要事实, 调解记录…).
    pub field: &'static str,
    /// The text.
    pub text: String,
}

/// Everything the risk of one dispute is judged on.
#[derive(Debug, Clone)]
pub struct RiskFacts {
    /// The dispute.
    pub dispute: RecordRef,
    /// 状态.
    pub status: DisputeStatus,
    /// 等级.
    pub grade: Grade,
    /// 受理日期.
    pub received_on: NaiveDate,
    /// 涉及金额, fen.
    pub amount_involved: i64,
    /// 当事人.
    pub parties: Vec<PartyKey>,
    /// Other disputes sharing a party (the rule applies the window).
    pub others: Vec<OtherDispute>,
    /// Incidents linked to it or to a party (the rule applies the window).
    pub incidents: Vec<LinkedIncident>,
    /// The finalised agreement, if any.
    pub agreement: Option<AgreementState>,
    /// Follow-ups done.
    pub follow_ups: Vec<FollowUpFound>,
    /// Mediation rounds.
    pub rounds: Vec<Round>,
    /// The texts of the case file.
    pub texts: Vec<CaseText>,
}

/// One reason a dispute is at risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reason {
    /// The signal.
    pub signal: RiskSignal,
    /// The signal in Chinese.
    pub signal_label: &'static str,
    /// Points it adds.
    pub points: u32,
    /// Why, in Chinese.
    pub text: String,
    /// The records behind it.
    pub records: Vec<RecordRef>,
}

/// A dispute's risk: its level (none below 黄色) and the reasons, the weightiest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Risk {
    /// 预警等级, if any.
    pub level: Option<RiskLevel>,
    /// 预警等级 in Chinese.
    pub level_label: Option<&'static str>,
    /// Total points.
    pub points: u32,
    /// The reasons, the weightiest first.
    pub reasons: Vec<Reason>,
}

/// Whether a dispute is still the post's to act on (warnings are for these only).
pub fn is_open(status: DisputeStatus) -> bool {
    !matches!(status, DisputeStatus::Closed | DisputeStatus::Referred | DisputeStatus::Withdrawn)
}

/// Whether mediation is still under way (what the expected days count against).
fn mediating(status: DisputeStatus) -> bool {
    use DisputeStatus as S;
    matches!(status, S::Registered | S::Mediating | S::Agreed | S::Failed)
}

fn reason(signal: RiskSignal, points: u32, text: String, records: Vec<RecordRef>) -> Reason {
    Reason { signal, signal_label: signal.label(), points, text, records }
}

/// A window in the words an officer uses: 12个月内 for a year, else 90天内.
fn within(days: u32) -> String {
    if days.is_multiple_of(365) { format!("{}个月内", days / 365 * 12) } else { format!("{days}天内") }
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join("、")
}

/// The risk of the dispute described by `f` on `today`, with the threat `words` in force.
pub fn assess(f: &RiskFacts, rules: &WarningRules, words: &[String], today: NaiveDate) -> Risk {
    if !is_open(f.status) {
        return Risk::default();
    }
    let mut out = Vec::new();
    parties(f, rules, &mut out);
    incidents(f, rules, today, &mut out);
    agreement(f, rules, today, &mut out);
    mediation(f, rules, today, &mut out);
    threats(f, rules, words, &mut out);
    out.retain(|r| r.points > 0);
    out.sort_by_key(|r| std::cmp::Reverse(r.points));
    let points = out.iter().map(|r| r.points).sum();
    let level = rules.level(points);
    Risk { level, level_label: level.map(RiskLevel::label), points, reasons: out }
}

fn parties(f: &RiskFacts, rules: &WarningRules, out: &mut Vec<Reason>) {
    let window = Duration::days(i64::from(rules.repeat_party_days));
    let mut seen = HashSet::new();
    let others: Vec<&OtherDispute> = f
        .others
        .iter()
        .filter(|o| o.record.id != f.dispute.id && (o.received_on - f.received_on).abs() <= window)
        .filter(|o| seen.insert(o.record.id.as_str()))
        .collect();
    let mut paired = HashSet::new();
    for o in &others {
        let met: Vec<&PartyKey> = f.parties.iter().filter(|p| o.parties.iter().any(|q| p.same(q))).collect();
        if met.len() < 2 {
            continue;
        }
        paired.insert(o.record.id.as_str());
        let at = o.record.post_name.as_deref().map(|p| format!("在{p}")).unwrap_or_default();
        out.push(reason(
            RiskSignal::SamePair,
            rules.same_pair_points,
            format!("{}{}曾为{}的当事人", names(met.iter().map(|p| p.name.as_str())), at, o.record.label),
            vec![o.record.clone()],
        ));
    }
    for p in &f.parties {
        let theirs: Vec<&&OtherDispute> = others
            .iter()
            .filter(|o| !paired.contains(o.record.id.as_str()) && o.parties.iter().any(|q| p.same(q)))
            .collect();
        let (here, elsewhere): (Vec<&&OtherDispute>, Vec<&&OtherDispute>) =
            theirs.into_iter().partition(|o| o.record.post_name.is_none());
        let mut left = rules.repeat_party_max;
        for (group, signal) in [(here, RiskSignal::RepeatParty), (elsewhere, RiskSignal::CrossPost)] {
            if group.is_empty() {
                continue;
            }
            let counted = left.min(group.len() as u32);
            left -= counted;
            let posts = {
                let mut ps: Vec<&str> = group.iter().filter_map(|o| o.record.post_name.as_deref()).collect();
                ps.dedup();
                ps
            };
            let text = match signal {
                RiskSignal::CrossPost => format!(
                    "当事人{}在{}另涉纠纷{}件（{}）",
                    p.name,
                    names(posts.into_iter()),
                    group.len(),
                    within(rules.repeat_party_days)
                ),
                _ => format!("当事人{}在{}另涉纠纷{}件", p.name, within(rules.repeat_party_days), group.len()),
            };
            out.push(reason(
                signal,
                rules.repeat_party_points * counted,
                text,
                group.iter().map(|o| o.record.clone()).collect(),
            ));
        }
    }
}

fn violent(i: &LinkedIncident, rules: &WarningRules) -> bool {
    rules.violent_kinds.contains(&i.kind) || rules.violent_words.iter().any(|w| i.summary.contains(w.as_str()))
}

fn incidents(f: &RiskFacts, rules: &WarningRules, today: NaiveDate, out: &mut Vec<Reason>) {
    let from = f.received_on.min(today) - Duration::days(i64::from(rules.incident_days));
    let mut seen = HashSet::new();
    // Linked to the dispute first, so an incident that is both says so.
    let mut all: Vec<&LinkedIncident> = f.incidents.iter().filter(|i| i.occurred_on >= from).collect();
    all.sort_by_key(|i| (i.link != IncidentLink::Dispute, std::cmp::Reverse(i.occurred_on)));
    all.retain(|i| seen.insert(i.record.id.as_str()));
    let (rough, plain): (Vec<&LinkedIncident>, Vec<&LinkedIncident>) = all.into_iter().partition(|i| violent(i, rules));
    let mut left = rules.incident_max;
    for (group, signal, each) in [
        (rough, RiskSignal::ViolentIncident, rules.violent_incident_points),
        (plain, RiskSignal::Incident, rules.incident_points),
    ] {
        if group.is_empty() {
            continue;
        }
        let counted = left.min(group.len() as u32);
        left -= counted;
        let what = if signal == RiskSignal::ViolentIncident { "涉暴力警情" } else { "警情" };
        let items: Vec<String> = group
            .iter()
            .map(|i| {
                let via = match &i.link {
                    IncidentLink::Dispute => "本纠纷".to_owned(),
                    IncidentLink::Party(name) => format!("当事人{name}"),
                };
                format!("{} {}（{}）", i.occurred_on, i.kind.label(), via)
            })
            .collect();
        out.push(reason(
            signal,
            each * counted,
            format!("关联{what}{}起：{}", group.len(), items.join("；")),
            group.iter().map(|i| i.record.clone()).collect(),
        ));
    }
}

fn agreement(f: &RiskFacts, rules: &WarningRules, today: NaiveDate, out: &mut Vec<Reason>) {
    if let Some(a) = &f.agreement
        && a.fulfilled_on.is_none()
        && matches!(f.status, DisputeStatus::Fulfilling | DisputeStatus::Defaulted)
        && let Some(deadline) = a.deadline.filter(|d| *d < today)
    {
        let late = (today - deadline).num_days();
        let text = match a.defaulted_on {
            Some(on) => format!("{on}已登记协议未履行（履行期限{deadline}，已逾期{late}天）"),
            None => format!("协议履行期限{deadline}已过{late}天，尚未登记履行"),
        };
        out.push(reason(RiskSignal::FulfilmentOverdue, rules.fulfilment_overdue_points, text, vec![a.record.clone()]));
    }
    if let Some(last) = f.follow_ups.iter().max_by_key(|u| u.done_on)
        && !last.held
    {
        out.push(reason(
            RiskSignal::NotHeld,
            rules.not_held_points,
            format!("{}回访发现协议未落实、纠纷未平息", last.done_on),
            vec![last.record.clone()],
        ));
    }
}

fn mediation(f: &RiskFacts, rules: &WarningRules, today: NaiveDate, out: &mut Vec<Reason>) {
    let failed: Vec<&Round> = f.rounds.iter().filter(|r| r.outcome == MediationOutcome::Failed).collect();
    if !failed.is_empty() {
        let n = failed.len() as u32;
        out.push(reason(
            RiskSignal::FailedRounds,
            rules.failed_round_points * n.min(rules.failed_round_max),
            format!("调解不成{n}次（{}）", names(failed.iter().map(|r| r.record.label.as_str()))),
            failed.iter().map(|r| r.record.clone()).collect(),
        ));
    }
    let expected = match f.grade {
        Grade::Simple => rules.expected_days_simple,
        Grade::General => rules.expected_days_general,
        Grade::Major => rules.expected_days_major,
    };
    let open_days = (today - f.received_on).num_days();
    if mediating(f.status) && open_days > i64::from(expected) {
        out.push(reason(
            RiskSignal::Overtime,
            rules.overtime_points,
            format!("受理已{open_days}天仍未调结，超过{}纠纷{expected}天的调解期限", f.grade.label()),
            vec![f.dispute.clone()],
        ));
    }
    if f.grade == Grade::Major {
        out.push(reason(
            RiskSignal::MajorGrade,
            rules.major_grade_points,
            "纠纷等级为重大疑难".to_owned(),
            vec![f.dispute.clone()],
        ));
    }
    if f.amount_involved >= rules.large_amount_fen {
        out.push(reason(
            RiskSignal::LargeAmount,
            rules.large_amount_points,
            format!("涉及金额{}元", show_fen(f.amount_involved)),
            vec![f.dispute.clone()],
        ));
    }
}

fn threats(f: &RiskFacts, rules: &WarningRules, words: &[String], out: &mut Vec<Reason>) {
    let mut found: Vec<&str> = Vec::new();
    let mut where_: Vec<String> = Vec::new();
    let mut records: Vec<RecordRef> = Vec::new();
    for w in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let hits: Vec<&CaseText> = f.texts.iter().filter(|t| t.text.contains(w)).collect();
        if hits.is_empty() || found.contains(&w) {
            continue;
        }
        found.push(w);
        for t in hits {
            let place = if t.record.table == "dispute" { t.field.to_owned() } else { t.record.label.clone() };
            if !where_.contains(&place) {
                where_.push(place);
            }
            if !records.contains(&t.record) {
                records.push(t.record.clone());
            }
        }
    }
    if found.is_empty() {
        return;
    }
    let quoted: Vec<String> = found.iter().map(|w| format!("“{w}”")).collect();
    out.push(reason(
        RiskSignal::ThreatWords,
        rules.threat_points * (found.len() as u32).min(rules.threat_max),
        format!("出现{}等言辞（见{}）", quoted.join(""), where_.join("、")),
        records,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dispute::tests::d;

    fn today() -> NaiveDate {
        d("2026-11-23")
    }

    fn key(name: &str, person: Option<&str>, id_number: Option<&str>) -> PartyKey {
        PartyKey { name: name.into(), person_id: person.map(Into::into), id_number: id_number.map(Into::into) }
    }

    /// 王建国 (a resident) and 李长林 (typed in with an ID number), received 10 days ago:
    /// nothing else on record, so no signal.
    fn quiet() -> RiskFacts {
        RiskFacts {
            dispute: RecordRef::new("dispute", "d1", "纠纷“王建国与李长林宅基地纠纷”"),
            status: DisputeStatus::Mediating,
            grade: Grade::General,
            received_on: d("2026-11-13"),
            amount_involved: 50_000,
            parties: vec![
                key("王建国", Some("p-wang"), Some("330326196503120017")),
                key("李长林", None, Some("33032619700101003X")),
            ],
            others: vec![],
            incidents: vec![],
            agreement: None,
            follow_ups: vec![],
            rounds: vec![],
            texts: vec![CaseText {
                record: RecordRef::new("dispute", "d1", "本纠纷"),
                field: "纠纷主要事实",
                text: "李长林翻建围墙时占用王建国宅基地约20厘米".into(),
            }],
        }
    }

    fn other(id: &str, received: &str, parties: Vec<PartyKey>, post: Option<&str>) -> OtherDispute {
        let mut record = RecordRef::new("dispute", id, format!("纠纷“{id}”"));
        record.post_name = post.map(Into::into);
        OtherDispute { record, received_on: d(received), parties }
    }

    fn incident(id: &str, kind: IncidentKind, on: &str, summary: &str, link: IncidentLink) -> LinkedIncident {
        LinkedIncident {
            record: RecordRef::new("incident", id, format!("警情“{summary}”")),
            kind,
            occurred_on: d(on),
            summary: summary.into(),
            link,
        }
    }

    fn round(id: &str, on: &str, outcome: MediationOutcome) -> Round {
        Round { record: RecordRef::new("mediation", id, format!("{on}调解")), held_on: d(on), outcome }
    }

    fn words() -> Vec<String> {
        WarningRules::default().threat_words
    }

    fn run(f: &RiskFacts) -> Risk {
        assess(f, &WarningRules::default(), &words(), today())
    }

    fn signals(r: &Risk) -> Vec<(RiskSignal, u32)> {
        r.reasons.iter().map(|r| (r.signal, r.points)).collect()
    }

    #[test]
    fn every_signal_adds_its_points_and_names_its_records() {
        use IncidentKind as K;
        use RiskSignal as S;
        let wang = || key("王建国", Some("p-wang"), None);
        let wang_by_id = || key("王建国", None, Some("330326196503120017"));
        let li = || key("李长林", Some("p-li-elsewhere"), Some("33032619700101003x"));
        let stranger = || key("赵六", Some("p-zhao"), None);
        type Case =
            (&'static str, Box<dyn Fn(&mut RiskFacts)>, Vec<(RiskSignal, u32)>, Option<RiskLevel>, &'static str);
        let cases: Vec<Case> = vec![
            ("nothing on record", Box::new(|_| {}), vec![], None, ""),
            (
                "a party in one other dispute, matched by the resident",
                Box::new(move |f| f.others = vec![other("d2", "2026-05-01", vec![wang(), stranger()], None)]),
                vec![(S::RepeatParty, 25)],
                Some(RiskLevel::Yellow),
                "当事人王建国在12个月内另涉纠纷1件",
            ),
            (
                "matched by the ID number typed in, three others counted twice",
                Box::new(move |f| {
                    f.others = vec![
                        other("d2", "2026-05-01", vec![wang_by_id()], None),
                        other("d3", "2026-06-01", vec![wang_by_id()], None),
                        other("d4", "2026-07-01", vec![wang_by_id()], None),
                    ]
                }),
                vec![(S::RepeatParty, 50)],
                Some(RiskLevel::Orange),
                "另涉纠纷3件",
            ),
            (
                "older than a year, or the same dispute, does not count",
                Box::new(move |f| {
                    f.others = vec![
                        other("d2", "2025-11-12", vec![wang()], None),
                        other("d1", "2026-11-13", vec![wang()], None),
                    ]
                }),
                vec![],
                None,
                "",
            ),
            (
                "the same two parties meet again (ID number matched whatever its case)",
                Box::new(move |f| f.others = vec![other("d2", "2026-03-02", vec![wang(), li()], None)]),
                vec![(S::SamePair, 35)],
                Some(RiskLevel::Orange),
                "王建国、李长林曾为纠纷“d2”的当事人",
            ),
            (
                "a party at another post (HQ)",
                Box::new(move |f| f.others = vec![other("d9", "2026-10-01", vec![wang()], Some("溪口警务室"))]),
                vec![(S::CrossPost, 25)],
                Some(RiskLevel::Yellow),
                "当事人王建国在溪口警务室另涉纠纷1件",
            ),
            (
                "an incident of a party",
                Box::new(|f| {
                    f.incidents = vec![incident(
                        "i1",
                        K::Nuisance,
                        "2026-10-01",
                        "广场舞音响扰民",
                        IncidentLink::Party("王建国".into()),
                    )]
                }),
                vec![(S::Incident, 15)],
                Some(RiskLevel::Yellow),
                "关联警情1起：2026-10-01 噪音扰民（当事人王建国）",
            ),
            (
                "a violent incident: by kind, or by a word in its summary",
                Box::new(|f| {
                    f.incidents = vec![
                        incident("i1", K::Assault, "2026-11-12", "两人推搡", IncidentLink::Dispute),
                        incident("i2", K::Dispute, "2026-11-01", "争吵中持械", IncidentLink::Party("李长林".into())),
                    ]
                }),
                vec![(S::ViolentIncident, 70)],
                Some(RiskLevel::Red),
                "关联涉暴力警情2起：2026-11-12 殴打（本纠纷）",
            ),
            (
                "incidents before the 90-day window do not count; at most three count",
                Box::new(|f| {
                    f.incidents = vec![
                        incident("i0", K::Assault, "2026-08-14", "旧事", IncidentLink::Dispute),
                        incident("i1", K::Help, "2026-11-01", "求助", IncidentLink::Dispute),
                        incident("i2", K::Help, "2026-11-02", "求助", IncidentLink::Dispute),
                        incident("i3", K::Help, "2026-11-03", "求助", IncidentLink::Dispute),
                        incident("i4", K::Help, "2026-11-04", "求助", IncidentLink::Dispute),
                    ]
                }),
                vec![(S::Incident, 45)],
                Some(RiskLevel::Orange),
                "关联警情4起",
            ),
            (
                "the agreement's deadline passed unfulfilled",
                Box::new(|f| {
                    f.status = DisputeStatus::Fulfilling;
                    f.agreement = Some(AgreementState {
                        record: RecordRef::new("agreement", "a1", "调解协议"),
                        deadline: Some(d("2026-11-20")),
                        fulfilled_on: None,
                        defaulted_on: None,
                    });
                }),
                vec![(S::FulfilmentOverdue, 25)],
                Some(RiskLevel::Yellow),
                "协议履行期限2026-11-20已过3天",
            ),
            (
                "a follow-up found it did not hold",
                Box::new(|f| {
                    f.status = DisputeStatus::Fulfilled;
                    f.follow_ups = vec![
                        FollowUpFound {
                            record: RecordRef::new("follow_up", "f1", "回访"),
                            done_on: d("2026-11-01"),
                            held: true,
                        },
                        FollowUpFound {
                            record: RecordRef::new("follow_up", "f2", "回访"),
                            done_on: d("2026-11-20"),
                            held: false,
                        },
                    ];
                }),
                vec![(S::NotHeld, 35)],
                Some(RiskLevel::Orange),
                "2026-11-20回访发现协议未落实",
            ),
            (
                "failed rounds",
                Box::new(|f| {
                    f.rounds = vec![
                        round("m1", "2026-11-14", MediationOutcome::Failed),
                        round("m2", "2026-11-16", MediationOutcome::Continued),
                        round("m3", "2026-11-18", MediationOutcome::Failed),
                    ]
                }),
                vec![(S::FailedRounds, 20)],
                Some(RiskLevel::Yellow),
                "调解不成2次",
            ),
            (
                "open past the expected days of a simple dispute",
                Box::new(|f| f.grade = Grade::Simple),
                vec![],
                None,
                "",
            ),
            (
                "…16 days after intake it is overtime",
                Box::new(|f| {
                    f.grade = Grade::Simple;
                    f.received_on = d("2026-11-07");
                }),
                vec![(S::Overtime, 15)],
                Some(RiskLevel::Yellow),
                "受理已16天仍未调结，超过简单纠纷15天的调解期限",
            ),
            (
                "重大疑难 and a large amount",
                Box::new(|f| {
                    f.grade = Grade::Major;
                    f.amount_involved = 8_500_000;
                }),
                vec![(S::MajorGrade, 20), (S::LargeAmount, 15)],
                Some(RiskLevel::Orange),
                "涉及金额85,000.00元",
            ),
            (
                "threat words in the facts and a mediation record, two counted",
                Box::new(|f| {
                    f.texts.push(CaseText {
                        record: RecordRef::new("mediation", "m1", "2026-11-14调解记录"),
                        field: "调解记录",
                        text: "李长林扬言要报复，还说要去上访".into(),
                    });
                    f.texts[0].text.push_str("，王建国情绪激动，扬言要讨个说法");
                }),
                vec![(S::ThreatWords, 80)],
                Some(RiskLevel::Red),
                "出现“扬言”“报复”“上访”等言辞（见纠纷主要事实、2026-11-14调解记录）",
            ),
            (
                "a closed dispute has no level whatever its history",
                Box::new(move |f| {
                    f.status = DisputeStatus::Closed;
                    f.grade = Grade::Major;
                    f.others = vec![other("d2", "2026-05-01", vec![wang(), li()], None)];
                }),
                vec![],
                None,
                "",
            ),
        ];
        for (name, change, want, level, text) in cases {
            let mut f = quiet();
            change(&mut f);
            let r = run(&f);
            assert_eq!(signals(&r), want, "{name}");
            assert_eq!(r.level, level, "{name}");
            assert_eq!(r.points, want.iter().map(|(_, p)| p).sum::<u32>(), "{name}");
            if !text.is_empty() {
                assert!(r.reasons.iter().any(|x| x.text.contains(text)), "{name}: {:?}", r.reasons);
            }
            for x in &r.reasons {
                assert!(!x.records.is_empty(), "{name}: {} names no record", x.text);
                assert_eq!(x.signal_label, x.signal.label());
            }
        }
    }

    #[test]
    fn a_repeat_party_with_a_violent_incident_is_red_with_both_reasons_weightiest_first() {
        let mut f = quiet();
        f.others = vec![other("d2", "2026-06-01", vec![key("王建国", Some("p-wang"), None)], None)];
        f.incidents = vec![incident(
            "i1",
            IncidentKind::Assault,
            "2026-11-12",
            "两村民因宅基地推搡，一人轻微伤",
            IncidentLink::Party("王建国".into()),
        )];
        let r = run(&f);
        assert_eq!((r.level, r.level_label, r.points), (Some(RiskLevel::Red), Some("红色预警"), 60));
        assert_eq!(signals(&r), [(RiskSignal::ViolentIncident, 35), (RiskSignal::RepeatParty, 25)]);
        assert_eq!(r.reasons[0].records[0].id, "i1");
        assert_eq!(r.reasons[1].records[0].id, "d2");
    }

    #[test]
    fn a_county_that_raises_the_bar_or_changes_the_words_changes_the_level() {
        let mut f = quiet();
        f.texts[0].text.push_str("，扬言报复");
        assert_eq!(run(&f).level, Some(RiskLevel::Red));
        let strict = WarningRules { red_at: 100, ..WarningRules::default() };
        assert_eq!(assess(&f, &strict, &words(), today()).level, Some(RiskLevel::Orange));
        // The post's own list replaces the county's.
        assert_eq!(assess(&f, &WarningRules::default(), &["跳河".to_owned()], today()).level, None);
    }

    #[test]
    fn only_open_disputes_are_judged() {
        for s in DisputeStatus::ALL {
            let open = !matches!(s, DisputeStatus::Closed | DisputeStatus::Referred | DisputeStatus::Withdrawn);
            assert_eq!(is_open(*s), open, "{s:?}");
        }
    }
}
