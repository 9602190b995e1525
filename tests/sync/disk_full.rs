//! A disk that fills up: a post importing a large bundle onto a disk with too little room,
//! and a backup onto a USB stick with too little room. Each is refused with a Chinese
//! message, changes nothing (the database whole, no change half-applied, no half-written
//! backup under any name), and the same command succeeds once there is room.
//!
//! The small disks are tmpfs mounts of a fixed size, made in a mount namespace of this test's
//! own (`unshare --mount`, as root, as CI runs), so they vanish with it: the test runs itself
//! again inside that namespace.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use common::today;
use fengqiao::api::Api;
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::time::FixedClock;

/// Set in the run inside the private mount namespace.
const INSIDE: &str = "FENGQIAO_DISK_FULL_INSIDE";
const TEST: &str = "disk_full::a_full_disk_refuses_an_import_and_a_backup_whole_and_the_next_try_succeeds";
const PASSWORD: &str = "Admin2026x";
const FULL: &str = "磁盘空间已满";

fn fengqiao(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--db")
        .arg(db)
        .args(["--user", "admin"])
        .args(args)
        .env("FENGQIAO_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

/// Mounts a tmpfs of `kib` KiB at `dir` (in this namespace only), or resizes the one there.
fn disk(dir: &Path, kib: u64, remount: bool) {
    let size = format!("size={kib}k");
    let status = match remount {
        false => Command::new("mount").args(["-t", "tmpfs", "-o", &size, "fengqiao-test"]).arg(dir).status(),
        true => Command::new("mount").args(["-o", &format!("remount,{size}")]).arg(dir).status(),
    };
    assert!(status.unwrap().success(), "mount {size} at {}", dir.display());
}

fn open(db: &Path) -> Api {
    Api::open_as(db, Arc::new(FixedClock::at_date(today())), "admin", PASSWORD).unwrap()
}

/// (integrity check, change-log rows, residents) of the post at `db`.
fn state(db: &Path) -> (String, i64, i64) {
    let api = open(db);
    let conn = api.store().conn();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let log: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    let people: i64 = conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    api.close().unwrap();
    (check, log, people)
}

/// A secured post enrolled with HQ, and a bundle from HQ carrying another post's 300
/// households to it. Returns (the post's database, the bundle).
fn post_and_big_bundle(dir: &Path) -> (PathBuf, PathBuf) {
    let clock = || Arc::new(FixedClock::at_date(today()));
    let mut hq = Api::open(&dir.join("hq.db"), clock()).unwrap();
    hq.hq_init("县局").unwrap();
    let mut a = Api::open(&dir.join("a.db"), clock()).unwrap();
    let codes: Vec<String> = (1..=8).map(|i| format!("33032610120{i}")).collect();
    let reply = hq.hq_enroll(&a.enroll_request(Some("甲")).unwrap(), &codes).unwrap();
    a.enroll_accept(&reply).unwrap();
    demo::generate(&mut a, DemoOptions { households: 300, seed: 7 }).unwrap();
    hq.hq_exchange(&a.bundle_export().unwrap()).unwrap();
    let b_db = dir.join("b.db");
    let mut b = Api::create_admin(&b_db, clock(), "admin", PASSWORD).unwrap();
    let reply = hq.hq_enroll(&b.enroll_request(Some("乙")).unwrap(), &codes).unwrap();
    b.enroll_accept(&reply).unwrap();
    let bytes = fengqiao::sync::export(hq.store_mut(), b.store().node_id()).unwrap();
    let bundle = dir.join("big.fqsync");
    std::fs::write(&bundle, bytes).unwrap();
    b.close().unwrap();
    (b_db, bundle)
}

#[test]
fn a_full_disk_refuses_an_import_and_a_backup_whole_and_the_next_try_succeeds() {
    if std::env::var_os(INSIDE).is_none() {
        let out = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "--"])
            .arg(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads", "1"])
            .env(INSIDE, "1")
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.contains("1 passed"), "inside its own mount namespace:\n{text}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (made, bundle) = post_and_big_bundle(dir.path());

    // The post's disk: room for the database as it is and 512 KiB more, far less than the
    // bundle brings.
    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    let db_kib = std::fs::metadata(&made).unwrap().len() / 1024;
    disk(&small, db_kib + 512, false);
    let db = small.join("b.db");
    std::fs::copy(&made, &db).unwrap();
    std::fs::copy(fengqiao::store::keys::path_for(&made), fengqiao::store::keys::path_for(&db)).unwrap();
    let bundle_arg = bundle.to_str().unwrap();
    let out = fengqiao(&db, &["bundle", "import", bundle_arg]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the import cannot fit");
    assert!(err.contains(FULL), "{err}");

    // Room again: the database is as it was before, and the same import now goes in whole.
    disk(&small, 256 * 1024, true);
    let (check, log_before, people_before) = state(&db);
    assert_eq!(check, "ok");
    assert_eq!(people_before, 0, "nothing of the bundle was applied");
    let out = fengqiao(&db, &["bundle", "import", bundle_arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (check, log_after, people_after) = state(&db);
    assert_eq!(check, "ok");
    assert!(log_after > log_before + 1_000 && people_after > 500, "{log_before} -> {log_after}, {people_after} people");

    // A USB stick with 64 KiB free: the backup is refused, and nothing is left on it.
    let stick = dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    disk(&stick, 64, false);
    let stick_arg = stick.to_str().unwrap();
    let out = fengqiao(&db, &["backup", "--out", stick_arg]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the backup cannot fit");
    assert!(err.contains(FULL), "{err}");
    let left: Vec<_> = std::fs::read_dir(&stick).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "nothing half-written on the stick: {left:?}");
    disk(&stick, 256 * 1024, true);
    let out = fengqiao(&db, &["backup", "--out", stick_arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let names: Vec<String> =
        std::fs::read_dir(&stick).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.ends_with(".db")) && names.iter().any(|n| n.ends_with(".db.keys")), "{names:?}");
}
