//! Methods for sync: where this node stands, bundles to and from files (the USB path) and
//! over the network, enrollment files, the conflict log and restoring a losing value. HQ
//! and the CLI also use [`Api`]'s `bundle_*` and `enroll_*` methods, which take and return
//! bytes.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::params::output_request;
use super::{Api, Method, NoParams, method};
use crate::error::{Error, Result};
use crate::store::files::Kind;
use crate::sync::{self, Conflict, EnrollReply, EnrollRequest, ImportReport, Status};

output_request! {
    /// `sync.export`.
    pub struct SyncExportRequest {
        /// 同步包文件（.fqsync），例如 U 盘上的路径.
        #[schemars(title = "同步包文件")]
        pub path: String,
    }
}

/// `sync.import`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SyncImportRequest {
    /// 县局发来的同步包文件（.fqsync）.
    #[schemars(title = "同步包文件")]
    pub path: String,
}

/// `sync.network`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SyncNetworkRequest {
    /// 县局服务地址，例如 `http://192.168.1.10:8080`.
    #[schemars(title = "县局服务地址")]
    pub url: String,
}

output_request! {
    /// `enroll.request`.
    pub struct EnrollRequestFile {
        /// 登记申请文件（.fqreq）的保存位置.
        #[schemars(title = "登记申请文件")]
        pub path: String,
        /// 本警务室名称（写入申请，县局据此识别）.
        #[serde(default)]
        pub name: Option<String>,
    }
}

/// `enroll.accept`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EnrollAcceptFile {
    /// 县局的登记回执文件（.fqreply）.
    #[schemars(title = "登记回执文件")]
    pub path: String,
}

/// `enroll.network`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EnrollNetworkRequest {
    /// 县局服务地址，例如 `http://192.168.1.10:8080`.
    #[schemars(title = "县局服务地址")]
    pub url: String,
    /// 县局发放的一次性登记码（如 `K7QM-3XHD-...`，空格和短横线可有可无）.
    #[schemars(title = "登记码")]
    pub code: String,
}

/// A bundle made for HQ: written to a file (`sync.export`) or sent (`sync.network`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleSent {
    /// The file written (empty when sent over the network).
    pub path: String,
    /// The bundle's number for HQ.
    pub counter: i64,
    /// Changes carried.
    pub changes: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// `sync.network`: what went to HQ and what came back.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkSync {
    /// The bundle sent.
    pub sent: BundleSent,
    /// The size of HQ's reply bundle in bytes.
    pub received_bytes: u64,
    /// What applying HQ's reply did.
    pub received: ImportReport,
}

/// `enroll.request`: the request file written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnrollRequestWritten {
    /// Where.
    pub path: String,
    /// This post's node id (HQ's admin sees it in the request).
    pub node_id: String,
    /// This post's name as written in the request.
    pub name: String,
}

/// `enroll.accept` (and `enroll.network`): the HQ this post is now enrolled with.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Enrolled {
    /// HQ's node id.
    pub hq_node_id: String,
    /// HQ's name.
    pub hq_name: String,
    /// This post's jurisdiction: village codes.
    pub villages: Vec<String>,
    /// HQ's HTTPS certificate was recorded: later syncs over HTTPS accept only it.
    pub tls_pinned: bool,
}

impl From<&EnrollReply> for Enrolled {
    fn from(r: &EnrollReply) -> Enrolled {
        Enrolled {
            hq_node_id: r.hq.node_id.to_string(),
            hq_name: r.hq.name.clone(),
            villages: r.villages.clone(),
            tls_pinned: r.tls_cert.is_some(),
        }
    }
}

fn sent(path: &str, bytes: &[u8]) -> Result<BundleSent> {
    let (header, _) = sync::bundle::read_header(bytes)?;
    Ok(BundleSent {
        path: path.to_owned(),
        counter: header.counter,
        changes: header.changes,
        bytes: bytes.len() as u64,
    })
}

/// `conflict.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ConflictListRequest {
    /// 是否包括已处理的冲突（默认只列未处理的）.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub include_resolved: bool,
}

/// `conflict.restore`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ConflictRestoreRequest {
    /// 冲突编号.
    #[schemars(title = "冲突编号")]
    pub id: i64,
}

/// `sync.status` takes no parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "assignment.list",
            "列出县局指派给本警务室的记录",
            NoParams,
            Anyone,
            List(After),
            |api, _| api.assignment_list()
        ),
        method!(
            "conflict.list",
            "列出同步冲突（被覆盖的并发修改）",
            ConflictListRequest,
            Anyone,
            List(After),
            |api, p| api.conflict_list(p)
        ),
        method!(
            "conflict.restore",
            "恢复冲突中被覆盖的值（作为一次新的修改同步出去）",
            ConflictRestoreRequest,
            Anyone,
            Update(WithWrite),
            |api, p| { api.conflict_restore(p) }
        ),
        method!(
            "sync.export",
            "导出发给县局的同步包（.fqsync，签名并加密，可用 U 盘带到派出所上传）",
            SyncExportRequest,
            Anyone,
            Export(EntryFirst),
            |api, p| api.sync_export(p)
        ),
        method!(
            "sync.import",
            "导入县局发来的同步包（整包生效或整包不生效，被拒绝时说明原因）",
            SyncImportRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.sync_import(p)
        ),
        method!(
            "sync.network",
            "通过网络与县局同步（发送本机同步包并导入县局的回复）",
            SyncNetworkRequest,
            Anyone,
            Update(EntryFirst),
            |api, p| api.sync_network(p)
        ),
        method!(
            "enroll.request",
            "生成向县局登记本警务室的申请文件",
            EnrollRequestFile,
            Admin,
            Update(EntryFirst),
            |api, p| api.enroll_request_file(p)
        ),
        method!(
            "enroll.accept",
            "导入县局的登记回执，完成登记",
            EnrollAcceptFile,
            Admin,
            Update(WithWrite),
            |api, p| api.enroll_accept_file(p)
        ),
        method!(
            "enroll.network",
            "凭县局发放的一次性登记码，通过网络向县局登记本警务室",
            EnrollNetworkRequest,
            Admin,
            Update(EntryFirst),
            |api, p| api.enroll_network(p)
        ),
        method!(
            "sync.status",
            "同步状态：本机、已登记的对方节点、上次同步、待发送变更、未处理冲突",
            StatusRequest,
            Anyone,
            Unaudited,
            |api, _p| { api.sync_status() }
        ),
    ]
}

impl Api {
    /// What HQ has assigned to this post (rows outside its villages), newest first.
    pub fn assignment_list(&mut self) -> Result<Vec<sync::assign::Received>> {
        sync::assign::received(self.store.conn())
    }

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

    /// `sync.export`: the next bundle for HQ, written to `path`.
    pub fn sync_export(&mut self, req: SyncExportRequest) -> Result<BundleSent> {
        let path = Path::new(&req.path);
        // Checked before the bundle is made: making one numbers it.
        self.check_output(Kind::Bundle, "path", path, req.overwrite)?;
        let bytes = self.bundle_export()?;
        let written = self.write_file(Kind::Bundle, "path", path, req.overwrite, &bytes)?;
        sent(&written.to_string_lossy(), &bytes)
    }

    /// `sync.import`: applies the bundle in the file at `path`.
    pub fn sync_import(&mut self, req: SyncImportRequest) -> Result<ImportReport> {
        let bytes = self.read_file(Kind::Bundle, "path", Path::new(&req.path))?;
        self.bundle_import(&bytes)
    }

    /// `sync.network`: the exchange with HQ over HTTP.
    pub fn sync_network(&mut self, req: SyncNetworkRequest) -> Result<NetworkSync> {
        let hq = sync::hq_peer(&self.store)?;
        let up = sync::export(&mut self.store, hq)?;
        let down = sync::net::post_bundle(&req.url, &up, &sync::hq_trust(&self.store)?)?;
        let received = self.bundle_import(&down)?;
        Ok(NetworkSync { sent: sent("", &up)?, received_bytes: down.len() as u64, received })
    }

    /// `enroll.request`: writes this post's enrollment request to `path`.
    pub fn enroll_request_file(&mut self, req: EnrollRequestFile) -> Result<EnrollRequestWritten> {
        let path = Path::new(&req.path);
        self.check_output(Kind::EnrollRequest, "path", path, req.overwrite)?;
        let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let request = self.enroll_request(name)?;
        let json = serde_json::to_vec_pretty(&request).map_err(|e| Error::BadRequest(e.to_string()))?;
        let written = self.write_file(Kind::EnrollRequest, "path", path, req.overwrite, &json)?;
        Ok(EnrollRequestWritten {
            path: written.to_string_lossy().into_owned(),
            node_id: request.node.node_id.to_string(),
            name: request.node.name,
        })
    }

    /// `enroll.accept`: records HQ from the reply file at `path`.
    pub fn enroll_accept_file(&mut self, req: EnrollAcceptFile) -> Result<Enrolled> {
        let text = self.read_file(Kind::EnrollReply, "path", Path::new(&req.path))?;
        let reply: EnrollReply = serde_json::from_slice(&text)
            .map_err(|_| Error::validation("path", "这不是县局的登记回执文件（内容无法识别）"))?;
        self.enroll_accept(&reply)?;
        Ok(Enrolled::from(&reply))
    }

    /// `enroll.network`: enrolls with HQ over HTTP, authorized by HQ's one-time code.
    pub fn enroll_network(&mut self, req: EnrollNetworkRequest) -> Result<Enrolled> {
        let reply = sync::code::enroll_network(&mut self.store, &req.url, &req.code)?;
        Ok(Enrolled::from(&reply))
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

    /// HQ registers the post whose request file (.fqreq) is at `request` and writes its
    /// reply file (.fqreply) to `out`; returns the request.
    pub fn hq_enroll_file(
        &mut self,
        request: &Path,
        villages: &[String],
        out: &Path,
        overwrite: bool,
    ) -> Result<EnrollRequest> {
        let bytes = self.read_file(Kind::EnrollRequest, "request", request)?;
        let req: EnrollRequest = serde_json::from_slice(&bytes)
            .map_err(|_| Error::validation("request", "这不是警务室的登记申请文件（内容无法识别）"))?;
        self.check_output(Kind::EnrollReply, "out", out, overwrite)?;
        let reply = self.hq_enroll(&req, villages)?;
        let text = serde_json::to_vec_pretty(&reply).map_err(|e| Error::BadRequest(e.to_string()))?;
        self.write_file(Kind::EnrollReply, "out", out, overwrite, &text)?;
        Ok(req)
    }

    /// HQ assigns a row outside a post's villages (with the rows that hang from it) to the
    /// post `post` (its node id or name); the post receives it with its next sync.
    pub fn hq_assign(
        &mut self,
        post: &str,
        table: &str,
        row_id: &str,
        note: Option<&str>,
    ) -> Result<sync::assign::Assignment> {
        sync::assign::assign(&mut self.store, post, table, row_id, note)
    }

    /// HQ withdraws an assignment; the post keeps what it has.
    pub fn hq_unassign(&mut self, id: &str) -> Result<sync::assign::Assignment> {
        sync::assign::withdraw(&mut self.store, id)
    }

    /// HQ's alarms about posts' audit chains: unseen ones, or all.
    pub fn hq_audit_alarms(&self, include_seen: bool) -> Result<Vec<sync::AuditAlarm>> {
        sync::audit_alarms(self.store.conn(), include_seen)
    }

    /// The latest `limit` rows HQ did not take from posts (at a post: its own), newest first.
    pub fn sync_refusals(&self, limit: i64) -> Result<Vec<sync::refusals::RefusedRow>> {
        sync::refusals::latest(self.store.conn(), limit)
    }

    /// HQ's admin marks an audit alarm seen, with the reason when given.
    pub fn hq_see_audit_alarm(&mut self, id: i64, reason: Option<&str>) -> Result<sync::AuditAlarm> {
        let by = self.session().map(|s| s.login.clone());
        sync::see_audit_alarm(&self.store, id, by.as_deref(), reason)
    }

    /// HQ's assignments, newest first.
    pub fn hq_assignments(&self) -> Result<Vec<sync::assign::Assignment>> {
        sync::assign::list(&self.store)
    }

    /// HQ issues a one-time enrollment code for a post with `villages`, valid `hours`.
    pub fn hq_enroll_code(
        &mut self,
        villages: &[String],
        name: Option<&str>,
        hours: i64,
    ) -> Result<sync::code::IssuedCode> {
        sync::code::issue(&mut self.store, villages, name, None, hours)
    }

    /// HQ answers a post's coded enrollment (the body of `POST /enroll`); `tls_cert` is the
    /// certificate (DER) HQ's HTTPS presents, for the post to pin.
    pub fn hq_enroll_coded(&mut self, bytes: &[u8], tls_cert: Option<&[u8]>) -> Result<Vec<u8>> {
        sync::code::answer(&mut self.store, bytes, tls_cert)
    }

    /// HQ applies a post's bundle and returns the reply bundle.
    pub fn hq_exchange(&mut self, bytes: &[u8]) -> Result<(ImportReport, Vec<u8>)> {
        // Never through a station leader's views (left standing only if dropping them failed):
        // the reply would leave out rows the post should receive.
        self.unshadow()?;
        sync::exchange(&mut self.store, bytes)
    }

    /// HQ applies the post's bundle file at `file` and writes the reply bundle to
    /// `reply_out` (the USB path at the station).
    pub fn hq_exchange_file(&mut self, file: &Path, reply_out: &Path, overwrite: bool) -> Result<ImportReport> {
        let bytes = self.read_file(Kind::Bundle, "file", file)?;
        self.check_output(Kind::Bundle, "reply_out", reply_out, overwrite)?;
        let (report, reply) = self.hq_exchange(&bytes)?;
        self.write_file(Kind::Bundle, "reply_out", reply_out, overwrite, &reply)?;
        Ok(report)
    }

    /// Enrolled peers with last sync and pending changes.
    pub fn sync_peers(&mut self) -> Result<Vec<sync::Peer>> {
        sync::peers(&self.store)
    }
}
