//! An outreach event as the form sends it, and the counts it may record.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::OutreachTopic;

/// An outreach event (宣传活动).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct OutreachInput {
    /// 日期 (default today).
    pub held_on: Option<String>,
    /// 主题: 反诈, 禁毒, 法治, 消防安全, 交通安全, 其他.
    #[schemars(title = "主题")]
    pub topic: OutreachTopic,
    /// 活动名称.
    pub title: Option<String>,
    /// 地点.
    #[schemars(title = "地点")]
    pub place: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 受众人数.
    #[serde(default)]
    pub audience: i64,
    /// 发放资料份数.
    #[serde(default)]
    pub leaflets: i64,
    /// 现场注册国家反诈中心APP人数.
    #[serde(default)]
    pub app_registrations: i64,
    /// 组织民警.
    pub officer_id: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// A count entered on a form: a whole number from 0 to 1,000,000.
pub fn count(field: &str, label: &str, n: i64) -> Result<i64> {
    if !(0..=1_000_000).contains(&n) {
        return Err(Error::validation(field, format!("{label}应为0至1000000之间的整数")));
    }
    Ok(n)
}

/// The audience and the app registrations counted there: no more registrations than
/// people (when the audience was counted).
pub fn outreach_counts(audience: i64, app_registrations: i64) -> Result<(i64, i64)> {
    let audience = count("audience", "受众人数", audience)?;
    let regs = count("app_registrations", "反诈APP注册数", app_registrations)?;
    if regs > audience && audience > 0 {
        return Err(Error::validation("app_registrations", "反诈APP注册数不能多于受众人数"));
    }
    Ok((audience, regs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_are_counted_among_the_audience() {
        // (audience, registrations, the field refused or None)
        let cases = [
            (60, 25, None),
            (60, 61, Some("app_registrations")),
            (0, 5, None),
            (-1, 0, Some("audience")),
            (10, 1_000_001, Some("app_registrations")),
        ];
        for (audience, regs, refused) in cases {
            let got = outreach_counts(audience, regs).err().and_then(|e| e.field().map(str::to_owned));
            assert_eq!(got.as_deref(), refused, "{audience} {regs}");
        }
    }
}
