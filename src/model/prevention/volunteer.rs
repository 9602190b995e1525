//! A volunteer as the form sends it, and their term of service.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::VolunteerRole;

/// A volunteer (群防群治力量).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct VolunteerInput {
    /// The resident, when registered; name and phone then default from them.
    pub person_id: Option<String>,
    /// 姓名 (required when no person_id).
    pub name: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 身份: 义警, 百户长, 巡防队员, 调解员, 网格员, 治安积极分子, 警务助理.
    #[schemars(title = "身份")]
    pub role: VolunteerRole,
    /// 所属队伍.
    pub team_id: Option<String>,
    /// 所在村（社区）.
    pub village_id: Option<String>,
    /// 所在驿站: a 警务助理's service station (only theirs).
    pub service_station_id: Option<String>,
    /// 起始日期 (default today).
    pub active_from: Option<String>,
    /// 终止日期 (blank while serving).
    pub active_to: Option<String>,
    /// 培训情况.
    pub training: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// A term of service ends no earlier than it starts.
pub fn check_term(from: NaiveDate, to: Option<NaiveDate>) -> Result<()> {
    if to.is_some_and(|t| t < from) {
        return Err(Error::validation("active_to", "终止日期不能早于起始日期"));
    }
    Ok(())
}

/// Ending a term on `on`: not before it started (`from`, as stored).
pub fn check_term_end(from: &str, on: NaiveDate) -> Result<()> {
    if on.format("%Y-%m-%d").to_string().as_str() < from {
        return Err(Error::validation("active_to", format!("终止日期不能早于起始日期 {from}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_term_ends_no_earlier_than_it_starts() {
        assert!(check_term(d("2026-11-01"), None).is_ok());
        assert!(check_term(d("2026-11-01"), Some(d("2026-11-01"))).is_ok());
        assert_eq!(check_term(d("2026-11-02"), Some(d("2026-11-01"))).unwrap_err().field(), Some("active_to"));
        assert!(check_term_end("2026-11-01", d("2026-11-01")).is_ok());
        let e = check_term_end("2026-11-02", d("2026-11-01")).unwrap_err();
        assert_eq!(e.to_string(), "终止日期不能早于起始日期 2026-11-02");
    }
}
