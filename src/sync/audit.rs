//! The audit anchor HQ keeps of each post's chain, and the alarms raised when the chain disagrees with it.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::Store;

use super::bundle::AuditClaim;

/// HQ keeps a post's audit head as an anchor, and raises an alarm (once per finding) when
/// the post's chain disagrees with what HQ kept: an anchored entry changed or gone, or the
/// chain shorter than before. The bundle itself is applied either way: nothing is lost.
pub(super) fn anchor_audit(conn: &Connection, post: &str, claim: &AuditClaim, now: &str) -> Result<()> {
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
