//! Demo 结对帮扶: the admin's interval for 留守儿童, a care plan for most of the residents
//! tagged 独居老人 or 留守儿童 (paired with an officer, some with a village volunteer too),
//! visits against them (some now late), and needs found on visits, some helped.

use chrono::Duration;

use super::Demo;
use crate::error::Result;
use crate::model::care::{CareDefaultInput, CarePlanInput, NeedStep};
use crate::model::{CareNeedKind, Role};
use crate::store::care::{self, PlanVisit};

const NEEDS: &[(CareNeedKind, &str, &str)] = &[
    (CareNeedKind::Documents, "身份证过期，老人行动不便无法到窗口换领", "已代办换领并送证上门"),
    (CareNeedKind::SubsistenceAllowance, "家庭收入低，想申请低保", "已协助向村委会提交低保申请材料"),
    (CareNeedKind::Medical, "慢性病需定期配药，子女不在身边", "已联系村卫生室每月上门送药"),
    (CareNeedKind::Safety, "家中电线老化", "已请电工上门更换"),
];

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    // (person, household, tag) of the residents the plans are for.
    let cared: Vec<(String, String)> = d
        .api
        .store()
        .conn()
        .prepare(
            "SELECT p.id, CASE WHEN p.tags LIKE '%\"elderly_alone\"%' THEN 'elderly_alone' ELSE 'left_behind_child' END
             FROM person p WHERE p.deleted_at IS NULL AND p.household_id IS NOT NULL
               AND (p.tags LIKE '%\"elderly_alone\"%' OR p.tags LIKE '%\"left_behind_child\"%') ORDER BY p.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let volunteers: Vec<String> = d
        .api
        .store()
        .conn()
        .prepare("SELECT id FROM volunteer WHERE deleted_at IS NULL AND active_to IS NULL ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut plans = Vec::new();
    for (person, tag) in cared {
        if !d.rng.chance(80) {
            continue;
        }
        let officer = d.officer(&[Role::Officer, Role::Auxiliary]);
        let volunteer = (!volunteers.is_empty() && d.rng.chance(40)).then(|| d.rng.pick(&volunteers).clone());
        let started = d.days_ago(90, 400);
        // Visits from the start on, about every interval, the last some days ago (some late).
        let last = d.rng.range(0, 45);
        let need = d.rng.chance(25).then(|| (*d.rng.pick(NEEDS), d.rng.chance(60)));
        plans.push((person, tag, officer, volunteer, started, last, need));
    }
    let today = d.today;
    d.api.store_mut().write(|tx| {
        care::set_default(tx, CareDefaultInput { tag: "left_behind_child".into(), interval_days: 45 })?;
        for (person, tag, officer, volunteer, started, last, need) in plans {
            let plan = care::create_plan(
                tx,
                CarePlanInput {
                    person_id: Some(person),
                    tag,
                    officer_id: Some(officer),
                    volunteer_id: volunteer,
                    started_on: Some(started.format("%Y-%m-%d").to_string()),
                    ..Default::default()
                },
            )?;
            let on = today - Duration::days(last);
            if on < started {
                continue;
            }
            let found = need.map(|((kind, what, _), _)| (kind, what.to_owned()));
            let pv =
                PlanVisit { visited_on: Some(on.format("%Y-%m-%d").to_string()), need: found, ..Default::default() };
            care::visit(tx, &plan, pv)?;
            if let Some(((_, _, help), true)) = need {
                // The need just found, helped on the day.
                let n = care::needs(tx.conn(), &plan)?.remove(0);
                care::need_step(tx, &n.id, NeedStep::Help, Some(help), Some(on), None)?;
            }
        }
        Ok(())
    })
}
