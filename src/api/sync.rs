//! Methods for sync: where this node stands, the conflict log and restoring a losing
//! value. Moving bundles (files or HTTP) is done by the CLI and HQ through [`Api`]'s
//! `bundle_*` and `enroll_*` methods, which take and return bytes.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Api, Method, method};
use crate::error::Result;
use crate::sync::{self, Conflict, EnrollReply, EnrollRequest, ImportReport, Status};

/// `conflict.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictListRequest {
    /// 是否包括已处理的冲突（默认只列未处理的）.
    #[serde(default)]
    pub include_resolved: bool,
}

/// `conflict.restore`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictRestoreRequest {
    /// 冲突编号.
    pub id: i64,
}

/// `sync.status` takes no parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("conflict.list", "列出同步冲突（被覆盖的并发修改）", ConflictListRequest, |api, p| api
            .conflict_list(p)),
        method!(
            "conflict.restore",
            "恢复冲突中被覆盖的值（作为一次新的修改同步出去）",
            ConflictRestoreRequest,
            |api, p| { api.conflict_restore(p) }
        ),
        method!(
            "sync.status",
            "同步状态：本机、已登记的对方节点、上次同步、待发送变更、未处理冲突",
            StatusRequest,
            |api, _p| { api.sync_status() }
        ),
    ]
}

impl Api {
    /// The conflict log.
    pub fn conflict_list(&mut self, req: ConflictListRequest) -> Result<Vec<Conflict>> {
        sync::conflicts(self.store.conn(), req.include_resolved)
    }

    /// Restores a conflict's losing value.
    pub fn conflict_restore(&mut self, req: ConflictRestoreRequest) -> Result<Conflict> {
        sync::restore(&mut self.store, req.id)
    }

    /// Where this node stands.
    pub fn sync_status(&mut self) -> Result<Status> {
        sync::status(&self.store)
    }

    /// This post's enrollment request (naming it `name` when given).
    pub fn enroll_request(&mut self, name: Option<&str>) -> Result<EnrollRequest> {
        if let Some(n) = name {
            sync::set_name(&self.store, n)?;
        }
        sync::enroll_request(&self.store)
    }

    /// Records HQ from its enrollment reply.
    pub fn enroll_accept(&mut self, reply: &EnrollReply) -> Result<()> {
        sync::enroll_accept(&mut self.store, reply)
    }

    /// The next bundle for HQ.
    pub fn bundle_export(&mut self) -> Result<Vec<u8>> {
        let hq = sync::hq_peer(&self.store)?;
        sync::export(&mut self.store, hq)
    }

    /// Applies a bundle (all or nothing).
    pub fn bundle_import(&mut self, bytes: &[u8]) -> Result<ImportReport> {
        sync::import(&mut self.store, bytes)
    }

    /// Makes this database the county HQ node named `name`.
    pub fn hq_init(&mut self, name: &str) -> Result<()> {
        sync::init_hq(&mut self.store, name)
    }

    /// HQ registers a post with its villages.
    pub fn hq_enroll(&mut self, req: &EnrollRequest, villages: &[String]) -> Result<EnrollReply> {
        sync::enroll_post(&mut self.store, req, villages)
    }

    /// HQ applies a post's bundle and returns the reply bundle.
    pub fn hq_exchange(&mut self, bytes: &[u8]) -> Result<(ImportReport, Vec<u8>)> {
        sync::exchange(&mut self.store, bytes)
    }

    /// Enrolled peers with last sync and pending changes.
    pub fn sync_peers(&mut self) -> Result<Vec<sync::Peer>> {
        sync::peers(&self.store)
    }
}
