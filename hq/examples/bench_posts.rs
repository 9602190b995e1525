//! Many posts syncing with one HQ at once, over HTTP on loopback: prints errors and the
//! p50 / p95 / max time of each post's whole `sync.network` (export, upload, HQ's import
//! and reply, the post's import of it), for a first sync and then a small daily one.
//!
//! ```sh
//! cargo run --release -p fengqiao-hq --example bench_posts -- --posts 100 --households 20
//! ```
//!
//! `--keep DIR` leaves HQ's data directory and the posts under DIR (the console's benchmark,
//! `hq/browser/bench-console.mjs`, logs in to it).
//!
//! Each post has its own village (code 33032nnnn201) with `--households` households of three
//! residents; the daily round adds a household with two residents, updates a resident and
//! records a visit at every post. Everything is real: SQLite files in a temp directory, the
//! HQ server as `fengqiao-hq serve` runs it, one thread per post. Results go in
//! BENCHMARKS.md.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use serde_json::{Value, json};

struct Args {
    posts: usize,
    households: usize,
    /// Where to leave HQ's data directory and the posts (for the console's benchmark).
    keep: Option<std::path::PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut a = Args { posts: 100, households: 20, keep: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} 缺少参数值"));
        match flag.as_str() {
            "--posts" => a.posts = value()?.parse().map_err(|e| format!("--posts: {e}"))?,
            "--households" => a.households = value()?.parse().map_err(|e| format!("--households: {e}"))?,
            "--keep" => a.keep = Some(value()?.into()),
            other => return Err(format!("不认识的参数 {other}（可用：--posts --households --keep DIR）")),
        }
    }
    if a.posts == 0 || a.posts > 999 {
        return Err("--posts 应在 1 至 999 之间".into());
    }
    Ok(a)
}

fn call(api: &mut Api, method: &str, params: Value) -> Result<Value, String> {
    api.call(method, params).map_err(|e| format!("{method}: {e}"))
}

/// One post's own village code (12 digits).
fn village(i: usize) -> String {
    format!("33032{i:04}201")
}

/// A two-character given name for post `i` (names take no digits).
fn given(i: usize) -> String {
    const C: [&str; 10] = ["明", "华", "强", "芳", "丽", "军", "伟", "静", "敏", "杰"];
    format!("{}{}", C[i / 10 % 10], C[i % 10])
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(what: &str, results: &[Result<Duration, String>], wall: Duration) {
    let mut ok: Vec<Duration> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    ok.sort();
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: {} 个警务室同时同步，成功 {}，出错 {}；每个警务室一次同步（导出、上传、县局导入并回复、导入回复）p50 {:.0} ms，p95 {:.0} ms，最长 {:.0} ms；全部完成用时 {:.2} s",
        results.len(),
        ok.len(),
        errors.len(),
        ms(percentile(&ok, 50.0)),
        ms(percentile(&ok, 95.0)),
        ms(ok.last().copied().unwrap_or_default()),
        wall.as_secs_f64()
    );
    for e in errors.iter().take(5) {
        println!("  出错：{e}");
    }
}

fn main() -> Result<(), String> {
    let a = args()?;
    let dir = match &a.keep {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
            tempfile::Builder::new().prefix("bench-posts-").tempdir_in(d).map_err(|e| e.to_string())?
        }
        None => tempfile::tempdir().map_err(|e| e.to_string())?,
    };
    let t = Instant::now();
    let mut hq = fengqiao_hq::open(&dir.path().join("hq")).map_err(|e| e.to_string())?;
    hq.hq_init("县公安局").map_err(|e| e.to_string())?;
    let mut posts = Vec::new();
    for i in 0..a.posts {
        let mut api =
            Api::open(&dir.path().join(format!("post{i}.db")), Arc::new(SystemClock)).map_err(|e| e.to_string())?;
        let req = api.enroll_request(Some(&format!("第{i}警务室"))).map_err(|e| e.to_string())?;
        let reply = hq.hq_enroll(&req, &[village(i)]).map_err(|e| e.to_string())?;
        api.enroll_accept(&reply).map_err(|e| e.to_string())?;
        let v = call(&mut api, "village.create", json!({"name": format!("第{i}村"), "code": village(i)}))?;
        for h in 0..a.households {
            let hh = call(&mut api, "household.create", json!({"village_id": v["id"], "house_no": format!("{h}")}))?;
            for k in 0..3 {
                let name = format!("王{}{}", ["甲", "乙", "丙", "丁", "戊"][h % 5], ["一", "二", "三"][k]);
                call(
                    &mut api,
                    "person.create",
                    json!({"household_id": hh["id"], "name": name, "residence": "permanent"}),
                )?;
            }
        }
        posts.push((api, v["id"].clone()));
    }
    println!(
        "准备：县局与 {} 个警务室（各 {} 户 {} 人），用时 {:.1} s",
        a.posts,
        a.households,
        a.households * 3,
        t.elapsed().as_secs_f64()
    );

    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let options = fengqiao_hq::Options::plain(&hq);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(fengqiao_hq::serve(listener, hq, options, async {
        let _ = stopped.await;
    }));

    let start = Arc::new(Barrier::new(a.posts + 1));
    let threads: Vec<_> = posts
        .into_iter()
        .enumerate()
        .map(|(i, (mut api, village_id))| {
            let (base, start) = (base.clone(), start.clone());
            std::thread::spawn(move || {
                let sync = |api: &mut Api| {
                    let t = Instant::now();
                    call(api, "sync.network", json!({"url": base})).map(|_| t.elapsed())
                };
                start.wait();
                let first = sync(&mut api);
                start.wait();
                // The day's work at this post, then everyone syncs again at once.
                let daily = (|| {
                    let hh = call(&mut api, "household.create", json!({"village_id": village_id, "house_no": "新1"}))?;
                    let p = call(
                        &mut api,
                        "person.create",
                        json!({"household_id": hh["id"], "name": format!("李{}", given(i)), "residence": "permanent"}),
                    )?;
                    call(
                        &mut api,
                        "person.create",
                        json!({"household_id": hh["id"], "name": format!("张{}", given(i)), "residence": "permanent"}),
                    )?;
                    call(&mut api, "person.update", json!({"id": p["id"], "phone": "13800000000"}))?;
                    call(
                        &mut api,
                        "visit.create",
                        json!({"household_id": hh["id"], "visited_on": "2026-11-23", "notes": "入户走访"}),
                    )
                })();
                start.wait();
                let second = daily.and_then(|_| sync(&mut api));
                (first, second)
            })
        })
        .collect();
    start.wait();
    let t1 = Instant::now();
    start.wait();
    let wall1 = t1.elapsed();
    start.wait();
    let t2 = Instant::now();
    let mut firsts = Vec::new();
    let mut seconds = Vec::new();
    for th in threads {
        let (f, s) = th.join().map_err(|_| "a post's thread panicked".to_owned())?;
        firsts.push(f);
        seconds.push(s);
    }
    let wall2 = t2.elapsed();
    report("首次同步", &firsts, wall1);
    report("日常同步", &seconds, wall2);
    let _ = stop.send(());
    rt.block_on(server).map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    if a.keep.is_some() {
        // The last line names HQ's data directory, for scripts that go on with it.
        println!("县局数据目录：{}", dir.keep().join("hq").display());
    }
    let failed = firsts.iter().chain(&seconds).filter(|r| r.is_err()).count();
    if failed > 0 { Err(format!("{failed} 次同步出错")) } else { Ok(()) }
}
