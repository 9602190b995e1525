//! Prevention work (群防群治): volunteers and teams, patrols and their findings, leads,
//! hazards (隐患清单 + 动态销号), outreach, residents' feedback and the 五无 villages.
//! Inputs as forms send them, and the lifecycles and derivations as pure functions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{
    FeedbackChannel, FindingHandling, HazardGrade, HazardKind, HazardStatus, LeadStatus, OutreachTopic,
};
use crate::model::{PatrolMode, VolunteerRole};

/// A volunteer team (巡防队, 义警队…).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// 队伍名称, e.g. 花木兰女子巡防队.
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
    /// 身份: 义警, 百户长, 巡防队员, 调解员, 网格员, 治安积极分子.
    pub role: VolunteerRole,
    /// 所属队伍.
    pub team_id: Option<String>,
    /// 所在村（社区）.
    pub village_id: Option<String>,
    /// 起始日期 (default today).
    pub active_from: Option<String>,
    /// 终止日期 (blank while serving).
    pub active_to: Option<String>,
    /// 培训情况.
    pub training: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// One thing found on a patrol.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    /// 发现情况.
    pub description: String,
    /// 处置: handled on the spot, or handed on as a lead, a hazard or an incident.
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
    pub started_at: String,
    /// 结束时间.
    pub ended_at: String,
    /// 巡逻方式: 定点巡 fixed, 联动巡 joint, 交叉巡 cross.
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
    pub content: String,
    /// 地点.
    pub place: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
}

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
    pub place: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 类别.
    pub kind: Option<HazardKind>,
    /// 等级 (default general).
    pub grade: Option<HazardGrade>,
    /// 隐患描述.
    pub description: String,
    /// 整改责任人.
    pub owner: Option<String>,
    /// 责任人电话.
    pub owner_phone: Option<String>,
    /// 整改期限.
    pub deadline: Option<String>,
}

/// An outreach event (宣传活动).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct OutreachInput {
    /// 日期 (default today).
    pub held_on: Option<String>,
    /// 主题: 反诈, 禁毒, 法治, 消防安全, 交通安全, 其他.
    pub topic: OutreachTopic,
    /// 活动名称.
    pub title: Option<String>,
    /// 地点.
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

/// A resident's suggestion or complaint (意见箱 / 警民恳谈).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// 收到日期 (default today).
    pub received_on: Option<String>,
    /// 渠道.
    pub channel: FeedbackChannel,
    /// 内容.
    pub content: String,
    /// 反映人 (optional).
    pub from_name: Option<String>,
    /// 反映人电话 (optional).
    pub from_phone: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
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
pub fn hazard_overdue(status: HazardStatus, deadline: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> bool {
    matches!(status, HazardStatus::Reported | HazardStatus::Verified) && deadline.is_some_and(|d| d < today)
}

/// Whether a reward (网格红包) may be paid: only for a hazard found to be real.
pub fn reward_allowed(status: HazardStatus) -> Result<()> {
    match status {
        HazardStatus::Verified | HazardStatus::Fixed | HazardStatus::Closed => Ok(()),
        s => Err(Error::rule(format!("隐患当前为“{}”，核实属实后才能发放奖励", s.label()))),
    }
}

/// The lead lifecycle: received → verifying → converted or closed.
pub fn lead_next(from: LeadStatus, to: LeadStatus) -> Result<LeadStatus> {
    use LeadStatus as S;
    match (from, to) {
        (S::Received, S::Verifying | S::Converted | S::Closed) | (S::Verifying, S::Converted | S::Closed) => Ok(to),
        _ => Err(Error::rule(format!("线索当前为“{}”，不能改为“{}”", from.label(), to.label()))),
    }
}

/// What the data says of a village's year, for 五无: `None` where the data cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiveNones {
    /// 无案: no incident opened as a case.
    pub no_cases: Option<bool>,
    /// 无诈: no fraud incident.
    pub no_fraud: Option<bool>,
    /// 无毒: no drug incident.
    pub no_drugs: Option<bool>,
    /// 无访: no petition (not recorded here: the officer confirms).
    pub no_petitions: Option<bool>,
    /// 无邪: no cult activity (not recorded here: the officer confirms).
    pub no_cults: Option<bool>,
}

/// Derives 五无 from the year's counts of cases, fraud and drug incidents in a village.
pub fn derive_five_nones(cases: i64, fraud: i64, drugs: i64) -> FiveNones {
    FiveNones {
        no_cases: Some(cases == 0),
        no_fraud: Some(fraud == 0),
        no_drugs: Some(drugs == 0),
        no_petitions: None,
        no_cults: None,
    }
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
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(hazard_overdue(S::Verified, Some(d("2026-11-20")), d("2026-11-23")));
        assert!(!hazard_overdue(S::Verified, Some(d("2026-11-23")), d("2026-11-23")));
        assert!(!hazard_overdue(S::Fixed, Some(d("2026-11-01")), d("2026-11-23")));
        assert!(!hazard_overdue(S::Reported, None, d("2026-11-23")));
        assert!(reward_allowed(S::Reported).is_err());
        assert!(reward_allowed(S::Rejected).is_err());
        assert!(reward_allowed(S::Verified).is_ok());
    }

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
    fn five_nones_come_from_the_counts_where_the_data_can_tell() {
        let f = derive_five_nones(0, 1, 0);
        assert_eq!(f.no_cases, Some(true));
        assert_eq!(f.no_fraud, Some(false));
        assert_eq!(f.no_drugs, Some(true));
        assert_eq!((f.no_petitions, f.no_cults), (None, None));
    }
}
