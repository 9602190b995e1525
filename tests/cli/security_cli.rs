//! The secured CLI as an admin uses it: first admin, `--user` with FENGQIAO_PASSWORD,
//! `audit verify`, `backup` and `restore`. Real processes on temp files.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::{FixedClock, parse_instant};

const NOW: &str = "2026-11-23T09:00:00+08:00";

fn fengqiao(db: &Path, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("FENGQIAO_NOW", NOW)
        .env("FENGQIAO_PASSWORD", password)
        .env_remove("FENGQIAO_USER")
        .output()
        .unwrap()
}

fn ok(db: &Path, password: &str, args: &[&str]) -> String {
    let out = fengqiao(db, password, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fails(db: &Path, password: &str, args: &[&str]) -> String {
    let out = fengqiao(db, password, args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn an_admin_sets_up_works_verifies_backs_up_and_restores_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let err = fails(&db, "short", &["init", "--admin", "admin"]);
    assert!(err.contains("至少 8 位"), "{err}");
    let out = ok(&db, "Admin2026x", &["init", "--admin", "admin"]);
    assert!(out.contains("数据库已加密"), "{out}");

    let err = fails(&db, "Admin2026x", &["call", "village.list"]);
    assert!(err.contains("已加密") && err.contains("--user"), "{err}");
    let err = fails(&db, "Wrong2026x", &["--user", "admin", "call", "village.list"]);
    assert!(err.contains("用户名或密码错误"), "{err}");
    ok(&db, "Admin2026x", &["--user", "admin", "call", "village.create", r#"{"name":"青山村"}"#]);
    let out = ok(&db, "Admin2026x", &["--user", "admin", "search", "青山"]);
    assert!(out.contains("共找到"), "{out}");
    let out = ok(&db, "Admin2026x", &["--user", "admin", "audit", "verify"]);
    assert!(out.contains("哈希链校验通过"), "{out}");

    // An officer may work but not load demo data into the post's database.
    let user = r#"{"login":"zhou","password":"Start2026x","role":"officer"}"#;
    ok(&db, "Admin2026x", &["--user", "admin", "call", "user.create", user]);
    let change = r#"{"old_password":"Start2026x","new_password":"Zhou2026xx"}"#;
    let err = fails(&db, "Start2026x", &["--user", "zhou", "demo", "--households", "5"]);
    assert!(err.contains("请先修改初始密码"), "{err}");
    ok(&db, "Start2026x", &["--user", "zhou", "call", "user.set_password", change]);
    let err = fails(&db, "Zhou2026xx", &["--user", "zhou", "demo", "--households", "5"]);
    assert!(err.contains("民警无权执行“导入演示数据”，只有所长/管理员可以"), "{err}");

    // The post is enrolled at HQ, so a restore tells what it means for its syncs.
    {
        let clock = Arc::new(FixedClock::new(parse_instant(NOW).unwrap()));
        let mut post = Api::open_as(&db, clock.clone(), "admin", "Admin2026x").unwrap();
        let mut hq = Api::open(&dir.path().join("hq.db"), clock).unwrap();
        hq.hq_init("县公安局").unwrap();
        let reply = hq.hq_enroll(&post.enroll_request(Some("山门警务室")).unwrap(), &["330100001001".into()]).unwrap();
        post.enroll_accept(&reply).unwrap();
    }
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let out = ok(&db, "Admin2026x", &["--user", "admin", "--json", "backup", "--out", usb.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let backup = report["file"].as_str().unwrap().to_owned();

    // Someone edits the audit log behind the software's back: `audit verify` names the entry.
    {
        let clock = Arc::new(FixedClock::new(parse_instant(NOW).unwrap()));
        let api = Api::open_as(&db, clock, "admin", "Admin2026x").unwrap();
        let conn = api.store().conn();
        conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
        conn.execute("UPDATE audit_log SET detail = '无' WHERE seq = 2", []).unwrap();
    }
    let err = fails(&db, "Admin2026x", &["--user", "admin", "audit", "verify"]);
    assert!(err.contains("审计日志第 2 条起校验失败"), "{err}");

    // Yesterday's backup puts things right.
    let out = ok(&db, "Admin2026x", &["--user", "admin", "restore", &backup]);
    assert!(out.contains("已从备份恢复") && out.contains("原数据库保留为"), "{out}");
    assert!(out.contains("已恢复到备份时的数据") && out.contains("下次同步时会从县局取回"), "{out}");
    let out = ok(&db, "Admin2026x", &["--user", "admin", "audit", "verify"]);
    assert!(out.contains("哈希链校验通过"), "{out}");
    let villages = ok(&db, "Admin2026x", &["--user", "admin", "call", "village.list"]);
    assert!(villages.contains("青山村"), "{villages}");
}

/// `FENGQIAO_NOW` fixes the clock for scripted checks of a plain database only: a secured
/// one (from its first admin on) always runs on the system clock, so no user can backdate
/// audit entries or stamp changes in another year with it.
#[test]
fn a_secured_database_ignores_the_clock_override() {
    let dir = tempfile::tempdir().unwrap();
    let run = |db: &Path, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("FENGQIAO_NOW", "2099-01-01T09:00:00+08:00")
            .env("FENGQIAO_PASSWORD", "Admin2026x")
            .env_remove("FENGQIAO_USER")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let year = |stamp: &str| stamp[..4].to_owned();
    let this_year = chrono::Utc::now().format("%Y").to_string();

    let secured = dir.path().join("post.db");
    run(&secured, &["init", "--admin", "admin"]);
    run(&secured, &["--user", "admin", "call", "village.create", r#"{"name":"青山村"}"#]);
    let api = Api::open_as(&secured, Arc::new(fengqiao::model::time::SystemClock), "admin", "Admin2026x").unwrap();
    let conn = api.store().conn();
    let stamps: Vec<String> = conn
        .prepare("SELECT at FROM audit_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(stamps.len() >= 3, "{stamps:?}");
    assert!(stamps.iter().all(|t| year(t) == this_year), "{stamps:?}");
    let hlc: String = conn.query_row("SELECT max(hlc) FROM change_log", [], |r| r.get(0)).unwrap();
    let wall = u64::from_str_radix(&hlc[..12], 16).unwrap();
    assert!(wall < chrono::Utc::now().timestamp_millis() as u64 + 60_000, "{hlc}");

    // A plain database (tests, demonstrations) still takes it.
    let plain = dir.path().join("demo.db");
    run(&plain, &["call", "village.create", r#"{"name":"青山村"}"#]);
    let api = Api::open(&plain, Arc::new(fengqiao::model::time::SystemClock)).unwrap();
    let at: String = api.store().conn().query_row("SELECT max(at) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert_eq!(year(&at), "2099");
}

/// Entries cut from the end of the audit log are not healed over by the next one: the CLI's
/// `audit verify` names them, and exits non-zero.
#[test]
fn audit_verify_reports_a_cut_tail_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, "Admin2026x", &["init", "--admin", "admin"]);
    for text in ["王", "李", "张"] {
        ok(&db, "Admin2026x", &["--user", "admin", "search", text]);
    }
    let last = {
        let api = Api::open_as(&db, Arc::new(FixedClock::new(chrono::Utc::now())), "admin", "Admin2026x").unwrap();
        let conn = api.store().conn();
        let last: i64 = conn.query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)).unwrap();
        conn.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
        conn.execute("DELETE FROM audit_log WHERE seq > ?1", [last - 2]).unwrap();
        last
    };
    // The next login's entry finds the cut and records it first.
    let err = fails(&db, "Admin2026x", &["--user", "admin", "audit", "verify"]);
    assert!(err.contains(&format!("第 {}–{last} 条被删除", last - 1)), "{err}");
}
