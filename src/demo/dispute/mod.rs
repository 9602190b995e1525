//! Demo disputes: about one per fifteen households, of every kind and in every status:
//! just received, climbing the 初调 → 复调 → 联调 ladder, settled with a draft agreement,
//! people's and 治安调解 agreements numbered and being carried out (some overdue), oral
//! agreements, fulfilled ones with their follow-up due or done and closed, defaults,
//! failures handed on to the court or the 司法所, and withdrawals.
//!
//! Every step goes through the store's dispute functions, so the demo obeys the same rules
//! as the user: the ladder, the 治安调解 deadlines, the agreement's required fields. The
//! facts are made up.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};

use super::{Demo, DemoPerson};
use crate::error::Result;
use crate::model::dispute::{AgreementInput, DisputeInput, FollowUpInput, FulfilmentInput, MediationInput, PartyInput};
use crate::model::time::age_on;
use crate::model::{
    AgreementKind, DisputeKind, DisputeSource, Grade, MediationLevel, MediationOutcome, PartyKind, PartyRole, Role,
    SecurityOffence, Sex, Track,
};
use crate::store::{dispute, place};

mod stories;

use stories::{CASES, CHIEFS, FOLLOW_NOTES, ORGANISATIONS, REFER_TO, STORIES};

/// Where a demo dispute ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Registered,
    Mediating,
    Agreed,
    Fulfilling,
    Overdue,
    FulfilledAwaitingFollowUp,
    Closed,
    Defaulted,
    Failed,
    Referred,
    Withdrawn,
}

enum Step {
    Mediate(MediationInput),
    Save(AgreementInput),
    Finalise,
    Fulfil(FulfilmentInput),
    FollowUp(FollowUpInput),
    Refer(&'static str, NaiveDate),
    Withdraw(&'static str),
}

struct Plan {
    input: DisputeInput,
    steps: Vec<Step>,
}

fn day(d: NaiveDate) -> Option<String> {
    Some(d.format("%Y-%m-%d").to_string())
}

/// What the demo needs to know beyond [`Demo`].
struct Cast {
    adults: Vec<usize>,
    minors: Vec<usize>,
    officers: Vec<(String, String)>,
    auxiliaries: Vec<(String, String)>,
}

fn party(d: &mut Demo<'_>, p: &DemoPerson, role: PartyRole) -> PartyInput {
    let phone = p.phone.clone().or_else(|| Some(d.phone()));
    PartyInput { person_id: Some(p.id.clone()), role: Some(role), phone, ..Default::default() }
}

fn adult(d: &mut Demo<'_>, cast: &Cast, not: &[&str]) -> DemoPerson {
    loop {
        let p = d.persons[cast.adults[d.rng.below(cast.adults.len())]].clone();
        if !not.contains(&p.id.as_str()) {
            return p;
        }
    }
}

/// The first disputes run through every fate once (both tracks), so even a small demo
/// shows every status; the rest are drawn at random.
const FIRST: &[(Fate, bool, bool)] = &[
    // (fate, 治安调解, oral agreement)
    (Fate::Closed, false, false),
    (Fate::Fulfilling, true, false),
    (Fate::Overdue, false, false),
    (Fate::FulfilledAwaitingFollowUp, false, true),
    (Fate::Defaulted, true, false),
    (Fate::Referred, false, false),
    (Fate::Agreed, false, false),
    (Fate::Mediating, false, false),
    (Fate::Registered, true, false),
    (Fate::Failed, true, false),
    (Fate::Withdrawn, false, false),
    (Fate::Closed, true, false),
];

fn plan(d: &mut Demo<'_>, cast: &Cast, forced: Option<(Fate, bool, bool)>) -> Plan {
    let today = d.today;
    let drawn = match d.rng.below(100) {
        0..=7 => Fate::Registered,
        8..=16 => Fate::Mediating,
        17..=21 => Fate::Agreed,
        22..=30 => Fate::Fulfilling,
        31..=36 => Fate::Overdue,
        37..=44 => Fate::FulfilledAwaitingFollowUp,
        45..=74 => Fate::Closed,
        75..=79 => Fate::Defaulted,
        80..=86 => Fate::Failed,
        87..=93 => Fate::Referred,
        _ => Fate::Withdrawn,
    };
    let security = d.rng.chance(22);
    let oral = d.rng.chance(15);
    let (fate, security, oral) = forced.unwrap_or((drawn, security, oral));
    let received_on = match fate {
        Fate::Registered => d.days_ago(0, if security { 1 } else { 6 }),
        Fate::Mediating | Fate::Agreed => d.days_ago(8, 30),
        Fate::Fulfilling => d.days_ago(8, 14),
        Fate::Overdue | Fate::FulfilledAwaitingFollowUp | Fate::Defaulted => d.days_ago(40, 80),
        Fate::Withdrawn => d.days_ago(8, 120),
        Fate::Closed | Fate::Failed | Fate::Referred => d.days_ago(60, 700),
    };
    let presider = cast.officers[d.rng.below(cast.officers.len())].clone();
    let aux = cast.auxiliaries.get(d.rng.below(cast.auxiliaries.len())).cloned();
    let recorder = aux.as_ref().map(|a| a.1.clone()).unwrap_or_else(|| presider.1.clone());

    let a = adult(d, cast, &[]);
    let mut parties;
    let mut input;
    if security {
        let (offence, what, cause, course, circumstances, result, _) = *d.rng.pick(CASES);
        let minor = fate != Fate::Registered && !cast.minors.is_empty() && d.rng.chance(15);
        let offender = if minor {
            d.persons[cast.minors[d.rng.below(cast.minors.len())]].clone()
        } else {
            adult(d, cast, &[&a.id])
        };
        let mut off = party(d, &offender, PartyRole::Offender);
        if minor {
            let sex = if d.rng.chance(50) { Sex::Male } else { Sex::Female };
            off.guardian_name = Some(d.name(sex));
            off.guardian_relation = Some((*d.rng.pick(&["父子", "母子", "祖孙"])).into());
        }
        let mut victim = party(d, &a, PartyRole::Victim);
        if d.rng.chance(10) {
            victim.agent_name = Some(d.name(Sex::Male));
            victim.agent_authority_ref = Some(format!("授权委托书（{}）", received_on.format("%Y-%m-%d")));
        }
        parties = vec![off, victim];
        let hour = d.rng.range(7, 22);
        input = DisputeInput {
            received_on: day(received_on),
            source: Some(if d.rng.chance(70) { DisputeSource::Call } else { DisputeSource::Patrol }),
            kind: Some(if offence == SecurityOffence::PropertyDamage {
                DisputeKind::Damages
            } else {
                DisputeKind::Neighbour
            }),
            grade: Some(Grade::General),
            track: Some(Track::Security),
            title: format!("{}{}{}案", offender.name, what, a.name),
            amount_involved: Some(d.rng.range(2, 30) * 10_000),
            village_id: Some(a.village_id.clone()),
            officer_id: Some(presider.0.clone()),
            facts: Some(format!("{cause}，{course}。")),
            matters: Some("赔偿数额及赔礼道歉".into()),
            responsibility: Some("违法行为人负主要责任".into()),
            offence: Some(offence),
            occurred_at: Some(format!("{} {hour:02}:{:02}", received_on.format("%Y-%m-%d"), d.rng.range(0, 59))),
            place: Some(format!("{}村道旁", d.rng.pick(&["文化礼堂", "小卖部", "晒谷场", "村口"]))),
            cause: Some(cause.into()),
            course: Some(course.into()),
            circumstances: Some(circumstances.into()),
            result: Some(result.into()),
            ..Default::default()
        };
    } else {
        let story = *d.rng.pick(STORIES);
        let (kind, topic, facts, matters, responsibility, _, _, (lo, hi)) = story;
        let organisation =
            matches!(kind, DisputeKind::Labour | DisputeKind::PropertyMgmt | DisputeKind::Medical) && d.rng.chance(60);
        let (b_name, b) = if organisation {
            let (name, address) = *d.rng.pick(ORGANISATIONS);
            let rep = d.name(Sex::Male);
            let phone = d.phone();
            (
                name.to_owned(),
                PartyInput {
                    kind: Some(PartyKind::Organisation),
                    role: Some(PartyRole::Respondent),
                    name: Some(name.into()),
                    address: Some(address.into()),
                    legal_rep: Some(rep),
                    phone: Some(phone),
                    ..Default::default()
                },
            )
        } else {
            // A family quarrel stays in the household when it has another adult.
            let same_house: Vec<usize> = if kind == DisputeKind::Family {
                cast.adults
                    .iter()
                    .copied()
                    .filter(|i| d.persons[*i].household_id == a.household_id && d.persons[*i].id != a.id)
                    .take(4)
                    .collect()
            } else {
                vec![]
            };
            let b = match same_house.as_slice() {
                [] => adult(d, cast, &[&a.id]),
                many => d.persons[many[d.rng.below(many.len())]].clone(),
            };
            (b.name.clone(), party(d, &b, PartyRole::Respondent))
        };
        parties = vec![party(d, &a, PartyRole::Applicant), b];
        input = DisputeInput {
            received_on: day(received_on),
            source: Some(*d.rng.pick(&[
                DisputeSource::WalkIn,
                DisputeSource::WalkIn,
                DisputeSource::HundredHouseholdHead,
                DisputeSource::Call,
                DisputeSource::Patrol,
                DisputeSource::Assigned,
            ])),
            kind: Some(kind),
            grade: Some(*d.rng.pick(&[Grade::Simple, Grade::Simple, Grade::General, Grade::General, Grade::Major])),
            track: Some(Track::People),
            title: format!("{}与{}{}纠纷", a.name, b_name, topic),
            amount_involved: Some(d.rng.range(lo, hi) * 100),
            village_id: Some(a.village_id.clone()),
            officer_id: Some(presider.0.clone()),
            facts: Some(facts.into()),
            matters: Some(matters.into()),
            responsibility: Some(responsibility.into()),
            ..Default::default()
        };
    }
    input.parties = std::mem::take(&mut parties);
    let story_terms = if security {
        CASES
            .iter()
            .find(|c| Some(c.0) == input.offence)
            .map(|c| (c.6, "现金一次性支付"))
            .unwrap_or(("赔礼道歉", "当面履行"))
    } else {
        STORIES
            .iter()
            .find(|s| Some(s.0) == input.kind && input.title.contains(s.1))
            .map(|s| (s.5, s.6))
            .unwrap_or(("双方和解", "自行履行"))
    };

    let mut steps = vec![];
    let mut on = received_on;
    let session = |level, on: NaiveDate, outcome, presided: bool, mediators: Vec<String>| MediationInput {
        dispute_id: String::new(),
        level: Some(level),
        held_on: day(on),
        place: Some(if presided { "青山中心警务室".into() } else { "村委会调解室".into() }),
        mediators,
        presider_officer_id: presided.then(|| presider.0.clone()),
        officer_ids: vec![],
        attendees: None,
        recorder: Some(recorder.clone()),
        record: Some(match outcome {
            MediationOutcome::Settled => "经耐心疏导，双方各让一步，达成一致".into(),
            MediationOutcome::Failed => "双方分歧较大，均不愿让步，调解不成".into(),
            MediationOutcome::Escalated => "双方意见分歧，提交上一级调解".into(),
            MediationOutcome::Continued => "双方情绪有所缓和，约定择日再谈".into(),
        }),
        outcome: Some(outcome),
        recording_ref: None,
        mode: None,
        centre: None,
        lawyer_ids: vec![],
    };
    let chief = (*d.rng.pick(CHIEFS)).to_owned();
    let director = (*d.rng.pick(CHIEFS)).to_owned();
    let last_outcome = match fate {
        Fate::Registered => None,
        Fate::Withdrawn => d.rng.chance(50).then_some(MediationOutcome::Continued),
        Fate::Mediating => Some(MediationOutcome::Continued),
        Fate::Failed | Fate::Referred => Some(MediationOutcome::Failed),
        _ => Some(MediationOutcome::Settled),
    };
    if let Some(outcome) = last_outcome {
        if security {
            // 治安调解: police-presided, on the day of intake or the next; a second session when
            // the first did not settle at once.
            if outcome != MediationOutcome::Continued && d.rng.chance(30) {
                steps.push(Step::Mediate(session(
                    MediationLevel::Joint,
                    on,
                    MediationOutcome::Continued,
                    true,
                    vec![],
                )));
                on += Duration::days(1);
            }
            let mut s = session(MediationLevel::Joint, on, outcome, true, vec![]);
            if let Some((aux_id, _)) = &aux
                && d.rng.chance(40)
            {
                s.officer_ids = vec![aux_id.clone()];
                s.recording_ref = Some(format!("执法记录仪 {}-{:04}", on.format("%Y%m%d"), d.rng.below(10_000)));
            }
            steps.push(Step::Mediate(s));
        } else {
            // The ladder: often 初调 by the 百户长, then 复调 by the 治保主任, then 联调 at the post.
            let start = *d.rng.pick(&[
                MediationLevel::Initial,
                MediationLevel::Initial,
                MediationLevel::Review,
                MediationLevel::Joint,
            ]);
            let ladder: Vec<MediationLevel> = [MediationLevel::Initial, MediationLevel::Review, MediationLevel::Joint]
                .into_iter()
                .filter(|l| *l >= start)
                .collect();
            let stop = if outcome == MediationOutcome::Continued { 1 } else { 1 + d.rng.below(ladder.len()) };
            for (i, level) in ladder.iter().take(stop).enumerate() {
                on += Duration::days(d.rng.range(1, 2));
                let last = i + 1 == stop;
                let out = if last { outcome } else { MediationOutcome::Escalated };
                let (mediators, presided) = match level {
                    MediationLevel::Initial => (vec![chief.clone()], false),
                    MediationLevel::Review => (vec![director.clone()], false),
                    MediationLevel::Joint => (vec![chief.clone(), director.clone()], true),
                };
                steps.push(Step::Mediate(session(*level, on, out, presided, mediators)));
            }
        }
    }
    let settled_on = on;
    let kind = match (oral, security) {
        (true, _) => AgreementKind::Oral,
        (false, true) => AgreementKind::Security,
        (false, false) => AgreementKind::People,
    };
    let deadline = match fate {
        Fate::Fulfilling => today + Duration::days(d.rng.range(3, 25)),
        _ => settled_on + Duration::days(d.rng.range(5, 20)),
    };
    let agreement = AgreementInput {
        kind: Some(kind),
        terms: Some(story_terms.0.into()),
        performance_method: Some(story_terms.1.into()),
        performance_place: Some(if security { "青山中心警务室".into() } else { "当事人住所".into() }),
        performance_deadline: day(deadline),
        copies: Some(3),
        mediators: if security { vec![presider.1.clone()] } else { vec![chief.clone(), director.clone()] },
        recorder: Some(recorder.clone()),
        presider_officer_id: security.then(|| presider.0.clone()),
        effective_on: day(settled_on),
        issuer: None,
    };
    let fulfilled_on = (deadline - Duration::days(d.rng.range(0, 3))).max(settled_on).min(today);
    match fate {
        Fate::Registered | Fate::Mediating | Fate::Failed => {}
        Fate::Agreed => steps.push(Step::Save(AgreementInput {
            kind: Some(kind),
            terms: agreement.terms.clone(),
            ..Default::default()
        })),
        Fate::Referred => {
            let to = if security { "青山派出所（依法作出处理决定）" } else { *d.rng.pick(REFER_TO) };
            steps.push(Step::Refer(to, (settled_on + Duration::days(3)).min(today)));
        }
        Fate::Withdrawn => steps.push(Step::Withdraw("双方已自行和解，申请人撤回调解申请")),
        Fate::Fulfilling | Fate::Overdue | Fate::FulfilledAwaitingFollowUp | Fate::Closed | Fate::Defaulted => {
            steps.push(Step::Save(agreement));
            steps.push(Step::Finalise);
            let fulfilment = |fulfilled: bool, on: NaiveDate, note: &str| {
                Step::Fulfil(FulfilmentInput {
                    dispute_id: String::new(),
                    fulfilled,
                    on: day(on),
                    note: Some(note.into()),
                })
            };
            match fate {
                Fate::FulfilledAwaitingFollowUp => steps.push(fulfilment(true, fulfilled_on, "已按协议履行完毕")),
                Fate::Closed => {
                    steps.push(fulfilment(true, fulfilled_on, "已按协议履行完毕"));
                    let done_on = (deadline + Duration::days(d.rng.range(0, 7))).min(today).max(fulfilled_on);
                    steps.push(Step::FollowUp(FollowUpInput {
                        done_on: day(done_on),
                        held: true,
                        satisfaction: Some((*d.rng.pick(&["满意", "满意", "基本满意"])).into()),
                        notes: Some((*d.rng.pick(FOLLOW_NOTES)).into()),
                        officer_id: Some(presider.0.clone()),
                        ..Default::default()
                    }));
                }
                Fate::Defaulted => {
                    steps.push(fulfilment(
                        false,
                        (deadline + Duration::days(2)).min(today),
                        "逾期未履行，经催告仍未履行",
                    ));
                    if security && d.rng.chance(50) {
                        steps.push(Step::Refer("青山派出所（依法作出处理决定）", today));
                    }
                }
                _ => {}
            }
        }
    }
    Plan { input, steps }
}

const BATCH: usize = 100;

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    // About one dispute per fifteen households (at least one of every fate), bounded so a
    // county-sized demo stays quick.
    let n = (d.persons.len() / 50).clamp(FIRST.len(), 3_000);
    let conn = d.api.store().conn();
    let officers = place::list_officers(conn)?;
    let no_id: HashSet<String> = conn
        .prepare("SELECT id FROM person WHERE id_number IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let today = d.today;
    let with_id = |p: &DemoPerson| !no_id.contains(&p.id);
    let cast = Cast {
        adults: (0..d.persons.len())
            .filter(|i| with_id(&d.persons[*i]) && age_on(d.persons[*i].birth, today) >= 18)
            .collect(),
        minors: (0..d.persons.len())
            .filter(|i| with_id(&d.persons[*i]) && (14..16).contains(&age_on(d.persons[*i].birth, today)))
            .collect(),
        officers: officers.iter().filter(|o| o.role == Role::Officer).map(|o| (o.id.clone(), o.name.clone())).collect(),
        auxiliaries: officers
            .iter()
            .filter(|o| o.role == Role::Auxiliary)
            .map(|o| (o.id.clone(), o.name.clone()))
            .collect(),
    };
    if n == 0 || cast.adults.len() < 2 || cast.officers.is_empty() {
        return Ok(());
    }
    let mut done = 0;
    while done < n {
        let plans: Vec<Plan> =
            (done..done + BATCH.min(n - done)).map(|i| plan(d, &cast, FIRST.get(i).copied())).collect();
        done += plans.len();
        d.api.store_mut().write(|tx| {
            for p in plans {
                let id = dispute::create(tx, p.input)?;
                for step in p.steps {
                    match step {
                        Step::Mediate(mut m) => {
                            m.dispute_id = id.clone();
                            dispute::add_mediation(tx, m)?;
                        }
                        Step::Save(a) => dispute::save_agreement(tx, &id, a)?,
                        Step::Finalise => {
                            dispute::finalise(tx, &id)?;
                        }
                        Step::Fulfil(mut f) => {
                            f.dispute_id = id.clone();
                            dispute::record_fulfilment(tx, f)?;
                        }
                        Step::FollowUp(mut f) => {
                            f.dispute_id = Some(id.clone());
                            dispute::record_follow_up(tx, f)?;
                        }
                        Step::Refer(to, on) => dispute::refer(tx, &id, to, day(on).as_deref())?,
                        Step::Withdraw(reason) => dispute::withdraw(tx, &id, Some(reason))?,
                    }
                }
            }
            Ok(())
        })?;
    }
    d.summary.disputes = n;
    Ok(())
}
