//! A post killed in the middle of a network sync with the real HQ on loopback: the post is
//! a child process (this test binary again, running the app's `sync.network`) killed at
//! moments spread over the exchange (sending, HQ answering, importing the reply). Each time
//! the post's file opens and passes `integrity_check`, holds either none of HQ's reply or
//! all of it, and its next sync completes with everything. CI kills three times, at a quarter,
//! a half and most of the way; `FENGQIAO_KILLS` and `FENGQIAO_KILL_SEED` ask for more kills at
//! moments drawn from the seed (scripts/soak.sh).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fengqiao::api::Api;
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::time::SystemClock;
use fengqiao::store::write::splitmix64;
use fengqiao::sync::EnrollRequest;
use serde_json::json;

use crate::loopback::Loopback;

/// Set in the child: the post's database and HQ's address, `db\nurl`.
const POST_CHILD: &str = "FENGQIAO_TEST_POST_SYNCING";
/// The demo's villages.
const VILLAGES: [&str; 8] = [
    "330326101201",
    "330326101202",
    "330326101203",
    "330326101204",
    "330326101205",
    "330326101206",
    "330326101207",
    "330326101208",
];

/// The post's database: whether it passes `integrity_check`, and how many residents and
/// changes it holds.
fn state(db: &Path) -> (String, i64, i64) {
    let api = Api::open(db, Arc::new(SystemClock)).unwrap();
    let conn = api.store().conn();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let persons: i64 = conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    let log: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    (check, persons, log)
}

/// A new post enrolled at HQ (through `hq`, a second handle on HQ's shared file) with the
/// county's villages, holding nothing of theirs yet.
fn new_post(dir: &Path, hq: &mut Api, n: usize) -> std::path::PathBuf {
    let db = dir.join(format!("post{n}.db"));
    let mut post = Api::open(&db, Arc::new(SystemClock)).unwrap();
    let req: EnrollRequest = post.enroll_request(Some(&format!("警务室{}", n + 1))).unwrap();
    let villages: Vec<String> = VILLAGES.iter().map(|v| (*v).to_owned()).collect();
    post.enroll_accept(&hq.hq_enroll(&req, &villages).unwrap()).unwrap();
    db
}

/// Starts the post's `sync.network` in a child process.
fn syncing(db: &Path, url: &str) -> std::process::Child {
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let name = format!("{module}::a_post_killed_mid_network_sync_opens_whole_and_syncs_next_time");
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name, "--test-threads", "1"])
        .env(POST_CHILD, format!("{}\n{url}", db.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_post_killed_mid_network_sync_opens_whole_and_syncs_next_time() {
    if let Some(arg) = std::env::var_os(POST_CHILD) {
        let arg = arg.to_string_lossy().into_owned();
        let (db, url) = arg.split_once('\n').unwrap();
        let mut post = Api::open(Path::new(db), Arc::new(SystemClock)).unwrap();
        post.call("sync.network", json!({ "url": url })).unwrap();
        std::process::exit(0);
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let mut hq = fengqiao_hq::open(&data).unwrap();
    hq.hq_init("县公安局").unwrap();
    // Post 0 brings the county's residents; every later post's first sync takes them all.
    let first = new_post(dir.path(), &mut hq, 0);
    {
        let mut a = Api::open(&first, Arc::new(SystemClock)).unwrap();
        demo::generate(&mut a, DemoOptions { households: 200, seed: 7 }).unwrap();
        hq.hq_exchange(&a.bundle_export().unwrap()).unwrap();
    }
    let server = Loopback::start(fengqiao_hq::open(&data).unwrap());

    // One uncut sync: how long it takes and what "after" is.
    let trial = new_post(dir.path(), &mut hq, 1);
    let (_, none, before) = state(&trial);
    assert_eq!(none, 0);
    let started = Instant::now();
    assert!(syncing(&trial, &server.base).wait().unwrap().success());
    let full = started.elapsed();
    let (check, all, after) = state(&trial);
    assert_eq!(check, "ok");
    assert!(all > 300 && after > before + 5_000, "the reply should be large: {all} residents, {before} -> {after}");

    let shares = kill_points();
    let mut cut = 0;
    for (i, &share) in shares.iter().enumerate() {
        let db = new_post(dir.path(), &mut hq, i + 2);
        let mut child = syncing(&db, &server.base);
        std::thread::sleep(full.mul_f64(share));
        if child.try_wait().unwrap().is_none() {
            cut += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let (check, persons, log) = state(&db);
        eprintln!("killed at {share} of {full:?}: {persons} residents, {log} changes");
        assert_eq!(check, "ok", "killed at {share} of a sync");
        assert!(
            (persons, log) == (0, before) || (persons, log) == (all, after),
            "killed at {share} of a sync, the post holds part of HQ's reply: {persons} residents, {log} changes"
        );
        // The next sync completes, with everything. HQ may still be answering the killed
        // one, and says so (409, try again later): the officer tries again.
        let mut post = Api::open(&db, Arc::new(SystemClock)).unwrap();
        let waited = Instant::now();
        while let Err(e) = post.call("sync.network", json!({ "url": server.base })) {
            assert!(e.to_string().contains("上一次同步还在处理中"), "after the kill at {share}: {e}");
            assert!(waited.elapsed() < Duration::from_secs(120), "HQ still busy with the killed sync: {e}");
            std::thread::sleep(Duration::from_millis(200));
        }
        drop(post);
        let (check, persons, _) = state(&db);
        assert_eq!((check.as_str(), persons), ("ok", all), "after the sync that followed the kill at {share}");
    }
    let kills = shares.len();
    eprintln!("kills: {kills} sent, {cut} while the sync ran (uncut {full:?})");
    assert!(cut * 2 > kills, "only {cut} of {kills} kills landed while the sync was running ({full:?} uncut)");
    server.stop();
}

/// When to kill, as shares of the uncut sync: a quarter, a half and most of the way; or, with
/// `FENGQIAO_KILLS` or `FENGQIAO_KILL_SEED` set, that many (3) drawn from the seed (99)
/// between 5% and 85%.
fn kill_points() -> Vec<f64> {
    let env = |name: &str| std::env::var(name).ok().and_then(|n| n.parse::<u64>().ok());
    let (kills, seed) = (env("FENGQIAO_KILLS"), env("FENGQIAO_KILL_SEED"));
    if kills.is_none() && seed.is_none() {
        return vec![0.25, 0.55, 0.85];
    }
    let mut state = seed.unwrap_or(99);
    eprintln!("kill points drawn from the seed {state}");
    (0..kills.unwrap_or(3)).map(|_| 0.05 + 0.8 * (splitmix64(&mut state) % 1_000) as f64 / 1_000.0).collect()
}
