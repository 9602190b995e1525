//! Demo 驿站: a 红警驿站 in each of the first two villages, opened most of a year ago, two
//! 警务助理 from each village's residents serving there (one of the first station's since
//! left), and errands collected at each over the past two months, taken by the assistant
//! serving that day, most by proxy or at home (一次不用跑) and a few by appointment, some
//! still open. Every write goes through the store's rules, as the user's would.

use chrono::Duration;

use super::{Demo, DemoPerson};
use crate::error::Result;
use crate::model::errand::{ErrandAction, ErrandInput, StepDetails};
use crate::model::prevention::VolunteerInput;
use crate::model::service_station::ServiceStationInput;
use crate::model::{DeliveryMethod, ErrandMode, Role, VolunteerRole};
use crate::store::errand::{self, Step};
use crate::store::prevention::{create_volunteer, end_volunteer};
use crate::store::{place, service_station};

const HOURS: &[&str] = &["每周一、三、五 8:30-11:30，其余时间电话预约", "每天 8:00-12:00、14:00-17:00"];
const NOTES: &[&str] = &["老人委托警务助理代为申请", "子女在外地，电话委托", "警务助理入户收集"];

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    let items: Vec<String> = errand::catalogue(d.api.store().conn(), false)?
        .categories
        .into_iter()
        .flat_map(|c| c.items)
        .map(|i| i.id)
        .collect();
    if items.is_empty() || d.persons.is_empty() {
        return Ok(());
    }
    let today = d.today;
    let day = |n: i64| (today - Duration::days(n)).format("%Y-%m-%d").to_string();
    for (k, village) in d.villages.clone().into_iter().take(2).enumerate() {
        let residents: Vec<DemoPerson> = d.persons.iter().filter(|p| p.village_id == village).cloned().collect();
        if residents.len() < 3 {
            continue;
        }
        let name = place::village_name(d.api.store().conn(), "village_id", &village)?;
        let assistants: Vec<DemoPerson> = (0..2).map(|_| residents[d.rng.below(residents.len())].clone()).collect();
        let officer = d.officer(&[Role::Officer, Role::Auxiliary]);
        // Requests over the past two months: (days ago, applicant, item, mode, how far it got).
        let requests: Vec<(i64, DemoPerson, String, ErrandMode, u32)> = (0..8)
            .map(|_| {
                let ago = d.rng.range(0, 55);
                let who = residents[d.rng.below(residents.len())].clone();
                let item = d.rng.pick(&items).clone();
                let mode = match d.rng.below(10) {
                    0..=4 => ErrandMode::Proxy,
                    5..=7 => ErrandMode::HomeVisit,
                    _ => ErrandMode::Appointment,
                };
                (ago, who, item, mode, d.rng.below(4) as u32)
            })
            .collect();
        let note = *d.rng.pick(NOTES);
        d.api.store_mut().write(|tx| {
            let station = service_station::create(
                tx,
                ServiceStationInput {
                    name: format!("{name}红警驿站"),
                    village_id: village.clone(),
                    address: Some(format!("{name}村委会一楼")),
                    hours: Some(HOURS[k % HOURS.len()].into()),
                    notes: Some("警务助理收集群众需求，民警定期上门办理".into()),
                    opened_on: Some(day(300)),
                    closed_on: None,
                },
            )?;
            let mut serving = Vec::new();
            for (i, p) in assistants.iter().enumerate() {
                let id = create_volunteer(
                    tx,
                    VolunteerInput {
                        person_id: Some(p.id.clone()),
                        name: None,
                        phone: None,
                        role: VolunteerRole::PoliceAssistant,
                        team_id: None,
                        village_id: Some(village.clone()),
                        service_station_id: Some(station.clone()),
                        active_from: Some(day(300)),
                        active_to: None,
                        training: Some("参加派出所组织的户籍、代办业务培训".into()),
                        notes: None,
                    },
                )?;
                // The first station's first assistant left sixty days ago.
                let left = k == 0 && i == 0;
                if left {
                    end_volunteer(tx, &id, today - Duration::days(60))?;
                }
                serving.push((id, left));
            }
            for (ago, who, item, mode, steps) in requests {
                let assistant = serving.iter().find(|(_, left)| !left).map(|(id, _)| id.clone());
                let id = errand::create(
                    tx,
                    ErrandInput {
                        person_id: Some(who.id),
                        applicant_name: None,
                        applicant_phone: None,
                        service_item_id: item,
                        mode,
                        requested_on: Some(day(ago)),
                        due_on: Some(day(ago - 20)),
                        officer_id: Some(officer.clone()),
                        notes: Some(note.into()),
                        service_station_id: Some(station.clone()),
                        assistant_id: assistant,
                    },
                )?;
                let on = |n: i64| Some(today - Duration::days((ago - n).max(0)));
                let step = |action, on, details| Step { action, on, details, note: None };
                if steps >= 1 {
                    errand::step(tx, &id, step(ErrandAction::Start, on(1), StepDetails::default()))?;
                }
                if steps >= 2 {
                    errand::step(tx, &id, step(ErrandAction::Finish, on(5), StepDetails::default()))?;
                }
                if steps >= 3 {
                    let details = StepDetails { delivery_method: Some(DeliveryMethod::InPerson), ..Default::default() };
                    errand::step(tx, &id, step(ErrandAction::Deliver, on(6), details))?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}
