//! Importing a bundle: checking its sender and number, applying its changes through the merge rule, and the exchange that answers it.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::backup::{RESTORED_NEXT, RESTORED_UPTO};
use crate::store::write::Change;
use crate::store::{Store, attachment, get_meta_num, set_meta};

use super::audit::anchor_audit;
use super::bundle::BundleError;
use super::keys::PublicKeys;
use super::merge::Decision;
use super::outgoing::{export, sent_back};
use super::read_peers;
use super::{NodeRole, role};
use super::{bundle, clock, keys, refusals, scope};

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
    let kib = store.page_cache_kib().unwrap_or(EXCHANGE_CACHE_KIB);
    store.with_page_cache(kib, |store| {
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
/// of it, and it is given back when the exchange ends. An operator's own choice for HQ
/// (`fengqiao-hq serve --page-cache-mb`, [`Store::set_page_cache`]) takes its place.
const EXCHANGE_CACHE_KIB: i64 = 512 * 1024;
