//! Sync with the county HQ: enrollment, per-peer watermarks, making and applying bundles,
//! the conflict log.
//!
//! Topology: a star. A post sends HQ its own changes; HQ sends each post every other
//! node's changes that fall in the post's jurisdiction ([`scope`]). Per peer and origin
//! node, `peer_origin.acked` is how far the peer has acknowledged that origin's changes (a
//! bundle carries everything above it, so a lost bundle's changes go again next time) and
//! `received` is how far the peer has sent them to us (acknowledged back in our next
//! bundle). Changes apply through [`crate::store::Tx::apply_remote`], which skips any
//! (origin, seq) already in the change log, so duplicated and reordered bundles are
//! harmless. The bundle last accepted from a sender, presented again, is answered as
//! received and applies nothing ([`ImportReport::repeat`]; HQ still makes a fresh reply); one
//! numbered below it is refused as stale (bundles are cumulative, so an older one never
//! carries anything new), with what to do.
//!
//! Nothing here knows about HTTP: `fengqiao-hq` and the CLI move the same bytes.

pub mod assign;
pub mod bundle;
pub mod clock;
pub mod code;
pub mod conflict;
pub mod keys;
pub use crate::model::merge;
pub mod net;
pub mod node;
pub mod refusals;
pub mod scope;

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::model::time::stamp;
use crate::store::backup::{RESTORED_NEXT, RESTORED_UPTO, SEQ_SKIPPED};
use crate::store::write::Change;
use crate::store::{Store, attachment, get_meta, get_meta_num, set_meta};
pub use conflict::{Conflict, conflicts, restore};
pub use node::{NodeRole, init_hq, name, role, set_name};

use bundle::{AuditClaim, Body, BundleError, Envelope, Range};
use keys::PublicKeys;
use merge::Decision;

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

/// An enrolled peer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Peer {
    /// Node id.
    pub node_id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: NodeRole,
    /// Jurisdiction village codes (for a post).
    pub villages: Vec<String>,
    /// When enrolled.
    pub enrolled_at: String,
    /// When a bundle from it was last accepted.
    pub last_sync_at: Option<String>,
    /// Changes waiting to be sent to it (before jurisdiction filtering).
    pub pending: i64,
    #[serde(skip)]
    keys: Option<PublicKeys>,
    #[serde(skip)]
    sent_counter: i64,
}

fn read_peers(conn: &Connection, only: Option<Uuid>) -> Result<Vec<Peer>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, name, role, villages, enrolled_at, last_sync_at, sign_public, enc_public,
                sent_counter
         FROM peer WHERE ?1 IS NULL OR node_id = ?1 ORDER BY name, node_id",
    )?;
    let rows = stmt.query_map([only.map(|u| u.to_string())], |r| {
        Ok((
            r.get::<_, String>("node_id")?,
            r.get::<_, String>("name")?,
            r.get::<_, String>("role")?,
            r.get::<_, String>("villages")?,
            r.get::<_, String>("enrolled_at")?,
            r.get::<_, Option<String>>("last_sync_at")?,
            r.get::<_, Vec<u8>>("sign_public")?,
            r.get::<_, Vec<u8>>("enc_public")?,
            r.get::<_, i64>("sent_counter")?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (node_id, name, role, villages, enrolled_at, last_sync_at, sign, enc, sent_counter) = row?;
        out.push(Peer {
            node_id,
            name,
            role: NodeRole::parse(&role)?,
            villages: crate::store::json_list(Some(villages)),
            enrolled_at,
            last_sync_at,
            pending: 0,
            keys: Some(PublicKeys { sign, enc }),
            sent_counter,
        });
    }
    Ok(out)
}

/// The origins whose changes this node sends to `peer`, each with how far the peer has
/// acknowledged them and how far this node has them. Besides this node's own and (at HQ)
/// every other node's, the peer's own: how far the peer holds its own changes is what its
/// last bundle said (`peer_origin` of the peer itself, [`import`]), so a peer restored from
/// an older backup gets back those it made since that this node holds: up to where its
/// numbering resumed (`peer.restored_next`), since it holds those above.
fn outgoing(conn: &Connection, me: Uuid, my_role: NodeRole, peer: &str) -> Result<Vec<(String, i64, i64)>> {
    let mut origins = vec![me.to_string()];
    if my_role == NodeRole::Hq {
        // HQ relays every other node's changes; its peers are all the posts.
        let mut stmt = conn.prepare_cached("SELECT node_id FROM peer WHERE node_id != ?1")?;
        for o in stmt.query_map([peer], |r| r.get::<_, String>(0))? {
            origins.push(o?);
        }
    }
    let said: bool = conn
        .prepare_cached("SELECT count(*) > 0 FROM peer_origin WHERE peer = ?1 AND origin = ?1")?
        .query_row([peer], |r| r.get(0))?;
    if said {
        origins.push(peer.to_owned());
    }
    let restored_next: Option<i64> = conn
        .prepare_cached("SELECT restored_next FROM peer WHERE node_id = ?1")?
        .query_row([peer], |r| r.get(0))
        .optional()?
        .flatten();
    let mut out = Vec::new();
    for origin in origins {
        let acked: i64 = conn
            .prepare_cached("SELECT acked FROM peer_origin WHERE peer = ?1 AND origin = ?2")?
            .query_row([peer, &origin], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let top = restored_next.filter(|_| origin == peer).unwrap_or(i64::MAX);
        let upto: i64 = conn
            .prepare_cached(
                "SELECT coalesce(max(origin_seq), 0) FROM change_log WHERE origin = ?1 AND origin_seq <= ?2",
            )?
            .query_row(params![origin, top], |r| r.get(0))?;
        out.push((origin, acked, upto));
    }
    Ok(out)
}

/// Every enrolled peer, with what is waiting for it.
pub fn peers(store: &Store) -> Result<Vec<Peer>> {
    let conn = store.conn();
    let my_role = role(store)?;
    let mut all = read_peers(conn, None)?;
    for p in &mut all {
        let mut pending = 0;
        for (origin, acked, _) in outgoing(conn, store.node_id(), my_role, &p.node_id)? {
            pending += conn
                .prepare_cached("SELECT count(*) FROM change_log WHERE origin = ?1 AND origin_seq > ?2 AND hlc != ?3")?
                .query_row(params![origin, acked, Hlc::GENESIS.to_string()], |r| r.get::<_, i64>(0))?;
        }
        p.pending = pending;
    }
    Ok(all)
}

/// What waits for each peer, by peer node id, cheaply enough for a county of a hundred posts
/// and millions of changes: for every origin this node sends it, the origin's last sequence
/// number less what the peer has acknowledged (one index lookup per origin, where [`peers`]
/// counts the change log). Like [`Peer::pending`] it is before jurisdiction filtering; it
/// also counts reference data seeded alike everywhere, until the peer first acknowledges.
pub fn pending_counts(store: &Store) -> Result<HashMap<String, i64>> {
    let conn = store.conn();
    let me = store.node_id().to_string();
    let my_role = role(store)?;
    let peers: Vec<String> = conn
        .prepare_cached("SELECT node_id FROM peer")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut upto: HashMap<String, i64> = HashMap::new();
    let mut max = conn.prepare_cached("SELECT coalesce(max(origin_seq), 0) FROM change_log WHERE origin = ?1")?;
    for origin in std::iter::once(&me).chain(peers.iter()) {
        upto.insert(origin.clone(), max.query_row([origin], |r| r.get(0))?);
    }
    let mut acked: HashMap<(String, String), i64> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT peer, origin, acked FROM peer_origin")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))? {
        let (peer, origin, n) = row?;
        acked.insert((peer, origin), n);
    }
    let mut out = HashMap::new();
    for peer in &peers {
        let origins: Vec<&String> = if my_role == NodeRole::Hq {
            std::iter::once(&me).chain(peers.iter().filter(|o| *o != peer)).collect()
        } else {
            vec![&me]
        };
        let mut pending = 0;
        for o in origins {
            pending += unread(conn, o, acked.get(&(peer.clone(), o.clone())).copied().unwrap_or(0), upto[o])?;
        }
        out.insert(peer.clone(), pending);
    }
    Ok(out)
}

/// How many changes of `origin` lie in `acked < seq <= upto`: the difference, one lookup
/// for the usual stretch, since a node numbers its changes one after another. A restored
/// node's numbers jump ([`crate::store::backup::SEQ_PER_SECOND`]), so a stretch longer
/// than any real one is counted in the change log instead.
fn unread(conn: &Connection, origin: &str, acked: i64, upto: i64) -> Result<i64> {
    let span = (upto - acked).max(0);
    if span <= crate::store::backup::SEQ_PER_SECOND {
        return Ok(span);
    }
    Ok(conn
        .prepare_cached("SELECT count(*) FROM change_log WHERE origin = ?1 AND origin_seq > ?2 AND origin_seq <= ?3")?
        .query_row(params![origin, acked, upto], |r| r.get(0))?)
}

fn the_peer(conn: &Connection, id: Uuid) -> Result<Peer> {
    read_peers(conn, Some(id))?.into_iter().next().ok_or_else(|| BundleError::NotEnrolled(id.to_string()).into())
}

/// The single peer of a post (HQ), or a refusal when not enrolled.
pub fn hq_peer(store: &Store) -> Result<Uuid> {
    let hq = read_peers(store.conn(), None)?.into_iter().find(|p| p.role == NodeRole::Hq);
    let hq = hq.ok_or_else(|| BundleError::NotEnrolled("县局".into()))?;
    Uuid::try_parse(&hq.node_id).map_err(|_| Error::rule("登记的县局节点标识已损坏"))
}

/// Makes the next bundle for `to`: every change it has not acknowledged that it may see,
/// and this node's acknowledgements of what `to` sent.
pub fn export(store: &mut Store, to: Uuid) -> Result<Vec<u8>> {
    Ok(make_bundle(store, to, None)?.0)
}

/// The changes HQ's next bundle for the post `to` carries, read from the change log by origin
/// (`by_row` false) or by row (true), without sending it: the two must be the same (tests
/// compare them). The bundle made is thrown away (the peer's bundle counter moves on).
pub fn reply_changes(store: &Store, to: Uuid, by_row: bool) -> Result<Vec<Change>> {
    Ok(make_bundle(store, to, Some(by_row))?.1)
}

/// HQ reads the changes for a post by row ([`changes_by_row`]) when there are more changes to
/// go through than rows the post itself made, twice over: a post's first sync into a county
/// (it has acknowledged nothing, so every other post's whole log is unread), or a long
/// absence. Otherwise it reads the unacknowledged stretch of each origin's log, which for a
/// daily sync is short.
fn reads_by_row(conn: &Connection, post: &str, wanted: &HashMap<String, (Uuid, i64, i64)>) -> bool {
    let mut unread_total: i64 = 0;
    for (origin, (_, acked, upto)) in wanted {
        unread_total = unread_total.saturating_add(unread(conn, origin, *acked, *upto).unwrap_or(i64::MAX / 4));
    }
    let own: i64 = conn
        .query_row("SELECT count(*) FROM row_origin WHERE origin = ?1", [post], |r| r.get(0))
        .unwrap_or(i64::MAX / 4);
    unread_total > 2 * own.max(1_000)
}

/// The changes of `wanted` (origin → its id, what the peer acknowledged, how far this node
/// has it) read origin by origin, each row judged by `scope` when given.
fn changes_by_origin(
    conn: &Connection,
    columns: &crate::store::write::Columns,
    mut scope: Option<&mut scope::Scope>,
    wanted: &HashMap<String, (Uuid, i64, i64)>,
    genesis: &str,
) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT origin_seq, hlc, prev, tbl, row_id, col, value FROM change_log
         WHERE origin = ?1 AND origin_seq > ?2 AND origin_seq <= ?3 ORDER BY origin_seq",
    )?;
    for (origin, (origin_id, acked, upto)) in wanted {
        let mut rows = stmt.query(params![origin, acked, upto])?;
        while let Some(r) = rows.next()? {
            if let Some(scope) = scope.as_deref_mut()
                && !scope.contains(conn, columns, &r.get::<_, String>(3)?, &r.get::<_, String>(4)?)?
            {
                continue;
            }
            changes.extend(logged_change(*origin_id, genesis, r)?);
        }
    }
    Ok(changes)
}

/// The same changes read row by row: the rows that may be in the post's scope
/// ([`scope::Scope::candidates`]), each judged, then each row's changes through the change
/// log's index by row, keeping those of `wanted`'s stretches.
fn changes_by_row(
    conn: &Connection,
    columns: &crate::store::write::Columns,
    scope: &mut scope::Scope,
    wanted: &HashMap<String, (Uuid, i64, i64)>,
    genesis: &str,
) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT origin, origin_seq, hlc, prev, tbl, row_id, col, value FROM change_log
         WHERE tbl = ?1 AND row_id = ?2",
    )?;
    for (tbl, id) in scope.candidates(conn, columns)? {
        if !scope.contains(conn, columns, &tbl, &id)? {
            continue;
        }
        let mut rows = stmt.query([&tbl, &id])?;
        while let Some(r) = rows.next()? {
            let Some((origin_id, acked, upto)) = wanted.get(&r.get::<_, String>("origin")?) else { continue };
            let seq: i64 = r.get("origin_seq")?;
            if seq > *acked && seq <= *upto {
                changes.extend(logged_change(*origin_id, genesis, r)?);
            }
        }
    }
    Ok(changes)
}

/// The bundle for `to` and the changes it carries; `by_row` forces how they are read.
fn make_bundle(store: &Store, to: Uuid, by_row: Option<bool>) -> Result<(Vec<u8>, Vec<Change>)> {
    let me = store.node_id();
    let my_role = role(store)?;
    let keys = keys::load_or_create(store.conn())?;
    let peer = the_peer(store.conn(), to)?;
    let peer_keys = peer.keys.clone().ok_or(BundleError::BadKey)?;
    let peer_id = to.to_string();
    let conn = store.conn();
    let mut scope = if my_role == NodeRole::Hq && peer.role == NodeRole::Post {
        Some(scope::Scope::new(conn, to, &peer.villages)?)
    } else {
        None
    };
    let genesis = Hlc::GENESIS.to_string();
    let mut ranges = Vec::new();
    let mut wanted: HashMap<String, (Uuid, i64, i64)> = HashMap::new();
    for (origin, acked, upto) in outgoing(conn, me, my_role, &peer_id)? {
        // The peer's own origin always has its range, empty or not: it tells a restored
        // peer that this node has sent back what it holds of its changes ([`import`]).
        if upto <= acked && origin != peer_id {
            continue;
        }
        let upto = upto.max(acked);
        let origin_id = Uuid::try_parse(&origin).map_err(|_| Error::rule("变更日志中的节点标识已损坏"))?;
        ranges.push(Range { origin: origin_id, after: acked, upto });
        wanted.insert(origin, (origin_id, acked, upto));
    }
    let mut changes = match scope.as_mut() {
        Some(scope) if by_row.unwrap_or_else(|| reads_by_row(conn, &peer_id, &wanted)) => {
            changes_by_row(conn, store.columns(), scope, &wanted, &genesis)?
        }
        _ => changes_by_origin(conn, store.columns(), scope.as_mut(), &wanted, &genesis)?,
    };
    if my_role == NodeRole::Hq && peer.role == NodeRole::Post {
        // Rows HQ assigned to the post: their older changes, until it acknowledges them.
        let acked_hq: i64 = conn
            .prepare_cached("SELECT acked FROM peer_origin WHERE peer = ?1 AND origin = ?2")?
            .query_row([&peer_id, &me.to_string()], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let have: HashSet<(Uuid, i64)> = changes.iter().map(|c| (c.origin, c.origin_seq)).collect();
        let mut stmt = conn.prepare_cached(
            "SELECT origin_seq, hlc, prev, tbl, row_id, col, value FROM change_log
             WHERE origin = ?1 AND origin_seq = ?2",
        )?;
        for (origin, seq) in assign::pending_handover(conn, &peer_id, acked_hq)? {
            let origin_id = Uuid::try_parse(&origin).map_err(|_| Error::rule("变更日志中的节点标识已损坏"))?;
            if have.contains(&(origin_id, seq)) {
                continue;
            }
            let mut rows = stmt.query(params![origin, seq])?;
            if let Some(r) = rows.next()? {
                changes.extend(logged_change(origin_id, &genesis, r)?);
            }
        }
    }
    // In clock order; a change's number orders those of one write (whichever way they were read).
    changes.sort_by_key(|c| (c.hlc, c.origin, c.origin_seq));
    let mut acks = Vec::new();
    {
        // What the peer sent back of this node's own changes is not acknowledged: how far
        // this node holds its own is `own_from` below.
        let mut stmt = conn.prepare_cached(
            "SELECT origin, received FROM peer_origin WHERE peer = ?1 AND origin != ?2 AND received > 0",
        )?;
        for row in stmt.query_map([&peer_id, &me.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (o, n) = row?;
            if let Ok(o) = Uuid::try_parse(&o) {
                acks.push((o, n));
            }
        }
    }
    let (own_from, own_window) = own_asked(conn, me, &peer_id)?;
    let mut body = Body { acks, changes, own_from, own_window, ..Default::default() };
    // The bytes of the files the changes introduce travel with them, once.
    let (tbl, col) = attachment::NAMED_BY;
    let named = body.changes.iter().filter(|c| c.tbl == tbl && c.col == col).map(|c| c.value.as_str());
    body.files = attachment::files_for(conn, named)?;
    match (my_role, peer.role) {
        (NodeRole::Post, _) => {
            body.audit = audit_claim(conn)?;
            body.refusal_seen = conn.query_row("SELECT max(id) FROM refusal", [], |r| r.get(0))?;
        }
        (NodeRole::Hq, NodeRole::Post) => {
            body.audit_anchored =
                conn.query_row("SELECT max(seq) FROM audit_anchor WHERE post = ?1", [&peer_id], |r| r.get(0))?;
            body.refusals = refusals::unseen(conn, &peer_id)?;
        }
        _ => {}
    }
    let counter = peer.sent_counter + 1;
    let env = Envelope { from: me, to, counter, created: stamp(store.clock().now()), ranges };
    let bytes = bundle::seal(&env, &body, &keys, &peer_keys)?;
    store.conn().execute("UPDATE peer SET sent_counter = ?1 WHERE node_id = ?2", params![counter, peer_id])?;
    Ok((bytes, body.changes))
}

/// A stretch `(from, upto]` of a node's own sequence numbers.
type OwnWindow = (i64, i64);

/// What this node asks `peer` for of its own changes after a restore from a backup
/// (`local_meta.restored_upto`, `restored_next`, [`crate::store::backup`]): the window it
/// lacks, above what the backup held or what the peer has already sent back
/// (`peer_origin(peer, me).received`) and up to where its numbering resumed, in every
/// bundle, since an old bundle of this node may bring the peer more of them at any time; and,
/// until the peer first answers, how far it holds them (`own_from`: HQ answers a restored
/// post anew, [`import`]). Neither when it was not restored.
fn own_asked(conn: &Connection, me: Uuid, peer: &str) -> Result<(Option<i64>, Option<OwnWindow>)> {
    let (Some(held), Some(next)) = (get_meta_num(conn, RESTORED_UPTO)?, get_meta_num(conn, RESTORED_NEXT)?) else {
        return Ok((None, None));
    };
    let back = sent_back(conn, me, peer)?;
    Ok(((back == 0).then_some(held), Some((held.max(back), next))))
}

/// How far `peer` has sent back this node's own changes since its restore, with nothing of
/// them it holds below that left unsent (0: not yet answered).
fn sent_back(conn: &Connection, me: Uuid, peer: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT received FROM peer_origin WHERE peer = ?1 AND origin = ?2")?
        .query_row([peer, &me.to_string()], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// A change as logged (`origin_seq, hlc, prev, tbl, row_id, col, value`), for a bundle;
/// `None` for a seed, which carries the genesis clock (`genesis`, formatted once by the
/// caller) and is the same on every node.
fn logged_change(origin: Uuid, genesis: &str, r: &rusqlite::Row<'_>) -> Result<Option<Change>> {
    let hlc: String = r.get("hlc")?;
    if hlc == genesis {
        return Ok(None);
    }
    let parse = |s: &str| s.parse::<Hlc>().map_err(|e| Error::rule(e.to_string()));
    let prev: Option<String> = r.get("prev")?;
    Ok(Some(Change {
        origin,
        origin_seq: r.get("origin_seq")?,
        hlc: parse(&hlc)?,
        prev: prev.as_deref().map(parse).transpose()?,
        tbl: r.get("tbl")?,
        row_id: r.get("row_id")?,
        col: r.get("col")?,
        value: r.get("value")?,
    }))
}

/// A post's audit chain for its next bundle: the last entry, and the hash it now holds at
/// the entry HQ said it anchored last.
fn audit_claim(conn: &Connection) -> Result<Option<AuditClaim>> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, hash)) = last else { return Ok(None) };
    let check = match get_meta(conn, "audit_anchored")?.and_then(|s| s.parse::<i64>().ok()) {
        Some(m) => {
            let now: Option<String> =
                conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [m], |r| r.get(0)).optional()?;
            Some((m, now.unwrap_or_default()))
        }
        None => None,
    };
    let cuts = crate::store::audit::cuts(conn)?.into_iter().map(|c| c.message).collect();
    Ok(Some(AuditClaim { seq, hash, check, cuts }))
}

/// HQ keeps a post's audit head as an anchor, and raises an alarm (once per finding) when
/// the post's chain disagrees with what HQ kept: an anchored entry changed or gone, or the
/// chain shorter than before. The bundle itself is applied either way: nothing is lost.
fn anchor_audit(conn: &Connection, post: &str, claim: &AuditClaim, now: &str) -> Result<()> {
    let alarm = |message: String| -> Result<()> {
        conn.execute(
            "INSERT OR IGNORE INTO audit_alarm (post, detected_at, message) VALUES (?1, ?2, ?3)",
            params![post, now, message],
        )?;
        Ok(())
    };
    let kept = |seq: i64| -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT hash FROM audit_anchor WHERE post = ?1 AND seq = ?2", params![post, seq], |r| r.get(0))
            .optional()?)
    };
    let changed = |seq: i64| format!("审计日志第 {seq} 条与县局留存的锚点不符，可能被改动");
    for cut in &claim.cuts {
        alarm(format!("警务室发现并记录：{cut}"))?;
    }
    if let Some((m, hash)) = &claim.check
        && kept(*m)?.is_some_and(|k| &k != hash)
    {
        alarm(if hash.is_empty() {
            format!("审计日志第 {m} 条已不存在，县局留有它的锚点")
        } else {
            changed(*m)
        })?;
    }
    let top: Option<i64> = conn.query_row("SELECT max(seq) FROM audit_anchor WHERE post = ?1", [post], |r| r.get(0))?;
    if let Some(top) = top
        && claim.seq < top
    {
        alarm(format!("审计日志回退：县局已留存到第 {top} 条，这次同步只到第 {} 条（是否恢复了旧备份？）", claim.seq))?;
    }
    match kept(claim.seq)? {
        Some(k) if k != claim.hash => alarm(changed(claim.seq))?,
        Some(_) => {}
        None => {
            conn.execute(
                "INSERT INTO audit_anchor (post, seq, hash, received_at) VALUES (?1, ?2, ?3, ?4)",
                params![post, claim.seq, claim.hash, now],
            )?;
        }
    }
    Ok(())
}

/// An alarm HQ raised about a post's audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditAlarm {
    /// The alarm's number.
    pub id: i64,
    /// The post's node id.
    pub post: String,
    /// The post's name.
    pub post_name: String,
    /// When HQ noticed (RFC 3339, UTC).
    pub detected_at: String,
    /// What is wrong.
    pub message: String,
    /// When HQ's admin marked it seen, if they did.
    pub seen_at: Option<String>,
    /// Who marked it seen (a county login).
    pub seen_by: Option<String>,
    /// Why it is no cause for alarm, as they wrote it.
    pub seen_reason: Option<String>,
}

/// HQ's alarms about posts' audit chains, newest first: those not yet marked seen, or all.
pub fn audit_alarms(conn: &Connection, include_seen: bool) -> Result<Vec<AuditAlarm>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.post, coalesce(p.name, '') AS post_name, a.detected_at, a.message, a.seen_at, a.seen_by,
                a.seen_reason
         FROM audit_alarm a LEFT JOIN peer p ON p.node_id = a.post WHERE ?1 OR a.seen_at IS NULL ORDER BY a.id DESC",
    )?;
    let rows = stmt.query_map([include_seen], |r| {
        Ok(AuditAlarm {
            id: r.get("id")?,
            post: r.get("post")?,
            post_name: r.get("post_name")?,
            detected_at: r.get("detected_at")?,
            message: r.get("message")?,
            seen_at: r.get("seen_at")?,
            seen_by: r.get("seen_by")?,
            seen_reason: r.get("seen_reason")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// HQ's admin marks an alarm seen (after finding out why, e.g. a restore from backup), by
/// `by` and with `reason` when given; it stays on record and leaves the status page.
pub fn see_audit_alarm(store: &Store, id: i64, by: Option<&str>, reason: Option<&str>) -> Result<AuditAlarm> {
    let now = stamp(store.clock().now());
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(Error::validation("reason", "处理说明不能超过 500 字"));
    }
    let n = store.conn().execute(
        "UPDATE audit_alarm SET seen_at = ?1, seen_by = ?3, seen_reason = ?4 WHERE id = ?2 AND seen_at IS NULL",
        params![now, id, by, reason],
    )?;
    if n == 0 {
        return Err(Error::validation("id", format!("没有第 {id} 号未处理的审计告警")));
    }
    audit_alarms(store.conn(), true)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::rule("告警已标记，但读取时没有找到"))
}

/// What importing a bundle did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BundleImportReport"))]
pub struct ImportReport {
    /// The sender's node id.
    pub from: String,
    /// The sender by the name it enrolled with (what a person reads in the CLI and HQ's
    /// log; the app names its one peer from `sync.status`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub from_name: String,
    /// The bundle's number from that sender.
    pub counter: i64,
    /// Changes carried.
    pub changes: usize,
    /// Changes whose value was taken.
    pub applied: usize,
    /// Changes older than the value held here (kept in the log, not applied).
    pub ignored: usize,
    /// Changes already here.
    pub duplicates: usize,
    /// Concurrent overwrites logged.
    pub conflicts: usize,
    /// HQ: changes of the post's bundle it did not take (rows outside the post's
    /// jurisdiction, or stamped too far past HQ's clock); none on a post.
    pub refused: usize,
    /// HQ: the rows it did not take from this bundle; a post: rows HQ newly reports it did
    /// not take (from this or an earlier bundle).
    pub refusals: Vec<refusals::RefusedRow>,
    /// The bundle was imported here before (the same stick again, or a reply lost on the
    /// way): nothing was applied this time, every change counts as already here.
    #[serde(default)]
    pub repeat: bool,
    /// This node's own changes it had lost to a restore from an older backup, taken back
    /// from the sender (which held them).
    #[serde(default)]
    pub recovered: usize,
}

impl ImportReport {
    /// What the import did, in one sentence for a person (the CLIs print it); `here` is this
    /// node as the sentence names it (本机, 县局). A repeat says it was one and that nothing
    /// changed; HQ's count of rows it did not take is given when `refused` is asked for.
    pub fn summary(&self, here: &str, refused: bool) -> String {
        if self.repeat {
            return format!(
                "来自“{}”的第 {} 号同步包{here}已导入过，这次没有重复导入（{} 条变更均已有），数据未变",
                self.from_name, self.counter, self.changes
            );
        }
        let refused = if refused { format!("，拒收 {}", self.refused) } else { String::new() };
        let recovered = if self.recovered > 0 {
            format!("；从“{}”取回{here}恢复前的改动 {} 条", self.from_name, self.recovered)
        } else {
            String::new()
        };
        format!(
            "已导入来自“{}”的第 {} 号同步包：{} 条变更，采用 {}，较旧未采用 {}，已有 {}，冲突 {}{refused}{recovered}",
            self.from_name, self.counter, self.changes, self.applied, self.ignored, self.duplicates, self.conflicts
        )
    }
}

/// Opens and applies a bundle addressed to this node, in one transaction: all of it or,
/// on any refusal or failure, nothing. HQ judges a post's rows first (clock, then
/// jurisdiction, [`scope::Intake`]): the rows it does not take are left out, the rest is
/// applied, and the refused rows are recorded and reported back to the post (see
/// [`refusals`]). A post takes HQ's reply whole or, when its own clock is too far behind
/// HQ's, not at all.
pub fn import(store: &mut Store, bytes: &[u8]) -> Result<ImportReport> {
    let me = store.node_id();
    let keys = keys::load_or_create(store.conn())?;
    let all_peers = read_peers(store.conn(), None)?;
    let peers: HashMap<Uuid, PublicKeys> =
        all_peers.iter().filter_map(|p| Some((Uuid::try_parse(&p.node_id).ok()?, p.keys.clone()?))).collect();
    let (header, body) = bundle::open(bytes, me, &keys, |from| peers.get(&from).cloned())?;
    let from = header.from.to_string();
    let my_role = role(store)?;
    let sender = all_peers.iter().find(|p| p.node_id == from);
    let intake = match sender {
        Some(p) if my_role == NodeRole::Hq && p.role == NodeRole::Post => {
            Some(scope::Intake::new(store.conn(), header.from, &p.villages)?)
        }
        _ => None,
    };
    let now_ms = store.clock().now().timestamp_millis().max(0) as u64;
    let clock_refused = clock::check(&header, &body.changes, now_ms, intake.is_some())?;
    let from_name = sender.map_or_else(|| from.clone(), |p| p.name.clone());
    store.write(|tx| {
        let (last, last_sm3): (i64, Option<String>) =
            tx.conn().query_row("SELECT recv_counter, recv_sm3 FROM peer WHERE node_id = ?1", [&from], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if seen_before(&header, last, last_sm3.as_deref(), &from_name, my_role)? {
            return Ok(ImportReport {
                from: from.clone(),
                from_name: from_name.clone(),
                counter: header.counter,
                changes: body.changes.len(),
                duplicates: body.changes.len(),
                repeat: true,
                ..ImportReport::default()
            });
        }
        let mut changes = body.changes;
        changes.sort_by_key(|c| c.hlc);
        let own = OwnBack::of(tx.conn(), me)?;
        let mut refused = clock_refused;
        let mut report = match &intake {
            None => apply(tx, &changes, &refused, &own)?,
            Some(intake) => {
                // Judged on each row as the whole bundle leaves it; a refused row's changes
                // are taken back and the bundle applied again without them, until every row
                // left is the post's.
                tx.conn().execute_batch("SAVEPOINT intake")?;
                loop {
                    let report = apply(tx, &changes, &refused, &own)?;
                    let outside = judge(tx, intake, &changes, &refused, &own)?;
                    if outside.is_empty() {
                        tx.conn().execute_batch("RELEASE intake")?;
                        break report;
                    }
                    tx.conn().execute_batch("ROLLBACK TO intake")?;
                    refused.extend(outside);
                }
            }
        };
        // The files' bytes, for the rows now held here, in the same transaction.
        attachment::receive(tx.conn(), &body.files)?;
        report.from = from.clone();
        report.from_name = from_name.clone();
        report.counter = header.counter;
        report.changes = changes.len();
        let conn = tx.conn();
        let me_text = me.to_string();
        if let Some((held, next)) = own.window {
            let asked = held.max(sent_back(conn, me, &from)?);
            for r in header.ranges.iter().filter(|r| r.origin == me && r.after <= asked) {
                // This node's own changes in its window, from where it asked (`own_asked`):
                // the peer has sent back all it holds of them up to the range's top. The
                // next bundle asks from there (the window stays open: the peer takes an old
                // bundle of this node only in order, so what it gets later lies higher).
                conn.execute(
                    "INSERT INTO peer_origin (peer, origin, received) VALUES (?1, ?2, ?3)
                     ON CONFLICT (peer, origin) DO UPDATE SET received = max(received, excluded.received)",
                    params![from, me_text, r.upto.min(next).max(held)],
                )?;
            }
        }
        for r in header.ranges.iter().filter(|r| r.origin != me) {
            conn.execute(
                // A range that starts past what we have leaves a gap: keep the old mark, so
                // the sender goes back to it next time.
                "INSERT INTO peer_origin (peer, origin, received)
                 VALUES (?1, ?2, CASE WHEN ?3 <= 0 THEN ?4 ELSE 0 END)
                 ON CONFLICT (peer, origin) DO UPDATE SET received =
                     CASE WHEN ?3 <= received AND ?4 > received THEN ?4 ELSE received END",
                params![from, r.origin.to_string(), r.after, r.upto],
            )?;
        }
        // The sender's acknowledgements say what it holds now, not at most what it held:
        // bundles are taken in order (an older one is refused), so one acknowledging less
        // than before comes from a sender restored from an older backup, and what it lost
        // goes again. An origin it does not acknowledge it holds nothing of.
        conn.execute("UPDATE peer_origin SET acked = 0 WHERE peer = ?1 AND origin != ?1", [&from])?;
        // A post restored from a backup is answered as one syncing for the first time: the
        // whole of its scope again, which it takes once. Its acknowledgements would leave out
        // rows it lost that came to it below them (the changes of a row HQ assigned it since
        // the backup, handed over once).
        let anew = my_role == NodeRole::Hq && body.own_from.is_some();
        for (origin, seq) in body.acks.iter().filter(|(o, _)| !anew && o.to_string() != from) {
            conn.execute(
                "INSERT INTO peer_origin (peer, origin, acked) VALUES (?1, ?2, ?3)
                 ON CONFLICT (peer, origin) DO UPDATE SET acked = excluded.acked",
                params![from, origin.to_string(), seq],
            )?;
        }
        // How far the sender holds its own changes: all this node has of them, unless it
        // says it was restored from a backup and lacks some (up to `restored_next`).
        let own = match (body.own_window, body.own_from) {
            (Some((asked, _)), _) | (None, Some(asked)) => asked,
            (None, None) => conn
                .prepare_cached("SELECT coalesce(max(origin_seq), 0) FROM change_log WHERE origin = ?1")?
                .query_row([&from], |r| r.get(0))?,
        };
        conn.execute(
            "INSERT INTO peer_origin (peer, origin, acked) VALUES (?1, ?1, ?2)
             ON CONFLICT (peer, origin) DO UPDATE SET acked = excluded.acked",
            params![from, own],
        )?;
        conn.execute(
            "UPDATE peer SET recv_counter = ?1, recv_sm3 = ?2, last_sync_at = ?3, restored_next = ?5
             WHERE node_id = ?4",
            params![header.counter, header.body_sm3, stamp(tx.now()), from, body.own_window.map(|w| w.1)],
        )?;
        match my_role {
            NodeRole::Hq => {
                if let Some(claim) = &body.audit {
                    anchor_audit(conn, &from, claim, &stamp(tx.now()))?;
                }
                if let Some(seen) = body.refusal_seen {
                    conn.execute(
                        "UPDATE peer SET refusal_seen = max(refusal_seen, ?1) WHERE node_id = ?2",
                        params![seen, from],
                    )?;
                }
                report.refused = refused.values().map(|r| usize::try_from(r.changes).unwrap_or(0)).sum();
                report.refusals = refusals::record(conn, &from, header.counter, &refused, &stamp(tx.now()))?;
            }
            NodeRole::Post => {
                if let Some(m) = body.audit_anchored {
                    set_meta(conn, "audit_anchored", &m.to_string())?;
                }
                report.refusals = refusals::keep(conn, &me.to_string(), &body.refusals)?;
                // HQ's clock and ours agree (the reply is recent and not ahead): if ours ran
                // ahead when it stamped earlier changes, new stamps need not follow them.
                if let Some(limit) = clock::confirms(&header, now_ms) {
                    tx.hold_back_clock(limit)?;
                }
            }
        }
        Ok(report)
    })
}

/// Whether a bundle was imported here before: true when it is the very bundle last accepted
/// from its sender (to answer as received), false when it is new. An older one is
/// refused as stale, with what to do; one under the last number but with other content
/// ([`BundleError::Reused`]) is refused. `last_sm3` is `None` for a bundle accepted before
/// digests were kept: its number is all there is to go by, and a sender's signed bundle
/// under that number is taken to be the same one.
fn seen_before(
    header: &bundle::Header,
    last: i64,
    last_sm3: Option<&str>,
    from: &str,
    my_role: NodeRole,
) -> Result<bool> {
    if header.counter > last {
        return Ok(false);
    }
    let from = from.to_owned();
    if header.counter < last {
        let advice = match my_role {
            NodeRole::Hq => "请在警务室重新导出同步包，再带来导入",
            NodeRole::Post => "如需县局的新回复，请重新同步（导出同步包交县局导入，再导入县局的回复包）",
        };
        return Err(BundleError::Stale { from, counter: header.counter, last, advice }.into());
    }
    match last_sm3 {
        Some(d) if d != header.body_sm3 => Err(BundleError::Reused { from, counter: header.counter }.into()),
        _ => Ok(true),
    }
}

/// Which of this node's own changes a bundle may bring back: after a restore, those
/// numbered above what the backup held and up to where its numbering resumed
/// (`local_meta.restored_upto`, `restored_next`, [`crate::store::backup`]); none otherwise,
/// so a sender cannot put changes in this node's name where it numbers its own.
struct OwnBack {
    me: Uuid,
    window: Option<(i64, i64)>,
}

impl OwnBack {
    fn of(conn: &Connection, me: Uuid) -> Result<OwnBack> {
        let window = match (get_meta_num(conn, RESTORED_UPTO)?, get_meta_num(conn, RESTORED_NEXT)?) {
            (Some(held), Some(next)) => Some((held, next)),
            _ => None,
        };
        Ok(OwnBack { me, window })
    }

    fn contains(&self, c: &Change) -> bool {
        c.origin == self.me && self.window.is_some_and(|(held, next)| c.origin_seq > held && c.origin_seq <= next)
    }
}

/// Applies every change of the bundle but those of `refused` rows, run by run; returns the
/// counts.
fn apply(
    tx: &mut crate::store::Tx<'_>,
    changes: &[Change],
    refused: &BTreeMap<(String, String), refusals::Refused>,
    own: &OwnBack,
) -> Result<ImportReport> {
    let me = own.me;
    let mut report = ImportReport::default();
    // Changes of one row written together sit side by side (same clock): apply each
    // such run at once.
    let mut start = 0;
    while start < changes.len() {
        let first = &changes[start];
        let run = changes[start..]
            .iter()
            .take_while(|c| c.tbl == first.tbl && c.row_id == first.row_id && (c.origin != me || own.contains(c)))
            .count();
        if run == 0 {
            report.duplicates += 1;
            start += 1;
            continue;
        }
        if refused.contains_key(&(first.tbl.clone(), first.row_id.clone())) {
            start += run;
            continue;
        }
        let decisions = tx.apply_remote_row(&changes[start..start + run]).map_err(|e| match e {
            Error::Rule { message } | Error::Validation { message, .. } => BundleError::Malformed(message).into(),
            other => other,
        })?;
        for (c, d) in changes[start..start + run].iter().zip(decisions) {
            if d.conflict() {
                report.conflicts += 1;
            }
            if c.origin == me && d != Decision::Duplicate {
                report.recovered += 1;
            }
            match d {
                Decision::Apply | Decision::ApplyAndLogConflict => report.applied += 1,
                Decision::Ignore | Decision::IgnoreAndLogConflict => report.ignored += 1,
                Decision::Duplicate => report.duplicates += 1,
            }
        }
        start += run;
    }
    Ok(report)
}

/// The rows of `changes` (other than `refused` ones) that HQ does not take from the post,
/// as they stand now, with why and how many of their changes there are.
fn judge(
    tx: &crate::store::Tx<'_>,
    intake: &scope::Intake,
    changes: &[Change],
    refused: &BTreeMap<(String, String), refusals::Refused>,
    own: &OwnBack,
) -> Result<BTreeMap<(String, String), refusals::Refused>> {
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    // HQ's own changes a post sends back after HQ's restore are HQ's, not the post's: they
    // are not judged as the post's writes (a row they alone bring is not refused).
    for c in changes.iter().filter(|c| c.origin != own.me) {
        *counts.entry((c.tbl.clone(), c.row_id.clone())).or_default() += 1;
    }
    let mut out = BTreeMap::new();
    for ((tbl, id), n) in counts {
        if refused.contains_key(&(tbl.clone(), id.clone())) {
            continue;
        }
        if let Some(reason) = intake.refuses(tx.conn(), tx.columns(), &tbl, &id)? {
            out.insert((tbl, id), refusals::Refused { changes: n, reason });
        }
    }
    Ok(out)
}

/// HQ's side of one exchange: applies the post's bundle and answers with the next bundle
/// for it (carrying the acknowledgement of what was just applied).
pub fn exchange(store: &mut Store, bytes: &[u8]) -> Result<(ImportReport, Vec<u8>)> {
    store.with_page_cache(EXCHANGE_CACHE_KIB, |store| {
        let report = import(store, bytes)?;
        let from = Uuid::try_parse(&report.from).map_err(|_| Error::rule("节点标识已损坏"))?;
        let reply = export(store, from)?;
        Ok((report, reply))
    })
}

/// The page cache HQ allows itself while it takes a post's bundle and answers it (every
/// connection otherwise runs with 64 MiB). A post's first bundle (some 94,000 changes for
/// 1,500 households) touches some 300 MB of pages of a county-sized `hq.db` in its one
/// transaction, most of them once to write, then again to judge the rows, refresh their
/// search entries and read their changes for the reply. In 64 MiB the written pages are
/// spilled to the WAL mid-transaction and read back (and decrypted) each time they are
/// touched again. The cache grows only as pages are read, so a daily bundle takes little
/// of it, and it is given back when the exchange ends.
const EXCHANGE_CACHE_KIB: i64 = 512 * 1024;

/// Where this node stands.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Status {
    /// This node.
    pub node_id: String,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: NodeRole,
    /// Its own changes so far.
    pub local_changes: i64,
    /// Enrolled peers with their last sync and pending changes.
    pub peers: Vec<Peer>,
    /// Conflicts not yet resolved.
    pub open_conflicts: i64,
    /// Alarms about audit chains not yet marked seen, newest first: at HQ about posts'
    /// chains; at a post, a cut of its own chain's tail it found.
    pub audit_alarms: Vec<AuditAlarm>,
    /// Rows HQ did not take, newest first (the latest 50): at HQ from every post, at a post
    /// its own, as HQ reported them.
    pub refusals: Vec<refusals::RefusedRow>,
}

/// Where this node stands.
pub fn status(store: &Store) -> Result<Status> {
    let conn = store.conn();
    Ok(Status {
        node_id: store.node_id().to_string(),
        name: name(store)?,
        role: role(store)?,
        // Numbers skipped by restores ([`crate::store::backup::SEQ_PER_SECOND`]) are no changes.
        local_changes: get_meta_num(conn, "seq")?.unwrap_or(0) - get_meta_num(conn, SEQ_SKIPPED)?.unwrap_or(0),
        peers: peers(store)?,
        open_conflicts: conn.query_row("SELECT count(*) FROM conflict WHERE resolved_at IS NULL", [], |r| r.get(0))?,
        audit_alarms: audit_alarms(conn, false)?,
        refusals: refusals::latest(conn, 50)?,
    })
}
