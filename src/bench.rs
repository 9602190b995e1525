//! The benchmark harness behind `fengqiao bench`: measures what a desk officer waits for on
//! a real database file and prints the figures, side by side with their baselines.
//!
//! Figures, not pass/fail: the targets live in BENCHMARKS.md, where each run is recorded.
//! Timing a single query on a shared machine is noisy, so every figure is a distribution
//! (p50/p95) over many queries drawn from the data itself.

use std::time::Instant;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::api::Api;
use crate::demo::Rng;
use crate::error::Result;

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// Queries measured.
    pub n: usize,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

impl Latency {
    fn of(mut samples: Vec<f64>) -> Latency {
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples.get(((samples.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        Latency { n: samples.len(), p50_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1.0) }
    }
}

/// One kind of search, indexed and by a plain LIKE scan.
#[derive(Debug, Clone, Serialize)]
pub struct SearchFigure {
    /// What was searched for.
    pub query_kind: &'static str,
    /// Through `search` (the indexes).
    pub indexed: Latency,
    /// The same queries as a LIKE scan over `person`.
    pub like_scan: Latency,
    /// like_scan p95 ÷ indexed p95.
    pub speedup_p95: f64,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Persons in the database.
    pub persons: i64,
    /// Households in the database.
    pub households: i64,
    /// Search, per query kind.
    pub search: Vec<SearchFigure>,
    /// One page of each list screen, in ms.
    pub lists: Vec<(String, Latency)>,
}

fn sample<T>(conn: &Connection, sql: &str, f: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    Ok(stmt.query_map([], f)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn time_ms(f: impl FnOnce() -> Result<()>) -> Result<f64> {
    let t = Instant::now();
    f()?;
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

/// The LIKE baseline: what a naïve ledger does for the same query (a page and a count).
fn like_scan(conn: &Connection, q: &str) -> Result<()> {
    let pattern = format!("%{q}%");
    let prefix = format!("{q}%");
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM person WHERE deleted_at IS NULL
           AND (name LIKE ?1 OR id_number LIKE ?2 OR phone LIKE ?1) ORDER BY name LIMIT 20",
    )?;
    let _rows: Vec<(String, String)> =
        stmt.query_map([&pattern, &prefix], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let _n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM person WHERE deleted_at IS NULL AND (name LIKE ?1 OR id_number LIKE ?2 OR phone LIKE ?1)",
        )?
        .query_row([&pattern, &prefix], |r| r.get(0))?;
    Ok(())
}

/// Runs the search and list benchmarks with `n` queries of each kind.
pub fn run(api: &mut Api, n: usize, seed: u64) -> Result<BenchReport> {
    let mut rng = Rng::new(seed);
    let (persons, households): (i64, i64) = api.store().conn().query_row(
        "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM household)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let conn = api.store().conn();
    let names2 =
        sample(conn, "SELECT DISTINCT name FROM person WHERE length(name) = 2 LIMIT 2000", |r| r.get::<_, String>(0))?;
    let names3 =
        sample(conn, "SELECT DISTINCT name FROM person WHERE length(name) = 3 LIMIT 2000", |r| r.get::<_, String>(0))?;
    let ids =
        sample(conn, "SELECT substr(id_number, 1, 10) FROM person WHERE id_number IS NOT NULL LIMIT 2000", |r| {
            r.get::<_, String>(0)
        })?;
    let phones = sample(conn, "SELECT substr(phone, 8) FROM person WHERE phone LIKE '1%' LIMIT 2000", |r| {
        r.get::<_, String>(0)
    })?;
    let kinds: [(&'static str, &Vec<String>); 4] =
        [("两字姓名", &names2), ("三字姓名", &names3), ("身份证号前10位", &ids), ("手机号后4位", &phones)];
    let mut search = vec![];
    for (kind, pool) in kinds {
        if pool.is_empty() {
            continue;
        }
        let queries: Vec<String> = (0..n).map(|_| pool[rng.below(pool.len())].clone()).collect();
        // Warm the page cache once, as an officer's second search would find it.
        crate::store::search::search(api.store().conn(), &queries[0], 1, 20)?;
        like_scan(api.store().conn(), &queries[0])?;
        let mut indexed = vec![];
        let mut like = vec![];
        for q in &queries {
            indexed.push(time_ms(|| crate::store::search::search(api.store().conn(), q, 1, 20).map(|_| ()))?);
        }
        for q in queries.iter().take(n.min(50)) {
            like.push(time_ms(|| like_scan(api.store().conn(), q))?);
        }
        let (indexed, like_scan) = (Latency::of(indexed), Latency::of(like));
        let speedup_p95 = if indexed.p95_ms > 0.0 { like_scan.p95_ms / indexed.p95_ms } else { 0.0 };
        search.push(SearchFigure { query_kind: kind, indexed, like_scan, speedup_p95 });
    }
    // Ids to filter by, drawn from the data: a village, and the household and person with
    // the most disputes, incidents and errands (what a household card opens).
    let pick = |sql: &str| -> Result<String> {
        Ok(api
            .store()
            .conn()
            .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten()
            .unwrap_or_default())
    };
    let village = pick("SELECT id FROM village WHERE deleted_at IS NULL ORDER BY id LIMIT 1")?;
    let household = pick(
        "SELECT household_id FROM involvement WHERE household_id IS NOT NULL
         GROUP BY household_id ORDER BY count(*) DESC, household_id LIMIT 1",
    )?;
    let person =
        pick("SELECT person_id FROM involvement GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1")?;
    let list_calls: Vec<(&str, String)> = vec![
        ("household.list", r#"{"page": 1, "page_size": 20}"#.into()),
        ("household.list（第100页）", r#"{"page": 100, "page_size": 20}"#.into()),
        ("household.list（按村）", format!(r#"{{"village_id": "{village}", "page_size": 20}}"#)),
        ("household.list（按标签）", r#"{"tag": "elderly_alone", "page_size": 20}"#.into()),
        ("household.list（按少见标签）", r#"{"tag": "disabled", "page_size": 20}"#.into()),
        ("dispute.list", r#"{"page": 1, "page_size": 20}"#.into()),
        ("dispute.list（按户）", format!(r#"{{"household_id": "{household}"}}"#)),
        ("dispute.list（按预警等级排序）", r#"{"sort": "risk", "page_size": 20}"#.into()),
        ("warning.list", "{}".into()),
        ("errand.list", r#"{"page": 1, "page_size": 20}"#.into()),
        ("errand.list（按户）", format!(r#"{{"household_id": "{household}"}}"#)),
        ("errand.overdue", "{}".into()),
        ("errand.overdue（前20条）", r#"{"limit": 20}"#.into()),
        ("incident.list", r#"{"page": 1, "page_size": 20}"#.into()),
        ("incident.list（按人）", format!(r#"{{"person_id": "{person}"}}"#)),
        ("followup.due", "{}".into()),
        ("hazard.list", "{}".into()),
        ("care.list（到期）", r#"{"due_only": true, "page_size": 20}"#.into()),
        ("day_plan.get", "{}".into()),
    ];
    let methods: Vec<&str> = Api::methods().iter().map(|m| m.name).collect();
    let mut lists = vec![];
    for (label, params) in &list_calls {
        let method = label.split('（').next().unwrap_or(label);
        if !methods.contains(&method) || params.contains(r#""""#) {
            continue;
        }
        let params: serde_json::Value = serde_json::from_str(params).unwrap_or_default();
        api.call(method, params.clone())?;
        let mut t = vec![];
        for _ in 0..n.clamp(5, 50) {
            t.push(time_ms(|| api.call(method, params.clone()).map(|_| ()))?);
        }
        lists.push(((*label).to_owned(), Latency::of(t)));
    }
    if methods.contains(&"day_plan.get") {
        // The judgement of every open dispute is kept between calls; after a write only the
        // disputes it can change are judged again. Time that judgement made whole (what
        // every call of warning.list and day_plan.get made before it was kept), and the calls
        // right after a real write (the facts of the newest open dispute edited), beside the
        // same call right after the same write with the judgement made whole (as before only
        // the touched disputes were judged again).
        let today = api.store().clock().today();
        let mut t = vec![];
        for _ in 0..n.clamp(5, 50) {
            t.push(time_ms(|| crate::store::warning::judge_open(api.store().conn(), today).map(|_| ()))?);
        }
        lists.push(("风险研判（每次重新研判全部在办纠纷，即改前每次调用）".to_owned(), Latency::of(t)));
        let edited: String = api
            .store()
            .conn()
            .query_row(
                "SELECT id FROM dispute WHERE status IN ('registered', 'mediating') AND deleted_at IS NULL
                 ORDER BY received_on DESC, id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        let mut round = 0;
        let mut edit = |api: &mut Api| -> Result<()> {
            round += 1;
            let facts = format!("双方因琐事争执，已多次调解（第{round}次核实）");
            api.call("dispute.update", serde_json::json!({"id": edited, "facts": facts}))?;
            Ok(())
        };
        let after_write = [
            ("warning.list", "{}"),
            ("day_plan.get", "{}"),
            ("dispute.list（按预警等级排序）", r#"{"sort": "risk", "page_size": 20}"#),
        ];
        for whole in [true, false] {
            for (label, params) in after_write {
                if edited.is_empty() {
                    continue;
                }
                let method = label.split('（').next().unwrap_or(label);
                let params: serde_json::Value = serde_json::from_str(params).unwrap_or_default();
                api.call(method, params.clone())?;
                let mut t = vec![];
                for _ in 0..n.clamp(5, 50) {
                    edit(api)?;
                    if whole {
                        api.store().forget_kept();
                    }
                    t.push(time_ms(|| api.call(method, params.clone()).map(|_| ()))?);
                }
                let how = if whole { "全部重新研判，即改前" } else { "只重判受影响的纠纷" };
                lists.push((format!("{label}（紧接一次纠纷改动之后，{how}）"), Latency::of(t)));
            }
        }
    }
    Ok(BenchReport { persons, households, search, lists })
}
