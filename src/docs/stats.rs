//! Monthly statistics: the figures AGREEMENTS.md asks for (received, mediated, settled,
//! success rate = settled ÷ mediated, failed and where they went, agreements by kind,
//! amounts, follow-ups due vs done), by category and by village, plus errands (accepted,
//! done, overdue), incidents by kind and household visits, and the prevention figures
//! (群防群治, from [`crate::store::prevention::month_figures`]), the care figures (结对帮扶,
//! from [`crate::store::care::month_figures`]), the lawyers' (法律顾问, from
//! [`crate::store::counsel::month_figures`]) and the awards (表彰奖励, from
//! [`crate::store::award::month_figures`], with the 网格红包 beside them).
//!
//! [`compute`] is the arithmetic: a pure function over plain records ([`Facts`]), tested
//! with tables of cases. [`gather`] reads just the month's records from the store. Each
//! fact names its row and village, so the county can split one gathering by post or village
//! ([`Facts::partition`], each [`Share`] borrowing its records, computed by
//! [`compute_share`]) and list the records behind a figure ([`behind`], which classifies
//! each record with the same functions as [`compute`]).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::NaiveDate;
use rusqlite::Connection;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::docs::Month;
use crate::error::Result;
use crate::model::care::CareMonth;
use crate::model::counsel::CounselMonth;
use crate::model::service_station::StationFigures;
use crate::model::*;
use crate::store;
use crate::store::prevention::{PreventionMonth, month_figures};

pub use crate::store::dispute::DisputeFact;
pub use crate::store::dispute::agreement::AgreementFact;
pub use crate::store::dispute::follow_up::FollowUpFact;
pub use crate::store::errand::ErrandFact;
pub use crate::store::household::VisitFact;
pub use crate::store::incident::IncidentFact;

/// Everything the month's figures are computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Disputes received in the month or mediated in it.
    pub disputes: Vec<DisputeFact>,
    /// Agreements that took effect in the month.
    pub agreements: Vec<AgreementFact>,
    /// Follow-ups due in the month.
    pub follow_ups: Vec<FollowUpFact>,
    /// Errands requested, due or done in the month.
    pub errands: Vec<ErrandFact>,
    /// Incidents that occurred in the month.
    pub incidents: Vec<IncidentFact>,
    /// Household visits made in the month.
    pub visits: Vec<VisitFact>,
}

/// A share of a month's facts (a post's, a village's), borrowed from one gathering
/// ([`Facts::partition`]) instead of copied: a county's month is split a thousand ways.
#[derive(Debug, Default)]
pub struct Share<'a> {
    /// Disputes received in the month or mediated in it.
    pub disputes: Vec<&'a DisputeFact>,
    /// Agreements that took effect in the month.
    pub agreements: Vec<&'a AgreementFact>,
    /// Follow-ups due in the month.
    pub follow_ups: Vec<&'a FollowUpFact>,
    /// Errands requested, due or done in the month.
    pub errands: Vec<&'a ErrandFact>,
    /// Incidents that occurred in the month.
    pub incidents: Vec<&'a IncidentFact>,
    /// Household visits made in the month.
    pub visits: Vec<&'a VisitFact>,
}

impl Facts {
    /// Each fact's table, row and village (a follow-up's or agreement's dispute, a visit's
    /// household).
    pub fn rows(&self) -> Vec<(&'static str, &str, Option<&str>)> {
        let mut out: Vec<(&'static str, &str, Option<&str>)> = Vec::new();
        out.extend(self.disputes.iter().map(|d| ("dispute", d.id.as_str(), d.village_id.as_deref())));
        out.extend(self.agreements.iter().map(|a| ("dispute", a.dispute_id.as_str(), a.village_id.as_deref())));
        out.extend(self.follow_ups.iter().map(|f| ("dispute", f.dispute_id.as_str(), f.village_id.as_deref())));
        out.extend(self.errands.iter().map(|e| ("errand", e.id.as_str(), e.village_id.as_deref())));
        out.extend(self.incidents.iter().map(|i| ("incident", i.id.as_str(), i.village_id.as_deref())));
        out.extend(self.visits.iter().map(|v| ("household", v.household_id.as_str(), v.village_id.as_deref())));
        out
    }

    /// The facts split into groups by `key` (given each fact's table, row and village, which
    /// the key may borrow), in one pass, each group borrowing its facts. Grouped by hash (a
    /// county's month has tens of thousands of facts, and a key is often an id), ordered by
    /// key once at the end.
    pub fn partition<'a, K: Ord + Hash>(
        &'a self,
        key: impl Fn(&'static str, &'a str, Option<&'a str>) -> K,
    ) -> BTreeMap<K, Share<'a>> {
        let mut groups: HashMap<K, Share<'a>> = HashMap::new();
        for d in &self.disputes {
            groups.entry(key("dispute", &d.id, d.village_id.as_deref())).or_default().disputes.push(d);
        }
        for a in &self.agreements {
            groups.entry(key("dispute", &a.dispute_id, a.village_id.as_deref())).or_default().agreements.push(a);
        }
        for f in &self.follow_ups {
            groups.entry(key("dispute", &f.dispute_id, f.village_id.as_deref())).or_default().follow_ups.push(f);
        }
        for e in &self.errands {
            groups.entry(key("errand", &e.id, e.village_id.as_deref())).or_default().errands.push(e);
        }
        for i in &self.incidents {
            groups.entry(key("incident", &i.id, i.village_id.as_deref())).or_default().incidents.push(i);
        }
        for v in &self.visits {
            groups.entry(key("household", &v.household_id, v.village_id.as_deref())).or_default().visits.push(v);
        }
        groups.into_iter().collect()
    }

    /// All the facts, borrowed, for [`compute_share`].
    pub fn share(&self) -> Share<'_> {
        Share {
            disputes: self.disputes.iter().collect(),
            agreements: self.agreements.iter().collect(),
            follow_ups: self.follow_ups.iter().collect(),
            errands: self.errands.iter().collect(),
            incidents: self.incidents.iter().collect(),
            visits: self.visits.iter().collect(),
        }
    }

    /// The facts whose village `keep` accepts (`None` for a fact with no known village),
    /// given with the table and row the fact is about: copied, the tests' second way to a
    /// share that [`Facts::partition`] must agree with.
    #[cfg(test)]
    pub fn retain(&self, keep: impl Fn(&str, &str, Option<&str>) -> bool) -> Facts {
        Facts {
            disputes: self
                .disputes
                .iter()
                .filter(|d| keep("dispute", &d.id, d.village_id.as_deref()))
                .cloned()
                .collect(),
            agreements: self
                .agreements
                .iter()
                .filter(|a| keep("dispute", &a.dispute_id, a.village_id.as_deref()))
                .cloned()
                .collect(),
            follow_ups: self
                .follow_ups
                .iter()
                .filter(|f| keep("dispute", &f.dispute_id, f.village_id.as_deref()))
                .cloned()
                .collect(),
            errands: self.errands.iter().filter(|e| keep("errand", &e.id, e.village_id.as_deref())).cloned().collect(),
            incidents: self
                .incidents
                .iter()
                .filter(|i| keep("incident", &i.id, i.village_id.as_deref()))
                .cloned()
                .collect(),
            visits: self
                .visits
                .iter()
                .filter(|v| keep("household", &v.household_id, v.village_id.as_deref()))
                .cloned()
                .collect(),
        }
    }
}

/// The dispute figures of one slice (the whole post, a category, a village).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DisputeFigures {
    /// 受理: received in the month.
    pub received: i64,
    /// 调解: mediated (at least one session) in the month.
    pub mediated: i64,
    /// 调解成功: a session in the month ended in agreement.
    pub settled: i64,
    /// 调解不成: a session in the month failed, without a later settlement.
    pub failed: i64,
    /// settled ÷ mediated; none when nothing was mediated.
    pub success_rate: Option<f64>,
    /// 涉及金额 of the disputes received, fen.
    pub amount_received: i64,
    /// 涉及金额 of the disputes settled, fen.
    pub amount_settled: i64,
}

/// A named slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Slice {
    /// The category or village.
    pub name: String,
    /// Its figures.
    pub figures: DisputeFigures,
}

/// A named count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Count {
    /// What is counted.
    pub name: String,
    /// How many.
    pub count: i64,
}

/// Agreements that took effect, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgreementCounts {
    /// 人民调解协议书.
    pub people: i64,
    /// 治安调解协议书.
    pub security: i64,
    /// 口头协议.
    pub oral: i64,
}

/// Follow-ups due in the month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUpFigures {
    /// 应回访.
    pub due: i64,
    /// 已回访.
    pub done: i64,
    /// 逾期未回访 (due before today and not done).
    pub overdue: i64,
    /// Done, and the agreement held.
    pub held: i64,
}

/// Errands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrandFigures {
    /// 受理: requested in the month.
    pub accepted: i64,
    /// 办结: done in the month.
    pub done: i64,
    /// 逾期: due in the month and done late, or still open past the due date.
    pub overdue: i64,
}

/// The month's statistics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthStats {
    /// `YYYY-MM`.
    pub month: String,
    /// The whole post.
    pub disputes: DisputeFigures,
    /// By category (county categories, in their order; only those with figures).
    pub by_kind: Vec<Slice>,
    /// By village (by name).
    pub by_village: Vec<Slice>,
    /// Where the failed ones went (移交去向, or 未移交).
    pub failed_to: Vec<Count>,
    /// Agreements finalised.
    pub agreements: AgreementCounts,
    /// Follow-ups.
    pub follow_ups: FollowUpFigures,
    /// Errands.
    pub errands: ErrandFigures,
    /// Incidents by kind (only kinds that occurred), and their total.
    pub incidents: Vec<Count>,
    /// All incidents.
    pub incidents_total: i64,
    /// 走访.
    pub visits: i64,
    /// 群防群治: volunteers, patrols, leads, hazards, outreach, feedback (as `prevention.month`).
    #[serde(default)]
    pub prevention: PreventionMonth,
    /// 结对帮扶: people under care, visits due and done, per village (as `care.month`).
    #[serde(default)]
    pub care: CareMonth,
    /// 驿站: each service station's requests collected, errands done and 一次不用跑 (as
    /// `service_station.month`).
    #[serde(default)]
    pub service_stations: Vec<StationFigures>,
    /// 法律顾问: sittings, hours, consultations, people served, disputes a lawyer took part
    /// in and how many rebounded (as `counsel.month`).
    #[serde(default)]
    pub counsel: CounselMonth,
    /// 表彰奖励: 见义勇为 and 好人 nominated, approved, paid, beside the 网格红包 (as
    /// `award.month`).
    #[serde(default)]
    pub awards: crate::model::award::AwardMonth,
    /// 照片和扫描件 attached in the month, by whose (hazards, incidents, agreements).
    #[serde(default)]
    pub attachments: store::attachment::AttachmentMonth,
}

/// settled ÷ mediated, or none when nothing was mediated.
pub fn success_rate(settled: i64, mediated: i64) -> Option<f64> {
    (mediated > 0).then(|| settled as f64 / mediated as f64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Settled,
    Failed,
    Open,
}

/// How a dispute's month ended: the last decisive session in the month counts.
fn outcome_in(d: &DisputeFact, in_month: &impl Fn(NaiveDate) -> bool) -> Option<Outcome> {
    let mut sessions: Vec<&(NaiveDate, MediationOutcome)> = d.sessions.iter().filter(|(on, _)| in_month(*on)).collect();
    if sessions.is_empty() {
        return None;
    }
    sessions.sort_by_key(|(on, _)| *on);
    let decisive = sessions.iter().rev().find_map(|(_, o)| match o {
        MediationOutcome::Settled => Some(Outcome::Settled),
        MediationOutcome::Failed => Some(Outcome::Failed),
        _ => None,
    });
    Some(decisive.unwrap_or(Outcome::Open))
}

fn add(f: &mut DisputeFigures, d: &DisputeFact, received: bool, outcome: Option<Outcome>) {
    if received {
        f.received += 1;
        f.amount_received += d.amount_involved;
    }
    if let Some(o) = outcome {
        f.mediated += 1;
        match o {
            Outcome::Settled => {
                f.settled += 1;
                f.amount_settled += d.amount_involved;
            }
            Outcome::Failed => f.failed += 1,
            Outcome::Open => {}
        }
    }
    f.success_rate = success_rate(f.settled, f.mediated);
}

/// How a follow-up counts in a month: `None` when not due in it.
struct FollowUpFlags {
    done: bool,
    held: bool,
    overdue: bool,
}

fn follow_up_flags(f: &FollowUpFact, in_month: &impl Fn(NaiveDate) -> bool, today: NaiveDate) -> Option<FollowUpFlags> {
    in_month(f.due_on).then(|| FollowUpFlags {
        done: f.done_on.is_some(),
        held: f.done_on.is_some() && f.held == Some(true),
        overdue: f.done_on.is_none() && f.due_on < today,
    })
}

/// How an errand counts in a month.
struct ErrandFlags {
    accepted: bool,
    done: bool,
    overdue: bool,
}

fn errand_flags(e: &ErrandFact, in_month: &impl Fn(NaiveDate) -> bool, today: NaiveDate) -> ErrandFlags {
    let late = match e.done_on {
        Some(done) => done > e.due_on,
        None => e.due_on < today && e.status != ErrandStatus::Cancelled,
    };
    ErrandFlags {
        accepted: in_month(e.requested_on),
        done: e.done_on.is_some_and(in_month),
        overdue: in_month(e.due_on) && late && e.status != ErrandStatus::Cancelled,
    }
}

/// A figure of the month whose records can be listed ([`behind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// 纠纷受理.
    Received,
    /// 纠纷调解.
    Mediated,
    /// 调解成功.
    Settled,
    /// 调解不成.
    Failed,
    /// 人民调解协议书.
    AgreementsPeople,
    /// 治安调解协议书.
    AgreementsSecurity,
    /// 口头协议.
    AgreementsOral,
    /// 应回访.
    FollowUpsDue,
    /// 已回访.
    FollowUpsDone,
    /// 逾期未回访.
    FollowUpsOverdue,
    /// 代办受理.
    ErrandsAccepted,
    /// 代办办结.
    ErrandsDone,
    /// 代办逾期.
    ErrandsOverdue,
    /// 警情.
    Incidents,
    /// 走访（按户）.
    Visits,
}

/// A record behind a figure: its table and id (a follow-up's or agreement's dispute, a
/// visit's household).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Behind {
    /// The table.
    pub table: &'static str,
    /// The row.
    pub id: String,
    /// Its village, if known.
    pub village_id: Option<String>,
}

/// The records a figure of [`compute`] counts, one per count (a household visited twice
/// appears twice), classified by the same functions.
pub fn behind(figure: Figure, month: Month, today: NaiveDate, facts: &Facts) -> Vec<Behind> {
    let (first, next) = (month.first(), month.next_first());
    let in_month = |d: NaiveDate| d >= first && d < next;
    let one =
        |table, id: &str, village: &Option<String>| Behind { table, id: id.to_owned(), village_id: village.clone() };
    let disputes = |want: &dyn Fn(bool, Option<Outcome>) -> bool| -> Vec<Behind> {
        facts
            .disputes
            .iter()
            .filter(|d| want(in_month(d.received_on), outcome_in(d, &in_month)))
            .map(|d| one("dispute", &d.id, &d.village_id))
            .collect()
    };
    let agreements = |kind: AgreementKind| -> Vec<Behind> {
        facts
            .agreements
            .iter()
            .filter(|a| a.kind == kind && in_month(a.effective_on))
            .map(|a| one("dispute", &a.dispute_id, &a.village_id))
            .collect()
    };
    let follow_ups = |want: &dyn Fn(&FollowUpFlags) -> bool| -> Vec<Behind> {
        facts
            .follow_ups
            .iter()
            .filter(|f| follow_up_flags(f, &in_month, today).is_some_and(|x| want(&x)))
            .map(|f| one("dispute", &f.dispute_id, &f.village_id))
            .collect()
    };
    let errands = |want: &dyn Fn(&ErrandFlags) -> bool| -> Vec<Behind> {
        facts
            .errands
            .iter()
            .filter(|e| want(&errand_flags(e, &in_month, today)))
            .map(|e| one("errand", &e.id, &e.village_id))
            .collect()
    };
    match figure {
        Figure::Received => disputes(&|received, _| received),
        Figure::Mediated => disputes(&|_, o| o.is_some()),
        Figure::Settled => disputes(&|_, o| o == Some(Outcome::Settled)),
        Figure::Failed => disputes(&|_, o| o == Some(Outcome::Failed)),
        Figure::AgreementsPeople => agreements(AgreementKind::People),
        Figure::AgreementsSecurity => agreements(AgreementKind::Security),
        Figure::AgreementsOral => agreements(AgreementKind::Oral),
        Figure::FollowUpsDue => follow_ups(&|_| true),
        Figure::FollowUpsDone => follow_ups(&|x| x.done),
        Figure::FollowUpsOverdue => follow_ups(&|x| x.overdue),
        Figure::ErrandsAccepted => errands(&|x| x.accepted),
        Figure::ErrandsDone => errands(&|x| x.done),
        Figure::ErrandsOverdue => errands(&|x| x.overdue),
        Figure::Incidents => facts.incidents.iter().map(|i| one("incident", &i.id, &i.village_id)).collect(),
        Figure::Visits => facts.visits.iter().map(|v| one("household", &v.household_id, &v.village_id)).collect(),
    }
}

/// The month's figures from its records. `today` decides what is overdue.
pub fn compute(month: Month, today: NaiveDate, facts: &Facts) -> MonthStats {
    compute_share(month, today, &facts.share())
}

/// [`compute`] over a share of the month's records.
pub fn compute_share(month: Month, today: NaiveDate, facts: &Share<'_>) -> MonthStats {
    let (first, next) = (month.first(), month.next_first());
    let in_month = |d: NaiveDate| d >= first && d < next;
    let mut total = DisputeFigures::default();
    let mut by_kind: BTreeMap<DisputeKind, DisputeFigures> = BTreeMap::new();
    let mut by_village: BTreeMap<String, DisputeFigures> = BTreeMap::new();
    let mut failed_to: BTreeMap<String, i64> = BTreeMap::new();
    for d in &facts.disputes {
        let received = in_month(d.received_on);
        let outcome = outcome_in(d, &in_month);
        if !received && outcome.is_none() {
            continue;
        }
        add(&mut total, d, received, outcome);
        add(by_kind.entry(d.kind).or_default(), d, received, outcome);
        let village = d.village.clone().unwrap_or_else(|| "（未填村）".into());
        add(by_village.entry(village).or_default(), d, received, outcome);
        if outcome == Some(Outcome::Failed) {
            let to = match (&d.referred_to, d.status) {
                (Some(r), _) if !r.trim().is_empty() => r.trim().to_owned(),
                (_, DisputeStatus::Referred) => "已移交（去向未填）".into(),
                (_, DisputeStatus::Withdrawn) => "当事人撤回".into(),
                _ => "未移交".into(),
            };
            *failed_to.entry(to).or_default() += 1;
        }
    }
    let mut agreements = AgreementCounts::default();
    for a in facts.agreements.iter().filter(|a| in_month(a.effective_on)) {
        match a.kind {
            AgreementKind::People => agreements.people += 1,
            AgreementKind::Security => agreements.security += 1,
            AgreementKind::Oral => agreements.oral += 1,
        }
    }
    let mut follow_ups = FollowUpFigures::default();
    for f in &facts.follow_ups {
        let Some(flags) = follow_up_flags(f, &in_month, today) else { continue };
        follow_ups.due += 1;
        follow_ups.done += i64::from(flags.done);
        follow_ups.held += i64::from(flags.held);
        follow_ups.overdue += i64::from(flags.overdue);
    }
    let mut errands = ErrandFigures::default();
    for e in &facts.errands {
        let flags = errand_flags(e, &in_month, today);
        errands.accepted += i64::from(flags.accepted);
        errands.done += i64::from(flags.done);
        errands.overdue += i64::from(flags.overdue);
    }
    let mut incidents: BTreeMap<IncidentKind, i64> = BTreeMap::new();
    for i in &facts.incidents {
        *incidents.entry(i.kind).or_default() += 1;
    }
    MonthStats {
        month: month.to_string(),
        disputes: total,
        by_kind: by_kind.into_iter().map(|(k, figures)| Slice { name: k.label().into(), figures }).collect(),
        by_village: by_village.into_iter().map(|(name, figures)| Slice { name, figures }).collect(),
        failed_to: failed_to.into_iter().map(|(name, count)| Count { name, count }).collect(),
        agreements,
        follow_ups,
        errands,
        incidents_total: facts.incidents.len() as i64,
        incidents: incidents.into_iter().map(|(k, count)| Count { name: k.label().into(), count }).collect(),
        visits: facts.visits.len() as i64,
        prevention: PreventionMonth { month: month.to_string(), ..Default::default() },
        care: CareMonth::default(),
        service_stations: Vec::new(),
        counsel: CounselMonth::default(),
        awards: Default::default(),
        attachments: Default::default(),
    }
}

/// Reads the month's records through the store's queries.
pub fn gather(conn: &Connection, month: Month) -> Result<Facts> {
    let (lo, hi) = month.date_bounds();
    Ok(Facts {
        errands: store::errand::month_facts(conn, &lo, &hi)?,
        visits: store::household::visits_in(conn, &lo, &hi)?,
        ..gather_common(conn, month)?
    })
}

/// The month's figures as [`compute`] makes them from [`gather`], read for totals only (the
/// county's six-month trend): the errands without their villages, the visits counted by
/// their date's index instead of listed. Equal to `compute(month, today, &gather(conn,
/// month))` (a test compares them); the facts it reads cannot be split by post or village.
pub fn month_totals(conn: &Connection, month: Month, today: NaiveDate) -> Result<MonthStats> {
    let (lo, hi) = month.date_bounds();
    let facts = Facts { errands: store::errand::month_facts_unplaced(conn, &lo, &hi)?, ..gather_common(conn, month)? };
    let mut s = compute(month, today, &facts);
    s.visits = store::household::visits_counted(conn, &lo, &hi)?;
    Ok(s)
}

/// The month's disputes, agreements, follow-ups and incidents, read alike by [`gather`] and
/// [`month_totals`] (no errands or visits).
fn gather_common(conn: &Connection, month: Month) -> Result<Facts> {
    let (lo, hi) = month.date_bounds();
    let (ilo, ihi) = month.instant_bounds();
    Ok(Facts {
        disputes: store::dispute::month_facts(conn, &lo, &hi)?,
        agreements: store::dispute::agreement::effective_in(conn, &lo, &hi)?,
        follow_ups: store::dispute::follow_up::due_in(conn, &lo, &hi)?,
        incidents: store::incident::kinds_in(conn, &ilo, &ihi)?,
        ..Facts::default()
    })
}

/// The month's statistics from the store, with the prevention and care figures of the month.
pub fn month_stats(conn: &Connection, month: Month, today: NaiveDate) -> Result<MonthStats> {
    let mut s = compute(month, today, &gather(conn, month)?);
    s.prevention = month_figures(conn, month.first())?;
    s.care = store::care::month_figures(conn, month.first(), today)?;
    s.service_stations = store::service_station::month_figures(conn, month.first())?;
    s.counsel = store::counsel::month_figures(conn, month.first())?;
    s.awards = store::award::month_figures(conn, month.first(), s.prevention.rewards_fen)?;
    s.attachments = store::attachment::month_figures(conn, month.first())?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::time::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn nov() -> Month {
        Month { year: 2026, month: 11 }
    }

    fn dispute(received: &str, sessions: &[(&str, MediationOutcome)]) -> DisputeFact {
        DisputeFact {
            id: format!("d-{received}-{}", sessions.len()),
            village_id: Some("v1".into()),
            received_on: d(received),
            kind: DisputeKind::Neighbour,
            village: Some("青山村".into()),
            amount_involved: 10_000,
            status: DisputeStatus::Mediating,
            referred_to: None,
            sessions: sessions.iter().map(|(on, o)| (d(on), *o)).collect(),
        }
    }

    #[test]
    fn success_rate_is_settled_over_mediated() {
        let cases: &[(i64, i64, Option<f64>)] =
            &[(0, 0, None), (0, 3, Some(0.0)), (3, 4, Some(0.75)), (5, 5, Some(1.0))];
        for (settled, mediated, want) in cases {
            assert_eq!(success_rate(*settled, *mediated), *want, "{settled}/{mediated}");
        }
    }

    #[test]
    fn each_dispute_counts_by_its_sessions_in_the_month() {
        use MediationOutcome::*;
        // (received, sessions, want (received, mediated, settled, failed))
        type Case<'a> = (&'a str, &'a [(&'a str, MediationOutcome)], (i64, i64, i64, i64));
        let cases: &[Case<'_>] = &[
            ("2026-11-02", &[], (1, 0, 0, 0)),
            ("2026-11-02", &[("2026-11-03", Continued)], (1, 1, 0, 0)),
            ("2026-11-02", &[("2026-11-03", Escalated), ("2026-11-09", Settled)], (1, 1, 1, 0)),
            ("2026-10-28", &[("2026-11-03", Failed)], (0, 1, 0, 1)),
            ("2026-10-28", &[("2026-11-03", Failed), ("2026-11-20", Settled)], (0, 1, 1, 0)),
            ("2026-10-28", &[("2026-10-30", Settled)], (0, 0, 0, 0)),
            ("2026-12-01", &[("2026-12-02", Settled)], (0, 0, 0, 0)),
        ];
        for (received, sessions, (r, m, s, f)) in cases {
            let facts = Facts { disputes: vec![dispute(received, sessions)], ..Default::default() };
            let got = compute(nov(), d("2026-11-23"), &facts).disputes;
            assert_eq!(
                (got.received, got.mediated, got.settled, got.failed),
                (*r, *m, *s, *f),
                "{received} {sessions:?}"
            );
        }
    }

    #[test]
    fn slices_amounts_and_where_failures_went() {
        use MediationOutcome::*;
        let mut a = dispute("2026-11-02", &[("2026-11-05", Settled)]);
        a.amount_involved = 300_000;
        let mut b = dispute("2026-11-03", &[("2026-11-06", Failed)]);
        b.kind = DisputeKind::Homestead;
        b.village = Some("石桥村".into());
        b.status = DisputeStatus::Referred;
        b.referred_to = Some("人民法院".into());
        let mut c = dispute("2026-11-04", &[("2026-11-07", Failed)]);
        c.status = DisputeStatus::Failed;
        let s = compute(nov(), d("2026-11-23"), &Facts { disputes: vec![a, b, c], ..Default::default() });
        assert_eq!(s.disputes.received, 3);
        assert_eq!(s.disputes.amount_received, 320_000);
        assert_eq!(s.disputes.amount_settled, 300_000);
        assert_eq!(s.disputes.success_rate, Some(1.0 / 3.0));
        assert_eq!(s.by_kind.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["邻里", "房屋宅基地"]);
        assert_eq!(s.by_village.len(), 2);
        assert_eq!(s.by_village[1].name, "青山村");
        assert_eq!(s.by_village[1].figures.success_rate, Some(0.5));
        assert_eq!(
            s.failed_to,
            vec![Count { name: "人民法院".into(), count: 1 }, Count { name: "未移交".into(), count: 1 }]
        );
    }

    #[test]
    fn follow_ups_errands_agreements_incidents() {
        let facts = Facts {
            agreements: vec![
                AgreementFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    kind: AgreementKind::People,
                    effective_on: d("2026-11-01"),
                },
                AgreementFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    kind: AgreementKind::Oral,
                    effective_on: d("2026-11-30"),
                },
                AgreementFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    kind: AgreementKind::Security,
                    effective_on: d("2026-10-31"),
                },
            ],
            follow_ups: vec![
                FollowUpFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    due_on: d("2026-11-10"),
                    done_on: Some(d("2026-11-10")),
                    held: Some(true),
                },
                FollowUpFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    due_on: d("2026-11-11"),
                    done_on: Some(d("2026-11-12")),
                    held: Some(false),
                },
                FollowUpFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    due_on: d("2026-11-12"),
                    done_on: None,
                    held: None,
                },
                FollowUpFact {
                    dispute_id: "d".into(),
                    village_id: None,
                    due_on: d("2026-11-28"),
                    done_on: None,
                    held: None,
                },
            ],
            errands: vec![
                // (requested, due, done, status): accepted, done in time.
                ErrandFact {
                    id: "e".into(),
                    village_id: None,
                    requested_on: d("2026-11-02"),
                    due_on: d("2026-11-09"),
                    done_on: Some(d("2026-11-08")),
                    status: ErrandStatus::Done,
                },
                // Accepted in October, done late in November.
                ErrandFact {
                    id: "e".into(),
                    village_id: None,
                    requested_on: d("2026-10-25"),
                    due_on: d("2026-11-03"),
                    done_on: Some(d("2026-11-05")),
                    status: ErrandStatus::Delivered,
                },
                // Open past its due date.
                ErrandFact {
                    id: "e".into(),
                    village_id: None,
                    requested_on: d("2026-11-10"),
                    due_on: d("2026-11-17"),
                    done_on: None,
                    status: ErrandStatus::InProgress,
                },
                // Cancelled: never overdue.
                ErrandFact {
                    id: "e".into(),
                    village_id: None,
                    requested_on: d("2026-11-10"),
                    due_on: d("2026-11-12"),
                    done_on: None,
                    status: ErrandStatus::Cancelled,
                },
                // Not yet due.
                ErrandFact {
                    id: "e".into(),
                    village_id: None,
                    requested_on: d("2026-11-20"),
                    due_on: d("2026-11-27"),
                    done_on: None,
                    status: ErrandStatus::Accepted,
                },
            ],
            incidents: [IncidentKind::Theft, IncidentKind::Fraud, IncidentKind::Theft]
                .into_iter()
                .map(|kind| IncidentFact { id: "i".into(), village_id: None, kind })
                .collect(),
            visits: (0..17).map(|_| VisitFact { household_id: "h".into(), village_id: None }).collect(),
            ..Default::default()
        };
        let s = compute(nov(), d("2026-11-23"), &facts);
        assert_eq!(s.agreements, AgreementCounts { people: 1, security: 0, oral: 1 });
        assert_eq!(s.follow_ups, FollowUpFigures { due: 4, done: 2, overdue: 1, held: 1 });
        assert_eq!(s.errands, ErrandFigures { accepted: 4, done: 2, overdue: 2 });
        assert_eq!(s.incidents_total, 3);
        assert_eq!(s.incidents[0], Count { name: "盗窃".into(), count: 2 });
        assert_eq!(s.visits, 17);
    }

    #[test]
    fn the_records_behind_each_figure_are_as_many_as_the_figure_and_split_by_village() {
        use MediationOutcome::*;
        let mut a = dispute("2026-11-02", &[("2026-11-05", Settled)]);
        a.id = "a".into();
        let mut b = dispute("2026-10-03", &[("2026-11-06", Failed)]);
        b.id = "b".into();
        b.village_id = Some("v2".into());
        let mut c = dispute("2026-11-04", &[("2026-11-07", Continued)]);
        c.id = "c".into();
        let facts = Facts {
            disputes: vec![a, b, c],
            follow_ups: vec![
                FollowUpFact {
                    dispute_id: "a".into(),
                    village_id: Some("v1".into()),
                    due_on: d("2026-11-10"),
                    done_on: None,
                    held: None,
                },
                FollowUpFact {
                    dispute_id: "b".into(),
                    village_id: Some("v2".into()),
                    due_on: d("2026-11-11"),
                    done_on: Some(d("2026-11-11")),
                    held: Some(true),
                },
            ],
            errands: vec![ErrandFact {
                id: "e1".into(),
                village_id: Some("v2".into()),
                requested_on: d("2026-11-01"),
                due_on: d("2026-11-05"),
                done_on: None,
                status: ErrandStatus::Accepted,
            }],
            ..Default::default()
        };
        let today = d("2026-11-23");
        let s = compute(nov(), today, &facts);
        let count = |f| behind(f, nov(), today, &facts).len() as i64;
        let figures = [
            (Figure::Received, s.disputes.received),
            (Figure::Mediated, s.disputes.mediated),
            (Figure::Settled, s.disputes.settled),
            (Figure::Failed, s.disputes.failed),
            (Figure::FollowUpsDue, s.follow_ups.due),
            (Figure::FollowUpsDone, s.follow_ups.done),
            (Figure::FollowUpsOverdue, s.follow_ups.overdue),
            (Figure::ErrandsAccepted, s.errands.accepted),
            (Figure::ErrandsOverdue, s.errands.overdue),
        ];
        for (f, want) in figures {
            assert_eq!(count(f), want, "{f:?}");
        }
        let ids: Vec<String> = behind(Figure::Settled, nov(), today, &facts).into_iter().map(|b| b.id).collect();
        assert_eq!(ids, ["a"]);
        // One village's share, computed by the same function, adds up with the other's.
        let v1 = compute(nov(), today, &facts.retain(|_, _, v| v == Some("v1")));
        let parts = facts.partition(|_, _, v| v.map(str::to_owned));
        assert_eq!(parts.len(), 2);
        let v2 = compute_share(nov(), today, &parts[&Some("v2".to_owned())]);
        assert_eq!(compute_share(nov(), today, &parts[&Some("v1".to_owned())]), v1);
        assert_eq!(v1.disputes.mediated + v2.disputes.mediated, s.disputes.mediated);
        assert_eq!((v1.follow_ups.overdue, v2.follow_ups.done), (1, 1));
        assert_eq!((v1.errands.overdue, v2.errands.overdue), (0, 1));
    }
}
