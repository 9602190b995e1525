//! Demo 表彰奖励: a few 见义勇为 nominations (one linked to the incident it came from) and
//! a few for the station's 好人 award, most decided and some paid, the latest this month.

use chrono::Duration;

use super::Demo;
use crate::error::Result;
use crate::model::award::AwardInput;
use crate::model::{AwardDecision, AwardKind};
use crate::store::award;

/// (kind, deed, days before today it happened, days to the nomination, to the decision, the
/// decision, the amount in fen, days from the decision to the payment).
type Nomination = (AwardKind, &'static str, i64, i64, i64, AwardDecision, i64, Option<i64>);

const NOMINATIONS: &[Nomination] = &[
    (AwardKind::Valor, "跳入鱼塘救起落水儿童", 70, 2, 20, AwardDecision::Approved, 200_000, Some(5)),
    (AwardKind::Valor, "协助民警当场抓获盗窃电瓶车嫌疑人", 40, 1, 15, AwardDecision::Approved, 100_000, Some(3)),
    (AwardKind::Valor, "扑灭邻居家厨房起火，疏散老人", 20, 1, 10, AwardDecision::Approved, 50_000, None),
    (AwardKind::Valor, "拦下酒后驾驶的三轮车", 12, 2, 0, AwardDecision::Pending, 0, None),
    (
        AwardKind::GoodPerson,
        "拾到装有现金和银行卡的皮包，报警交还失主",
        50,
        3,
        5,
        AwardDecision::Approved,
        20_000,
        Some(0),
    ),
    (AwardKind::GoodPerson, "常年义务照看同组独居老人", 35, 5, 7, AwardDecision::Approved, 20_000, Some(1)),
    (AwardKind::GoodPerson, "帮邻居找回走失的老人", 15, 2, 3, AwardDecision::Declined, 0, None),
    (AwardKind::GoodPerson, "雨夜帮助被困路人推车", 6, 1, 0, AwardDecision::Pending, 0, None),
];

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    if d.persons.is_empty() {
        return Ok(());
    }
    let incident: Option<String> = d
        .api
        .store()
        .conn()
        .prepare("SELECT id FROM incident WHERE deleted_at IS NULL ORDER BY occurred_at DESC, id LIMIT 1")?
        .query_row([], |r| r.get(0))
        .ok();
    let people: Vec<_> = (0..NOMINATIONS.len()).map(|_| d.rng.pick(&d.persons).clone()).collect();
    let today = d.today;
    let day = |n: i64| (today - Duration::days(n)).format("%Y-%m-%d").to_string();
    d.api.store_mut().write(|tx| {
        for (i, ((kind, deed, ago, to_nomination, to_decision, decision, fen, to_payment), p)) in
            NOMINATIONS.iter().zip(people).enumerate()
        {
            let nominated = ago - to_nomination;
            let id = award::create(
                tx,
                AwardInput {
                    kind: Some(*kind),
                    person_id: Some(p.id),
                    village_id: Some(p.village_id),
                    deed: (*deed).to_owned(),
                    deed_on: day(*ago),
                    incident_id: if i == 1 { incident.clone() } else { None },
                    nominated_on: Some(day(nominated)),
                    ..Default::default()
                },
            )?;
            if *decision == AwardDecision::Pending {
                continue;
            }
            let decided = nominated - to_decision;
            let fen = (*fen > 0).then_some(*fen);
            award::decide(tx, &id, *decision, Some(today - Duration::days(decided)), None, fen)?;
            if let Some(after) = to_payment {
                award::pay(tx, &id, Some(&day(decided - after)), None)?;
            }
        }
        Ok(())
    })
}
