//! Methods for 驿站 (`service_station.*`): the service stations where 警务助理 collect
//! residents' requests, a station's page (its assistants, its errands, the month's figures)
//! and the month's figures of every station. Errands name their station through
//! `errand.create`; assistants are volunteers (`volunteer.create` with the role 警务助理).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::people::IdRequest;
use super::prevention::MonthRequest;
use super::{Api, Method, method, patch};
use crate::docs::Month;
use crate::error::Result;
use crate::model::service_station::{ServiceStationInput, StationFigures};
use crate::store::service_station::{self as store, ServiceStation, ServiceStationDetail, ServiceStationFilter};

/// `service_station.update`: the station and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ServiceStationUpdate {
    /// The station.
    #[schemars(title = "驿站")]
    pub id: String,
    /// Fields of `service_station.create` to change.
    #[serde(flatten)]
    #[schemars(with = "Option<ServiceStationInput>")]
    pub changes: Map<String, Value>,
}

impl Api {
    /// Sets up a station.
    pub fn service_station_create(&mut self, i: ServiceStationInput) -> Result<ServiceStation> {
        let id = self.store.write(|tx| store::create(tx, i))?;
        store::get(self.store.conn(), &id, self.today())
    }

    /// Changes some fields of a station (closing it is setting 撤销日期).
    pub fn service_station_update(&mut self, r: ServiceStationUpdate) -> Result<ServiceStation> {
        let current = store::input_of(self.store.conn(), &r.id, self.today())?;
        let input = patch(current, r.changes)?;
        self.store.write(|tx| store::update(tx, &r.id, input))?;
        store::get(self.store.conn(), &r.id, self.today())
    }

    /// A station's page.
    pub fn service_station_get(&mut self, r: IdRequest) -> Result<ServiceStationDetail> {
        store::detail(self.store.conn(), &r.id, self.today())
    }

    /// The stations.
    pub fn service_station_list(&mut self, f: ServiceStationFilter) -> Result<Vec<ServiceStation>> {
        store::list(self.store.conn(), &f, self.today())
    }

    /// Deletes a station set up by mistake.
    pub fn service_station_delete(&mut self, r: IdRequest) -> Result<()> {
        self.store.write(|tx| store::delete(tx, &r.id))
    }

    /// Every station's figures for a month.
    pub fn service_station_month(&mut self, r: MonthRequest) -> Result<Vec<StationFigures>> {
        let m = Month::parse("month", &r.month)?;
        store::month_figures(self.store.conn(), m.first())
    }
}

/// Setting up, changing and deleting a station is not for auxiliaries; anyone reads them.
/// A station's page lists its assistants and its errands' applicants: a view, audited.
pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "service_station.create",
            "设立驿站（红警驿站）",
            ServiceStationInput,
            NotAuxiliary,
            Create(WithWrite),
            |api, p| api.service_station_create(p)
        ),
        method!(
            "service_station.update",
            "修改驿站：名称、地址、开放时间、撤销日期（只传需要修改的字段）",
            ServiceStationUpdate,
            NotAuxiliary,
            Update(WithWrite),
            |api, p| api.service_station_update(p)
        ),
        method!(
            "service_station.get",
            "查看驿站：警务助理、受理的代办、本月数据",
            IdRequest,
            Anyone,
            View(After),
            |api, p| api.service_station_get(p)
        ),
        method!(
            "service_station.list",
            "驿站列表（按村筛选，默认不含已撤销的）",
            ServiceStationFilter,
            Anyone,
            Unaudited,
            |api, p| api.service_station_list(p)
        ),
        method!(
            "service_station.delete",
            "删除误建的驿站（已有警务助理或代办的不能删除）",
            IdRequest,
            NotAuxiliary,
            Delete(WithWrite),
            |api, p| api.service_station_delete(p)
        ),
        method!(
            "service_station.month",
            "驿站月度数据：收集诉求、办结代办、一次不用跑",
            MonthRequest,
            Anyone,
            Unaudited,
            |api, p| api.service_station_month(p)
        ),
    ]
}
