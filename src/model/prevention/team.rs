//! A volunteer team as the form sends it, and when it patrols.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A volunteer team (巡防队, 义警队…).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// 队伍名称, e.g. 花木兰女子巡防队.
    #[schemars(title = "队伍名称")]
    pub name: String,
    /// 所在村（社区）; blank when the team serves the whole post.
    pub village_id: Option<String>,
    /// 队长 (a volunteer).
    pub leader_id: Option<String>,
    /// 成立日期.
    pub founded_on: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 巡逻日: the weekdays the team patrols, 1 = Monday … 7 = Sunday (今日工作 lists them).
    #[serde(default)]
    pub patrol_days: Vec<u8>,
    /// 巡逻时间, e.g. 19:30.
    pub patrol_time: Option<String>,
    /// 巡逻路线.
    pub patrol_route: Option<String>,
}

/// Patrol days are weekdays 1–7, each once and in order; a time is `HH:MM` and needs days.
pub fn check_patrol_plan(days: &[u8], time: Option<&str>) -> Result<Vec<u8>> {
    if let Some(d) = days.iter().find(|d| !(1..=7).contains(*d)) {
        return Err(Error::validation("patrol_days", format!("巡逻日“{d}”无效：应为1（星期一）至7（星期日）")));
    }
    let mut out = days.to_vec();
    out.sort_unstable();
    out.dedup();
    if let Some(t) = time {
        let ok = chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok() && t.len() == 5;
        if !ok {
            return Err(Error::validation("patrol_time", format!("巡逻时间“{t}”应写作 19:30")));
        }
        if out.is_empty() {
            return Err(Error::validation("patrol_days", "填写了巡逻时间，请选择巡逻日"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patrol_days_are_weekdays_and_a_time_needs_them() {
        // (days, time, the days kept or the field refused)
        type Want = std::result::Result<&'static [u8], &'static str>;
        let cases: [(&[u8], Option<&str>, Want); 7] = [
            (&[], None, Ok(&[])),
            (&[5, 1, 5], Some("19:30"), Ok(&[1, 5])),
            (&[7], Some("07:05"), Ok(&[7])),
            (&[0], None, Err("patrol_days")),
            (&[8], None, Err("patrol_days")),
            (&[2], Some("19点半"), Err("patrol_time")),
            (&[], Some("19:30"), Err("patrol_days")),
        ];
        for (days, time, want) in cases {
            let got = check_patrol_plan(days, time);
            match want {
                Ok(kept) => assert_eq!(got.unwrap(), kept, "{days:?} {time:?}"),
                Err(field) => assert_eq!(got.unwrap_err().field(), Some(field), "{days:?} {time:?}"),
            }
        }
    }
}
