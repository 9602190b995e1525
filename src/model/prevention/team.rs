//! A volunteer team as the form sends it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
}
