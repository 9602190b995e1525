//! Methods for the service catalogue (`service_item.*`) and errands (`errand.*`).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Api, IdRequest, Method, method, patch};
use crate::error::{Error, Result};
use crate::model::errand::{ErrandAction, ErrandInput, ServiceItemInput, StepDetails};
use crate::model::people::opt_date;
use crate::model::{DeliveryMethod, ErrandStatus};
use crate::store::errand::{self, Board, Catalogue, Errand, ErrandFilter, ErrandPage, ServiceItem, Step};

/// `service_item.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CatalogueRequest {
    /// Also list disabled items (default no).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub include_inactive: bool,
}

/// `service_item.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ServiceItemUpdate {
    /// The service item.
    #[schemars(title = "服务事项")]
    pub id: String,
    /// Fields of `service_item.create` to change.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<ServiceItemInput>")]
    pub changes: Map<String, Value>,
}

/// `errand.advance`: move an errand to its next status.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AdvanceRequest {
    /// The errand.
    #[schemars(title = "代办")]
    pub id: String,
    /// 目标状态: in_progress, done, delivered (or cancelled, with `reason`).
    #[schemars(title = "目标状态")]
    pub to: ErrandStatus,
    /// 办理日期 (default today).
    pub on: Option<String>,
    /// 送达方式 (when delivering): mail or in_person.
    pub delivery_method: Option<DeliveryMethod>,
    /// 快递单号 (delivery by mail).
    pub tracking_no: Option<String>,
    /// 寄递地址 (delivery by mail; default the resident's address).
    pub delivery_address: Option<String>,
    /// 取消原因 (when cancelling).
    pub reason: Option<String>,
    /// 办理说明, added to the errand's notes.
    pub note: Option<String>,
}

/// `errand.cancel`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// The errand.
    #[schemars(title = "代办")]
    pub id: String,
    /// 取消原因.
    #[schemars(title = "取消原因")]
    pub reason: String,
    /// 取消日期 (default today).
    pub on: Option<String>,
}

/// `errand.overdue`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct OverdueRequest {
    /// 截至日期 (default today).
    pub as_of: Option<String>,
    /// 至多返回多少条，逾期最久的在前（默认全部；总数见 errand.board 的 overdue）.
    pub limit: Option<u32>,
}

/// `errand.board`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct BoardRequest {
    /// Errands shown per status (default 20, at most 200).
    pub limit: Option<u32>,
}

impl Api {
    /// The service catalogue, grouped by category.
    pub fn service_item_list(&mut self, req: CatalogueRequest) -> Result<Catalogue> {
        errand::catalogue(self.store.conn(), req.include_inactive)
    }

    /// Adds a service item.
    pub fn service_item_create(&mut self, input: ServiceItemInput) -> Result<ServiceItem> {
        let id = self.store.write(|tx| errand::create_item(tx, input))?;
        errand::get_item(self.store.conn(), &id)
    }

    /// Changes some fields of a service item.
    pub fn service_item_update(&mut self, req: ServiceItemUpdate) -> Result<ServiceItem> {
        let current = errand::item_input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| errand::update_item(tx, &req.id, input))?;
        errand::get_item(self.store.conn(), &req.id)
    }

    /// Registers an errand.
    pub fn errand_create(&mut self, input: ErrandInput) -> Result<Errand> {
        let id = self.store.write(|tx| errand::create(tx, input))?;
        errand::get(self.store.conn(), &id, self.today())
    }

    /// One errand.
    pub fn errand_get(&mut self, req: IdRequest) -> Result<Errand> {
        errand::get(self.store.conn(), &req.id, self.today())
    }

    /// A page of errands.
    pub fn errand_list(&mut self, filter: ErrandFilter) -> Result<ErrandPage> {
        errand::list(self.store.conn(), &filter, self.today())
    }

    /// Moves an errand to its next status, as the lifecycle allows.
    pub fn errand_advance(&mut self, req: AdvanceRequest) -> Result<Errand> {
        let action =
            ErrandAction::toward(req.to).ok_or_else(|| Error::rule(format!("代办不能退回“{}”状态", req.to.label())))?;
        let step = Step {
            action,
            on: opt_date("on", "办理日期", req.on.as_deref())?,
            details: StepDetails {
                delivery_method: req.delivery_method,
                tracking_no: req.tracking_no,
                delivery_address: req.delivery_address,
                reason: req.reason,
            },
            note: req.note,
        };
        self.store.write(|tx| errand::step(tx, &req.id, step))?;
        errand::get(self.store.conn(), &req.id, self.today())
    }

    /// Cancels an errand, giving the reason.
    pub fn errand_cancel(&mut self, req: CancelRequest) -> Result<Errand> {
        let step = Step {
            action: ErrandAction::Cancel,
            on: opt_date("on", "取消日期", req.on.as_deref())?,
            details: StepDetails { reason: Some(req.reason), ..Default::default() },
            note: None,
        };
        self.store.write(|tx| errand::step(tx, &req.id, step))?;
        errand::get(self.store.conn(), &req.id, self.today())
    }

    /// Errands not done by their due date, the longest overdue first.
    pub fn errand_overdue(&mut self, req: OverdueRequest) -> Result<Vec<Errand>> {
        let as_of = opt_date("as_of", "截至日期", req.as_of.as_deref())?.unwrap_or(self.today());
        errand::overdue(self.store.conn(), as_of, req.limit)
    }

    /// The errand board: counts and errands per status.
    pub fn errand_board(&mut self, req: BoardRequest) -> Result<Board> {
        errand::board(self.store.conn(), self.today(), req.limit.unwrap_or(20).clamp(1, 200))
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "service_item.list",
            "服务事项目录（按大类分组）",
            CatalogueRequest,
            Anyone,
            Unaudited,
            |api, p| api.service_item_list(p)
        ),
        method!("service_item.create", "新增服务事项", ServiceItemInput, Admin, Create(WithWrite), |api, p| api
            .service_item_create(p)),
        method!(
            "service_item.update",
            "修改服务事项（只传需要修改的字段）",
            ServiceItemUpdate,
            Admin,
            Update(WithWrite),
            |api, p| api.service_item_update(p)
        ),
        method!("errand.create", "受理代办", ErrandInput, Anyone, Create(WithWrite), |api, p| api.errand_create(p)),
        method!("errand.get", "查看代办", IdRequest, Anyone, View(After), |api, p| api.errand_get(p)),
        method!(
            "errand.list",
            "代办列表（按状态、方式、事项、人员、逾期筛选，分页）",
            ErrandFilter,
            Anyone,
            List(After),
            |api, p| api.errand_list(p)
        ),
        method!(
            "errand.advance",
            "推进代办：开始办理、办结、送达",
            AdvanceRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.errand_advance(p)
        ),
        method!(
            "errand.cancel",
            "取消代办（须填写原因）",
            CancelRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.errand_cancel(p)
        ),
        method!(
            "errand.overdue",
            "逾期未办结的代办（逾期最久的在前）",
            OverdueRequest,
            Anyone,
            List(After),
            |api, p| api.errand_overdue(p)
        ),
        method!(
            "errand.board",
            "代办看板：各状态的数量和事项",
            BoardRequest,
            Anyone,
            List(After),
            |api, p| api.errand_board(p)
        ),
    ]
}
