//! Monthly statistics: the figures AGREEMENTS.md asks for (received, mediated, settled,
//! success rate = settled ÷ mediated, failed and where they went, agreements by kind,
//! amounts, follow-ups due vs done), by category and by village, plus errands (accepted,
//! done, overdue), incidents by kind and household visits, and the prevention figures
//! (群防群治, from [`crate::store::prevention::month_figures`]).
//!
//! [`compute`] is the arithmetic: a pure function over plain records ([`Facts`]), tested
//! with tables of cases. [`gather`] reads just the month's records from the store.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::docs::Month;
use crate::error::Result;
use crate::model::*;
use crate::store;
use crate::store::prevention::{PreventionMonth, month_figures};

pub use crate::store::dispute::DisputeFact;
pub use crate::store::dispute::agreement::AgreementFact;
pub use crate::store::dispute::follow_up::FollowUpFact;
pub use crate::store::errand::ErrandFact;

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
    /// Incidents that occurred in the month, by kind.
    pub incidents: Vec<IncidentKind>,
    /// Household visits made in the month.
    pub visits: i64,
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

/// The month's figures from its records. `today` decides what is overdue.
pub fn compute(month: Month, today: NaiveDate, facts: &Facts) -> MonthStats {
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
    for f in facts.follow_ups.iter().filter(|f| in_month(f.due_on)) {
        follow_ups.due += 1;
        match f.done_on {
            Some(_) => {
                follow_ups.done += 1;
                if f.held == Some(true) {
                    follow_ups.held += 1;
                }
            }
            None if f.due_on < today => follow_ups.overdue += 1,
            None => {}
        }
    }
    let mut errands = ErrandFigures::default();
    for e in &facts.errands {
        if in_month(e.requested_on) {
            errands.accepted += 1;
        }
        if e.done_on.is_some_and(in_month) {
            errands.done += 1;
        }
        let late = match e.done_on {
            Some(done) => done > e.due_on,
            None => e.due_on < today && e.status != ErrandStatus::Cancelled,
        };
        if in_month(e.due_on) && late && e.status != ErrandStatus::Cancelled {
            errands.overdue += 1;
        }
    }
    let mut incidents: BTreeMap<IncidentKind, i64> = BTreeMap::new();
    for k in &facts.incidents {
        *incidents.entry(*k).or_default() += 1;
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
        visits: facts.visits,
        prevention: PreventionMonth { month: month.to_string(), ..Default::default() },
    }
}

/// Reads the month's records through the store's queries.
pub fn gather(conn: &Connection, month: Month) -> Result<Facts> {
    let (lo, hi) = month.date_bounds();
    let (ilo, ihi) = month.instant_bounds();
    Ok(Facts {
        disputes: store::dispute::month_facts(conn, &lo, &hi)?,
        agreements: store::dispute::agreement::effective_in(conn, &lo, &hi)?,
        follow_ups: store::dispute::follow_up::due_in(conn, &lo, &hi)?,
        errands: store::errand::month_facts(conn, &lo, &hi)?,
        incidents: store::incident::kinds_in(conn, &ilo, &ihi)?,
        visits: store::household::visits_in(conn, &lo, &hi)?,
    })
}

/// The month's statistics from the store, with the prevention figures of the month.
pub fn month_stats(conn: &Connection, month: Month, today: NaiveDate) -> Result<MonthStats> {
    let mut s = compute(month, today, &gather(conn, month)?);
    s.prevention = month_figures(conn, month.first())?;
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
                AgreementFact { kind: AgreementKind::People, effective_on: d("2026-11-01") },
                AgreementFact { kind: AgreementKind::Oral, effective_on: d("2026-11-30") },
                AgreementFact { kind: AgreementKind::Security, effective_on: d("2026-10-31") },
            ],
            follow_ups: vec![
                FollowUpFact { due_on: d("2026-11-10"), done_on: Some(d("2026-11-10")), held: Some(true) },
                FollowUpFact { due_on: d("2026-11-11"), done_on: Some(d("2026-11-12")), held: Some(false) },
                FollowUpFact { due_on: d("2026-11-12"), done_on: None, held: None },
                FollowUpFact { due_on: d("2026-11-28"), done_on: None, held: None },
            ],
            errands: vec![
                // (requested, due, done, status): accepted, done in time.
                ErrandFact {
                    requested_on: d("2026-11-02"),
                    due_on: d("2026-11-09"),
                    done_on: Some(d("2026-11-08")),
                    status: ErrandStatus::Done,
                },
                // Accepted in October, done late in November.
                ErrandFact {
                    requested_on: d("2026-10-25"),
                    due_on: d("2026-11-03"),
                    done_on: Some(d("2026-11-05")),
                    status: ErrandStatus::Delivered,
                },
                // Open past its due date.
                ErrandFact {
                    requested_on: d("2026-11-10"),
                    due_on: d("2026-11-17"),
                    done_on: None,
                    status: ErrandStatus::InProgress,
                },
                // Cancelled: never overdue.
                ErrandFact {
                    requested_on: d("2026-11-10"),
                    due_on: d("2026-11-12"),
                    done_on: None,
                    status: ErrandStatus::Cancelled,
                },
                // Not yet due.
                ErrandFact {
                    requested_on: d("2026-11-20"),
                    due_on: d("2026-11-27"),
                    done_on: None,
                    status: ErrandStatus::Accepted,
                },
            ],
            incidents: vec![IncidentKind::Theft, IncidentKind::Fraud, IncidentKind::Theft],
            visits: 17,
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
}
