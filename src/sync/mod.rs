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
//!
//! This module keeps the peers and where the node stands; enrollment, making a bundle
//! (`outgoing`), importing one (`incoming`) and the audit anchor are its submodules,
//! re-exported here.

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

mod audit;
mod enrollment;
mod incoming;
mod outgoing;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::store::backup::SEQ_SKIPPED;
use crate::store::{Store, get_meta_num};
pub use conflict::{Conflict, conflicts, restore};
pub use node::{NodeRole, init_hq, name, role, set_name};

pub use audit::{AuditAlarm, audit_alarms, see_audit_alarm};
pub use enrollment::{EnrollReply, EnrollRequest, NodeCard, enroll_accept, enroll_post, enroll_request, hq_trust};
pub use incoming::{ImportReport, exchange, import};
pub use outgoing::{export, reply_changes};

use bundle::BundleError;
use keys::PublicKeys;

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
