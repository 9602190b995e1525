//! The audit log: who viewed, searched, exported, printed, changed or deleted what, and
//! who logged in or failed to. Append-only and hash-chained with SM3 (GB/T 32905).
//!
//! Each entry's `hash` is SM3 over its own fields and `prev`, the previous entry's hash (the
//! first entry's `prev` is 64 zeros). The newest entry's sequence number and hash are also
//! kept in `local_meta` (`audit_head`), so removing entries from the end is caught too.
//! [`verify`] walks the chain and names the first entry that fails. Triggers refuse UPDATE
//! and DELETE on the table; the chain catches an edit made with the triggers dropped.
//!
//! What the chain cannot do alone: someone holding a password and SQLCipher tools can
//! rewrite the whole chain consistently. Anchoring the head elsewhere (HQ, via sync) is
//! what closes that; it is not done here.

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

/// Appends an entry at `at`. Call it inside the transaction of the change it records when
/// there is one, so the two commit together.
pub fn append(conn: &Connection, at: DateTime<Utc>, ev: &Event<'_>) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let at = stamp(at);
    let hash = entry_hash(seq, &at, &prev, ev);
    conn.execute(
        "INSERT INTO audit_log (seq, at, login, action, tbl, row_id, detail, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, ev.login, ev.action, ev.tbl, ev.row_id, ev.detail, prev, hash],
    )?;
    set_meta(conn, "audit_head", &format!("{seq}:{hash}"))?;
    Ok(seq)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(from_row!(r => Entry {
        seq, at, login, action, tbl, row_id, detail, prev, hash,
    }))
}

const COLUMNS: &str = "seq, at, login, action, tbl, row_id, detail, prev, hash";

/// Walks the whole chain: every entry's hash recomputed, every `prev` the hash before it,
/// sequence numbers without gaps, and the last entry the recorded head. Returns the number
/// of entries, or [`Error::AuditBroken`] naming the first entry that fails.
pub fn verify(conn: &Connection) -> Result<i64> {
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
    /// Page size (default 20, at most 500).
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
    fn entries_that_differ_only_in_where_a_field_ends_hash_differently() {
        let a = Event { login: Some("ab"), action: "c", ..Default::default() };
        let b = Event { login: Some("a"), action: "bc", ..Default::default() };
        let none = Event { login: None, action: "c", ..Default::default() };
        let empty = Event { login: Some(""), action: "c", ..Default::default() };
        assert_ne!(entry_hash(1, "t", GENESIS, &a), entry_hash(1, "t", GENESIS, &b));
        assert_ne!(entry_hash(1, "t", GENESIS, &none), entry_hash(1, "t", GENESIS, &empty));
    }
}
