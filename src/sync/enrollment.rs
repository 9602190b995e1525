//! Enrollment: the node cards a post and HQ exchange as files, and the peer each side records.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::{Store, get_meta, set_meta};

use super::keys::PublicKeys;
use super::{NodeRole, name, role};
use super::{keys, net};

/// One side of an enrollment, as it travels in the request and reply files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeCard {
    /// Node id.
    pub node_id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: NodeRole,
    /// SM2 signing public key, hex (SEC1 uncompressed).
    pub sign_public: String,
    /// SM2 encryption public key, hex (SEC1 uncompressed).
    pub enc_public: String,
}

impl NodeCard {
    fn keys(&self) -> Result<PublicKeys> {
        let bad = |_| Error::validation("enroll", "登记文件中的公钥格式不对");
        let k = PublicKeys {
            sign: hex::decode(&self.sign_public).map_err(bad)?,
            enc: hex::decode(&self.enc_public).map_err(bad)?,
        };
        k.verifying()?;
        k.encrypting()?;
        Ok(k)
    }
}

/// The post's enrollment request: carried to the station, read by HQ.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// Always `fengqiao-enroll-request`.
    pub kind: String,
    /// The post.
    pub node: NodeCard,
}

/// HQ's reply: carried back, read by the post.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollReply {
    /// Always `fengqiao-enroll-reply`.
    pub kind: String,
    /// HQ.
    pub hq: NodeCard,
    /// The post it was made for.
    pub post: Uuid,
    /// The post's jurisdiction: village codes.
    pub villages: Vec<String>,
    /// The certificate HQ's HTTPS presents (DER, hex), for the post to pin: sent in a
    /// network enrollment's MACed reply when HQ serves HTTPS (or was told its proxy's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<String>,
}

/// `local_meta` key of HQ's TLS certificate pinned at enrollment (hex DER).
const HQ_TLS_CERT: &str = "hq_tls_cert";

/// How this post checks HQ's certificate over HTTPS: the one pinned at enrollment, else
/// the public certificate authorities.
pub fn hq_trust(store: &Store) -> Result<net::Trust> {
    match get_meta(store.conn(), HQ_TLS_CERT)?.filter(|v| !v.is_empty()) {
        Some(hexed) => hex::decode(hexed)
            .map(net::Trust::Pinned)
            .map_err(|_| Error::rule("本机记录的县局证书已损坏，请向县局申请登记码重新登记")),
        None => Ok(net::Trust::Public),
    }
}

fn card(store: &Store) -> Result<NodeCard> {
    let k = keys::load_or_create(store.conn())?.public();
    Ok(NodeCard {
        node_id: store.node_id(),
        name: name(store)?,
        role: role(store)?,
        sign_public: hex::encode(k.sign),
        enc_public: hex::encode(k.enc),
    })
}

/// The post's request file.
pub fn enroll_request(store: &Store) -> Result<EnrollRequest> {
    if role(store)? == NodeRole::Hq {
        return Err(Error::rule("县局节点不需要登记"));
    }
    Ok(EnrollRequest { kind: "fengqiao-enroll-request".into(), node: card(store)? })
}

/// HQ registers a post with its villages and answers with its own card.
pub fn enroll_post(store: &mut Store, req: &EnrollRequest, villages: &[String]) -> Result<EnrollReply> {
    if role(store)? != NodeRole::Hq {
        return Err(Error::rule("只有县局节点可以登记警务室，请先执行 init"));
    }
    if req.kind != "fengqiao-enroll-request" || req.node.role != NodeRole::Post {
        return Err(Error::validation("request", "这不是警务室的登记申请文件"));
    }
    if villages.is_empty() || villages.iter().any(|v| v.trim().is_empty()) {
        return Err(Error::validation("villages", "请至少指定一个辖区村（社区）代码"));
    }
    let villages: Vec<String> = villages.iter().map(|v| v.trim().to_owned()).collect();
    let now = stamp(store.clock().now());
    add_peer(store.conn(), &req.node, &villages, &now)?;
    Ok(EnrollReply {
        kind: "fengqiao-enroll-reply".into(),
        hq: card(store)?,
        post: req.node.node_id,
        villages,
        tls_cert: None,
    })
}

/// The post records HQ from its reply.
pub fn enroll_accept(store: &mut Store, reply: &EnrollReply) -> Result<()> {
    if reply.kind != "fengqiao-enroll-reply" || reply.hq.role != NodeRole::Hq {
        return Err(Error::validation("reply", "这不是县局的登记回执文件"));
    }
    if reply.post != store.node_id() {
        return Err(Error::validation(
            "reply",
            format!("这份登记回执是给另一个警务室（{}）的，不是本机（{}）", reply.post, store.node_id()),
        ));
    }
    let cert = match &reply.tls_cert {
        Some(h) => Some(hex::decode(h).map_err(|_| Error::validation("reply", "登记回执中的县局证书已损坏"))?),
        None => None,
    };
    let now = stamp(store.clock().now());
    add_peer(store.conn(), &reply.hq, &reply.villages, &now)?;
    // Enrolling again replaces the pin (or drops it, for an HQ now behind a public
    // certificate), as it replaces HQ's keys.
    match cert {
        Some(der) => set_meta(store.conn(), HQ_TLS_CERT, &hex::encode(der)),
        None => {
            store.conn().execute("DELETE FROM local_meta WHERE key = ?1", [HQ_TLS_CERT])?;
            Ok(())
        }
    }
}

fn add_peer(conn: &Connection, node: &NodeCard, villages: &[String], now: &str) -> Result<()> {
    let k = node.keys()?;
    conn.execute(
        "INSERT INTO peer (node_id, name, role, sign_public, enc_public, villages, enrolled_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, role = excluded.role,
             sign_public = excluded.sign_public, enc_public = excluded.enc_public,
             villages = excluded.villages, enrolled_at = excluded.enrolled_at",
        params![
            node.node_id.to_string(),
            node.name,
            node.role.as_str(),
            k.sign,
            k.enc,
            serde_json::to_string(villages).unwrap_or_else(|_| "[]".into()),
            now
        ],
    )?;
    Ok(())
}
