//! Every method that takes a path goes through one gate: a writer makes only its own kind
//! of file, never over the database's own files, never over an existing file unless told
//! to, through a temporary file renamed into place; a reader takes only its own kinds.
//! Real encrypted databases in a temp dir, an auxiliary's login, and the CLI as a process.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use serde_json::{Value, json};

const ADMIN_PW: &str = "Admin2026x";

fn refused(api: &mut Api, method: &str, params: Value) -> (String, String) {
    match api.call(method, params.clone()) {
        Ok(v) => panic!("{method} {params} should have been refused, got {v}"),
        Err(e) => (e.field().unwrap_or_default().to_owned(), e.to_string()),
    }
}

fn ok(api: &mut Api, method: &str, params: Value) -> Value {
    match api.call(method, params) {
        Ok(v) => v,
        Err(e) => panic!("{method} failed: {e} ({})", e.code()),
    }
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A secured post enrolled at an HQ (so that it can make bundles), and an auxiliary's login.
fn post(dir: &Path) -> (PathBuf, Arc<FixedClock>, Api) {
    let db = dir.join("fengqiao.db");
    let clock = Arc::new(FixedClock::at_date(common::today()));
    let mut admin = Api::create_admin(&db, clock.clone(), "admin", ADMIN_PW).unwrap();
    let mut hq = Api::open(&dir.join("hq.db"), clock.clone()).unwrap();
    hq.hq_init("县公安局").unwrap();
    let request = admin.enroll_request(Some("青山警务室")).unwrap();
    let reply = hq.hq_enroll(&request, &["330326101201".to_owned()]).unwrap();
    admin.enroll_accept(&reply).unwrap();
    ok(&mut admin, "user.create", json!({"login": "xiaoli", "password": "Start2026x", "role": "auxiliary"}));
    let mut aux = Api::open_as(&db, clock.clone(), "xiaoli", "Start2026x").unwrap();
    ok(&mut aux, "user.set_password", json!({"old_password": "Start2026x", "new_password": "Xiaoli2026x"}));
    (db, clock, aux)
}

#[test]
fn no_method_writes_over_the_databases_own_files_and_the_database_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let (db, clock, mut aux) = post(dir.path());
    let keys_before = std::fs::read(sibling(&db, ".keys")).unwrap();

    // The probe's case: an auxiliary's sync.export pointed at the key file.
    let keys = sibling(&db, ".keys");
    let (field, message) = refused(&mut aux, "sync.export", json!({ "path": keys }));
    assert_eq!(field, "path");
    assert!(message.contains(".fqsync 结尾"), "{message}");
    // Its own kind of name, but beside the database and named after it: refused too.
    for suffix in [".keys.fqsync", "-wal.fqsync", ".lock.fqsync"] {
        let (_, message) = refused(&mut aux, "sync.export", json!({ "path": sibling(&db, suffix) }));
        assert!(message.contains("数据库文件"), "{suffix}: {message}");
    }
    for (method, params) in [
        ("ledger.export", json!({"kind": "households", "path": sibling(&db, "-shm")})),
        ("ledger.export", json!({"kind": "households", "path": db})),
        ("stats.export", json!({"month": "2026-11", "path": sibling(&db, ".keys")})),
        ("intake.pdf", json!({"dispute_id": "x", "path": sibling(&db, ".keys")})),
    ] {
        let (field, message) = refused(&mut aux, method, params);
        assert_eq!(field, "path", "{method}: {message}");
    }
    assert_eq!(std::fs::read(sibling(&db, ".keys")).unwrap(), keys_before, "the key file is untouched");
    drop(aux);
    let mut admin = Api::open_as(&db, clock.clone(), "admin", ADMIN_PW).expect("the database still opens");
    ok(&mut admin, "audit.verify", json!({}));
    let (field, _) = refused(&mut admin, "enroll.request", json!({ "path": sibling(&db, ".keys") }));
    assert_eq!(field, "path");
    assert_eq!(std::fs::read(sibling(&db, ".keys")).unwrap(), keys_before);

    // Readers take only their own kinds, and never the database's files.
    let (_, message) = refused(&mut admin, "import.preview", json!({"path": sibling(&db, ".keys")}));
    assert!(message.contains(".xlsx"), "{message}");
    let (_, message) = refused(&mut admin, "sync.import", json!({"path": db}));
    assert!(message.contains(".fqsync"), "{message}");
    #[cfg(unix)]
    {
        let link = dir.path().join("拷贝.fqsync");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let (_, message) = refused(&mut admin, "sync.import", json!({"path": link}));
        assert!(message.contains("数据库文件"), "{message}");
    }
    drop(admin);
    let e = Api::restore(&db, &db, clock.clone(), "admin", ADMIN_PW).unwrap_err();
    assert!(e.to_string().contains("数据库文件"), "{e}");
    Api::open_as(&db, clock, "admin", ADMIN_PW).expect("still opens after a refused restore");
}

#[test]
fn an_existing_file_is_replaced_only_when_the_caller_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, _clock, mut aux) = post(dir.path());
    let theirs = dir.path().join("工作安排.xlsx");
    std::fs::write(&theirs, b"someone's own spreadsheet").unwrap();
    let (field, message) = refused(&mut aux, "ledger.export", json!({"kind": "households", "path": theirs}));
    assert_eq!(field, "path");
    assert!(message.contains("已存在") && message.contains("--overwrite"), "{message}");
    assert_eq!(std::fs::read(&theirs).unwrap(), b"someone's own spreadsheet");
    let bundle = dir.path().join("同步包.fqsync");
    std::fs::write(&bundle, b"yesterday's").unwrap();
    refused(&mut aux, "sync.export", json!({"path": bundle}));
    assert_eq!(std::fs::read(&bundle).unwrap(), b"yesterday's", "a refused export makes no bundle");

    // The desk's save dialog asked the officer: replaced, whole.
    let w = ok(&mut aux, "ledger.export", json!({"kind": "households", "path": theirs, "overwrite": true}));
    assert_eq!(w["bytes"].as_u64().unwrap(), std::fs::metadata(&theirs).unwrap().len());
    assert!(std::fs::read(&theirs).unwrap().starts_with(b"PK"), "an xlsx now");
    let sent = ok(&mut aux, "sync.export", json!({"path": bundle, "overwrite": true}));
    assert_eq!(sent["counter"], 1);
    assert!(std::fs::read(&bundle).unwrap().starts_with(b"FQSYNC/"));
    // A folder that does not exist is not made.
    let (_, message) =
        refused(&mut aux, "ledger.export", json!({"kind": "households", "path": dir.path().join("新/台账.xlsx")}));
    assert!(message.contains("文件夹不存在"), "{message}");
    // Nothing half-written is left behind.
    let parts: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "{parts:?}");
}

#[test]
fn the_cli_refuses_to_overwrite_without_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let out = dir.path().join("台账.xlsx");
    std::fs::write(&out, b"keep me").unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("FENGQIAO_NOW", "2026-11-23T09:00:00+08:00")
            .env_remove("FENGQIAO_USER")
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    let args = ["export-xlsx", "--ledger", "households", "--out", out.to_str().unwrap()];
    let refused = run(&args);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("已存在") && err.contains("--overwrite"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    let done = run(&[&args[..], &["--overwrite"]].concat());
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    let keys =
        run(&["export-xlsx", "--ledger", "households", "--out", &format!("{}.keys", db.display()), "--overwrite"]);
    assert!(!keys.status.success());
    assert!(String::from_utf8_lossy(&keys.stderr).contains(".xlsx 结尾"));
}
