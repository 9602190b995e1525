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
    let out = ok(&db, "Admin2026x", &["--user", "admin", "audit", "verify"]);
    assert!(out.contains("哈希链校验通过"), "{out}");
    let villages = ok(&db, "Admin2026x", &["--user", "admin", "call", "village.list"]);
    assert!(villages.contains("青山村"), "{villages}");
}
