//! Documents benchmark: prints how long an agreement PDF takes and how big it is (font
//! parsed once per process, as in the app), and how long a month's statistics take over
//! a county-sized post.
//!
//! ```sh
//! cargo run --release --example bench_docs -- --households 100000          # makes a demo db in a temp dir
//! cargo run --release --example bench_docs -- --db /tmp/post100k.db         # reuses one made by `fengqiao demo`
//! ```
//!
//! The clock is fixed at 2026-11-23 09:00 Beijing, the demo's “today”; statistics are for
//! November 2026. Results go in BENCHMARKS.md.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use fengqiao::api::Api;
use fengqiao::demo::{DemoOptions, generate};
use fengqiao::docs::{Month, agreement, font, pdf, stats};
use fengqiao::model::time::{Clock, FixedClock};

struct Args {
    db: Option<PathBuf>,
    households: usize,
    runs: usize,
    month: String,
}

fn args() -> Result<Args, String> {
    let mut a = Args { db: None, households: 20_000, runs: 30, month: "2026-11".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} 缺少参数值"));
        match flag.as_str() {
            "--db" => a.db = Some(PathBuf::from(value()?)),
            "--households" => a.households = value()?.parse().map_err(|e| format!("--households: {e}"))?,
            "--runs" => a.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--month" => a.month = value()?,
            other => return Err(format!("不认识的参数 {other}（可用：--db --households --runs --month）")),
        }
    }
    Ok(a)
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (median, min, max) of `runs` timings of `f`, in ms.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, f64, T) {
    let mut out = None;
    let mut v: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            out = Some(f());
            ms(t.elapsed())
        })
        .collect();
    v.sort_by(f64::total_cmp);
    let last = out.unwrap_or_else(|| unreachable!("runs ≥ 1"));
    (v[v.len() / 2], v[0], v[v.len() - 1], last)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let profile = if cfg!(debug_assertions) { "debug（数值仅供参考，请用 --release）" } else { "release" };
    let clock: Arc<dyn Clock> =
        Arc::new(FixedClock::at_date(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?));
    let tmp;
    let path = match &a.db {
        Some(p) => p.clone(),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().join("bench.db")
        }
    };
    let mut api = Api::open(&path, clock.clone())?;
    let existing: i64 = api.store().conn().query_row("SELECT count(*) FROM household", [], |r| r.get(0))?;
    if existing == 0 {
        let t = Instant::now();
        generate(&mut api, DemoOptions { households: a.households, seed: 1 })?;
        println!("demo data: {} households generated in {:.1} s", a.households, t.elapsed().as_secs_f64());
    }
    let conn = api.store().conn();
    let households: i64 =
        conn.query_row("SELECT count(*) FROM household WHERE deleted_at IS NULL", [], |r| r.get(0))?;
    let persons: i64 = conn.query_row("SELECT count(*) FROM person WHERE deleted_at IS NULL", [], |r| r.get(0))?;
    let disputes: i64 = conn.query_row("SELECT count(*) FROM dispute WHERE deleted_at IS NULL", [], |r| r.get(0))?;
    println!("profile: {profile}; data: {households} households, {persons} persons, {disputes} disputes");

    // A benchmark run from the source tree, not an installed program: the fonts are the tree's.
    font::set_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("fonts"));
    let t = Instant::now();
    font::fonts()?;
    println!("font: Noto Serif SC Regular + Bold read and parsed once in {:.0} ms", ms(t.elapsed()));

    let today = clock.today();
    for kind in ["people", "security"] {
        let id: String = conn.query_row(
            "SELECT dispute_id FROM agreement WHERE kind = ?1 AND number IS NOT NULL ORDER BY number_seq LIMIT 1",
            [kind],
            |r| r.get(0),
        )?;
        let d = agreement::dispute(conn, &id, today)?;
        let (med, min, max, r) = time(a.runs, || agreement::agreement_document(&d).and_then(|doc| pdf::render(&doc)));
        let r = r?;
        println!(
            "agreement PDF ({kind}): median {med:.2} ms (min {min:.2}, max {max:.2}, {} runs), {} bytes, {} pages",
            a.runs,
            r.bytes.len(),
            r.pages
        );
    }

    let month = Month::parse("month", &a.month)?;
    let (med, min, max, s) = time(a.runs, || stats::month_stats(conn, month, today));
    let s = s?;
    println!(
        "monthly statistics {}: median {med:.2} ms (min {min:.2}, max {max:.2}, {} runs); received {}, mediated {}, settled {}, visits {}",
        s.month, a.runs, s.disputes.received, s.disputes.mediated, s.disputes.settled, s.visits
    );
    let (med, _, _, doc) =
        time(a.runs.min(10), || pdf::render(&fengqiao::docs::report::document(&s, "青山中心警务室", today)));
    println!(
        "monthly report PDF: median {med:.2} ms, {} bytes, {} page(s)",
        doc.as_ref().map(|d| d.bytes.len()).unwrap_or(0),
        doc.map(|d| d.pages).unwrap_or(0)
    );
    Ok(())
}
