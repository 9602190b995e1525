//! Making a bundle for a peer: the changes it has not acknowledged that it may see, by origin or by row, with this node's acknowledgements and audit head.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::model::time::stamp;
use crate::store::backup::{RESTORED_NEXT, RESTORED_UPTO};
use crate::store::write::Change;
use crate::store::{Store, attachment, get_meta, get_meta_num};

use super::bundle::{AuditClaim, Body, BundleError, Envelope, Range};
use super::{NodeRole, role};
use super::{assign, bundle, keys, refusals, scope};
use super::{outgoing, the_peer, unread};

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
pub(super) fn own_asked(conn: &Connection, me: Uuid, peer: &str) -> Result<(Option<i64>, Option<OwnWindow>)> {
    let (Some(held), Some(next)) = (get_meta_num(conn, RESTORED_UPTO)?, get_meta_num(conn, RESTORED_NEXT)?) else {
        return Ok((None, None));
    };
    let back = sent_back(conn, me, peer)?;
    Ok(((back == 0).then_some(held), Some((held.max(back), next))))
}

/// How far `peer` has sent back this node's own changes since its restore, with nothing of
/// them it holds below that left unsent (0: not yet answered).
pub(super) fn sent_back(conn: &Connection, me: Uuid, peer: &str) -> Result<i64> {
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
