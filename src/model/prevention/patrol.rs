//! A patrol log and its findings as the form sends them, and what a patrol must be.

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{FindingHandling, HazardKind, PatrolMode};

/// One thing found on a patrol.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    /// 发现情况.
    #[schemars(title = "发现情况")]
    pub description: String,
    /// 处置: handled on the spot, or handed on as a lead, a hazard or an incident.
    #[schemars(title = "处置方式")]
    pub handling: FindingHandling,
    /// 当场处置结果 (for handled).
    pub result: Option<String>,
    /// For a hazard: its kind.
    pub hazard_kind: Option<HazardKind>,
    /// For a hazard or a lead: where (default the patrol's places).
    pub place: Option<String>,
    /// For an incident: the incident already registered (警情), to link.
    pub incident_id: Option<String>,
}

/// A patrol log.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PatrolInput {
    /// 巡逻队伍.
    pub team_id: Option<String>,
    /// 参加巡逻的队员.
    #[serde(default)]
    pub volunteer_ids: Vec<String>,
    /// 带队民警/辅警.
    pub officer_id: Option<String>,
    /// 开始时间 (北京时间, e.g. 2026-11-23 19:30).
    #[schemars(title = "开始时间")]
    pub started_at: String,
    /// 结束时间.
    #[schemars(title = "结束时间")]
    pub ended_at: String,
    /// 巡逻方式: 定点巡 fixed, 联动巡 joint, 交叉巡 cross.
    #[schemars(title = "巡逻方式")]
    pub mode: PatrolMode,
    /// 巡逻路线.
    pub route: Option<String>,
    /// 重点部位.
    pub places: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 巡逻发现.
    #[serde(default)]
    pub findings: Vec<FindingInput>,
}

/// A patrol ends after it starts, not in the future (five minutes' grace for the clock),
/// and lasts at most a day.
pub fn check_patrol_times(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if end <= start {
        return Err(Error::validation("ended_at", "结束时间应晚于开始时间"));
    }
    if end > now + Duration::minutes(5) {
        return Err(Error::validation("ended_at", "结束时间不能晚于现在"));
    }
    if end - start > Duration::hours(24) {
        return Err(Error::validation("ended_at", "一次巡逻不超过24小时，请分开登记"));
    }
    Ok(())
}

/// Someone goes on a patrol: volunteers or a leading officer.
pub fn check_patrol_people(volunteer_ids: &[String], officer_id: Option<&str>) -> Result<()> {
    if volunteer_ids.is_empty() && officer_id.is_none() {
        return Err(Error::validation("volunteer_ids", "请填写参加巡逻的队员或带队民警"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patrol_lasts_up_to_a_day_and_has_ended() {
        let t = |s: &str| crate::model::time::parse_instant(s).unwrap();
        let now = t("2026-11-23 09:00");
        // (start, end, the message or None)
        let cases = [
            ("2026-11-22 19:30", "2026-11-22 21:00", None),
            ("2026-11-22 19:30", "2026-11-22 19:30", Some("结束时间应晚于开始时间")),
            ("2026-11-23 08:00", "2026-11-23 09:05", None),
            ("2026-11-23 08:00", "2026-11-23 09:06", Some("结束时间不能晚于现在")),
            ("2026-11-21 19:30", "2026-11-22 19:30", None),
            ("2026-11-21 19:30", "2026-11-22 19:31", Some("一次巡逻不超过24小时，请分开登记")),
        ];
        for (start, end, refused) in cases {
            let got = check_patrol_times(t(start), t(end), now).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), refused, "{start} → {end}");
        }
        assert_eq!(check_patrol_people(&[], None).unwrap_err().field(), Some("volunteer_ids"));
        assert!(check_patrol_people(&[], Some("o1")).is_ok());
        assert!(check_patrol_people(&["v1".into()], None).is_ok());
    }
}
