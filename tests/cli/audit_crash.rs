//! A crash between a method's work and its audit entry (SECURITY.md, 审计), the real CLI
//! killed there through the debug build's `FENGQIAO_FAILPOINT`:
//! - a write (`after_write`) leaves both the record and its entry or neither, for a create
//!   and an update, and the chain still verifies;
//! - an export killed at any point leaves never a file without its entry: killed after the
//!   entry (`after_entry`) the entry is there and no file; an export that fails records a
//!   second entry (`failed`) after the first.

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

/// `f` over the database, opened as the admin and closed again.
fn read<T>(db: &Path, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
    let api = Api::open_as(db, Arc::new(SystemClock), "admin", PASSWORD).unwrap();
    let out = f(api.store().conn());
    api.close().unwrap();
    out
}

/// How many villages are named `name`, and how many `action` entries the audit log holds
/// for villages (`row_id` when given).
fn counts(db: &Path, name: &str, action: &str, row_id: Option<&str>) -> (i64, i64) {
    read(db, |conn| {
        let rows: i64 =
            conn.query_row("SELECT count(*) FROM village WHERE name = ?1", params![name], |r| r.get(0)).unwrap();
        let entries: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1 AND tbl = 'village' AND (?2 IS NULL OR row_id = ?2)",
                params![action, row_id],
                |r| r.get(0),
            )
            .unwrap();
        (rows, entries)
    })
}

/// The init of a secured post's database at `dir`/post.db.
fn post(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("post.db");
    let out = fengqiao(&db, None, &["init", "--admin", "admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db
}

fn verified(db: &Path) {
    let out = fengqiao(db, None, &["--user", "admin", "audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("哈希链校验通过"), "{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_crash_between_a_write_and_its_audit_entry_keeps_both_or_neither() {
    let dir = tempfile::tempdir().unwrap();
    let db = post(dir.path());

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

/// The audit log's entries of `action` whose detail mentions `text`.
fn entries_naming(db: &Path, action: &str, text: &str) -> Vec<String> {
    read(db, |conn| {
        let mut stmt = conn
            .prepare("SELECT detail FROM audit_log WHERE action = ?1 AND instr(detail, ?2) > 0 ORDER BY seq")
            .unwrap();
        stmt.query_map(params![action, text], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    })
}

#[test]
fn an_export_is_never_on_disk_without_its_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = post(dir.path());
    let file = dir.path().join("实有人口台账.xlsx");
    let shown = file.display().to_string();
    let export = serde_json::json!({"kind": "households", "path": file}).to_string();

    // Killed at each point a call has: whenever the file is there, so is an entry for it.
    for point in ["after_entry", "after_write", "before_entry"] {
        let _ = std::fs::remove_file(&file);
        let before = entries_naming(&db, "export", &shown).len();
        let _ = call(&db, Some(point), "ledger.export", &export);
        let after = entries_naming(&db, "export", &shown).len();
        assert!(!file.exists() || after > before, "{point}: the file was written without its entry");
        verified(&db);
    }

    // Killed after the entry, before the file: the entry is there, naming the file and
    // what is exported, and no file.
    let _ = std::fs::remove_file(&file);
    let before = entries_naming(&db, "export", &shown).len();
    let out = call(&db, Some("after_entry"), "ledger.export", &export);
    assert!(!out.status.success(), "the process should have been killed");
    assert!(!file.exists(), "no file was to be written yet");
    let entries = entries_naming(&db, "export", &shown);
    assert_eq!(entries.len(), before + 1, "the export's entry commits before its file: {entries:?}");
    assert!(entries[before].contains("实有人口"), "the entry says what is exported: {entries:?}");
    verified(&db);

    // Run through: the file and one more entry.
    let _ = std::fs::remove_file(&file);
    let before = entries_naming(&db, "export", &shown).len();
    let out = call(&db, None, "ledger.export", &export);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(file.exists());
    assert_eq!(entries_naming(&db, "export", &shown).len(), before + 1);

    // The same file again, not to be replaced: refused after its entry, and a second entry
    // says it did not complete.
    let out = call(&db, None, "ledger.export", &export);
    assert!(!out.status.success(), "an existing file is not replaced without overwrite");
    assert_eq!(entries_naming(&db, "export", &shown).len(), before + 2);
    let failed = entries_naming(&db, "failed", &shown);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].contains("未完成"), "{failed:?}");
    verified(&db);
}
