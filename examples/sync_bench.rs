//! Sync benchmark: prints its figures for BENCHMARKS.md.
//!
//! `cargo run --release --example sync_bench -- [HOUSEHOLDS]` (default 5000, about 20,000
//! residents with a decade of demo records). Measures, on real files in a temp directory:
//! - the post's full bundle: export, HQ import, HQ export for a second post, its import;
//! - HQ's apply rate against inserting the very same rows raw into SQLite (same schema,
//!   one transaction, prepared statements, no change log), in the same run.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use fengqiao::api::Api;
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::time::SystemClock;
use fengqiao::store::SYNCED_TABLES;
use rusqlite::Connection;
use rusqlite::types::Value;

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat`
/// (Linux; 0 elsewhere): on a shared machine the wall time of a phase depends on the other
/// load, its CPU time much less.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 14th field of
    // the line, stime the 15th, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    if f.len() < 13 { 0.0 } else { (f[11] + f[12]) / 100.0 }
}

fn open(path: &std::path::Path) -> Api {
    Api::open(path, Arc::new(SystemClock)).unwrap()
}

fn main() {
    let households: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let dir = tempfile::tempdir().unwrap();
    let mut hq = open(&dir.path().join("hq.db"));
    hq.hq_init("县局").unwrap();
    let codes: Vec<String> = (1..=8).map(|i| format!("33032610120{i}")).collect();
    let mut a = open(&dir.path().join("a.db"));
    let reply = hq.hq_enroll(&a.enroll_request(Some("甲")).unwrap(), &codes).unwrap();
    a.enroll_accept(&reply).unwrap();
    let mut b = open(&dir.path().join("b.db"));
    let reply = hq.hq_enroll(&b.enroll_request(Some("乙")).unwrap(), &codes).unwrap();
    b.enroll_accept(&reply).unwrap();

    let t = Instant::now();
    let summary = demo::generate(&mut a, DemoOptions { households, seed: 1 }).unwrap();
    println!(
        "demo: {} households, {} persons, {} disputes, {} errands, {} incidents in {:.1} s",
        summary.households,
        summary.persons,
        summary.disputes,
        summary.errands,
        summary.incidents,
        t.elapsed().as_secs_f64()
    );

    let (t, c) = (Instant::now(), cpu());
    let up = a.bundle_export().unwrap();
    let (export_a, export_a_cpu) = (t.elapsed().as_secs_f64(), cpu() - c);
    // Opening alone (length checks, SM3, SM2 verify, key unwrap, SM4-GCM, zstd, parse).
    let hq_keys = fengqiao::sync::keys::load_or_create(hq.store().conn()).unwrap();
    let a_public = fengqiao::sync::keys::load_or_create(a.store().conn()).unwrap().public();
    let t = Instant::now();
    fengqiao::sync::bundle::open(&up, hq.store().node_id(), &hq_keys, |_| Some(a_public.clone())).unwrap();
    let open_secs = t.elapsed().as_secs_f64();
    let (t, c) = (Instant::now(), cpu());
    let (report, _) = hq.hq_exchange(&up).unwrap();
    let (hq_apply, hq_apply_cpu) = (t.elapsed().as_secs_f64(), cpu() - c);
    // HQ builds the search entries of the new residents after replying (in the server, in
    // the background, a batch at a time); timed here in one go, for the record.
    let queued: i64 = hq.store().conn().query_row("SELECT count(*) FROM search_pending", [], |r| r.get(0)).unwrap();
    let (t, c) = (Instant::now(), cpu());
    hq.search_catch_up(usize::MAX).unwrap();
    let (catch_up, catch_up_cpu) = (t.elapsed().as_secs_f64(), cpu() - c);
    let to_b = b.store().node_id();
    let (t, c) = (Instant::now(), cpu());
    let down = fengqiao::sync::export(hq.store_mut(), to_b).unwrap();
    let (export_hq, export_hq_cpu) = (t.elapsed().as_secs_f64(), cpu() - c);
    let (t, c) = (Instant::now(), cpu());
    let got = b.bundle_import(&down).unwrap();
    let (import_b, import_b_cpu) = (t.elapsed().as_secs_f64(), cpu() - c);
    println!(
        "post -> HQ: {} changes, bundle {:.1} MB; export {:.2} s (CPU {:.2} s), HQ import (+ reply) {:.2} s (CPU {:.2} s); total {:.2} s (CPU {:.2} s)",
        report.changes,
        up.len() as f64 / 1e6,
        export_a,
        export_a_cpu,
        hq_apply,
        hq_apply_cpu,
        export_a + hq_apply,
        export_a_cpu + hq_apply_cpu
    );
    println!("  of which opening the bundle (verify, decrypt, decompress, parse): {open_secs:.2} s");
    println!(
        "  then HQ's deferred search entries for {queued} persons, built after the reply: {catch_up:.2} s (CPU {catch_up_cpu:.2} s)"
    );
    println!(
        "HQ -> second post: {} changes, bundle {:.1} MB; HQ export (jurisdiction filter) {:.2} s (CPU {:.2} s), post import {:.2} s (CPU {:.2} s); total {:.2} s (CPU {:.2} s)",
        got.changes,
        down.len() as f64 / 1e6,
        export_hq,
        export_hq_cpu,
        import_b,
        import_b_cpu,
        export_hq + import_b,
        export_hq_cpu + import_b_cpu
    );

    // Raw insert of the same rows into a fresh file with the same schema. It takes a
    // fraction of a second, so it is run three times (each into a new file) and the
    // fastest run is the yardstick: the hardest one to reach.
    let fresh = |name: &str| {
        let mut raw = Connection::open(dir.path().join(name)).unwrap();
        raw.pragma_update(None, "journal_mode", "WAL").unwrap();
        raw.pragma_update(None, "synchronous", "NORMAL").unwrap();
        fengqiao::store::migrate::migrate(&mut raw).unwrap();
        raw
    };
    let src = a.store().conn();
    // Per table: its column names and every row's values.
    type Table<'a> = (&'a str, Vec<String>, Vec<Vec<Value>>);
    let mut rows: Vec<Table> = Vec::new();
    let mut total_rows = 0;
    for table in SYNCED_TABLES {
        let mut stmt = src.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let n = names.len();
        let data: Vec<Vec<Value>> = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        total_rows += data.len();
        rows.push((table, names, data));
    }
    let (mut raw_secs, mut raw_cpu) = (f64::MAX, f64::MAX);
    let mut raw = fresh("raw0.db");
    for attempt in 0..3 {
        if attempt > 0 {
            raw = fresh(&format!("raw{attempt}.db"));
        }
        let (t, c) = (Instant::now(), cpu());
        let tx = raw.transaction().unwrap();
        for (table, names, data) in &rows {
            let marks = vec!["?"; names.len()].join(", ");
            let sql = format!("INSERT OR REPLACE INTO {table} ({}) VALUES ({marks})", names.join(", "));
            let mut stmt = tx.prepare(&sql).unwrap();
            for row in data {
                stmt.execute(rusqlite::params_from_iter(row.iter())).unwrap();
            }
        }
        tx.commit().unwrap();
        raw_secs = raw_secs.min(t.elapsed().as_secs_f64());
        raw_cpu = raw_cpu.min(cpu() - c);
    }
    println!(
        "raw SQLite insert of the same {} rows, fastest of 3: {:.2} s (CPU {:.2} s) ({:.0} rows/s)",
        total_rows,
        raw_secs,
        raw_cpu,
        total_rows as f64 / raw_secs
    );
    // And the changes themselves, inserted raw as rows of a plain table of the same shape.
    raw.execute("ATTACH DATABASE ?1 AS src", [dir.path().join("a.db").to_string_lossy()]).unwrap();
    let t = Instant::now();
    let copied = raw
        .execute(
            "INSERT INTO change_log (origin, origin_seq, hlc, prev, tbl, row_id, col, value)
             SELECT origin, origin_seq, hlc, prev, tbl, row_id, col, value FROM src.change_log",
            [],
        )
        .unwrap();
    let raw_changes_secs = t.elapsed().as_secs_f64();
    println!(
        "raw SQLite insert of the {} change records themselves (INSERT … SELECT into change_log): {:.2} s ({:.0} rows/s)",
        copied,
        raw_changes_secs,
        copied as f64 / raw_changes_secs
    );
    println!(
        "HQ apply: {} changes into {} rows in {:.2} s ({:.0} changes/s, {:.0} rows/s); HQ rate = {:.0}% of raw",
        report.changes,
        total_rows,
        hq_apply,
        report.changes as f64 / hq_apply,
        total_rows as f64 / hq_apply,
        100.0 * raw_secs / hq_apply
    );
    println!(
        "HQ changes/s as a share of raw row inserts/s: {:.0}% (by CPU time: {:.0}%)",
        100.0 * (report.changes as f64 / hq_apply) / (total_rows as f64 / raw_secs),
        100.0 * (report.changes as f64 / hq_apply_cpu) / (total_rows as f64 / raw_cpu)
    );
    println!(
        "HQ changes/s with its deferred search entries counted in ({:.2} s): {:.0}% of raw row inserts/s (by CPU time: {:.0}%)",
        hq_apply + catch_up,
        100.0 * (report.changes as f64 / (hq_apply + catch_up)) / (total_rows as f64 / raw_secs),
        100.0 * (report.changes as f64 / (hq_apply_cpu + catch_up_cpu)) / (total_rows as f64 / raw_cpu)
    );
}
