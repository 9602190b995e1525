//! Atomicity under SIGKILL: a child `fengqiao bundle import` of a large bundle is killed at
//! random moments; each time the database opens, passes `integrity_check`, and holds either
//! nothing of the bundle or all of it. `FENGQIAO_KILLS` and `FENGQIAO_KILL_SEED` ask for more
//! kills at other moments (scripts/soak.sh); CI kills six times with the seed 99.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::today;
use fengqiao::api::Api;
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::time::FixedClock;
use fengqiao::store::write::splitmix64;
use rusqlite::Connection;

fn open(path: &Path) -> Api {
    Api::open(path, Arc::new(FixedClock::at_date(today()))).unwrap()
}

fn log_len(path: &Path) -> (String, i64) {
    let conn = Connection::open(path).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    (check, n)
}

fn import(db: &Path, bundle: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fengqiao"));
    cmd.arg("--db").arg(db).arg("bundle").arg("import").arg(bundle);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    cmd
}

#[test]
fn an_import_killed_at_random_moments_leaves_the_database_before_or_after() {
    let dir = tempfile::tempdir().unwrap();
    let (hq_db, a_db, b_db) = (dir.path().join("hq.db"), dir.path().join("a.db"), dir.path().join("b.db"));
    let mut hq = open(&hq_db);
    hq.hq_init("县局").unwrap();
    let mut a = open(&a_db);
    let codes: Vec<String> = (1..=8).map(|i| format!("33032610120{i}")).collect();
    let reply = hq.hq_enroll(&a.enroll_request(Some("甲")).unwrap(), &codes).unwrap();
    a.enroll_accept(&reply).unwrap();
    demo::generate(&mut a, DemoOptions { households: 500, seed: 5 }).unwrap();
    hq.hq_exchange(&a.bundle_export().unwrap()).unwrap();
    {
        let mut b = open(&b_db);
        let reply = hq.hq_enroll(&b.enroll_request(Some("乙")).unwrap(), &codes).unwrap();
        b.enroll_accept(&reply).unwrap();
        let node = b.store().node_id();
        let bytes = fengqiao::sync::export(hq.store_mut(), node).unwrap();
        std::fs::write(dir.path().join("big.fqsync"), bytes).unwrap();
        b.store().conn().pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    }
    let template = dir.path().join("template.db");
    std::fs::copy(&b_db, &template).unwrap();
    let bundle = dir.path().join("big.fqsync");
    let (_, before) = log_len(&template);

    // One uncut import: how long it takes and what "after" is.
    let trial = dir.path().join("trial.db");
    std::fs::copy(&template, &trial).unwrap();
    let started = Instant::now();
    assert!(import(&trial, &bundle).status().unwrap().success());
    let full = started.elapsed();
    let (check, after) = log_len(&trial);
    assert_eq!(check, "ok");
    assert!(after > before + 20_000, "the bundle should be large: {before} -> {after}");

    let kills: u64 = env_or("FENGQIAO_KILLS", 6);
    let seed: u64 = env_or("FENGQIAO_KILL_SEED", 99);
    let mut state = seed;
    let (mut saw_before, mut saw_after, mut landed) = (0, 0, 0);
    for _ in 0..kills {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", trial.display()));
        }
        std::fs::copy(&template, &trial).unwrap();
        let at = Duration::from_micros(splitmix64(&mut state) % (full.as_micros() as u64 * 11 / 10 + 1));
        let mut child = import(&trial, &bundle).spawn().unwrap();
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            landed += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let (check, n) = log_len(&trial);
        assert_eq!(check, "ok", "killed after {at:?} (seed {seed})");
        assert!(
            n == before || n == after,
            "killed after {at:?} (seed {seed}): {n} changes, neither {before} nor {after}"
        );
        if n == before {
            saw_before += 1
        } else {
            saw_after += 1
        }
        // The store opens and, if the import was cut, the same bundle applies in full.
        let mut api = open(&trial);
        if n == before {
            api.bundle_import(&std::fs::read(&bundle).unwrap()).unwrap();
            assert_eq!(log_len(&trial).1, after);
        }
    }
    eprintln!(
        "kills: {kills} sent, {landed} while the import ran ({saw_before} left it before, {saw_after} after; \
         uncut {full:?}, seed {seed})"
    );
    assert!(saw_before > 0, "no kill landed mid-import (full import took {full:?}, seed {seed})");
}

/// A number from the environment, or `default`.
fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}
