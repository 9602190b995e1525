//! A crash between a method's write and its audit entry (SECURITY.md, 审计): the real CLI
//! killed at that point (the debug build's `FENGQIAO_FAILPOINT=after_write`) leaves both the
//! record and its entry or neither, for a create and an update, and the chain still verifies.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use rusqlite::params;

const PASSWORD: &str = "Admin2026x";

fn fengqiao(db: &Path, failpoint: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fengqiao"));
    cmd.arg("--db").arg(db).args(args).env("FENGQIAO_PASSWORD", PASSWORD).env_remove("FENGQIAO_USER");
    match failpoint {
        Some(f) => cmd.env("FENGQIAO_FAILPOINT", f),
        None => cmd.env_remove("FENGQIAO_FAILPOINT"),
    };
    cmd.output().unwrap()
}

fn call(db: &Path, failpoint: Option<&str>, method: &str, params: &str) -> Output {
    fengqiao(db, failpoint, &["--user", "admin", "--json", "call", method, params])
}

/// How many villages are named `name`, and how many `action` entries the audit log holds
/// for villages (`row_id` when given).
fn counts(db: &Path, name: &str, action: &str, row_id: Option<&str>) -> (i64, i64) {
    let api = Api::open_as(db, Arc::new(SystemClock), "admin", PASSWORD).unwrap();
    let conn = api.store().conn();
    let rows: i64 =
        conn.query_row("SELECT count(*) FROM village WHERE name = ?1", params![name], |r| r.get(0)).unwrap();
    let entries: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = ?1 AND tbl = 'village' AND (?2 IS NULL OR row_id = ?2)",
            params![action, row_id],
            |r| r.get(0),
        )
        .unwrap();
    api.close().unwrap();
    (rows, entries)
}

fn verified(db: &Path) {
    let out = fengqiao(db, None, &["--user", "admin", "audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("哈希链校验通过"), "{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_crash_between_a_write_and_its_audit_entry_keeps_both_or_neither() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let out = fengqiao(&db, None, &["init", "--admin", "admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A create killed after its write.
    let out = call(&db, Some("after_write"), "village.create", r#"{"name":"青山村"}"#);
    assert!(!out.status.success(), "the process should have been killed");
    let (rows, entries) = counts(&db, "青山村", "create", None);
    assert_eq!(
        (rows > 0),
        (entries > 0),
        "a created village without its entry (or the reverse): {rows} rows, {entries} entries"
    );
    assert_eq!((rows, entries), (0, 0), "the crash came before the commit");
    verified(&db);

    // The same create run through: both.
    let out = call(&db, None, "village.create", r#"{"name":"青山村"}"#);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(counts(&db, "青山村", "create", None), (1, 1));

    // An update killed after its write.
    let update = format!(r#"{{"id":"{id}","name":"青山社区"}}"#);
    let out = call(&db, Some("after_write"), "village.update", &update);
    assert!(!out.status.success(), "the process should have been killed");
    let (rows, entries) = counts(&db, "青山社区", "update", Some(&id));
    assert_eq!(
        (rows > 0),
        (entries > 0),
        "a changed village without its entry (or the reverse): {rows} rows, {entries} entries"
    );
    assert_eq!((rows, entries), (0, 0), "the crash came before the commit");
    verified(&db);

    let out = call(&db, None, "village.update", &update);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(counts(&db, "青山社区", "update", Some(&id)), (1, 1));
    verified(&db);
}
