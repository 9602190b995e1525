//! Shared helpers for the integration tests: a real database file in a temp dir, a clock
//! the test controls.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::NaiveDate;
use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use serde_json::{Value, json};
use tempfile::TempDir;

/// A post database on disk, with the clock at 09:00 on 2026-11-23 (a Monday).
pub struct Post {
    pub dir: TempDir,
    pub api: Api,
    pub clock: Arc<FixedClock>,
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// The document fonts in the source tree. Programs never look there by themselves (they
/// look where the package installs them), so tests that print say where they are.
pub fn source_fonts() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("fonts")
}

impl Post {
    pub fn new() -> Post {
        fengqiao::docs::font::set_dir(source_fonts());
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Arc::new(FixedClock::at_date(today()));
        let api = Api::open(&dir.path().join("post.db"), clock.clone()).expect("open");
        Post { dir, api, clock }
    }

    /// Calls a method and returns the reply, panicking with the Chinese message on error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.api.call(method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {} ({})", e, e.code()),
        }
    }

    /// Calls a method that must fail; returns the error reply as JSON.
    pub fn refused(&mut self, method: &str, params: Value) -> Value {
        match self.api.call(method, params) {
            Ok(v) => panic!("{method} should have been refused, got {v}"),
            Err(e) => serde_json::to_value(e.to_reply()).expect("json"),
        }
    }

    /// A village with one group and a household in it; returns (village, group, household).
    pub fn household(&mut self, village: &str, house_no: &str) -> (String, String, String) {
        let villages = self.call("village.list", json!({}));
        let existing = villages.as_array().and_then(|vs| vs.iter().find(|v| v["name"] == village).cloned());
        let (vid, gid) = match existing {
            Some(v) => (v["id"].as_str().unwrap().to_owned(), v["groups"][0]["id"].as_str().unwrap().to_owned()),
            None => {
                let v = self.call("village.create", json!({"name": village}));
                let vid = v["id"].as_str().unwrap().to_owned();
                let g = self.call("group.create", json!({"village_id": vid, "name": "3组"}));
                (vid, g["id"].as_str().unwrap().to_owned())
            }
        };
        let h = self.call("household.create", json!({"village_id": vid, "group_id": gid, "house_no": house_no}));
        (vid, gid, h["id"].as_str().unwrap().to_owned())
    }
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// Gives `village` (entered without a code) the code `code` as a build before one row per
/// code left it: in the row, its clock and the change log, as written with the village's
/// name (so the file holds what an older build's `village.create` with a code made).
pub fn code_as_before(conn: &rusqlite::Connection, village: &str, code: &str) {
    let (origin, hlc): (String, String) = conn
        .query_row(
            "SELECT origin, hlc FROM change_log WHERE tbl = 'village' AND row_id = ?1 AND col = 'name'",
            [village],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the village's name was logged");
    let seq: i64 = conn
        .query_row("SELECT CAST(value AS INTEGER) + 1 FROM local_meta WHERE key = 'seq'", [], |r| r.get(0))
        .expect("seq");
    let value = format!("\"{code}\"");
    conn.execute_batch("BEGIN").expect("begin");
    conn.execute("UPDATE village SET code = ?1 WHERE id = ?2", [code, village]).expect("code");
    conn.execute(
        "INSERT INTO change_log (origin, origin_seq, hlc, prev, tbl, row_id, col, value)
         VALUES (?1, ?2, ?3, NULL, 'village', ?4, 'code', ?5)",
        rusqlite::params![origin, seq, hlc, village, value],
    )
    .expect("log");
    conn.execute(
        "INSERT INTO column_clock (tbl, row_id, col, hlc, prev) VALUES ('village', ?1, 'code', ?2, NULL)",
        [village, hlc.as_str()],
    )
    .expect("clock");
    conn.execute("UPDATE local_meta SET value = ?1 WHERE key = 'seq'", [seq.to_string()]).expect("seq");
    conn.execute_batch("COMMIT").expect("commit");
}
