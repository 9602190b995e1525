//! A hazard (隐患) as the form sends it, its lifecycle (隐患清单 + 动态销号), the dates its
//! steps may carry, and its reward (网格红包).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{HazardGrade, HazardKind, HazardStatus};

/// A hazard found (隐患).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct HazardInput {
    /// 发现日期 (default today).
    pub found_on: Option<String>,
    /// 发现人 (a volunteer).
    pub found_by_volunteer_id: Option<String>,
    /// 发现人姓名 (when not a volunteer).
    pub found_by_name: Option<String>,
    /// 地点.
    #[schemars(title = "地点")]
    pub place: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 类别.
    pub kind: Option<HazardKind>,
    /// 等级 (default general).
    pub grade: Option<HazardGrade>,
    /// 隐患描述.
    #[schemars(title = "隐患描述")]
    pub description: String,
    /// 整改责任人.
    pub owner: Option<String>,
    /// 责任人电话.
    pub owner_phone: Option<String>,
    /// 整改期限.
    pub deadline: Option<String>,
}

/// A step in a hazard's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HazardStep {
    /// 核实 (the hazard is real).
    Verify,
    /// 经核不实.
    Reject,
    /// 整改完成.
    Fix,
    /// 回头看 confirms the fix: 销号.
    Recheck,
}

/// The hazard lifecycle: reported → verified → fixed → closed (销号), or rejected.
pub fn hazard_next(from: HazardStatus, step: HazardStep) -> Result<HazardStatus> {
    use HazardStatus as S;
    use HazardStep as A;
    let to = match (from, step) {
        (S::Reported, A::Verify) => S::Verified,
        (S::Reported | S::Verified, A::Reject) => S::Rejected,
        (S::Reported | S::Verified, A::Fix) => S::Fixed,
        (S::Fixed, A::Recheck) => S::Closed,
        _ => {
            let what = match step {
                A::Verify => "核实",
                A::Reject => "认定不实",
                A::Fix => "登记整改",
                A::Recheck => "回头看销号",
            };
            let hint = match (from, step) {
                (S::Reported | S::Verified, A::Recheck) => "，须先登记整改",
                (S::Closed, _) => "，已销号的隐患不能再改动",
                (S::Rejected, _) => "，已认定不实",
                _ => "",
            };
            return Err(Error::rule(format!("隐患当前为“{}”，不能{what}{hint}", from.label())));
        }
    };
    Ok(to)
}

/// Whether a hazard is overdue: still open past its deadline.
pub fn hazard_overdue(status: HazardStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(status, HazardStatus::Reported | HazardStatus::Verified) && deadline.is_some_and(|d| d < today)
}

/// Whether a reward (网格红包) may be paid: only for a hazard found to be real.
pub fn reward_allowed(status: HazardStatus) -> Result<()> {
    match status {
        HazardStatus::Verified | HazardStatus::Fixed | HazardStatus::Closed => Ok(()),
        s => Err(Error::rule(format!("隐患当前为“{}”，核实属实后才能发放奖励", s.label()))),
    }
}

/// A deadline is no earlier than the day the hazard was found.
pub fn check_hazard_deadline(found_on: NaiveDate, deadline: Option<NaiveDate>) -> Result<()> {
    if deadline.is_some_and(|d| d < found_on) {
        return Err(Error::validation("deadline", "整改期限不能早于发现日期"));
    }
    Ok(())
}

/// A step is dated neither after today nor before the hazard was found (`found_on` as
/// stored).
pub fn check_step_on(on: NaiveDate, found_on: &str, today: NaiveDate) -> Result<()> {
    if on > today {
        return Err(Error::validation("on", "日期不能晚于今天"));
    }
    if on.format("%Y-%m-%d").to_string().as_str() < found_on {
        return Err(Error::validation("on", format!("日期不能早于发现日期 {found_on}")));
    }
    Ok(())
}

/// 回头看 comes no earlier than the fix (`fixed_on` as stored).
pub fn check_recheck_on(on: NaiveDate, fixed_on: Option<&str>) -> Result<()> {
    if fixed_on.is_some_and(|f| on.format("%Y-%m-%d").to_string().as_str() < f) {
        return Err(Error::validation("on", "回头看日期不能早于整改日期"));
    }
    Ok(())
}

/// A reward is paid once (`paid_on` when it was), of 0.01 to 1,000 yuan.
pub fn check_reward(paid_on: Option<&str>, reward_fen: i64) -> Result<()> {
    if let Some(on) = paid_on {
        return Err(Error::rule(format!("该隐患的奖励已于 {on} 发放")));
    }
    if !(1..=100_000).contains(&reward_fen) {
        return Err(Error::validation("reward_fen", "奖励金额应在0.01元至1000元之间"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use HazardStatus as S;
    use HazardStep as A;

    #[test]
    fn hazard_lifecycle_table() {
        let all_steps = [A::Verify, A::Reject, A::Fix, A::Recheck];
        let allowed = [
            (S::Reported, A::Verify, S::Verified),
            (S::Reported, A::Reject, S::Rejected),
            (S::Reported, A::Fix, S::Fixed),
            (S::Verified, A::Reject, S::Rejected),
            (S::Verified, A::Fix, S::Fixed),
            (S::Fixed, A::Recheck, S::Closed),
        ];
        for from in S::ALL {
            for step in all_steps {
                let want = allowed.iter().find(|(f, s, _)| f == from && *s == step).map(|(_, _, t)| *t);
                match (hazard_next(*from, step), want) {
                    (Ok(to), Some(t)) => assert_eq!(to, t),
                    (Err(e), None) => assert!(e.to_string().contains(from.label()), "{e}"),
                    (got, want) => panic!("{from:?} {step:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        let e = hazard_next(S::Verified, A::Recheck).unwrap_err();
        assert!(e.to_string().contains("须先登记整改"));
    }

    #[test]
    fn overdue_and_reward() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(hazard_overdue(S::Verified, Some(d("2026-11-20")), d("2026-11-23")));
        assert!(!hazard_overdue(S::Verified, Some(d("2026-11-23")), d("2026-11-23")));
        assert!(!hazard_overdue(S::Fixed, Some(d("2026-11-01")), d("2026-11-23")));
        assert!(!hazard_overdue(S::Reported, None, d("2026-11-23")));
        assert!(reward_allowed(S::Reported).is_err());
        assert!(reward_allowed(S::Rejected).is_err());
        assert!(reward_allowed(S::Verified).is_ok());
    }

    #[test]
    fn the_dates_of_a_hazard_follow_its_life() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-23");
        assert!(check_hazard_deadline(d("2026-11-20"), Some(d("2026-11-20"))).is_ok());
        assert_eq!(
            check_hazard_deadline(d("2026-11-20"), Some(d("2026-11-19"))).unwrap_err().field(),
            Some("deadline")
        );
        // (on, found_on, the message or None)
        let cases = [
            ("2026-11-23", "2026-11-20", None),
            ("2026-11-24", "2026-11-20", Some("日期不能晚于今天")),
            ("2026-11-19", "2026-11-20", Some("日期不能早于发现日期 2026-11-20")),
        ];
        for (on, found, refused) in cases {
            let got = check_step_on(d(on), found, today).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), refused, "{on}");
        }
        assert!(check_recheck_on(d("2026-11-21"), Some("2026-11-22")).is_err());
        assert!(check_recheck_on(d("2026-11-22"), Some("2026-11-22")).is_ok());
        assert!(check_recheck_on(d("2026-11-01"), None).is_ok());
        assert!(check_reward(Some("2026-11-01"), 500).unwrap_err().to_string().contains("已于 2026-11-01 发放"));
        assert_eq!(check_reward(None, 0).unwrap_err().field(), Some("reward_fen"));
        assert!(check_reward(None, 100_000).is_ok());
        assert!(check_reward(None, 100_001).is_err());
    }
}
