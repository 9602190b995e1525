//! The documents from the command line, as an officer or a script uses them: real
//! processes on a real database file.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn fengqiao(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("FENGQIAO_NOW", "2026-11-23T09:00:00+08:00")
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = fengqiao(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn agreement_ledgers_stats_and_import_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "300", "--seed", "3"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for kind in ["people", "security"] {
        let id: String = conn
            .query_row("SELECT dispute_id FROM agreement WHERE kind = ?1 AND number IS NOT NULL LIMIT 1", [kind], |r| {
                r.get(0)
            })
            .unwrap();
        let pdf = dir.path().join(format!("{kind}.pdf"));
        let said = ok(&db, &["agreement", &id, "--out", pdf.to_str().unwrap()]);
        assert!(said.contains("已生成协议书"), "{said}");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    }

    let xlsx = dir.path().join("代办.xlsx");
    let said = ok(&db, &["export-xlsx", "--ledger", "代办台账", "--month", "2026-11", "--out", xlsx.to_str().unwrap()]);
    assert!(said.contains("已导出代办台账"), "{said}");
    assert!(xlsx.exists());
    let bad = fengqiao(&db, &["export-xlsx", "--ledger", "账本", "--out", xlsx.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("没有名为“账本”的台账"));

    let stats: Value = serde_json::from_str(&ok(&db, &["--json", "stats", "--month", "2026-11"])).unwrap();
    assert_eq!(stats["month"], "2026-11");
    assert!(stats["disputes"]["received"].as_i64().unwrap() > 0);
    let text = ok(&db, &["stats", "--month", "2026-11"]);
    assert!(text.contains("成功率"), "{text}");
    let bad = fengqiao(&db, &["stats", "--month", "2026-13"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("月份“2026-13”格式不对"));

    // The households ledger re-imported: every resident matched by ID number or name.
    let roster = dir.path().join("人口.xlsx");
    ok(&db, &["export-xlsx", "--ledger", "households", "--out", roster.to_str().unwrap()]);
    let before: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    let preview: Value =
        serde_json::from_str(&ok(&db, &["--json", "import-xlsx", roster.to_str().unwrap(), "--dry-run"])).unwrap();
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["persons_created"], 0, "{}", preview["actions"]);
    assert_eq!(preview["households_created"], 0);
    let after: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    assert_eq!(before, after, "a dry run writes nothing");
}
