//! Methods for prevention work: teams, volunteers, patrols, leads, hazards, outreach,
//! feedback, 五无 and the month's figures.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

use super::people::{Created, NoParams};
use super::{Api, Method, method};
use crate::error::{Error, Result};
use crate::model::people::opt_date;
use crate::model::prevention::*;
use crate::model::validate::yuan_to_fen;
use crate::model::{HazardStatus, LeadStatus, VolunteerRole};
use crate::store::prevention::{self as store, *};

/// Reads `YYYY-MM` as the month's first day.
pub(crate) fn month_start(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| Error::validation(field, format!("月份“{s}”应写作 2026-11")))
}

fn next_month(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(1)).unwrap_or(d)
}

/// A month.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MonthRequest {
    /// 月份, e.g. 2026-11.
    #[schemars(title = "月份")]
    pub month: String,
}

/// A year.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct YearRequest {
    /// 年度, e.g. 2026.
    #[schemars(title = "年度")]
    pub year: i32,
}

/// `team.update`: the team and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct TeamUpdate {
    /// The team.
    #[schemars(title = "队伍")]
    pub id: String,
    /// Fields of `team.create` to change (its patrol days, time and route among them).
    #[serde(flatten)]
    #[schemars(with = "Option<TeamInput>")]
    pub changes: serde_json::Map<String, serde_json::Value>,
}

/// `volunteer.end`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct EndVolunteer {
    /// 队员.
    #[schemars(title = "队员")]
    pub id: String,
    /// 终止日期 (default today).
    pub on: Option<String>,
}

/// `volunteer.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct VolunteerFilter {
    /// Only this team.
    pub team_id: Option<String>,
    /// Only this village.
    pub village_id: Option<String>,
    /// Only this role.
    pub role: Option<VolunteerRole>,
    /// Only the 警务助理 of this service station (驿站).
    pub service_station_id: Option<String>,
    /// Only those serving today (default true).
    pub active_only: Option<bool>,
}

/// `lead.advance`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AdvanceLead {
    /// 线索.
    #[schemars(title = "线索")]
    pub id: String,
    /// 新状态: verifying, converted, closed.
    #[schemars(title = "新状态")]
    pub to: LeadStatus,
    /// 处理情况 (required to close).
    pub handling: Option<String>,
    /// 转成的警情 (for converted).
    pub incident_id: Option<String>,
    /// 案件编号 (for converted).
    pub case_no: Option<String>,
}

/// `lead.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct LeadFilter {
    /// Only this status.
    pub status: Option<LeadStatus>,
}

/// A hazard step: verify, reject, fix or recheck.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct HazardStepRequest {
    /// 隐患.
    #[schemars(title = "隐患")]
    pub id: String,
    /// 日期 (default today).
    pub on: Option<String>,
    /// 整改情况 / 回头看情况 / 不实原因.
    pub note: Option<String>,
    /// 整改期限 (on verify).
    pub deadline: Option<String>,
    /// 整改责任人 (on verify).
    pub owner: Option<String>,
}

/// `hazard.reward`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct RewardRequest {
    /// 隐患.
    #[schemars(title = "隐患")]
    pub id: String,
    /// 奖励金额（分）.
    pub reward_fen: Option<i64>,
    /// 奖励金额（元）, e.g. "20" (when reward_fen is not given).
    pub reward_yuan: Option<String>,
    /// 发放日期 (default today).
    pub on: Option<String>,
}

/// `hazard.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct HazardFilter {
    /// Only this status.
    pub status: Option<HazardStatus>,
    /// Only this village.
    pub village_id: Option<String>,
    /// Only those open past their deadline.
    pub overdue_only: Option<bool>,
}

/// `feedback.answer`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AnswerFeedback {
    /// 意见.
    #[schemars(title = "意见")]
    pub id: String,
    /// 答复内容.
    #[schemars(title = "答复内容")]
    pub answer: String,
    /// 答复民警.
    pub officer_id: Option<String>,
    /// 是否办结 (default true).
    pub close: Option<bool>,
}

/// `feedback.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FeedbackFilter {
    /// Only what is not yet closed.
    pub open_only: Option<bool>,
}

/// `five_nones.confirm`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ConfirmFiveNones {
    /// 村（社区）.
    #[schemars(title = "村（社区）")]
    pub village_id: String,
    /// 年度.
    #[schemars(title = "年度")]
    pub year: i32,
    /// 无案.
    pub no_cases: Option<bool>,
    /// 无诈.
    pub no_fraud: Option<bool>,
    /// 无毒.
    pub no_drugs: Option<bool>,
    /// 无访.
    pub no_petitions: Option<bool>,
    /// 无邪.
    pub no_cults: Option<bool>,
    /// 确认民警.
    #[schemars(title = "确认民警")]
    pub officer_id: String,
    /// 备注.
    pub notes: Option<String>,
}

fn date_arg(field: &str, label: &str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    opt_date(field, label, s)
}

impl Api {
    /// Adds a team.
    pub fn team_create(&mut self, i: TeamInput) -> Result<Created> {
        Ok(Created { id: self.store.write(|tx| store::create_team(tx, i))? })
    }

    /// Changes some fields of a team.
    pub fn team_update(&mut self, r: TeamUpdate) -> Result<Created> {
        let current = store::team::team_input_of(self.store.conn(), &r.id)?;
        let input = super::patch(current, r.changes)?;
        self.store.write(|tx| store::team::update_team(tx, &r.id, input))?;
        Ok(Created { id: r.id })
    }

    /// Every team.
    pub fn team_list(&mut self) -> Result<Vec<Team>> {
        store::list_teams(self.store.conn(), self.today())
    }

    /// Adds a volunteer.
    pub fn volunteer_create(&mut self, i: VolunteerInput) -> Result<Created> {
        Ok(Created { id: self.store.write(|tx| store::create_volunteer(tx, i))? })
    }

    /// Ends a volunteer's service.
    pub fn volunteer_end(&mut self, r: EndVolunteer) -> Result<Created> {
        let on = date_arg("on", "终止日期", r.on.as_deref())?.unwrap_or(self.today());
        self.store.write(|tx| store::end_volunteer(tx, &r.id, on))?;
        Ok(Created { id: r.id })
    }

    /// Volunteers.
    pub fn volunteer_list(&mut self, f: VolunteerFilter) -> Result<Vec<Volunteer>> {
        let today = self.today();
        let which = store::volunteer::Which {
            team_id: f.team_id.as_deref(),
            village_id: f.village_id.as_deref(),
            role: f.role,
            service_station_id: f.service_station_id.as_deref(),
            active_only: f.active_only.unwrap_or(true),
        };
        store::list_volunteers(self.store.conn(), which, today)
    }

    /// Records a patrol and its findings.
    pub fn patrol_create(&mut self, i: PatrolInput) -> Result<Created> {
        Ok(Created { id: self.store.write(|tx| store::create_patrol(tx, i))? })
    }

    /// A month's patrols.
    pub fn patrol_list(&mut self, r: MonthRequest) -> Result<Vec<Patrol>> {
        let first = month_start("month", &r.month)?;
        let utc = |d: NaiveDate| {
            crate::model::time::stamp(crate::model::time::from_beijing(d.and_hms_opt(0, 0, 0).unwrap_or_default()))
        };
        store::list_patrols(self.store.conn(), &utc(first), &utc(next_month(first)))
    }

    /// Records a lead.
    pub fn lead_create(&mut self, i: LeadInput) -> Result<Created> {
        Ok(Created { id: self.store.write(|tx| store::create_lead(tx, i))? })
    }

    /// Moves a lead on.
    pub fn lead_advance(&mut self, r: AdvanceLead) -> Result<Created> {
        self.store.write(|tx| {
            store::advance_lead(tx, &r.id, r.to, r.handling.as_deref(), r.incident_id.as_deref(), r.case_no.as_deref())
        })?;
        Ok(Created { id: r.id })
    }

    /// Leads.
    pub fn lead_list(&mut self, f: LeadFilter) -> Result<Vec<Lead>> {
        store::list_leads(self.store.conn(), f.status)
    }

    /// Records a hazard.
    pub fn hazard_create(&mut self, i: HazardInput) -> Result<Hazard> {
        let id = self.store.write(|tx| store::create_hazard(tx, i))?;
        store::get_hazard(self.store.conn(), &id, self.today())
    }

    fn hazard_do(&mut self, r: HazardStepRequest, step: HazardStep) -> Result<Hazard> {
        let on = date_arg("on", "日期", r.on.as_deref())?;
        let deadline = date_arg("deadline", "整改期限", r.deadline.as_deref())?;
        self.store
            .write(|tx| store::hazard_step(tx, &r.id, step, on, r.note.as_deref(), deadline, r.owner.as_deref()))?;
        store::get_hazard(self.store.conn(), &r.id, self.today())
    }

    /// 核实 a hazard.
    pub fn hazard_verify(&mut self, r: HazardStepRequest) -> Result<Hazard> {
        self.hazard_do(r, HazardStep::Verify)
    }

    /// Finds a hazard not real.
    pub fn hazard_reject(&mut self, r: HazardStepRequest) -> Result<Hazard> {
        self.hazard_do(r, HazardStep::Reject)
    }

    /// Records a hazard fixed.
    pub fn hazard_fix(&mut self, r: HazardStepRequest) -> Result<Hazard> {
        self.hazard_do(r, HazardStep::Fix)
    }

    /// 回头看 and 销号.
    pub fn hazard_recheck(&mut self, r: HazardStepRequest) -> Result<Hazard> {
        self.hazard_do(r, HazardStep::Recheck)
    }

    /// Pays the reward for a hazard.
    pub fn hazard_reward(&mut self, r: RewardRequest) -> Result<Hazard> {
        let fen = match (r.reward_fen, r.reward_yuan.as_deref()) {
            (Some(f), _) => f,
            (None, Some(y)) => yuan_to_fen("reward_yuan", y)?,
            (None, None) => return Err(Error::validation("reward_fen", "请填写奖励金额")),
        };
        let on = date_arg("on", "发放日期", r.on.as_deref())?;
        self.store.write(|tx| store::pay_reward(tx, &r.id, fen, on))?;
        store::get_hazard(self.store.conn(), &r.id, self.today())
    }

    /// Hazards.
    pub fn hazard_list(&mut self, f: HazardFilter) -> Result<Vec<Hazard>> {
        let today = self.today();
        store::list_hazards(
            self.store.conn(),
            f.status,
            f.village_id.as_deref(),
            f.overdue_only.unwrap_or(false),
            today,
        )
    }

    /// Hazards open past their deadline, the longest overdue first.
    pub fn hazard_overdue(&mut self) -> Result<Vec<Hazard>> {
        let today = self.today();
        store::list_hazards(self.store.conn(), None, None, true, today)
    }

    /// Records an outreach event.
    pub fn outreach_create(&mut self, i: OutreachInput) -> Result<Created> {
        Ok(Created { id: self.store.write(|tx| store::create_outreach(tx, i))? })
    }

    /// A month's outreach events.
    pub fn outreach_list(&mut self, r: MonthRequest) -> Result<Vec<Outreach>> {
        let first = month_start("month", &r.month)?;
        store::list_outreach(self.store.conn(), first, next_month(first))
    }

    /// Outreach totals per village for a year.
    pub fn outreach_totals(&mut self, r: YearRequest) -> Result<Vec<OutreachTotal>> {
        let from = NaiveDate::from_ymd_opt(r.year, 1, 1).ok_or_else(|| Error::validation("year", "年度无效"))?;
        let to = NaiveDate::from_ymd_opt(r.year + 1, 1, 1).ok_or_else(|| Error::validation("year", "年度无效"))?;
        store::outreach_totals(self.store.conn(), from, to)
    }

    /// Records feedback.
    pub fn feedback_create(&mut self, i: FeedbackInput) -> Result<Created> {
        Ok(Created { id: self.store.write(|tx| store::create_feedback(tx, i))? })
    }

    /// Answers feedback.
    pub fn feedback_answer(&mut self, r: AnswerFeedback) -> Result<Created> {
        self.store.write(|tx| {
            store::answer_feedback(tx, &r.id, &r.answer, r.officer_id.as_deref(), r.close.unwrap_or(true))
        })?;
        Ok(Created { id: r.id })
    }

    /// Feedback.
    pub fn feedback_list(&mut self, f: FeedbackFilter) -> Result<Vec<Feedback>> {
        store::list_feedback(self.store.conn(), f.open_only.unwrap_or(false))
    }

    /// 五无 for every village in a year.
    pub fn five_nones_list(&mut self, r: YearRequest) -> Result<Vec<FiveNonesYear>> {
        store::five_nones(self.store.conn(), r.year)
    }

    /// Confirms a village's 五无 for a year.
    pub fn five_nones_confirm(&mut self, r: ConfirmFiveNones) -> Result<Vec<FiveNonesYear>> {
        let c = FiveNones {
            no_cases: r.no_cases,
            no_fraud: r.no_fraud,
            no_drugs: r.no_drugs,
            no_petitions: r.no_petitions,
            no_cults: r.no_cults,
        };
        self.store
            .write(|tx| store::confirm_five_nones(tx, &r.village_id, r.year, c, &r.officer_id, r.notes.as_deref()))?;
        store::five_nones(self.store.conn(), r.year)
    }

    /// The month's prevention figures.
    pub fn prevention_month(&mut self, r: MonthRequest) -> Result<PreventionMonth> {
        store::month_figures(self.store.conn(), month_start("month", &r.month)?)
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("team.create", "新增巡防队伍", TeamInput, Anyone, Create(WithWrite), |api, p| api.team_create(p)),
        method!(
            "team.update",
            "修改巡防队伍（含巡逻日、时间、路线；只传需要修改的字段）",
            TeamUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.team_update(p)
        ),
        method!("team.list", "列出队伍", NoParams, Anyone, List(After), |api, _| api.team_list()),
        method!("volunteer.create", "登记群防群治队员", VolunteerInput, Anyone, Create(WithWrite), |api, p| {
            api.volunteer_create(p)
        }),
        method!("volunteer.end", "队员离队", EndVolunteer, Anyone, Update(WithWrite), |api, p| api
            .volunteer_end(p)),
        method!("volunteer.list", "列出队员", VolunteerFilter, Anyone, List(After), |api, p| api.volunteer_list(p)),
        method!("patrol.create", "登记巡逻及发现", PatrolInput, Anyone, Create(WithWrite), |api, p| api
            .patrol_create(p)),
        method!("patrol.list", "某月巡逻记录", MonthRequest, Anyone, List(After), |api, p| api.patrol_list(p)),
        method!("lead.create", "登记线索", LeadInput, Anyone, Create(WithWrite), |api, p| api.lead_create(p)),
        method!("lead.advance", "线索核查、转化或了结", AdvanceLead, Anyone, Update(WithWrite), |api, p| api
            .lead_advance(p)),
        method!("lead.list", "列出线索", LeadFilter, Anyone, List(After), |api, p| api.lead_list(p)),
        method!("hazard.create", "登记隐患", HazardInput, Anyone, Create(WithWrite), |api, p| api.hazard_create(p)),
        method!("hazard.verify", "核实隐患", HazardStepRequest, Anyone, Update(WithWrite), |api, p| api
            .hazard_verify(p)),
        method!("hazard.reject", "隐患经核不实", HazardStepRequest, Anyone, Update(WithWrite), |api, p| api
            .hazard_reject(p)),
        method!("hazard.fix", "登记隐患整改", HazardStepRequest, Anyone, Update(WithWrite), |api, p| api
            .hazard_fix(p)),
        method!("hazard.recheck", "回头看并销号", HazardStepRequest, Anyone, Update(WithWrite), |api, p| api
            .hazard_recheck(p)),
        method!(
            "hazard.reward",
            "发放隐患奖励（网格红包）",
            RewardRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.hazard_reward(p)
        ),
        method!("hazard.list", "隐患清单", HazardFilter, Anyone, List(After), |api, p| api.hazard_list(p)),
        method!("hazard.overdue", "逾期未整改隐患", NoParams, Anyone, List(After), |api, _| api
            .hazard_overdue()),
        method!("outreach.create", "登记宣传活动", OutreachInput, Anyone, Create(WithWrite), |api, p| api
            .outreach_create(p)),
        method!("outreach.list", "某月宣传活动", MonthRequest, Anyone, List(After), |api, p| api
            .outreach_list(p)),
        method!("outreach.totals", "各村全年宣传合计", YearRequest, Anyone, Unaudited, |api, p| api
            .outreach_totals(p)),
        method!("feedback.create", "登记群众意见", FeedbackInput, Anyone, Create(WithWrite), |api, p| api
            .feedback_create(p)),
        method!("feedback.answer", "答复群众意见", AnswerFeedback, Anyone, Update(WithWrite), |api, p| api
            .feedback_answer(p)),
        method!("feedback.list", "列出群众意见", FeedbackFilter, Anyone, List(After), |api, p| api
            .feedback_list(p)),
        method!("five_nones.list", "各村五无情况", YearRequest, Anyone, Unaudited, |api, p| api
            .five_nones_list(p)),
        method!("five_nones.confirm", "确认某村五无", ConfirmFiveNones, Anyone, Update(WithWrite), |api, p| api
            .five_nones_confirm(p)),
        method!("prevention.month", "群防群治月度数据", MonthRequest, Anyone, Unaudited, |api, p| api
            .prevention_month(p)),
    ]
}
