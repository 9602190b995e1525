//! Methods for 表彰奖励 (见义勇为 and 好人 awards): nominations, the decision, the payment,
//! and the month's figures beside the 网格红包.
//!
//! Anyone at the post, an auxiliary included, records and corrects a nomination (they are
//! often the ones who hear of the deed); recording the decision of the county's 见义勇为
//! 基金会 or of the station, recording a payment and deleting a nomination are for police
//! officers and the station admin.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::people::{Created, IdRequest};
use super::prevention::MonthRequest;
use super::{Api, Method, method, patch};
use crate::docs::Month;
use crate::error::Result;
use crate::model::AwardDecision;
use crate::model::award::{AwardInput, AwardMonth};
use crate::model::people::opt_date;
use crate::model::validate::yuan_to_fen;
use crate::store::award::{self, Award, AwardFilter};

/// `award.update`: the nomination and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct AwardUpdate {
    /// The nomination.
    #[schemars(title = "表彰奖励")]
    pub id: String,
    /// Fields of `award.create` to change (not its decision or payment).
    #[serde(flatten)]
    #[schemars(with = "Option<AwardInput>")]
    pub changes: Map<String, Value>,
}

/// `award.decide`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AwardDecideRequest {
    /// 表彰奖励.
    #[schemars(title = "表彰奖励")]
    pub id: String,
    /// 审批结果: approved (批准), declined (不予批准), or pending to take a decision back.
    #[schemars(title = "审批结果")]
    pub decision: AwardDecision,
    /// 审批日期 (default today).
    pub decided_on: Option<String>,
    /// 审批单位 (default 县见义勇为基金会 for 见义勇为, 派出所 for 好人).
    pub decided_by: Option<String>,
    /// 奖励金额（分）.
    pub amount_fen: Option<i64>,
    /// 奖励金额（元）, e.g. "2000" (when amount_fen is not given).
    pub amount_yuan: Option<String>,
}

/// `award.pay`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AwardPayRequest {
    /// 表彰奖励.
    #[schemars(title = "表彰奖励")]
    pub id: String,
    /// 发放日期 (default today).
    pub paid_on: Option<String>,
    /// 奖励金额（分） (default the amount approved).
    pub amount_fen: Option<i64>,
    /// 奖励金额（元） (when amount_fen is not given).
    pub amount_yuan: Option<String>,
}

/// Fen given as fen or as a yuan string.
fn fen_of(fen: Option<i64>, yuan: Option<&str>) -> Result<Option<i64>> {
    match (fen, yuan.map(str::trim).filter(|y| !y.is_empty())) {
        (Some(f), _) => Ok(Some(f)),
        (None, Some(y)) => Ok(Some(yuan_to_fen("amount_yuan", y)?)),
        (None, None) => Ok(None),
    }
}

impl Api {
    /// Records a nomination.
    pub fn award_create(&mut self, i: AwardInput) -> Result<Award> {
        let id = self.store.write(|tx| award::create(tx, i))?;
        award::get(self.store.conn(), &id)
    }

    /// Corrects some fields of a nomination.
    pub fn award_update(&mut self, req: AwardUpdate) -> Result<Award> {
        let current = award::input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| award::update(tx, &req.id, input))?;
        award::get(self.store.conn(), &req.id)
    }

    /// Records the decision on a nomination.
    pub fn award_decide(&mut self, r: AwardDecideRequest) -> Result<Award> {
        let on = opt_date("decided_on", "审批日期", r.decided_on.as_deref())?;
        let fen = fen_of(r.amount_fen, r.amount_yuan.as_deref())?;
        self.store.write(|tx| award::decide(tx, &r.id, r.decision, on, r.decided_by.as_deref(), fen))?;
        award::get(self.store.conn(), &r.id)
    }

    /// Records the payment of an approved award.
    pub fn award_pay(&mut self, r: AwardPayRequest) -> Result<Award> {
        let fen = fen_of(r.amount_fen, r.amount_yuan.as_deref())?;
        self.store.write(|tx| award::pay(tx, &r.id, r.paid_on.as_deref(), fen))?;
        award::get(self.store.conn(), &r.id)
    }

    /// One nomination.
    pub fn award_get(&mut self, r: IdRequest) -> Result<Award> {
        award::get(self.store.conn(), &r.id)
    }

    /// Nominations by kind, decision, month, village or resident.
    pub fn award_list(&mut self, f: AwardFilter) -> Result<Vec<Award>> {
        award::list(self.store.conn(), &f)
    }

    /// Deletes a nomination recorded by mistake.
    pub fn award_delete(&mut self, r: IdRequest) -> Result<Created> {
        self.store.write(|tx| award::delete(tx, &r.id))?;
        Ok(Created { id: r.id })
    }

    /// The month's award figures beside the 网格红包.
    pub fn award_month(&mut self, r: MonthRequest) -> Result<AwardMonth> {
        let m = Month::parse("month", &r.month)?;
        let grid = crate::store::prevention::month_figures(self.store.conn(), m.first())?.rewards_fen;
        award::month_figures(self.store.conn(), m.first(), grid)
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "award.create",
            "登记见义勇为或好人提名",
            AwardInput,
            Anyone,
            Create(WithWrite),
            |api, p| api.award_create(p)
        ),
        method!(
            "award.update",
            "修改提名：人员、事迹、日期、关联警情或纠纷（只传需要修改的字段）",
            AwardUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.award_update(p)
        ),
        method!(
            "award.decide",
            "登记审批结果（县见义勇为基金会或派出所）和奖励金额",
            AwardDecideRequest,
            NotAuxiliary,
            Update(WithWrite),
            |api, p| api.award_decide(p)
        ),
        method!("award.pay", "登记奖励发放", AwardPayRequest, NotAuxiliary, Update(WithWrite), |api, p| api
            .award_pay(p)),
        method!("award.get", "查看表彰奖励", IdRequest, Anyone, ViewPerson(After), |api, p| api.award_get(p)),
        method!(
            "award.list",
            "表彰奖励列表（按类别、审批结果、月份、村筛选）",
            AwardFilter,
            Anyone,
            List(After),
            |api, p| api.award_list(p)
        ),
        method!(
            "award.delete",
            "删除误录的提名（可恢复）",
            IdRequest,
            NotAuxiliary,
            Delete(WithWrite),
            |api, p| api.award_delete(p)
        ),
        method!(
            "award.month",
            "表彰奖励月度数据：提名、批准、发放（含网格红包合计）",
            MonthRequest,
            Anyone,
            Unaudited,
            |api, p| api.award_month(p)
        ),
    ]
}
