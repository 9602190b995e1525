//! Demo errands: about one per ten households, many for residents over 60 (红色代办 is
//! above all for the elderly), in every status: open ones within their time limit, open
//! ones overdue, done ones awaiting delivery, delivered ones by mail (with a tracking
//! number) or in person, and a few cancelled. Every step goes through the store's
//! lifecycle, so the demo obeys the same rules as the user.

use chrono::{Duration, NaiveDate};

use super::{Demo, DemoPerson};
use crate::error::Result;
use crate::model::errand::{ErrandAction, ErrandInput, StepDetails};
use crate::model::time::age_on;
use crate::model::{DeliveryMethod, ErrandMode, ErrandStatus, Role, Sex};
use crate::store::errand::{self, Step};

const NOTES: &[&str] = &[
    "老人行动不便，子女在外地，委托警务室代办",
    "已电话告知所需材料，约定上门采集照片",
    "申请人在外务工，材料由家属送到警务室",
    "百户长反映需求，民警上门受理",
    "材料齐全，当场受理",
    "需补充户口簿复印件，已告知家属",
];
const START_NOTES: &[&str] =
    &["已上门采集照片和指纹", "材料已送派出所户籍窗口", "已在系统中提交申请", "已联系相关部门核实"];
const CANCEL_REASONS: &[&str] = &[
    "申请人已自行到派出所办理",
    "申请人材料不全，暂缓办理，待补齐后重新申请",
    "申请人表示暂不需要办理",
    "经核实不属于代办范围，已引导至相关部门",
];
const COURIERS: &[&str] = &["SF", "YT", "ZTO", "JD"];

/// What one demo errand will become.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Open(ErrandStatus),
    Overdue(ErrandStatus),
    Done,
    Delivered(DeliveryMethod),
    Cancelled,
}

struct Plan {
    input: ErrandInput,
    steps: Vec<Step>,
}

fn plan(d: &mut Demo<'_>, items: &[(String, i64)], elderly: &[usize]) -> Plan {
    let (item_id, limit) = d.rng.pick(items).clone();
    let person: Option<DemoPerson> = if !elderly.is_empty() && d.rng.chance(60) {
        Some(d.persons[elderly[d.rng.below(elderly.len())]].clone())
    } else if d.rng.chance(90) {
        Some(d.resident())
    } else {
        None
    };
    let old = person.as_ref().is_some_and(|p| age_on(p.birth, d.today) >= 60);
    let mode = match (old, d.rng.below(10)) {
        (true, 0..=5) => ErrandMode::HomeVisit,
        (true, _) | (false, 0..=4) => ErrandMode::Proxy,
        _ => ErrandMode::Appointment,
    };
    let fate = match d.rng.below(100) {
        0..=14 => Fate::Open(ErrandStatus::Accepted),
        15..=29 => Fate::Open(ErrandStatus::InProgress),
        30..=36 => Fate::Overdue(ErrandStatus::Accepted),
        37..=42 => Fate::Overdue(ErrandStatus::InProgress),
        43..=52 => Fate::Done,
        53..=72 => Fate::Delivered(DeliveryMethod::Mail),
        73..=92 => Fate::Delivered(DeliveryMethod::InPerson),
        _ => Fate::Cancelled,
    };
    let requested_on = match fate {
        Fate::Open(_) => d.today - Duration::days(d.rng.range(0, limit)),
        Fate::Overdue(_) => d.today - Duration::days(limit + d.rng.range(1, 30)),
        _ => d.days_ago(limit + 3, 400),
    };
    let (applicant_name, applicant_phone) = match &person {
        Some(_) => (None, None),
        None => {
            let sex = if d.rng.chance(50) { Sex::Male } else { Sex::Female };
            (Some(d.name(sex)), Some(d.phone()))
        }
    };
    let input = ErrandInput {
        person_id: person.as_ref().map(|p| p.id.clone()),
        applicant_name,
        applicant_phone,
        service_item_id: item_id,
        mode,
        requested_on: Some(requested_on.format("%Y-%m-%d").to_string()),
        due_on: None,
        officer_id: Some(d.officer(&[Role::Officer, Role::Auxiliary])),
        notes: d.rng.chance(60).then(|| (*d.rng.pick(NOTES)).to_owned()),
        service_station_id: None,
        assistant_id: None,
    };
    let today = d.today;
    let mut on = requested_on;
    let mut later = |d: &mut Demo<'_>, max: i64| -> NaiveDate {
        on = (on + Duration::days(d.rng.range(0, max.max(0)))).min(today);
        on
    };
    let mut steps = Vec::new();
    let step =
        |action, on, details, note: Option<&str>| Step { action, on: Some(on), details, note: note.map(Into::into) };
    let started = !matches!(fate, Fate::Open(ErrandStatus::Accepted) | Fate::Overdue(ErrandStatus::Accepted));
    let cancel_early = fate == Fate::Cancelled && d.rng.chance(50);
    if started && !cancel_early {
        let note = d.rng.chance(50).then(|| *d.rng.pick(START_NOTES));
        steps.push(step(ErrandAction::Start, later(d, 2), StepDetails::default(), note));
    }
    match fate {
        Fate::Cancelled => {
            let reason = Some((*d.rng.pick(CANCEL_REASONS)).to_owned());
            steps.push(step(ErrandAction::Cancel, later(d, 5), StepDetails { reason, ..Default::default() }, None));
        }
        Fate::Done | Fate::Delivered(_) => {
            steps.push(step(ErrandAction::Finish, later(d, limit), StepDetails::default(), None));
            if let Fate::Delivered(method) = fate {
                let tracking_no = (method == DeliveryMethod::Mail).then(|| {
                    let courier = *d.rng.pick(COURIERS);
                    format!("{courier}{:012}", d.rng.below(1_000_000_000_000))
                });
                let delivery_address = match (&person, method) {
                    (None, DeliveryMethod::Mail) => Some(format!("青山镇{}号", d.rng.range(1, 300))),
                    _ => None,
                };
                let details =
                    StepDetails { delivery_method: Some(method), tracking_no, delivery_address, reason: None };
                steps.push(step(ErrandAction::Deliver, later(d, 5), details, None));
            }
        }
        Fate::Open(_) | Fate::Overdue(_) => {}
    }
    Plan { input, steps }
}

const BATCH: usize = 500;

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    let n = d.summary.households.div_ceil(10);
    let items: Vec<(String, i64)> = errand::catalogue(d.api.store().conn(), false)?
        .categories
        .into_iter()
        .flat_map(|c| c.items)
        .map(|i| (i.id, i.time_limit_days.unwrap_or(7)))
        .collect();
    if items.is_empty() || d.persons.is_empty() {
        return Ok(());
    }
    let today = d.today;
    let elderly: Vec<usize> =
        d.persons.iter().enumerate().filter(|(_, p)| age_on(p.birth, today) >= 60).map(|(i, _)| i).collect();
    let mut done = 0;
    while done < n {
        let plans: Vec<Plan> = (0..BATCH.min(n - done)).map(|_| plan(d, &items, &elderly)).collect();
        done += plans.len();
        d.api.store_mut().write(|tx| {
            for p in plans {
                let id = errand::create(tx, p.input)?;
                for s in p.steps {
                    errand::step(tx, &id, s)?;
                }
            }
            Ok(())
        })?;
    }
    d.summary.errands = n;
    Ok(())
}
