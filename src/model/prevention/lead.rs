//! A lead (线索) as the form sends it, and its lifecycle.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::LeadStatus;

/// A tip passed to the post (线索).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct LeadInput {
    /// 接报日期 (default today).
    pub reported_on: Option<String>,
    /// 提供线索的队员.
    pub reporter_volunteer_id: Option<String>,
    /// 提供人姓名 (may be blank: tips may be anonymous).
    pub reporter_name: Option<String>,
    /// 提供人电话.
    pub reporter_phone: Option<String>,
    /// 线索内容.
    #[schemars(title = "线索内容")]
    pub content: String,
    /// 地点.
    pub place: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
}

/// The lead lifecycle: received → verifying → converted or closed.
pub fn lead_next(from: LeadStatus, to: LeadStatus) -> Result<LeadStatus> {
    use LeadStatus as S;
    match (from, to) {
        (S::Received, S::Verifying | S::Converted | S::Closed) | (S::Verifying, S::Converted | S::Closed) => Ok(to),
        _ => Err(Error::rule(format!("线索当前为“{}”，不能改为“{}”", from.label(), to.label()))),
    }
}

/// Converting a lead needs the incident or the case it became.
pub fn check_lead_converted(to: LeadStatus, has_incident: bool, has_case_no: bool) -> Result<()> {
    if to == LeadStatus::Converted && !has_incident && !has_case_no {
        return Err(Error::validation("incident_id", "转为警情或案件时，请选择警情或填写案件编号"));
    }
    Ok(())
}

/// Closing a lead needs what was done with it.
pub fn check_lead_closed(to: LeadStatus, has_handling: bool) -> Result<()> {
    if to == LeadStatus::Closed && !has_handling {
        return Err(Error::validation("handling", "了结线索须填写处理情况"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_lifecycle_table() {
        use LeadStatus as L;
        for from in L::ALL {
            for to in L::ALL {
                let ok = matches!(
                    (from, to),
                    (L::Received, L::Verifying | L::Converted | L::Closed) | (L::Verifying, L::Converted | L::Closed)
                );
                assert_eq!(lead_next(*from, *to).is_ok(), ok, "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn converting_needs_what_it_became_and_closing_what_was_done() {
        use LeadStatus as L;
        // (to, incident, case number, handling, the field refused or None)
        let cases = [
            (L::Converted, false, false, false, Some("incident_id")),
            (L::Converted, true, false, false, None),
            (L::Converted, false, true, false, None),
            (L::Closed, false, false, false, Some("handling")),
            (L::Closed, false, false, true, None),
            (L::Verifying, false, false, false, None),
        ];
        for (to, incident, case_no, handling, refused) in cases {
            let got = check_lead_converted(to, incident, case_no).and_then(|_| check_lead_closed(to, handling));
            assert_eq!(got.err().and_then(|e| e.field().map(str::to_owned)).as_deref(), refused, "{to:?}");
        }
    }
}
