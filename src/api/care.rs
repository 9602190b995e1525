//! Methods for 结对帮扶: the admin's visit intervals per tag, care plans, visits against a
//! plan (one click from 今日工作), the needs found and the help given, and the month's care
//! figures.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::people::{IdRequest, NoParams};
use super::prevention::MonthRequest;
use super::{Api, Method, method, patch};
use crate::docs::Month;
use crate::error::Result;
use crate::model::CareNeedKind;
use crate::model::care::{CareDefaultInput, CareMonth, CareNeedInput, CarePlanInput, NeedStep};
use crate::model::people::opt_date;
use crate::store::care::{self, CareDefault, CareNeed, CarePlan, CarePlanDetail, CarePlanFilter, CarePlanPage};
use crate::store::household::Visit;

/// `care.update`: the plan and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct CarePlanUpdate {
    /// The plan.
    #[schemars(title = "帮扶计划")]
    pub id: String,
    /// Fields of `care.create` to change (not whom it is for).
    #[serde(flatten)]
    #[schemars(with = "Option<CarePlanInput>")]
    pub changes: Map<String, Value>,
}

/// `care.end`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CareEndRequest {
    /// 帮扶计划.
    #[schemars(title = "帮扶计划")]
    pub id: String,
    /// 结束原因 (搬离、去世、不再需要…).
    #[schemars(title = "结束原因")]
    pub reason: String,
    /// 结束日期 (default today).
    pub on: Option<String>,
}

/// `care.visit`: a visit to the person of a plan.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CareVisitRequest {
    /// 帮扶计划.
    #[schemars(title = "帮扶计划")]
    pub id: String,
    /// 走访民警 (default the paired officer).
    pub officer_id: Option<String>,
    /// 走访日期 (default today).
    pub visited_on: Option<String>,
    /// 走访情况 (default 按结对帮扶计划上门走访，情况正常).
    pub notes: Option<String>,
    /// 发现的需求.
    pub need: Option<String>,
    /// 需求类别 (with need; default other).
    pub need_kind: Option<CareNeedKind>,
}

/// `care.need_help` / `care.need_drop` / `care.need_reopen`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CareNeedStepRequest {
    /// 帮扶需求.
    #[schemars(title = "帮扶需求")]
    pub id: String,
    /// 帮扶情况, or why no longer needed.
    pub help: Option<String>,
    /// 日期 (default today).
    pub on: Option<String>,
    /// 办理它的代办 (送证上门…).
    pub errand_id: Option<String>,
}

impl Api {
    /// Every tag's visit interval.
    pub fn care_defaults(&mut self) -> Result<Vec<CareDefault>> {
        care::defaults(self.store.conn())
    }

    /// Sets a tag's visit interval.
    pub fn care_defaults_set(&mut self, i: CareDefaultInput) -> Result<Vec<CareDefault>> {
        self.store.write(|tx| care::set_default(tx, i))?;
        care::defaults(self.store.conn())
    }

    /// Starts a care plan.
    pub fn care_create(&mut self, i: CarePlanInput) -> Result<CarePlan> {
        let id = self.store.write(|tx| care::create_plan(tx, i))?;
        care::get_plan(self.store.conn(), &id, self.today())
    }

    /// Changes some fields of a plan.
    pub fn care_update(&mut self, req: CarePlanUpdate) -> Result<CarePlan> {
        let current = care::input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| care::update_plan(tx, &req.id, input))?;
        care::get_plan(self.store.conn(), &req.id, self.today())
    }

    /// Ends a plan.
    pub fn care_end(&mut self, r: CareEndRequest) -> Result<CarePlan> {
        let on = opt_date("on", "结束日期", r.on.as_deref())?;
        self.store.write(|tx| care::end_plan(tx, &r.id, on, &r.reason))?;
        care::get_plan(self.store.conn(), &r.id, self.today())
    }

    /// One plan with its visits and needs.
    pub fn care_get(&mut self, r: IdRequest) -> Result<CarePlanDetail> {
        care::detail(self.store.conn(), &r.id, self.today())
    }

    /// A page of plans.
    pub fn care_list(&mut self, f: CarePlanFilter) -> Result<CarePlanPage> {
        care::list(self.store.conn(), &f, self.today())
    }

    /// Records a visit against a plan (with a need found on it).
    pub fn care_visit(&mut self, r: CareVisitRequest) -> Result<Visit> {
        let need = r.need.filter(|n| !n.trim().is_empty()).map(|n| (r.need_kind.unwrap_or(CareNeedKind::Other), n));
        let pv = care::PlanVisit { officer_id: r.officer_id, visited_on: r.visited_on, notes: r.notes, need };
        self.store.write(|tx| care::visit(tx, &r.id, pv))
    }

    /// Records a need found.
    pub fn care_need_add(&mut self, i: CareNeedInput) -> Result<CareNeed> {
        let id = self.store.write(|tx| care::add_need(tx, i))?;
        care::get_need(self.store.conn(), &id)
    }

    fn care_need_do(&mut self, r: CareNeedStepRequest, step: NeedStep) -> Result<CareNeed> {
        let on = opt_date("on", "日期", r.on.as_deref())?;
        self.store.write(|tx| care::need_step(tx, &r.id, step, r.help.as_deref(), on, r.errand_id.as_deref()))?;
        care::get_need(self.store.conn(), &r.id)
    }

    /// The help given for a need.
    pub fn care_need_help(&mut self, r: CareNeedStepRequest) -> Result<CareNeed> {
        self.care_need_do(r, NeedStep::Help)
    }

    /// A need no longer needed.
    pub fn care_need_drop(&mut self, r: CareNeedStepRequest) -> Result<CareNeed> {
        self.care_need_do(r, NeedStep::Drop)
    }

    /// A need reopened.
    pub fn care_need_reopen(&mut self, r: CareNeedStepRequest) -> Result<CareNeed> {
        self.care_need_do(r, NeedStep::Reopen)
    }

    /// The month's care figures.
    pub fn care_month(&mut self, r: MonthRequest) -> Result<CareMonth> {
        let m = Month::parse("month", &r.month)?;
        care::month_figures(self.store.conn(), m.first(), self.today())
    }
}

/// `care.delete` is not offered: a plan set up by mistake is ended with its reason, which
/// keeps the visits made under it explained.
pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("care.defaults", "各类帮扶对象的走访周期", NoParams, Anyone, Unaudited, |api, _| api
            .care_defaults()),
        method!(
            "care.defaults_set",
            "设定某类帮扶对象的走访周期（天）",
            CareDefaultInput,
            Admin,
            Update(WithWrite),
            |api, p| api.care_defaults_set(p)
        ),
        method!("care.create", "制定结对帮扶计划", CarePlanInput, Anyone, Create(WithWrite), |api, p| api
            .care_create(p)),
        method!(
            "care.update",
            "修改帮扶计划：类别、周期、结对人（只传需要修改的字段）",
            CarePlanUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.care_update(p)
        ),
        method!(
            "care.end",
            "结束帮扶计划（搬离、去世、不再需要）",
            CareEndRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.care_end(p)
        ),
        method!("care.get", "查看帮扶计划：走访、需求", IdRequest, Anyone, ViewPerson(After), |api, p| api
            .care_get(p)),
        method!(
            "care.list",
            "帮扶对象列表（按村、类别、是否到期筛选）",
            CarePlanFilter,
            Anyone,
            List(After),
            |api, p| api.care_list(p)
        ),
        method!(
            "care.visit",
            "按帮扶计划记录走访（可同时登记发现的需求）",
            CareVisitRequest,
            Anyone,
            Create(WithWrite),
            |api, p| api.care_visit(p)
        ),
        method!("care.need_add", "登记帮扶需求", CareNeedInput, Anyone, Create(WithWrite), |api, p| api
            .care_need_add(p)),
        method!(
            "care.need_help",
            "登记帮扶情况（需求已解决）",
            CareNeedStepRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.care_need_help(p)
        ),
        method!(
            "care.need_drop",
            "帮扶需求不再需要",
            CareNeedStepRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.care_need_drop(p)
        ),
        method!(
            "care.need_reopen",
            "重新打开帮扶需求",
            CareNeedStepRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.care_need_reopen(p)
        ),
        method!(
            "care.month",
            "结对帮扶月度数据：帮扶对象、应走访、已走访、按村",
            MonthRequest,
            Anyone,
            Unaudited,
            |api, p| api.care_month(p)
        ),
    ]
}
