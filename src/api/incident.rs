//! Methods for incidents (`incident.*`).

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Api, IdRequest, Method, method, patch};
use crate::error::Result;
use crate::model::incident::IncidentInput;
use crate::store::incident::{self, Incident, IncidentFilter, IncidentPage};
use crate::store::warning::{self, RepeatIncidents};

/// `incident.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct IncidentUpdate {
    /// The incident.
    #[schemars(title = "警情")]
    pub id: String,
    /// Fields of `incident.create` to change.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<IncidentInput>")]
    pub changes: Map<String, Value>,
}

impl Api {
    /// Records an incident.
    pub fn incident_create(&mut self, input: IncidentInput) -> Result<Incident> {
        let id = self.store.write(|tx| incident::create(tx, input))?;
        incident::get(self.store.conn(), &id)
    }

    /// One incident.
    pub fn incident_get(&mut self, req: IdRequest) -> Result<Incident> {
        incident::get(self.store.conn(), &req.id)
    }

    /// Changes some fields of an incident.
    pub fn incident_update(&mut self, req: IncidentUpdate) -> Result<Incident> {
        let current = incident::input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| incident::update(tx, &req.id, input))?;
        incident::get(self.store.conn(), &req.id)
    }

    /// The incidents repeating one (一地多报, 一人多报), shown together.
    pub fn incident_repeats(&mut self, req: IdRequest) -> Result<RepeatIncidents> {
        let days = warning::rules(self.store.conn())?.repeat_incident_days;
        warning::repeat::repeats_of(self.store.conn(), &req.id, days)
    }

    /// A page of incidents, newest first.
    pub fn incident_list(&mut self, filter: IncidentFilter) -> Result<IncidentPage> {
        incident::list(self.store.conn(), &filter)
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("incident.create", "登记警情", IncidentInput, Anyone, Create(WithWrite), |api, p| api
            .incident_create(p)),
        method!("incident.get", "查看警情", IdRequest, Anyone, View(After), |api, p| api.incident_get(p)),
        method!(
            "incident.update",
            "修改警情（只传需要修改的字段）",
            IncidentUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.incident_update(p)
        ),
        method!(
            "incident.repeats",
            "重复警情：同一地点或同一人员的其他警情（一地多报、一人多报）",
            IdRequest,
            Anyone,
            View(After),
            |api, p| api.incident_repeats(p)
        ),
        method!(
            "incident.list",
            "警情台账（按类别、处置结果、村、日期筛选，分页，最新在前）",
            IncidentFilter,
            Anyone,
            List(After),
            |api, p| api.incident_list(p)
        ),
    ]
}
