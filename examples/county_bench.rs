//! County console benchmark: builds an HQ database of a whole county once (demo posts
//! synced into an encrypted HQ), then times the console's methods through the real gate
//! (`Api::call_as` with a logged-in county session) and prints p50/p95 for BENCHMARKS.md.
//!
//! `cargo run --release --example county_bench -- [--posts 100] [--households 1500]
//! [--runs 30] [--dir DIR] [--page-cache-mb 512] [--only TEXT]`
//!
//! `--only TEXT` times only the lines whose label contains TEXT (e.g. `--only hq.stats`),
//! for profiling one method.
//!
//! `--load SECONDS` instead runs the console as a county uses it for that long: a county
//! admin, a supervisor and a station leader each opening 统计, 督办 and 预警 every
//! `--look-every` seconds on average (3 by default, each pause between 5 % and 200 % of it),
//! while a write lands every `--write-every` seconds (30 by default: an assignment made or
//! withdrawn; with `--writes sync` instead the `--daily` post's day of work synced), with HQ
//! making the asked results again once its data has stood still for `ready::QUIET_FOR`, as
//! `fengqiao-hq serve` does (`api::county::ready`); one lock around HQ's `Api`, as
//! the server holds it, and, as `serve` does, a call landing before HQ has made the
//! statistics again given the figures last made (`Api::make_ready_in_background`; not with
//! `--last-made off`). Prints each call's time, the wait for the lock included. The
//! baseline: the same with `--ready off` (nothing made before it is asked for, as before
//! `serve` did it).
//!
//! `--daily ROUNDS` instead times a post's small daily sync into the county-sized HQ: a
//! further post (number `--posts` + 1, its demo data of `--households` households, kept in
//! `DIR/daily` and reused by later runs) is enrolled and makes its first sync once, then each
//! round records a day's work there (a household with two residents, an update, a visit, a
//! dispute) and syncs: the post's export, HQ's import and reply (what HQ's lock is held for,
//! as `/sync` holds it), the post's import of the reply and HQ's search entries for the new
//! residents after it. It adds a post to the county: run it on a copy of the directory the
//! other measurements use.
//!
//! `--page-cache-mb` is HQ's page cache per connection, as `fengqiao-hq serve
//! --page-cache-mb` sets it (512 by default there and here; 64 is every other connection's).
//!
//! With `--dir` the county is kept there and reused by later runs (it takes a while to make:
//! each post's demo data, its bundle into HQ, HQ's search entries). The baseline, in the same
//! run: the post's own monthly statistics function (`docs::stats::month_stats`) over the
//! same HQ database, with no scope, breakdowns or trend.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use fengqiao::api::Api;
use fengqiao::api::county::ready::{self, Quiet};
use fengqiao::api::county::{CountyLogin, LoginReply, Unlock};
use fengqiao::demo::{self, DemoOptions};
use fengqiao::docs::{Month, stats};
use fengqiao::model::otp;
use fengqiao::model::time::{Clock, FixedClock};
use serde_json::{Value, json};

const PASSWORD: &str = "Bench2026x";
const PASSPHRASE: &str = "Operator2026x";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn text_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn dir_arg() -> Option<PathBuf> {
    text_arg("--dir").map(PathBuf::from)
}

/// The clock: the demo county's day (2026-11-23, 09:00 Beijing), on each reuse a minute past
/// the last login of the run before ([`remember`]), so that a one-time code an earlier run
/// used is never the current one.
fn clock(dir: &Path) -> Arc<FixedClock> {
    let file = dir.join("clock");
    let start: DateTime<Utc> = std::fs::read_to_string(&file)
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.to_utc() + Duration::minutes(1))
        .unwrap_or_else(|| DateTime::parse_from_rfc3339("2026-11-23T01:00:00Z").unwrap().to_utc());
    std::fs::write(&file, start.to_rfc3339()).unwrap();
    Arc::new(FixedClock::new(start))
}

/// Keeps the clock's time after this run's logins for the next run (each login moves the
/// clock on by 31 s: a fixed step per run could land on a code already used).
fn remember(dir: &Path, clock: &FixedClock) {
    std::fs::write(dir.join("clock"), clock.now().to_rfc3339()).unwrap();
}

struct Login {
    secret: Vec<u8>,
}

fn login(hq: &mut Api, clock: &FixedClock, who: &str, secrets: &Path) -> String {
    clock.advance(Duration::seconds(31));
    let req = |otp: Option<String>| CountyLogin { login: who.into(), password: PASSWORD.into(), otp };
    let file = secrets.join(format!("{who}.secret"));
    let l = match hq.login(req(None)).unwrap() {
        LoginReply::OtpEnrol { secret, .. } => {
            std::fs::write(&file, &secret).unwrap();
            Login { secret: otp::secret_from_text(&secret).unwrap() }
        }
        _ => Login { secret: otp::secret_from_text(&std::fs::read_to_string(&file).unwrap()).unwrap() },
    };
    let code = otp::code_at(&l.secret, clock.now().timestamp() as u64).unwrap();
    match hq.login(req(Some(code))).unwrap() {
        LoginReply::LoggedIn { token, .. } => token,
        other => panic!("{other:?}"),
    }
}

fn build(dir: &Path, clock: Arc<FixedClock>, posts: usize, households: usize) {
    let path = dir.join("hq.db");
    let t0 = Instant::now();
    Api::open(&path, clock.clone()).unwrap().hq_init("平安县公安局").unwrap();
    let mut first = Api::create_county_admin(&path, clock.clone(), "admin", PASSWORD).unwrap();
    first.set_operator_passphrase(PASSPHRASE).unwrap();
    drop(first);
    let mut hq = Api::open_service(&path, clock.clone(), &Unlock::Passphrase(PASSPHRASE.into())).unwrap();
    let admin = login(&mut hq, &clock, "admin", dir);
    let mut stations = Vec::new();
    for s in 0..posts.div_ceil(10) {
        let st = hq.call_as(&admin, "hq.station_save", json!({"name": format!("第{}派出所", s + 1)})).unwrap();
        stations.push(st["id"].as_str().unwrap().to_owned());
    }
    let (mut persons, mut demo_s, mut sync_s) = (0, 0.0, 0.0);
    for i in 1..=posts as u32 {
        let pdir = tempfile::tempdir_in(dir).unwrap();
        let mut post = Api::open(&pdir.path().join("post.db"), clock.clone()).unwrap();
        let t = Instant::now();
        let summary = demo::generate_post(&mut post, DemoOptions { households, seed: u64::from(i) }, i).unwrap();
        demo_s += t.elapsed().as_secs_f64();
        persons += summary.persons;
        let reply = hq.hq_enroll(&post.enroll_request(None).unwrap(), &demo::village_codes(i)).unwrap();
        post.enroll_accept(&reply).unwrap();
        let id = post.store().node_id().to_string();
        let station = &stations[(i as usize - 1) / 10];
        // A session idles out after 15 minutes of building; log in again when it has.
        let admin = match hq.call_as(&admin, "hq.post_update", json!({"id": id, "station_id": station})) {
            Ok(_) => admin.clone(),
            Err(_) => {
                let a = login(&mut hq, &clock, "admin", dir);
                hq.call_as(&a, "hq.post_update", json!({"id": id, "station_id": station})).unwrap();
                a
            }
        };
        let t = Instant::now();
        let up = post.bundle_export().unwrap();
        hq.hq_exchange(&up).unwrap();
        sync_s += t.elapsed().as_secs_f64();
        let _ = admin;
        if i % 10 == 0 {
            println!("  {i} posts, {persons} persons (demo {demo_s:.0} s, into HQ {sync_s:.0} s)");
        }
    }
    let t = Instant::now();
    hq.search_catch_up(usize::MAX).unwrap();
    println!(
        "built: {posts} posts, {persons} persons in {:.0} s (demo {demo_s:.0} s, bundles into HQ {sync_s:.0} s, search entries {:.0} s)",
        t0.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    // Users for the measurements.
    let admin = login(&mut hq, &clock, "admin", dir);
    for (who, role, station) in
        [("leader", "station_leader", Some(stations[0].clone())), ("supervisor", "supervisor", None)]
    {
        hq.call_as(
            &admin,
            "hq.user_create",
            json!({"login": who, "password": "First2026x", "role": role, "station_id": station}),
        )
        .unwrap();
        clock.advance(Duration::seconds(31));
        let LoginReply::OtpEnrol { secret, .. } =
            hq.login(CountyLogin { login: who.into(), password: "First2026x".into(), otp: None }).unwrap()
        else {
            panic!()
        };
        std::fs::write(dir.join(format!("{who}.secret")), &secret).unwrap();
        let code = otp::code_at(&otp::secret_from_text(&secret).unwrap(), clock.now().timestamp() as u64).unwrap();
        let LoginReply::LoggedIn { token, .. } =
            hq.login(CountyLogin { login: who.into(), password: "First2026x".into(), otp: Some(code) }).unwrap()
        else {
            panic!()
        };
        hq.call_as(&token, "hq.password", json!({"old_password": "First2026x", "new_password": PASSWORD})).unwrap();
    }
    std::fs::write(dir.join("ready"), format!("{posts} {persons}")).unwrap();
}

/// Renews a stamp of `local_meta`, as a write to the data it stamps does.
fn renew(hq: &Api, key: &str) {
    hq.store()
        .conn()
        .execute(
            "INSERT INTO local_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, &uuid::Uuid::now_v7().to_string()],
        )
        .unwrap();
}

/// p50, p95 and max of `samples` in ms.
fn summary(mut samples: Vec<f64>) -> String {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    format!("p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (n = {})", at(0.5), at(0.95), at(1.0), samples.len())
}

fn time(runs: usize, mut f: impl FnMut()) -> String {
    f(); // warm the page cache and the statement cache once
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f();
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    summary(samples)
}

fn lock(hq: &Mutex<Api>) -> std::sync::MutexGuard<'_, Api> {
    hq.lock().unwrap_or_else(|e| e.into_inner())
}

/// `--load`: see the module's doc.
fn load(mut hq: Api, callers: [(&'static str, String); 3], post: Option<(Api, String)>, seconds: u64) {
    let write_every = std::time::Duration::from_secs(arg("--write-every", 30) as u64);
    let look_every = std::time::Duration::from_secs(arg("--look-every", 3) as u64);
    let asked = [("hq.stats", json!({"month": "2026-11"})), ("hq.overdue", json!({})), ("hq.warnings", json!({}))];
    // Each caller's first look (a server just started reads its pages from disk), not timed.
    let t = Instant::now();
    for (_, token) in &callers {
        for (m, p) in &asked {
            hq.call_as(token, m, p.clone()).unwrap();
        }
    }
    println!("load: each caller's first look, before the load: {:.1} s", t.elapsed().as_secs_f64());
    let hq = Arc::new(Mutex::new(hq));
    let until = Instant::now() + std::time::Duration::from_secs(seconds);
    let (dispute, assignee): (String, String) = lock(&hq)
        .store()
        .conn()
        .query_row(
            "SELECT (SELECT id FROM dispute WHERE deleted_at IS NULL LIMIT 1), (SELECT node_id FROM peer WHERE role = 'post' LIMIT 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let sup = callers[1].1.clone();
    let ready = text_arg("--ready").as_deref() != Some("off");
    let last_made = ready && text_arg("--last-made").as_deref() != Some("off");
    if last_made {
        lock(&hq).make_ready_in_background();
    }
    println!(
        "load: {seconds} s, a look every {} s, a write every {} s ({}), results made ready after a write: {}",
        look_every.as_secs(),
        write_every.as_secs(),
        if post.is_some() { "a post's daily sync" } else { "an assignment made or withdrawn" },
        match (ready, last_made) {
            (false, _) => "no (baseline)",
            (true, false) => "yes, a call meanwhile computes the statistics itself",
            (true, true) => "yes, a call meanwhile is given the statistics last made",
        }
    );
    std::thread::scope(|s| {
        // HQ's part, as `serve` runs it: once the stamp has stood still, one result per hold
        // of the lock.
        s.spawn(|| {
            if !ready {
                return;
            }
            let mut quiet = Quiet::new(ready::QUIET_FOR);
            while Instant::now() < until {
                std::thread::sleep(ready::LOOK_EVERY);
                let stamp = lock(&hq).county_stamp().unwrap();
                let Some(stamp) = quiet.settled(stamp) else { continue };
                while Instant::now() < until && lock(&hq).refresh_asked(&stamp).unwrap() {
                    std::thread::sleep(ready::BETWEEN_STEPS);
                }
            }
        });
        // Each write's own time under the lock.
        let writes = s.spawn(|| {
            let mut held = Vec::new();
            let mut write = |m: &str, p: Value| {
                std::thread::sleep(write_every);
                let mut api = lock(&hq);
                let t = Instant::now();
                let out = api.call_as(&sup, m, p).unwrap();
                held.push(t.elapsed().as_secs_f64() * 1000.0);
                out
            };
            let Some((mut daily, village)) = post else {
                while Instant::now() + write_every < until {
                    let a = write("hq.assign", json!({"post_id": assignee, "table": "dispute", "id": dispute}));
                    write("hq.unassign", json!({"id": a["id"]}));
                }
                return held;
            };
            // A day's work and the post's export outside HQ's lock, HQ's import and reply
            // under it (as `/sync` holds it), then HQ's search entries for the new residents
            // under it again (`serve` makes them in batches after the reply).
            let mut round = 0;
            while Instant::now() + write_every < until {
                std::thread::sleep(write_every);
                day_of_work(&mut daily, &village, round);
                round += 1;
                let up = daily.bundle_export().unwrap();
                let mut api = lock(&hq);
                let t = Instant::now();
                let (_, back) = api.hq_exchange(&up).unwrap();
                held.push(ms(t));
                drop(api);
                daily.bundle_import(&back).unwrap();
                lock(&hq).search_catch_up(usize::MAX).unwrap();
            }
            held
        });
        let users: Vec<_> = callers
            .iter()
            .enumerate()
            .map(|(i, (who, token))| {
                let (hq, asked) = (&hq, &asked);
                s.spawn(move || {
                    let mut times: Vec<(&str, f64, f64)> = Vec::new();
                    let mut step = i as u64 * 7;
                    while Instant::now() < until {
                        // A different spread of pauses per caller, averaging `look_every`.
                        step = (step * 37 + 11) % 41;
                        std::thread::sleep(look_every * (step as u32 + 1) / 21);
                        for (m, p) in asked {
                            let t = Instant::now();
                            let mut api = lock(hq);
                            let waited = t.elapsed().as_secs_f64() * 1000.0;
                            api.call_as(token, m, p.clone()).unwrap();
                            drop(api);
                            times.push((m, t.elapsed().as_secs_f64() * 1000.0, waited));
                        }
                    }
                    (*who, times)
                })
            })
            .collect();
        for u in users {
            let (who, times) = u.join().unwrap();
            for (m, _) in &asked {
                let t: Vec<f64> = times.iter().filter(|(n, ..)| *n == *m).map(|(_, t, _)| *t).collect();
                let waited: Vec<f64> = times.iter().filter(|(n, ..)| *n == *m).map(|(.., w)| *w).collect();
                let over = t.iter().filter(|t| **t > 200.0).count();
                println!(
                    "load, {m}, {who}: {} ({over} over 200 ms); the wait for HQ's lock in it: {}",
                    summary(t),
                    summary(waited)
                );
            }
        }
        let held = writes.join().unwrap();
        let n = held.len();
        let each = if held.is_empty() { "none".to_owned() } else { summary(held) };
        println!("load: {n} writes in {seconds} s, one every {} s, each: {each}", write_every.as_secs());
    });
}

/// The post `--daily` (and `--load --writes sync`) syncs into the county: post number
/// `number` with its demo data, enrolled and first synced on first use (timed), kept in
/// `DIR/daily`; with one of its villages.
fn daily_post(hq: &mut Api, dir: &Path, clock: &Arc<FixedClock>, number: u32, households: usize) -> (Api, String) {
    let home = dir.join("daily");
    std::fs::create_dir_all(&home).unwrap();
    let mut post = Api::open(&home.join("post.db"), clock.clone()).unwrap();
    if !home.join("ready").exists() {
        let t = Instant::now();
        let made = demo::generate_post(&mut post, DemoOptions { households, seed: u64::from(number) }, number).unwrap();
        println!("daily: post {number}'s demo data, {} persons, in {:.0} s", made.persons, t.elapsed().as_secs_f64());
        let reply = hq.hq_enroll(&post.enroll_request(None).unwrap(), &demo::village_codes(number)).unwrap();
        post.enroll_accept(&reply).unwrap();
        let s = sync_timed(hq, &mut post);
        println!(
            "daily: the post's first sync into the county: {} changes, export {:.0} ms, HQ's import and reply {:.0} ms, the post's import {:.0} ms, HQ's search entries after {:.0} ms",
            s.up, s.export, s.exchange, s.import, s.search
        );
        std::fs::write(home.join("ready"), "").unwrap();
    }
    let village: String =
        post.store().conn().query_row("SELECT village_id FROM household LIMIT 1", [], |r| r.get(0)).unwrap();
    (post, village)
}

/// Milliseconds since `t`.
fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// A day's work at the post, numbered `round`: a household with two residents, an update,
/// a visit, a dispute.
fn day_of_work(post: &mut Api, village: &str, round: usize) {
    let day = post.store().clock().today().to_string();
    let mut call = |m: &str, p: Value| post.call(m, p).unwrap();
    let hh = call("household.create", json!({"village_id": village, "house_no": format!("新{round}")}));
    let p = call("person.create", json!({"household_id": hh["id"], "name": "李新民", "residence": "permanent"}));
    call("person.create", json!({"household_id": hh["id"], "name": "张新华", "residence": "permanent"}));
    call("person.update", json!({"id": p["id"], "phone": "13800000000"}));
    call("visit.create", json!({"household_id": hh["id"], "visited_on": day, "notes": "入户走访"}));
    call(
        "dispute.create",
        json!({"title": format!("宅基地边界纠纷{round}"), "village_id": village, "kind": "homestead", "source": "walk_in"}),
    );
}

/// One sync of `post` with HQ, each part timed: the changes each way and the milliseconds of
/// the post's export, HQ's import and reply, the post's import of it, HQ's search entries
/// after it.
struct Synced {
    up: usize,
    down: usize,
    export: f64,
    exchange: f64,
    import: f64,
    search: f64,
}

fn sync_timed(hq: &mut Api, post: &mut Api) -> Synced {
    let t = Instant::now();
    let bundle = post.bundle_export().unwrap();
    let export = ms(t);
    let t = Instant::now();
    let (report, back) = hq.hq_exchange(&bundle).unwrap();
    let exchange = ms(t);
    let t = Instant::now();
    let down = post.bundle_import(&back).unwrap().changes;
    let import = ms(t);
    let t = Instant::now();
    hq.search_catch_up(usize::MAX).unwrap();
    Synced { up: report.changes, down, export, exchange, import, search: ms(t) }
}

/// `--daily`: see the module's doc.
fn daily(hq: &mut Api, post: &mut Api, village: &str, rounds: usize) {
    let (mut exports, mut exchanges, mut imports, mut searches, mut wholes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut up_changes, mut down_changes) = (0, 0);
    for round in 0..rounds {
        day_of_work(post, village, round);
        let s = sync_timed(hq, post);
        up_changes += s.up;
        down_changes += s.down;
        exports.push(s.export);
        exchanges.push(s.exchange);
        imports.push(s.import);
        wholes.push(s.export + s.exchange + s.import);
        searches.push(s.search);
    }
    println!(
        "daily: {rounds} rounds, {:.1} changes up and {:.1} down a round",
        up_changes as f64 / rounds as f64,
        down_changes as f64 / rounds as f64
    );
    println!("daily: the post's export: {}", summary(exports));
    println!("daily: HQ's import and reply (HQ's lock held): {}", summary(exchanges));
    println!("daily: the post's import of the reply: {}", summary(imports));
    println!("daily: the whole sync (export, HQ, import): {}", summary(wholes));
    println!("daily: HQ's search entries after it: {}", summary(searches));
}

fn main() {
    let posts = arg("--posts", 100);
    let households = arg("--households", 1500);
    let runs = arg("--runs", 30);
    let tmp;
    let dir = match dir_arg() {
        Some(d) => {
            std::fs::create_dir_all(&d).unwrap();
            d
        }
        None => {
            tmp = tempfile::tempdir().unwrap();
            tmp.path().to_owned()
        }
    };
    let clock = clock(&dir);
    if !dir.join("ready").exists() {
        println!("building a county of {posts} posts × {households} households in {}", dir.display());
        build(&dir, clock.clone(), posts, households);
    }
    let ready = std::fs::read_to_string(dir.join("ready")).unwrap();
    let path = dir.join("hq.db");
    let t = Instant::now();
    let mut hq = Api::open_service(&path, clock.clone(), &Unlock::Passphrase(PASSPHRASE.into())).unwrap();
    println!("HQ unlocked by the start passphrase in {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    let cache_mb = arg("--page-cache-mb", 512);
    hq.store_mut().set_page_cache(cache_mb as i64 * 1024).unwrap();
    let admin = login(&mut hq, &clock, "admin", &dir);
    let leader = login(&mut hq, &clock, "leader", &dir);
    let sup = login(&mut hq, &clock, "supervisor", &dir);
    remember(&dir, &clock);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "county: {ready} (posts persons), hq.db {:.2} GB, {runs} runs each, page cache {cache_mb} MB a connection",
        size as f64 / 1e9
    );
    let syncs = text_arg("--writes").as_deref() == Some("sync");
    let mut post = (text_arg("--daily").is_some() || syncs)
        .then(|| daily_post(&mut hq, &dir, &clock, posts as u32 + 1, households));
    if let (Some(rounds), Some((post, village))) = (text_arg("--daily"), post.as_mut()) {
        daily(&mut hq, post, village, rounds.parse().expect("--daily ROUNDS"));
        return;
    }
    if let Some(seconds) = text_arg("--load") {
        let seconds: u64 = seconds.parse().expect("--load SECONDS");
        load(hq, [("county admin", admin), ("supervisor", sup), ("station leader", leader)], post, seconds);
        return;
    }
    let month = Month::parse("month", "2026-11").unwrap();
    let today = clock.today();
    let mut call = |token: &str, m: &str, p: Value| hq.call_as(token, m, p).unwrap();
    let s = call(&admin, "hq.stats", json!({"month": "2026-11"}));
    println!(
        "  the month: {} disputes received, {} errands, {} visits, {} posts in the breakdown, {} villages",
        s["total"]["disputes"]["received"],
        s["total"]["errands"]["accepted"],
        s["total"]["visits"],
        s["by_post"].as_array().unwrap().len(),
        s["by_village"].as_array().unwrap().len()
    );
    let lines = [
        (
            "hq.stats, county admin (whole county, by post and village, 6-month trend)",
            &admin,
            "hq.stats",
            json!({"month": "2026-11"}),
        ),
        ("hq.stats, station leader (10 posts, scoped)", &leader, "hq.stats", json!({"month": "2026-11"})),
        ("hq.overview, county admin", &admin, "hq.overview", json!({})),
        ("hq.overdue page 1, supervisor", &sup, "hq.overdue", json!({})),
        ("hq.overdue page 1, station leader", &leader, "hq.overdue", json!({})),
        ("hq.search 2-character name, supervisor", &sup, "hq.search", json!({"text": "王芳"})),
        ("hq.search 2-character name, station leader", &leader, "hq.search", json!({"text": "王芳"})),
        ("hq.warnings page 1, supervisor (every open dispute judged across posts)", &sup, "hq.warnings", json!({})),
        ("hq.warnings page 1, station leader (scoped)", &leader, "hq.warnings", json!({})),
        ("hq.warning_counts, county admin (levels per post)", &admin, "hq.warning_counts", json!({})),
        ("hq.duplicates page 1, supervisor", &sup, "hq.duplicates", json!({})),
    ];
    let w = call(&sup, "hq.warnings", json!({}));
    println!(
        "  warnings: {} open disputes judged, {} at risk (红 {} 橙 {} 黄 {})",
        w["judged"], w["total"], w["counts"]["red"], w["counts"]["orange"], w["counts"]["yellow"]
    );
    let only = text_arg("--only");
    let wanted = |label: &str| only.as_deref().is_none_or(|o| label.contains(o));
    for (label, token, m, p) in lines {
        if !wanted(label) {
            continue;
        }
        let token = token.clone();
        println!(
            "{label}: {}",
            time(runs, || {
                call(&token, m, p.clone());
            })
        );
    }
    // The county's judgement, statistics and 督办 list are kept until HQ's data changes: the
    // first call after a write (a bundle applied, an assignment) computes them again, as
    // every call did before they were kept. The write here renews the stamp alone, as such a
    // write does.
    let month_asked = json!({"month": "2026-11"});
    for (label, token, m, p) in [
        ("hq.stats, county admin, right after a write (computed afresh)", &admin, "hq.stats", &month_asked),
        ("hq.stats, station leader, right after a write (computed afresh)", &leader, "hq.stats", &month_asked),
        ("hq.overdue page 1, supervisor, right after a write (read afresh)", &sup, "hq.overdue", &json!({})),
        ("hq.overdue page 1, station leader, right after a write (read afresh)", &leader, "hq.overdue", &json!({})),
        ("hq.warnings page 1, supervisor, right after a write (judged afresh)", &sup, "hq.warnings", &json!({})),
        (
            "hq.warning_counts, county admin, right after a write (judged afresh)",
            &admin,
            "hq.warning_counts",
            &json!({}),
        ),
    ] {
        if !wanted(label) {
            continue;
        }
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            renew(&hq, fengqiao::store::warning::DATA_STAMP);
            let t = Instant::now();
            hq.call_as(token, m, p.clone()).unwrap();
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("{label}: {}", summary(samples));
    }
    // `fengqiao-hq serve` makes them again once HQ's data has stood still for
    // `ready::QUIET_FOR` (`Api::refresh_asked`): each result made, or step of the
    // statistics, holds HQ's lock (what a sync or a console call arriving then waits behind
    // at most), and the call after it finds the result kept.
    let ready_label = "made ready after a write";
    if wanted(ready_label) {
        // What a county admin, a supervisor and a station leader asked for.
        for (token, m, p) in [
            (&admin, "hq.stats", &month_asked),
            (&leader, "hq.stats", &month_asked),
            (&sup, "hq.overdue", &json!({})),
            (&leader, "hq.overdue", &json!({})),
            (&sup, "hq.warnings", &json!({})),
            (&leader, "hq.warnings", &json!({})),
        ] {
            hq.call_as(token, m, p.clone()).unwrap();
        }
        let (mut each, mut rounds, mut admin_after, mut leader_after) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            renew(&hq, fengqiao::store::warning::DATA_STAMP);
            let stamp = hq.county_stamp().unwrap();
            let round = Instant::now();
            loop {
                let t = Instant::now();
                if !hq.refresh_asked(&stamp).unwrap() {
                    break;
                }
                each.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            rounds.push(round.elapsed().as_secs_f64() * 1000.0);
            for (token, out) in [(&admin, &mut admin_after), (&leader, &mut leader_after)] {
                let t = Instant::now();
                hq.call_as(token, "hq.stats", month_asked.clone()).unwrap();
                out.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        println!(
            "{ready_label}: HQ's lock held per result or step made (6 asked: stats in 6 steps, 督办, warnings × county, station leader): {}",
            summary(each)
        );
        println!("{ready_label}: the whole round: {}", summary(rounds));
        println!("hq.stats, county admin, after a write, once HQ made it ready: {}", summary(admin_after));
        println!("hq.stats, station leader, after a write, once HQ made it ready: {}", summary(leader_after));
    }
    let conn = hq.store().conn();
    if only.is_none() {
        println!(
            "baseline: the post's judgement of every open dispute (store::warning::judge_open, 首页's card before it was kept: no owners, no other posts) over the same database: {}",
            time(runs, || {
                let all = fengqiao::store::warning::judge_open(conn, today).unwrap();
                fengqiao::store::warning::risk::list_of(&all, None, None);
            })
        );
    }
    println!(
        "baseline: docs::stats::month_stats over the same database (the post's statistics, no breakdowns): {}",
        time(runs, || {
            stats::month_stats(conn, month, today).unwrap();
        })
    );
}
