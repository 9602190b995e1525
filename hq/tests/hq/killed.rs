//! A network sync cut by a kill, on either side.
//!
//! The post killed: the post is a child process (this test binary again, running the app's
//! `sync.network`) against the real HQ on loopback, killed at moments spread over the
//! exchange (sending, HQ answering, importing the reply). Each time the post's file opens
//! and passes `integrity_check`, holds either none of HQ's reply or all of it, and its next
//! sync completes with everything. CI kills three times, at a quarter, a half and most of
//! the way; `FENGQIAO_KILLS` and `FENGQIAO_KILL_SEED` ask for more kills at moments drawn from
//! the seed (scripts/soak.sh).
//!
//! HQ killed: the real `fengqiao-hq serve` process SIGKILLed while a post with 300
//! households of its own syncs with it, at a fifth, a half and most of the way through. Each
//! time HQ's file is whole and holds none of the post's changes or all of them, the post's
//! file is whole, and once HQ is started again the post's next sync completes: HQ then holds
//! every change the post made, once, and the post every resident HQ has.

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
use crate::process::{hq, serve};

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

/// The post at `db` syncs with HQ at `url` over the network, as the app does.
fn sync(db: &Path, url: &str) -> fengqiao::Result<serde_json::Value> {
    let mut post = Api::open(db, Arc::new(SystemClock))?;
    post.call("sync.network", json!({ "url": url }))
}

/// A post's node id and how many of the changes in its log it made itself (some never
/// travel: a value overwritten before the bundle was made goes as its last value).
fn own_changes(db: &Path) -> (String, i64) {
    let api = Api::open(db, Arc::new(SystemClock)).unwrap();
    let node = api.store().node_id().to_string();
    let n = api.store().conn().query_row("SELECT count(*) FROM change_log WHERE origin = ?1", [&node], |r| r.get(0));
    (node, n.unwrap())
}

/// HQ's file: whether it passes `integrity_check`, and how many of `node`'s changes it holds.
fn hq_state(data: &Path, node: &str) -> (String, i64) {
    let api = fengqiao_hq::open(data).unwrap();
    let conn = api.store().conn();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let held: i64 = conn.query_row("SELECT count(*) FROM change_log WHERE origin = ?1", [node], |r| r.get(0)).unwrap();
    (check, held)
}

/// The ids of the residents in a database.
fn resident_ids(api: &Api) -> Vec<String> {
    let mut stmt = api.store().conn().prepare("SELECT id FROM person ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn hq_killed_mid_sync_loses_nothing_and_the_posts_next_sync_completes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq(&data, &["init", "--name", "县公安局"]);
    let mut county = fengqiao_hq::open(&data).unwrap();
    let first = new_post(dir.path(), &mut county, 0);
    {
        let mut a = Api::open(&first, Arc::new(SystemClock)).unwrap();
        demo::generate(&mut a, DemoOptions { households: 200, seed: 7 }).unwrap();
        county.hq_exchange(&a.bundle_export().unwrap()).unwrap();
    }
    // A post with 300 households of its own: HQ has a large bundle to take in.
    let mut post = |n: usize| {
        let db = new_post(dir.path(), &mut county, n);
        let mut api = Api::open(&db, Arc::new(SystemClock)).unwrap();
        demo::generate(&mut api, DemoOptions { households: 300, seed: 20 + n as u64 }).unwrap();
        db
    };

    // One uncut sync: how long it takes.
    let trial = post(1);
    let server = serve(&data, &[]);
    let started = Instant::now();
    sync(&trial, &server.base()).unwrap();
    let full = started.elapsed();
    server.kill();

    let mut cut = 0;
    for (i, share) in [0.2, 0.5, 0.8].into_iter().enumerate() {
        let db = post(i + 2);
        let (node, own) = own_changes(&db);
        let server = serve(&data, &[]);
        let syncing = std::thread::spawn({
            let (db, base) = (db.clone(), server.base());
            move || sync(&db, &base)
        });
        std::thread::sleep(full.mul_f64(share));
        if !syncing.is_finished() {
            cut += 1;
        }
        server.kill();
        let first_try = syncing.join().unwrap();
        let (check, at_kill) = hq_state(&data, &node);
        eprintln!("HQ killed at {share} of {full:?}: it holds {at_kill} of the post's changes ({first_try:?})");
        assert_eq!(check, "ok", "HQ killed at {share}");
        assert_eq!(state(&db).0, "ok", "the post after HQ was killed at {share}");

        // HQ back: the post's next sync completes.
        let server = serve(&data, &[]);
        sync(&db, &server.base()).unwrap();
        server.kill();
        let (check, held) = hq_state(&data, &node);
        assert_eq!(check, "ok");
        assert!(held * 10 > own * 9, "after the sync that followed the kill at {share}: HQ holds {held} of {own}");
        assert!(at_kill == 0 || at_kill == held, "HQ killed at {share} held part of the bundle: {at_kill} of {held}");
        let at_post = resident_ids(&Api::open(&db, Arc::new(SystemClock)).unwrap());
        let at_hq = resident_ids(&fengqiao_hq::open(&data).unwrap());
        assert_eq!(at_post.len(), at_hq.len(), "after the kill at {share}, the post and HQ hold the same residents");
        assert!(at_post == at_hq, "after the kill at {share}, the post and HQ hold the same residents");
    }
    assert!(cut > 1, "only {cut} of 3 kills landed while the sync ran ({full:?} uncut)");
}
