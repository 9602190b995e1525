//! Demo 法律顾问: one 驻所律师 serving the post for over a year, a sitting each week for the
//! last twelve weeks, and the lawyer taking part in the latest 联调 rounds, one of them held
//! by video with the town's mediation centre (视频联调). Nothing here draws on the random
//! stream, so the rest of the demo stays as it was.

use chrono::Duration;

use super::Demo;
use crate::error::Result;
use crate::model::MediationMode;
use crate::model::counsel::{LawyerInput, SittingInput};
use crate::store::{counsel, dispute};

const TOPICS: &[&str] = &[
    "土地承包经营权流转、宅基地界址",
    "赡养老人、分家析产",
    "劳务报酬拖欠、工伤赔偿",
    "邻里相邻关系、通行排水",
    "婚姻家庭、子女抚养",
    "电信网络诈骗被骗后如何追偿",
];

/// The town's mediation centre the demo's video round is held with.
pub const CENTRE: &str = "青山镇矛盾纠纷联合调解中心";

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    let today = d.today;
    let day = |n: i64| (today - Duration::days(n)).format("%Y-%m-%d").to_string();
    d.api.store_mut().write(|tx| {
        let lawyer = counsel::create_lawyer(
            tx,
            LawyerInput {
                name: "孙明远".into(),
                firm: "青山律师事务所".into(),
                licence_no: "13303201510234567".into(),
                phone: Some("13905770123".into()),
                serving_from: Some(day(420)),
                notes: Some("每周二上午在警务室坐班".into()),
                ..Default::default()
            },
        )?;
        for week in 0..12_i64 {
            let i = week as usize;
            counsel::create_sitting(
                tx,
                SittingInput {
                    lawyer_id: lawyer.clone(),
                    sat_on: Some(day(2 + 7 * week)),
                    hours: if i.is_multiple_of(3) { 3.5 } else { 3.0 },
                    consultations: 2 + (i % 4) as i64,
                    people_served: 3 + (i % 5) as i64,
                    topics: Some(TOPICS[i % TOPICS.len()].into()),
                },
            )?;
        }
        // The latest 联调 rounds, the most recent of them by video.
        let rounds: Vec<String> = tx
            .conn()
            .prepare(
                "SELECT id FROM mediation WHERE deleted_at IS NULL AND level = 'joint' AND held_on >= ?1
                 ORDER BY held_on DESC, id LIMIT 4",
            )?
            .query_map([day(420)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for (i, round) in rounds.iter().enumerate() {
            let (mode, centre) =
                if i == 0 { (MediationMode::Video, Some(CENTRE)) } else { (MediationMode::AtPost, None) };
            dispute::set_round_mode(tx, round, Some(mode), centre, std::slice::from_ref(&lawyer))?;
        }
        Ok(())
    })
}
