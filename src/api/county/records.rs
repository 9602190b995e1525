//! Residents' records at HQ: the county-wide person search, one record read-only, and
//! assignments (指派) to posts. Every read goes through the caller's scope; each call is
//! audited with the county login by the gate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::super::params::paged_request;
use super::super::{Api, IdRequest, Method, SearchRequest, method};
use super::Page;
use crate::error::{Error, Result};
use crate::store::SYNCED_TABLES;
use crate::store::county::owner::Owners;
use crate::store::search::{self, SearchPage};
use crate::sync::assign::{self, Assignment};

/// The tables a record can be opened from, each with the post's own method that shows it.
pub const RECORDS: &[(&str, &str)] = &[
    ("person", "person.get"),
    ("household", "household.get"),
    ("dispute", "dispute.get"),
    ("errand", "errand.get"),
    ("incident", "incident.get"),
];

/// `hq.record`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    /// 数据表：person、household、dispute、errand、incident.
    #[schemars(title = "记录类别")]
    pub table: String,
    /// 记录标识.
    #[schemars(title = "记录")]
    pub id: String,
}

/// One record, read-only, as the post's own screen reads it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordView {
    /// The table.
    pub table: String,
    /// The record's id.
    pub id: String,
    /// What kind of record, e.g. 矛盾纠纷.
    pub kind: String,
    /// The post it belongs to.
    pub post_id: Option<String>,
    /// That post's name.
    pub post_name: Option<String>,
    /// The record, as the post's `<table>.get` returns it (`Person`, `Household`,
    /// `Dispute`, `Errand` or `Incident`).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub record: Value,
}

/// `hq.assign`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// 指派给哪个警务室（节点标识）.
    #[schemars(title = "警务室")]
    pub post_id: String,
    /// 数据表，如 dispute、lead、hazard、household.
    #[schemars(title = "记录类别")]
    pub table: String,
    /// 记录标识.
    #[schemars(title = "记录")]
    pub id: String,
    /// 指派说明.
    #[serde(default)]
    pub note: Option<String>,
}

paged_request! {
    /// `hq.assignments`.
    #[derive(Default)]
    pub struct AssignmentsRequest {
        /// 只看该警务室的.
        #[serde(default)]
        pub post_id: Option<String>,
        /// 包括已撤回的.
        #[serde(default)]
        pub withdrawn: Option<bool>,
    }
}

impl Api {
    /// Whether the row `table`/`id` is visible to the current call (through its scope),
    /// deleted or not (the method itself reports a deleted row).
    fn visible(&self, table: &str, id: &str) -> Result<bool> {
        let table = SYNCED_TABLES
            .iter()
            .find(|t| **t == table)
            .ok_or_else(|| Error::validation("table", format!("“{table}”不是数据表")))?;
        Ok(self
            .store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table} WHERE id = ?1"), [id], |r| r.get::<_, i64>(0))?
            > 0)
    }

    /// Refuses a row outside the caller's scope: `forbidden` (audited) when it exists at
    /// HQ, `not_found` when it does not exist at all.
    pub(super) fn require_visible(&mut self, table: &str, id: &str) -> Result<()> {
        if self.visible(table, id)? {
            return Ok(());
        }
        let exists = self.lifted(|api| api.visible(table, id))?;
        if !exists {
            return Err(Error::NotFound {
                message: format!("县局数据中没有这条记录（{table} {id}），或已删除")
            });
        }
        let now = self.store.clock().now();
        self.audit_denied(now, table, id, "记录不属于本派出所的警务室")?;
        Err(Error::Forbidden {
            message: "这条记录不属于本派出所的警务室，无权查看或操作".into()
        })
    }

    /// `hq.search`: residents county-wide (a station leader: in their station's posts), by
    /// name, ID number, phone or address.
    pub fn hq_search(&mut self, req: SearchRequest) -> Result<SearchPage> {
        // HQ builds its deferred search entries first (a write: outside the scope's views).
        self.lifted(|api| api.search_catch_up(usize::MAX))?;
        search::search(self.store.conn(), &req.text, req.page.unwrap_or(1), req.page_size.unwrap_or(20))
    }

    /// `hq.record`: one record, read-only, within the caller's scope.
    pub fn hq_record(&mut self, req: RecordRequest) -> Result<RecordView> {
        let Some((table, getter)) = RECORDS.iter().find(|(t, _)| *t == req.table) else {
            let known: Vec<&str> = RECORDS.iter().map(|(t, _)| *t).collect();
            return Err(Error::validation(
                "table",
                format!("不能查看“{}”的记录（可选：{}）", req.table, known.join("、")),
            ));
        };
        self.require_visible(table, &req.id)?;
        let m = super::super::registry()
            .into_iter()
            .find(|m| m.name == *getter)
            .ok_or_else(|| Error::UnknownMethod((*getter).to_owned()))?;
        // The post's own reader, inside this call's gate and scope.
        let record = (m.run)(self, json!({ "id": req.id }))?;
        let (owners, post) = self.lifted(|api| {
            let owners = Owners::load(&api.store, &mut super::assigned)?;
            let village = crate::store::county::scope::village_of(&api.store, table, &req.id)?;
            let post = owners.of(api.store.conn(), table, &req.id, village.as_deref())?.map(str::to_owned);
            Ok((owners, post))
        })?;
        let (kind, _) = assign::describe(self.store.conn(), table, &req.id)?;
        Ok(RecordView {
            table: (*table).to_owned(),
            id: req.id,
            kind,
            post_name: post.as_deref().and_then(|p| owners.post_name(p)).map(str::to_owned),
            post_id: post,
            record,
        })
    }

    /// `hq.assign`: hands a row (with what hangs from it) to a post, which receives it at
    /// its next sync. A station leader assigns only their rows, to their posts.
    pub fn hq_assign_to(&mut self, req: AssignRequest) -> Result<Assignment> {
        self.require_post_in_scope("post_id", &req.post_id)?;
        crate::store::county::station::post(self.store.conn(), "post_id", &req.post_id)?;
        // A table that cannot be assigned is refused by the assignment itself, by name.
        let assignable = SYNCED_TABLES.contains(&req.table.as_str())
            && !crate::store::seed::REFERENCE.contains(&req.table.as_str())
            && req.table != "assignment";
        if assignable {
            self.require_visible(&req.table, &req.id)?;
        }
        self.lifted(|api| api.hq_assign(&req.post_id, &req.table, &req.id, req.note.as_deref()))
    }

    /// `hq.unassign`: withdraws an assignment (the post keeps what it has).
    pub fn hq_unassign_id(&mut self, req: IdRequest) -> Result<Assignment> {
        self.require_visible("assignment", &req.id)?;
        self.lifted(|api| api.hq_unassign(&req.id))
    }

    /// `hq.assignments`: HQ's assignments (a station leader's posts'), newest first.
    pub fn hq_assignment_list(&mut self, req: AssignmentsRequest) -> Result<Page<Assignment>> {
        let all: Vec<Assignment> = assign::list(&self.store)?
            .into_iter()
            .filter(|a| req.withdrawn == Some(true) || a.withdrawn_at.is_none())
            .filter(|a| req.post_id.as_ref().is_none_or(|p| &a.post == p))
            .collect();
        Ok(Page::of(all, req.page, req.page_size))
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "hq.search",
            "县局：查找人员（姓名、公民身份号码、电话、住址；记入审计）",
            SearchRequest,
            County(Records),
            Search(After),
            |api, p| { api.hq_search(p) }
        ),
        method!(
            "hq.record",
            "县局：查看一条记录（人员、户、纠纷、代办、警情；只读，记入审计）",
            RecordRequest,
            County(Records),
            View(After),
            |api, p| api.hq_record(p)
        ),
        method!(
            "hq.assign",
            "县局：指派记录给警务室（连同下属记录，下次同步送达）",
            AssignRequest,
            County(Records),
            Create(WithWrite),
            |api, p| api.hq_assign_to(p)
        ),
        method!(
            "hq.unassign",
            "县局：撤回指派（警务室保留已有记录）",
            IdRequest,
            County(Records),
            Delete(WithWrite),
            |api, p| api.hq_unassign_id(p)
        ),
        method!(
            "hq.assignments",
            "县局：指派列表",
            AssignmentsRequest,
            County(Records),
            View(After),
            |api, p| api.hq_assignment_list(p)
        ),
    ]
}
