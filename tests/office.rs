//! The ledgers opened as an office suite opens them: LibreOffice Calc, headless, converts
//! every ledger of a demo post to CSV (UTF-8), and each CSV must carry the Chinese headers,
//! every row, ID numbers as the 18 characters typed (never 1.10105E+17) and dates as
//! `yyyy-mm-dd`. The households ledger is the streamed one (constant-memory mode writes its
//! strings inline), so this is also the check that Calc reads that form.
//!
//! Needs LibreOffice Calc: `apt-get install -y --no-install-recommends libreoffice-calc-nogui`
//! (about 83 MB to download, 258 MB installed). Not part of a plain `cargo test`
//! (`test = false` in Cargo.toml); run it with `cargo test --locked --test office`, as
//! scripts/test.sh does.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use calamine::Reader;
use common::Post;
use fengqiao::demo::{DemoOptions, generate};
use fengqiao::docs::ledger::LedgerKind;
use serde_json::json;

/// Every record of a CSV file.
fn csv_records(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// The header row as the xlsx has it (read with calamine).
fn xlsx_header(path: &Path) -> Vec<String> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range.rows().next().unwrap().iter().map(|c| c.to_string()).collect()
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.chars().filter(char::is_ascii_digit).count() == 8
}

#[test]
fn every_ledger_opens_in_libreoffice_with_its_headers_rows_id_numbers_and_dates() {
    let mut post = Post::new();
    generate(&mut post.api, DemoOptions { households: 200, seed: 5 }).unwrap();
    let xlsx_dir = post.dir.path().join("xlsx");
    let csv_dir = post.dir.path().join("csv");
    std::fs::create_dir_all(&xlsx_dir).unwrap();
    let mut files = Vec::new();
    let mut counts = Vec::new();
    for kind in LedgerKind::ALL {
        let path = xlsx_dir.join(format!("{}.xlsx", kind.as_str()));
        let w = post.call("ledger.export", json!({ "kind": kind.as_str(), "path": path }));
        counts.push((kind, w["count"].as_u64().unwrap() as usize));
        files.push(path);
    }
    // One Calc for every file, with its own profile so it never meets a user's running one.
    let profile = format!("-env:UserInstallation=file://{}", post.dir.path().join("lo-profile").display());
    let out = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
        ])
        .arg("--outdir")
        .arg(&csv_dir)
        .args(&files)
        .output()
        .expect("LibreOffice is needed: apt-get install -y --no-install-recommends libreoffice-calc-nogui");
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));

    for ((kind, count), xlsx) in counts.into_iter().zip(&files) {
        let csv = csv_dir.join(format!("{}.csv", kind.as_str()));
        assert!(csv.exists(), "{kind:?}: no CSV; soffice said {}", String::from_utf8_lossy(&out.stdout));
        let records = csv_records(&csv);
        let header = xlsx_header(xlsx);
        assert!(header.iter().all(|h| !h.is_ascii()), "{kind:?}: Chinese headers {header:?}");
        assert_eq!(records[0], header, "{kind:?}: Calc reads the headers");
        assert_eq!(records.len(), count + 1, "{kind:?}: Calc reads every row");
        for (i, h) in header.iter().enumerate() {
            if h.ends_with("日期") {
                for r in &records[1..] {
                    let v = r.get(i).map(String::as_str).unwrap_or("");
                    assert!(v.is_empty() || is_date(v), "{kind:?}: {h} “{v}” is not yyyy-mm-dd");
                }
            }
        }
        if kind == LedgerKind::Households {
            assert!(count > 500, "{count} residents");
            let col = header.iter().position(|h| h == "公民身份号码").unwrap();
            let read: BTreeSet<String> =
                records[1..].iter().map(|r| r[col].clone()).filter(|s| !s.is_empty()).collect();
            let stored: BTreeSet<String> = post
                .api
                .store()
                .conn()
                .prepare(
                    "SELECT p.id_number FROM person p JOIN household h ON h.id = p.household_id AND h.deleted_at IS NULL
                     WHERE p.deleted_at IS NULL AND p.id_number IS NOT NULL AND p.id_number <> ''",
                )
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(read, stored, "every ID number as typed");
        }
    }
}
