//! Methods for 法律顾问 and 驻所律师: the lawyers serving the post, their sittings (坐班), the
//! disputes they took part in, how a mediation round was held and who of them took part
//! (`mediation.update`), and the month's figures.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::people::{IdRequest, NoParams};
use super::prevention::MonthRequest;
use super::{Api, Method, method, patch};
use crate::docs::Month;
use crate::error::Result;
use crate::model::MediationMode;
use crate::model::counsel::{CounselMonth, LawyerInput, SittingInput};
use crate::store::counsel::{self, Lawyer, LawyerDetail, Sitting, SittingFilter, SittingPage};
use crate::store::dispute::{self, Dispute};

/// `lawyer.update`: the lawyer and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct LawyerUpdate {
    /// The lawyer.
    #[schemars(title = "律师")]
    pub id: String,
    /// Fields of `lawyer.create` to change.
    #[serde(flatten)]
    #[schemars(with = "Option<LawyerInput>")]
    pub changes: Map<String, Value>,
}

/// `sitting.update`: the sitting and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SittingUpdate {
    /// The sitting.
    #[schemars(title = "坐班记录")]
    pub id: String,
    /// Fields of `sitting.create` to change.
    #[serde(flatten)]
    #[schemars(with = "Option<SittingInput>")]
    pub changes: Map<String, Value>,
}

/// `mediation.update`: how a round was held and the lawyers who took part, recorded after it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct MediationModeUpdate {
    /// 调解记录.
    #[schemars(title = "调解记录")]
    pub id: String,
    /// 调解方式 (default as recorded).
    pub mode: Option<MediationMode>,
    /// 联调中心 (视频联调).
    pub centre: Option<String>,
    /// 参加调解的律师.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub lawyer_ids: Vec<String>,
}

impl Api {
    /// Records a lawyer.
    pub fn lawyer_create(&mut self, i: LawyerInput) -> Result<Lawyer> {
        let id = self.store.write(|tx| counsel::create_lawyer(tx, i))?;
        counsel::get_lawyer(self.store.conn(), &id, self.today())
    }

    /// Changes some fields of a lawyer.
    pub fn lawyer_update(&mut self, req: LawyerUpdate) -> Result<Lawyer> {
        let input = patch(counsel::lawyer_input_of(self.store.conn(), &req.id)?, req.changes)?;
        self.store.write(|tx| counsel::update_lawyer(tx, &req.id, input))?;
        counsel::get_lawyer(self.store.conn(), &req.id, self.today())
    }

    /// A lawyer with their sittings and the disputes they took part in.
    pub fn lawyer_get(&mut self, r: IdRequest) -> Result<LawyerDetail> {
        counsel::detail(self.store.conn(), &r.id, self.today())
    }

    /// Every lawyer.
    pub fn lawyer_list(&mut self) -> Result<Vec<Lawyer>> {
        counsel::list_lawyers(self.store.conn(), self.today())
    }

    /// Deletes a lawyer recorded by mistake.
    pub fn lawyer_delete(&mut self, r: IdRequest) -> Result<Vec<Lawyer>> {
        self.store.write(|tx| counsel::delete_lawyer(tx, &r.id))?;
        counsel::list_lawyers(self.store.conn(), self.today())
    }

    /// Records a sitting.
    pub fn sitting_create(&mut self, i: SittingInput) -> Result<Sitting> {
        let id = self.store.write(|tx| counsel::create_sitting(tx, i))?;
        counsel::get_sitting(self.store.conn(), &id)
    }

    /// Changes some fields of a sitting.
    pub fn sitting_update(&mut self, req: SittingUpdate) -> Result<Sitting> {
        let input = patch(counsel::sitting_input_of(self.store.conn(), &req.id)?, req.changes)?;
        self.store.write(|tx| counsel::update_sitting(tx, &req.id, input))?;
        counsel::get_sitting(self.store.conn(), &req.id)
    }

    /// One sitting.
    pub fn sitting_get(&mut self, r: IdRequest) -> Result<Sitting> {
        counsel::get_sitting(self.store.conn(), &r.id)
    }

    /// A page of sittings.
    pub fn sitting_list(&mut self, f: SittingFilter) -> Result<SittingPage> {
        counsel::list_sittings(self.store.conn(), &f)
    }

    /// Deletes a sitting recorded by mistake.
    pub fn sitting_delete(&mut self, r: IdRequest) -> Result<Vec<Lawyer>> {
        self.store.write(|tx| counsel::delete_sitting(tx, &r.id))?;
        counsel::list_lawyers(self.store.conn(), self.today())
    }

    /// Records how a round was held and which lawyers took part.
    pub fn mediation_update(&mut self, r: MediationModeUpdate) -> Result<Dispute> {
        let id =
            self.store.write(|tx| dispute::set_round_mode(tx, &r.id, r.mode, r.centre.as_deref(), &r.lawyer_ids))?;
        dispute::get(self.store.conn(), &id, self.today())
    }

    /// The month's 法律顾问 figures.
    pub fn counsel_month(&mut self, r: MonthRequest) -> Result<CounselMonth> {
        let m = Month::parse("month", &r.month)?;
        counsel::month_figures(self.store.conn(), m.first())
    }
}

/// Lawyers and their sittings hold no resident's data (the disputes a lawyer joined are
/// listed by title on `lawyer.get`, which is audited as a view).
pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "lawyer.create",
            "登记法律顾问、驻所律师",
            LawyerInput,
            Anyone,
            Create(WithWrite),
            |api, p| api.lawyer_create(p)
        ),
        method!(
            "lawyer.update",
            "修改律师信息、服务期（只传需要修改的字段）",
            LawyerUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.lawyer_update(p)
        ),
        method!(
            "lawyer.get",
            "查看律师：坐班记录、参与调解的纠纷",
            IdRequest,
            Anyone,
            View(After),
            |api, p| api.lawyer_get(p)
        ),
        method!("lawyer.list", "法律顾问、驻所律师名单", NoParams, Anyone, Unaudited, |api, _| api
            .lawyer_list()),
        method!(
            "lawyer.delete",
            "删除误登记的律师（已有坐班或调解的不能删除）",
            IdRequest,
            Anyone,
            Delete(WithWrite),
            |api, p| api.lawyer_delete(p)
        ),
        method!("sitting.create", "登记律师坐班", SittingInput, Anyone, Create(WithWrite), |api, p| api
            .sitting_create(p)),
        method!(
            "sitting.update",
            "修改坐班记录（只传需要修改的字段）",
            SittingUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.sitting_update(p)
        ),
        method!("sitting.get", "查看坐班记录", IdRequest, Anyone, View(After), |api, p| api.sitting_get(p)),
        method!(
            "sitting.list",
            "坐班记录（按律师、月份筛选）",
            SittingFilter,
            Anyone,
            List(After),
            |api, p| { api.sitting_list(p) }
        ),
        method!("sitting.delete", "删除误登记的坐班记录", IdRequest, Anyone, Delete(WithWrite), |api, p| api
            .sitting_delete(p)),
        method!(
            "mediation.update",
            "登记调解方式（现场、警务室、视频联调及联调中心）和参加调解的律师",
            MediationModeUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.mediation_update(p)
        ),
        method!(
            "counsel.month",
            "法律顾问月度数据：坐班、时长、咨询、接待，律师参与调解的纠纷及反弹",
            MonthRequest,
            Anyone,
            Unaudited,
            |api, p| api.counsel_month(p)
        ),
    ]
}
