//! The demo's early-warning story: a resident in a dispute received this week who was a
//! party to another dispute a few months ago, and a fight between the two sides the day
//! before it was received (an 殴打 incident the new dispute links to). 首页's 风险预警 shows
//! it 红色, with both reasons. All names are the demo's made-up residents.

use chrono::Duration;
use rusqlite::OptionalExtension;

use super::Demo;
use crate::error::Result;
use crate::model::dispute::{DisputeInput, PartyInput};
use crate::model::incident::IncidentInput;
use crate::model::{Disposition, DisputeKind, DisputeSource, Grade, IncidentKind, PartyRole, Role};
use crate::store::{dispute, incident};

/// Three adults of one village with ID numbers: (id, name, village id, village name).
type Resident = (String, String, String, String);

fn three_neighbours(d: &Demo<'_>) -> Result<Option<[Resident; 3]>> {
    let adult = (d.today - Duration::days(25 * 365)).to_string();
    let conn = d.api.store().conn();
    let village: Option<(String, String)> = conn
        .query_row(
            "SELECT v.id, v.name FROM village v WHERE v.deleted_at IS NULL ORDER BY v.code, v.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((vid, vname)) = village else { return Ok(None) };
    let rows: Vec<Resident> = conn
        .prepare(
            "SELECT p.id, p.name FROM person p JOIN household h ON h.id = p.household_id
             WHERE h.village_id = ?1 AND p.id_number IS NOT NULL AND p.birth_date <= ?2 AND p.deleted_at IS NULL
             ORDER BY p.id LIMIT 3",
        )?
        .query_map([&vid, &adult], |r| Ok((r.get(0)?, r.get(1)?, vid.clone(), vname.clone())))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows.try_into().ok())
}

fn party(id: &str, role: PartyRole) -> PartyInput {
    PartyInput { person_id: Some(id.to_owned()), role: Some(role), ..Default::default() }
}

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    let Some([a, b, c]) = three_neighbours(d)? else { return Ok(()) };
    let today = d.today;
    let officer = d.officer(&[Role::Officer]);
    let day = |n: i64| (today - Duration::days(n)).to_string();
    d.api.store_mut().write(|tx| {
        // A few months ago: 甲 and 丙 over a drain, handed on to the 司法所.
        let earlier = dispute::create(
            tx,
            DisputeInput {
                received_on: Some(day(130)),
                source: Some(DisputeSource::WalkIn),
                kind: Some(DisputeKind::Neighbour),
                title: format!("{}与{}排水沟纠纷", a.1, c.1),
                village_id: Some(a.2.clone()),
                officer_id: Some(officer.clone()),
                facts: Some("一方新修排水沟将雨水引向邻居院子".into()),
                parties: vec![party(&a.0, PartyRole::Applicant), party(&c.0, PartyRole::Respondent)],
                ..Default::default()
            },
        )?;
        dispute::refer(tx, &earlier, "青山镇司法所", Some(&day(120)))?;
        // This week: 甲 and 乙 came to blows over a wall, and came to the post the next day.
        let fight = incident::create(
            tx,
            IncidentInput {
                occurred_at: format!("{} 19:40", day(4)),
                reported_at: Some(format!("{} 19:52", day(4))),
                place: format!("{}2组{}家门口", a.3, a.1),
                village_id: Some(a.2.clone()),
                kind: IncidentKind::Assault,
                reporter_name: Some(a.1.clone()),
                reporter_phone: None,
                reporter_person_id: Some(a.0.clone()),
                people: None,
                person_ids: vec![a.0.clone(), b.0.clone()],
                summary: format!("{}与{}因宅基地围墙争执，{}用锄头柄将对方手臂打伤", a.1, b.1, b.1),
                handling: Some("民警到场制止，双方约定到警务室调解".into()),
                disposition: Some(Disposition::Pending),
                dispute_id: None,
                case_no: None,
                officer_id: Some(officer.clone()),
            },
        )?;
        dispute::create(
            tx,
            DisputeInput {
                received_on: Some(day(3)),
                source: Some(DisputeSource::Call),
                kind: Some(DisputeKind::Homestead),
                grade: Some(Grade::General),
                title: format!("{}与{}宅基地围墙纠纷", a.1, b.1),
                village_id: Some(a.2.clone()),
                incident_id: Some(fight),
                officer_id: Some(officer.clone()),
                facts: Some("两户相邻，一方翻建围墙，另一方认为越过界址，双方发生肢体冲突".into()),
                matters: Some("围墙位置及医药费".into()),
                parties: vec![party(&a.0, PartyRole::Applicant), party(&b.0, PartyRole::Respondent)],
                ..Default::default()
            },
        )?;
        Ok(())
    })?;
    d.summary.disputes += 2;
    d.summary.incidents += 1;
    Ok(())
}
