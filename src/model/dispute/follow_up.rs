//! The follow-up visit (回访): when it falls due and what recording one needs.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// When the follow-up falls due: at the performance deadline, or 30 days after the
/// agreement takes effect when it has none.
pub fn follow_up_due(deadline: Option<NaiveDate>, effective_on: NaiveDate) -> NaiveDate {
    deadline.unwrap_or(effective_on + chrono::Duration::days(30))
}

/// `followup.record`: name the follow-up by its id, or the dispute (its next pending one).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    /// 回访记录.
    pub id: Option<String>,
    /// 纠纷 (when `id` is not given).
    pub dispute_id: Option<String>,
    /// 回访日期 (default today).
    pub done_on: Option<String>,
    /// 协议是否得到履行、纠纷是否平息.
    #[schemars(title = "协议是否履行、纠纷是否平息")]
    pub held: bool,
    /// 当事人满意度, e.g. 满意 / 基本满意 / 不满意.
    pub satisfaction: Option<String>,
    /// 发现的新风险.
    pub new_risks: Option<String>,
    /// 回访情况.
    pub notes: Option<String>,
    /// 回访民警.
    pub officer_id: Option<String>,
}

/// A follow-up records what was found: its notes or the parties' satisfaction.
pub fn check_follow_up_content(notes: Option<&str>, satisfaction: Option<&str>) -> Result<()> {
    if notes.is_none() && satisfaction.is_none() {
        return Err(Error::validation("notes", "请填写回访情况或当事人满意度"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dispute::tests::d;

    #[test]
    fn the_follow_up_falls_due_at_the_deadline_or_a_month_after_the_agreement() {
        assert_eq!(follow_up_due(Some(d("2026-12-20")), d("2026-11-23")), d("2026-12-20"));
        assert_eq!(follow_up_due(None, d("2026-11-23")), d("2026-12-23"));
    }

    #[test]
    fn a_follow_up_records_notes_or_satisfaction() {
        assert_eq!(check_follow_up_content(None, None).unwrap_err().field(), Some("notes"));
        assert!(check_follow_up_content(Some("双方已和好"), None).is_ok());
        assert!(check_follow_up_content(None, Some("满意")).is_ok());
    }
}
