//! The audit log: who viewed, searched, exported, printed, changed or deleted what, and
//! who logged in or failed to. Append-only and hash-chained with SM3 (GB/T 32905).
//!
//! Each entry's `hash` is SM3 over its own fields and `prev`, the previous entry's hash (the
//! first entry's `prev` is 64 zeros). The newest entry's sequence number and hash are also
//! kept in `local_meta` (`audit_head`), so removing entries from the end is caught too:
//! [`append`] compares the head with the last entry before it chains anything to it. On a
//! mismatch (the tail cut, or replaced) it first appends an `audit_cut` entry saying what is
//! missing and raises a local alarm (`audit_alarm`, shown by `sync.status`); [`verify`]
//! reports every such entry for good, and the post's next bundle tells HQ. Without that
//! check the next entry would chain onto the last one left and the cut would vanish.
//! [`verify`] walks the chain and names the first entry that fails. Triggers refuse UPDATE
//! and DELETE on the table; the chain catches an edit made with the triggers dropped.
//!
//! What the chain cannot do alone: someone holding a password and SQLCipher tools can
//! rewrite the whole chain consistently, head included. The anchor at HQ (via sync) covers
//! what HQ has seen.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::from_row;
use crate::store::keys::hex;
use crate::store::{get_meta, page_bounds, set_meta};

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event<'a> {
    /// The login acting (`None` in setup mode, before any user exists).
    pub login: Option<&'a str>,
    /// `login`, `login_failed`, `logout`, `view_person`, `view`, `search`, `export`,
    /// `print`, `create`, `update`, `delete`, `denied`…
    pub action: &'a str,
    /// The table concerned.
    pub tbl: Option<&'a str>,
    /// The row concerned.
    pub row_id: Option<&'a str>,
    /// Anything else worth keeping (the method, the search text…).
    pub detail: Option<&'a str>,
}

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AuditEntry"))]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who.
    pub login: Option<String>,
    /// What.
    pub action: String,
    /// Table concerned.
    pub tbl: Option<String>,
    /// Row concerned.
    pub row_id: Option<String>,
    /// Details.
    pub detail: Option<String>,
    /// The previous entry's hash.
    pub prev: String,
    /// This entry's hash.
    pub hash: String,
}

/// The SM3 hash of an entry's fields: each field length-prefixed, so no two different
/// entries hash the same bytes.
pub fn entry_hash(seq: i64, at: &str, prev: &str, ev: &Event<'_>) -> String {
    let mut h = Sm3::new();
    h.update(seq.to_be_bytes());
    for field in [Some(at), ev.login, Some(ev.action), ev.tbl, ev.row_id, ev.detail, Some(prev)] {
        match field {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    hex(&h.finalize())
}

/// The action of an entry recording a cut of the chain's tail.
pub const CUT: &str = "audit_cut";

/// Appends an entry at `at`. Call it inside the transaction of the change it records when
/// there is one, so the two commit together. If the chain's last entry is not the head
/// recorded with it, the cut is recorded (an entry and a local alarm) before the entry.
pub fn append(conn: &Connection, at: DateTime<Utc>, ev: &Event<'_>) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let head = get_meta(conn, "audit_head")?;
    if head != last.as_ref().map(|(s, h)| format!("{s}:{h}")) {
        let message = cut_message(head.as_deref(), last.as_ref().map_or(0, |(s, _)| *s));
        let cut = Event { action: CUT, tbl: Some("audit_log"), detail: Some(&message), ..Default::default() };
        chain_after(conn, &stamp(at), last, &cut)?;
        let node = get_meta(conn, "node_id")?.unwrap_or_default();
        conn.execute(
            "INSERT OR IGNORE INTO audit_alarm (post, detected_at, message) VALUES (?1, ?2, ?3)",
            params![node, stamp(at), message],
        )?;
        return append(conn, at, ev);
    }
    chain_after(conn, &stamp(at), last, ev)
}

/// Chains `ev` after `last` and records it as the head.
fn chain_after(conn: &Connection, at: &str, last: Option<(i64, String)>, ev: &Event<'_>) -> Result<i64> {
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let hash = entry_hash(seq, at, &prev, ev);
    conn.execute(
        "INSERT INTO audit_log (seq, at, login, action, tbl, row_id, detail, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, ev.login, ev.action, ev.tbl, ev.row_id, ev.detail, prev, hash],
    )?;
    set_meta(conn, "audit_head", &format!("{seq}:{hash}"))?;
    Ok(seq)
}

/// What a head that does not match the last entry (`last`, 0 for none) means, in words.
fn cut_message(head: Option<&str>, last: i64) -> String {
    let recorded = head.and_then(|h| h.split_once(':')).and_then(|(s, _)| s.parse::<i64>().ok());
    match recorded {
        Some(s) if s == last + 1 => {
            format!("审计日志末尾的第 {s} 条被删除（登记的链尾为第 {s} 条，实际只到第 {last} 条）")
        }
        Some(s) if s > last => {
            format!("审计日志末尾的第 {}–{s} 条被删除（登记的链尾为第 {s} 条，实际只到第 {last} 条）", last + 1)
        }
        Some(s) if s == last => format!("审计日志末尾的第 {s} 条被替换（与登记的链尾不符）"),
        Some(s) => {
            format!("审计日志末尾有 {} 条不是本程序写入的（登记的链尾为第 {s} 条，实际到第 {last} 条）", last - s)
        }
        None => format!("审计日志登记的链尾缺失（实际到第 {last} 条），末尾的记录可能被删除"),
    }
}

/// A cut of the chain's tail, as recorded when it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The entry that records it (it took the place of the first entry missing).
    pub seq: i64,
    /// When it was found.
    pub at: String,
    /// What is missing, in words.
    pub message: String,
}

/// Every cut recorded in the chain, oldest first.
pub fn cuts(conn: &Connection) -> Result<Vec<Cut>> {
    let mut stmt = conn.prepare_cached("SELECT seq, at, detail FROM audit_log WHERE action = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([CUT], |r| {
        Ok(Cut { seq: r.get(0)?, at: r.get(1)?, message: r.get::<_, Option<String>>(2)?.unwrap_or_default() })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(from_row!(r => Entry {
        seq, at, login, action, tbl, row_id, detail, prev, hash,
    }))
}

const COLUMNS: &str = "seq, at, login, action, tbl, row_id, detail, prev, hash";

/// [`verify_chain`], then the cuts recorded in it: a log that lost entries is not whole,
/// even though what is left chains up. Returns the number of entries, or
/// [`Error::AuditBroken`] naming the first entry that fails or the first cut.
pub fn verify(conn: &Connection) -> Result<i64> {
    let count = verify_chain(conn)?;
    match cuts(conn)?.into_iter().next() {
        Some(cut) => Err(Error::AuditBroken {
            seq: cut.seq,
            reason: format!(
                "{}（于 {} 发现，记为第 {} 条）",
                cut.message,
                crate::model::time::show_stored(&cut.at),
                cut.seq
            ),
        }),
        None => Ok(count),
    }
}

/// Walks the whole chain: every entry's hash recomputed, every `prev` the hash before it,
/// sequence numbers without gaps, and the last entry the recorded head. Returns the number
/// of entries, or [`Error::AuditBroken`] naming the first entry that fails. (A backup
/// is checked this way: a recorded cut stays on record in it, and does not stop a restore.)
pub fn verify_chain(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut expect_seq = 1;
    let mut prev = GENESIS.to_owned();
    while let Some(r) = rows.next()? {
        let e = row(r)?;
        if e.seq != expect_seq {
            return Err(Error::AuditBroken {
                seq: expect_seq, reason: format!("第 {expect_seq} 条缺失（被删除）")
            });
        }
        if e.prev != prev {
            return Err(Error::AuditBroken {
                seq: e.seq, reason: "与前一条的链接不符（前一条被改动或删除）".into()
            });
        }
        let ev = Event {
            login: e.login.as_deref(),
            action: &e.action,
            tbl: e.tbl.as_deref(),
            row_id: e.row_id.as_deref(),
            detail: e.detail.as_deref(),
        };
        if entry_hash(e.seq, &e.at, &e.prev, &ev) != e.hash {
            return Err(Error::AuditBroken { seq: e.seq, reason: "内容与其哈希不符（被改动）".into() });
        }
        prev = e.hash;
        expect_seq += 1;
    }
    let count = expect_seq - 1;
    match get_meta(conn, "audit_head")? {
        None if count == 0 => Ok(0),
        Some(head) if head == format!("{count}:{prev}") => Ok(count),
        _ => Err(Error::AuditBroken {
            seq: count + 1,
            reason: "最后的记录与登记的链尾不符（末尾的记录被删除）".into(),
        }),
    }
}

/// Filters for [`list`].
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AuditFilter", optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Only this login.
    pub login: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only entries at or after this instant (RFC 3339).
    pub since: Option<String>,
    /// Page, from 1 (newest first).
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AuditPage"))]
pub struct Page {
    /// Entries on this page.
    pub entries: Vec<Entry>,
    /// Entries matching the filter.
    pub total: i64,
    /// This page.
    pub page: u32,
}

/// Entries matching `f`, newest first.
pub fn list(conn: &Connection, f: &Filter) -> Result<Page> {
    let (page, _, limit, offset) = page_bounds(f.page, f.page_size);
    let since = match &f.since {
        Some(s) => Some(stamp(crate::model::time::parse_instant(s).ok_or_else(|| {
            Error::validation("since", format!("时间“{s}”无法识别，应如 2026-11-23T09:00:00+08:00"))
        })?)),
        None => None,
    };
    let filter = "(?1 IS NULL OR login = ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR at >= ?3)";
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM audit_log WHERE {filter}"),
        params![f.login, f.action, since],
        |r| r.get(0),
    )?;
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log WHERE {filter} ORDER BY seq DESC LIMIT ?4 OFFSET ?5"))?;
    let entries =
        stmt.query_map(params![f.login, f.action, since, limit, offset], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Page { entries, total, page })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Connection {
        let mut conn = Connection::open_in_memory().expect("memory db");
        crate::store::migrate::migrate(&mut conn).expect("migrate");
        conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").expect("drop");
        let t0 = DateTime::parse_from_rfc3339("2026-11-23T01:00:00Z").expect("time").to_utc();
        for i in 0..n {
            let id = format!("p{i}");
            let ev = Event {
                login: Some("zhou"),
                action: "view_person",
                tbl: Some("person"),
                row_id: Some(&id),
                detail: None,
            };
            append(&conn, t0 + chrono::Duration::seconds(i), &ev).expect("append");
        }
        conn
    }

    #[test]
    fn an_edit_to_any_field_of_any_entry_is_caught_at_that_entry() {
        let n = 5;
        assert_eq!(verify(&chain(n)).expect("intact"), n);
        let edits = [
            ("at", "'2026-01-01T00:00:00Z'"),
            ("login", "'admin'"),
            ("login", "NULL"),
            ("action", "'search'"),
            ("tbl", "NULL"),
            ("row_id", "'p99'"),
            ("detail", "''"),
            ("prev", "'00'"),
            ("hash", "'00'"),
        ];
        for seq in 1..=n {
            for (col, value) in edits {
                let conn = chain(n);
                conn.execute(&format!("UPDATE audit_log SET {col} = {value} WHERE seq = ?1"), [seq]).expect("edit");
                match verify(&conn) {
                    Err(Error::AuditBroken { seq: at, .. }) => assert_eq!(at, seq, "{col} of {seq}"),
                    other => panic!("{col} of {seq}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_cut_tail_is_recorded_before_the_next_entry_and_stays_reported() {
        let conn = chain(5);
        conn.execute("DELETE FROM audit_log WHERE seq >= 4", []).expect("cut");
        let t = DateTime::parse_from_rfc3339("2026-11-24T01:00:00Z").expect("time").to_utc();
        let next = append(&conn, t, &Event { login: Some("zhou"), action: "search", ..Default::default() });
        assert_eq!(next.expect("appended"), 5, "after the entry recording the cut");
        let cuts = cuts(&conn).expect("cuts");
        assert_eq!(cuts.len(), 1);
        assert_eq!(cuts[0].seq, 4);
        assert!(cuts[0].message.contains("第 4–5 条被删除"), "{}", cuts[0].message);
        assert_eq!(verify_chain(&conn).expect("what is left chains up"), 5);
        match verify(&conn) {
            Err(Error::AuditBroken { seq: 4, reason }) => assert!(reason.contains("第 4–5 条被删除"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let alarms: i64 = conn.query_row("SELECT count(*) FROM audit_alarm", [], |r| r.get(0)).expect("alarms");
        assert_eq!(alarms, 1);
    }

    #[test]
    fn entries_that_differ_only_in_where_a_field_ends_hash_differently() {
        let a = Event { login: Some("ab"), action: "c", ..Default::default() };
        let b = Event { login: Some("a"), action: "bc", ..Default::default() };
        let none = Event { login: None, action: "c", ..Default::default() };
        let empty = Event { login: Some(""), action: "c", ..Default::default() };
        assert_ne!(entry_hash(1, "t", GENESIS, &a), entry_hash(1, "t", GENESIS, &b));
        assert_ne!(entry_hash(1, "t", GENESIS, &none), entry_hash(1, "t", GENESIS, &empty));
    }
}
