//! Demo prevention work: two volunteer teams (an 义警 team and a women's patrol team),
//! 百户长 and 网格员 in every village, weekly patrols over the past months with findings
//! handed on as leads and hazards, hazards in every state with rewards paid, monthly
//! anti-fraud outreach, residents' feedback, and last year's 五无 confirmed.

use chrono::{Datelike, Duration};

use super::Demo;
use crate::error::Result;
use crate::model::prevention::*;
use crate::model::{FeedbackChannel, FindingHandling, HazardKind, LeadStatus, OutreachTopic, PatrolMode};
use crate::model::{Role, VolunteerRole};
use crate::store::prevention as store;

const HAZARDS: &[(HazardKind, &str, &str)] = &[
    (HazardKind::IllegalCharging, "楼道内私拉电线给电动自行车充电", "楼道"),
    (HazardKind::Wiring, "老旧民房电线裸露、私接乱拉", "民房"),
    (HazardKind::BlockedFireLane, "村道消防通道被杂物堵塞", "村道"),
    (HazardKind::Gas, "餐馆液化气瓶与灶具连接软管老化", "村口餐馆"),
    (HazardKind::UnsafeBuilding, "无人居住的土坯房墙体开裂", "老屋"),
    (HazardKind::Water, "水塘边缺少防溺水警示牌", "水塘"),
];
const LEADS: &[&str] = &[
    "村后空地有人聚集赌博",
    "有陌生人挨家推销保健品，疑似诈骗",
    "深夜有车辆在山林边停留，形迹可疑",
    "有人在村里收购旧手机卡",
];
const FEEDBACK: &[(&str, &str)] = &[
    ("村口路灯坏了，晚上出行不安全", "已联系村委会更换路灯，请群众留意夜间出行安全"),
    ("希望多组织一些防诈骗讲座，老人容易上当", "每月在文化礼堂开展反诈宣传，欢迎参加"),
    ("学校门口上下学时段车辆多，希望安排人员疏导", "已安排巡防队员在上下学时段值守"),
    ("建议在水库边加装护栏", "已转交镇应急办，正在协调"),
];

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    let villages = d.villages.clone();
    // At least one volunteer of each of the four roles per village, so a small demo has patrols.
    let per_village = (d.persons.len() / villages.len().max(1) / 120).clamp(4, 30);
    // Volunteers, picked from the residents of their own villages where possible.
    let mut plan = vec![];
    for (vi, village) in villages.iter().enumerate() {
        for k in 0..per_village {
            let role = match k % 4 {
                0 => VolunteerRole::HundredHouseholdHead,
                1 => VolunteerRole::GridWorker,
                2 => VolunteerRole::PoliceVolunteer,
                _ => VolunteerRole::Patroller,
            };
            let residents: Vec<_> = d
                .persons
                .iter()
                .filter(|p| &p.village_id == village && (d.today - p.birth).num_days() / 365 >= 25)
                .take(400)
                .cloned()
                .collect();
            let p = if residents.is_empty() { d.resident() } else { residents[d.rng.below(residents.len())].clone() };
            plan.push((vi, role, p, d.days_ago(60, 1500), d.rng.chance(6)));
        }
    }
    let officer = d.officer(&[Role::Officer]);
    let today = d.today;
    let mut rng = d.rng.clone();
    let made = d.api.store_mut().write(|tx| {
        let police = store::create_team(
            tx,
            TeamInput { name: "青山义警队".into(), founded_on: Some("2019-05-04".into()), ..Default::default() },
        )?;
        let women = store::create_team(
            tx,
            TeamInput {
                name: "木兰女子巡防队".into(),
                village_id: villages.first().cloned(),
                founded_on: Some("2021-03-08".into()),
                ..Default::default()
            },
        )?;
        let mut members = vec![];
        for (vi, role, p, from, left) in plan {
            let team = match role {
                VolunteerRole::PoliceVolunteer => Some(police.clone()),
                VolunteerRole::Patroller if p.sex == crate::model::Sex::Female => Some(women.clone()),
                VolunteerRole::Patroller => Some(police.clone()),
                _ => None,
            };
            let id = store::create_volunteer(
                tx,
                VolunteerInput {
                    person_id: Some(p.id.clone()),
                    name: None,
                    phone: None,
                    role,
                    team_id: team.clone(),
                    village_id: Some(villages[vi].clone()),
                    service_station_id: None,
                    active_from: Some(from.format("%Y-%m-%d").to_string()),
                    active_to: None,
                    training: Some("参加派出所组织的巡防、调解和反诈培训".into()),
                    notes: None,
                },
            )?;
            if left {
                store::end_volunteer(tx, &id, today - Duration::days(30))?;
            } else if team.is_some() {
                members.push((id, team, vi));
            }
        }
        // Weekly patrols over the past six months.
        let mut patrols = 0;
        for week in 1..=26 {
            if members.is_empty() {
                break;
            }
            let (leader, team, vi) = members[rng.below(members.len())].clone();
            let mates: Vec<String> = std::iter::once(leader.clone())
                .chain((0..2).map(|_| members[rng.below(members.len())].0.clone()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let day = today - Duration::days(week * 7 - rng.range(0, 3));
            let start = format!("{} 19:{:02}", day.format("%Y-%m-%d"), rng.range(0, 30));
            let end = format!("{} 21:{:02}", day.format("%Y-%m-%d"), rng.range(0, 50));
            let mut findings = vec![];
            if rng.chance(45) {
                let (kind, what, place) = HAZARDS[rng.below(HAZARDS.len())];
                findings.push(FindingInput {
                    description: what.into(),
                    handling: FindingHandling::Hazard,
                    result: None,
                    hazard_kind: Some(kind),
                    place: Some(place.into()),
                    incident_id: None,
                });
            }
            if rng.chance(20) {
                findings.push(FindingInput {
                    description: LEADS[rng.below(LEADS.len())].into(),
                    handling: FindingHandling::Lead,
                    result: None,
                    hazard_kind: None,
                    place: None,
                    incident_id: None,
                });
            }
            if rng.chance(50) {
                findings.push(FindingInput {
                    description: "村民家门未锁，已提醒".into(),
                    handling: FindingHandling::Handled,
                    result: Some("当场提醒户主锁好门窗".into()),
                    hazard_kind: None,
                    place: None,
                    incident_id: None,
                });
            }
            store::create_patrol(
                tx,
                PatrolInput {
                    team_id: team,
                    volunteer_ids: mates,
                    officer_id: rng.chance(50).then(|| officer.clone()),
                    started_at: start,
                    ended_at: end,
                    mode: *rng.pick(&[PatrolMode::Fixed, PatrolMode::Joint, PatrolMode::Cross]),
                    route: Some("村委会—文化礼堂—村口桥—水塘—后山路口".into()),
                    places: Some("文化礼堂、村口桥".into()),
                    village_id: Some(villages[vi].clone()),
                    notes: None,
                    findings,
                },
            )?;
            patrols += 1;
        }
        // Move hazards through their lives: older ones further along.
        for h in store::list_hazards(tx.conn(), None, None, false, today)? {
            let found = crate::model::time::parse_date(&h.found_on).unwrap_or(today);
            let age = (today - found).num_days();
            let deadline = found + Duration::days(14);
            if rng.chance(8) {
                store::hazard_step(
                    tx,
                    &h.id,
                    HazardStep::Reject,
                    Some(found + Duration::days(1)),
                    Some("经核查系误报"),
                    None,
                    None,
                )?;
                continue;
            }
            store::hazard_step(
                tx,
                &h.id,
                HazardStep::Verify,
                Some(found + Duration::days(1).min(Duration::days(age))),
                None,
                Some(deadline),
                Some("户主"),
            )?;
            store::pay_reward(
                tx,
                &h.id,
                *rng.pick(&[500, 1000, 1500, 2000]),
                Some(found + Duration::days(2).min(Duration::days(age))),
            )?;
            if age > 20 && rng.chance(85) {
                store::hazard_step(
                    tx,
                    &h.id,
                    HazardStep::Fix,
                    Some(found + Duration::days(10)),
                    Some("已整改到位"),
                    None,
                    None,
                )?;
                if age > 40 {
                    store::hazard_step(
                        tx,
                        &h.id,
                        HazardStep::Recheck,
                        Some(found + Duration::days(30)),
                        Some("回头看无反弹，销号"),
                        None,
                        None,
                    )?;
                }
            }
        }
        // Some leads verified and closed.
        for l in store::list_leads(tx.conn(), Some(LeadStatus::Received))? {
            if rng.chance(60) {
                store::advance_lead(tx, &l.id, LeadStatus::Closed, Some("经核查未发现违法犯罪行为"), None, None)?;
            } else if rng.chance(40) {
                store::advance_lead(
                    tx,
                    &l.id,
                    LeadStatus::Converted,
                    Some("查处赌博窝点一处"),
                    None,
                    Some("青山公（治）立字〔2026〕88号"),
                )?;
            }
        }
        // Monthly anti-fraud outreach, and other topics.
        for m in 0..12 {
            let vi = rng.below(villages.len());
            let audience = rng.range(30, 200);
            store::create_outreach(
                tx,
                OutreachInput {
                    held_on: Some((today - Duration::days(m * 30 + rng.range(0, 20))).format("%Y-%m-%d").to_string()),
                    topic: if m % 3 == 2 { OutreachTopic::AntiDrug } else { OutreachTopic::AntiFraud },
                    title: Some(if m % 3 == 2 { "禁毒知识进文化礼堂" } else { "反诈宣传进村入户" }.into()),
                    place: "村文化礼堂".into(),
                    village_id: Some(villages[vi].clone()),
                    audience,
                    leaflets: audience + rng.range(0, 100),
                    app_registrations: rng.range(0, audience / 3),
                    officer_id: Some(officer.clone()),
                    notes: None,
                },
            )?;
        }
        for (k, (content, answer)) in FEEDBACK.iter().enumerate() {
            let id = store::create_feedback(
                tx,
                FeedbackInput {
                    received_on: Some((today - Duration::days(10 + k as i64 * 25)).format("%Y-%m-%d").to_string()),
                    channel: if k % 2 == 0 { FeedbackChannel::OpinionBox } else { FeedbackChannel::Meeting },
                    content: (*content).into(),
                    from_name: None,
                    from_phone: None,
                    village_id: Some(villages[k % villages.len()].clone()),
                },
            )?;
            if k > 0 {
                store::answer_feedback(tx, &id, answer, Some(&officer), k > 1)?;
            }
        }
        // Last year's 五无, confirmed where the data allows.
        let year = today.year() - 1;
        for f in store::five_nones(tx.conn(), year)? {
            store::confirm_five_nones(
                tx,
                &f.village_id,
                year,
                FiveNones { no_petitions: Some(true), no_cults: Some(true), ..f.derived },
                &officer,
                None,
            )?;
        }
        Ok(patrols)
    })?;
    d.summary.patrols = made;
    d.rng = rng;
    Ok(())
}
