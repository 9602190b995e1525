//! A resident's suggestion or complaint as the form sends it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::FeedbackChannel;

/// A resident's suggestion or complaint (意见箱 / 警民恳谈).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// 收到日期 (default today).
    pub received_on: Option<String>,
    /// 渠道.
    #[schemars(title = "渠道")]
    pub channel: FeedbackChannel,
    /// 内容.
    #[schemars(title = "内容")]
    pub content: String,
    /// 反映人 (optional).
    pub from_name: Option<String>,
    /// 反映人电话 (optional).
    pub from_phone: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
}

/// Closed feedback keeps its answer.
pub fn check_feedback_open(closed: bool) -> Result<()> {
    if closed {
        return Err(Error::rule("该意见已办结，不能再修改答复"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_feedback_is_not_answered_again() {
        assert!(check_feedback_open(false).is_ok());
        assert_eq!(check_feedback_open(true).unwrap_err().code(), "rule");
    }
}
