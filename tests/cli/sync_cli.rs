//! The sync commands of the `fengqiao` binary, as scripts use them: enrollment files,
//! bundle files (HQ's reply imported twice is answered, an older one is turned away with
//! what to do), refusals with a non-zero exit and a Chinese reason, the conflict list.
//! HQ's side runs in-process through the same api `fengqiao-hq` calls.

#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use fengqiao::sync::EnrollRequest;
use serde_json::Value;

fn fengqiao(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao")).arg("--db").arg(db).args(args).output().unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = fengqiao(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// HQ (in-process, its clock the real one like the CLI's: a post's clock may not run ahead
/// of HQ's) and a post `post.db` in `dir` enrolled there by files, with one village.
fn enrolled_post(dir: &Path) -> (Api, PathBuf) {
    let (db, p) = (dir.join("post.db"), |n: &str| dir.join(n));
    let mut hq = Api::open(&p("hq.db"), Arc::new(SystemClock)).unwrap();
    hq.hq_init("县公安局").unwrap();
    ok(&db, &["enroll", "request", "--out", p("a.fqreq").to_str().unwrap(), "--name", "山门警务室"]);
    let req: EnrollRequest = serde_json::from_slice(&std::fs::read(p("a.fqreq")).unwrap()).unwrap();
    let reply = hq.hq_enroll(&req, &["330326101201".into()]).unwrap();
    std::fs::write(p("a.fqreply"), serde_json::to_vec(&reply).unwrap()).unwrap();
    assert!(ok(&db, &["enroll", "accept", p("a.fqreply").to_str().unwrap()]).contains("县公安局"));
    ok(&db, &["call", "village.create", r#"{"name":"青山村","code":"330326101201"}"#]);
    (hq, db)
}

#[test]
fn a_post_enrolls_exchanges_bundle_files_and_a_bad_file_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let (mut hq, db) = enrolled_post(dir.path());
    let exported = ok(&db, &["--json", "bundle", "export", "--out", p("up.fqsync").to_str().unwrap()]);
    let sent: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(sent["counter"], 1);
    assert_eq!(sent["changes"], 2, "the village's name and code");
    assert!(std::fs::read(p("up.fqsync")).unwrap().starts_with(b"FQSYNC/1\n"));
    let (report, down) = hq.hq_exchange(&std::fs::read(p("up.fqsync")).unwrap()).unwrap();
    assert_eq!(report.applied, 2);
    std::fs::write(p("down.fqsync"), &down).unwrap();
    let imported = ok(&db, &["bundle", "import", p("down.fqsync").to_str().unwrap()]);
    assert!(imported.contains("来自“县公安局”的第 1 号同步包"), "{imported}");

    // The same reply again (the stick plugged in twice): answered as imported before, exit
    // 0, nothing applied again.
    let log_rows = || -> i64 {
        rusqlite::Connection::open(&db).unwrap().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
    };
    let before = log_rows();
    let again = ok(&db, &["bundle", "import", p("down.fqsync").to_str().unwrap()]);
    assert!(again.contains("来自“县公安局”的第 1 号同步包本机已导入过") && again.contains("数据未变"), "{again}");
    assert!(!again.contains(&hq.store().node_id().to_string()), "no node id where a person reads it: {again}");
    assert_eq!(log_rows(), before);
    let again: Value =
        serde_json::from_str(&ok(&db, &["--json", "bundle", "import", p("down.fqsync").to_str().unwrap()])).unwrap();
    assert_eq!((again["repeat"].as_bool(), again["applied"].as_u64()), (Some(true), Some(0)), "{again}");

    // HQ's next reply, then the first one again: older than what the post has, said plainly
    // with what to do, non-zero, nothing changed.
    ok(&db, &["bundle", "export", "--out", p("up2.fqsync").to_str().unwrap()]);
    let (_, down2) = hq.hq_exchange(&std::fs::read(p("up2.fqsync")).unwrap()).unwrap();
    std::fs::write(p("down2.fqsync"), &down2).unwrap();
    assert!(ok(&db, &["bundle", "import", p("down2.fqsync").to_str().unwrap()]).contains("第 2 号同步包"));
    let before = log_rows();
    let old = fengqiao(&db, &["bundle", "import", p("down.fqsync").to_str().unwrap()]);
    assert!(!old.status.success());
    let said = String::from_utf8_lossy(&old.stderr);
    assert!(said.contains("来自“县公安局”的第 1 号同步包是旧包") && said.contains("第 2 号"), "{said}");
    assert!(said.contains("请重新同步") && !said.contains("重放"), "{said}");
    assert!(!said.contains(&hq.store().node_id().to_string()), "no node id where a person reads it: {said}");
    assert_eq!(log_rows(), before);

    // A damaged one: refused, non-zero, the reason in Chinese.
    let mut bad = down.clone();
    let n = bad.len();
    bad[n - 70] ^= 0xff;
    std::fs::write(p("bad.fqsync"), &bad).unwrap();
    let refused = fengqiao(&db, &["--json", "bundle", "import", p("bad.fqsync").to_str().unwrap()]);
    assert!(!refused.status.success());
    let err: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(err["code"], "bundle_tampered");
    assert!(err["message"].as_str().unwrap().contains("篡改"));

    let list: Value = serde_json::from_str(&ok(&db, &["conflicts", "list", "--json"])).unwrap();
    assert_eq!(list, serde_json::json!([]));
    let status: Value = serde_json::from_str(&ok(&db, &["call", "sync.status"])).unwrap();
    assert_eq!(status["peers"][0]["name"], "县公安局");
    assert_eq!(status["open_conflicts"], 0);
}

/// HQ takes the connection and the start of the bundle, then goes away: the post says it
/// was cut mid-sync (not that it could not connect), that HQ may have the bundle, and that
/// syncing again is safe; nothing changes on the post.
#[test]
fn hq_cutting_the_connection_mid_sync_is_told_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (_hq, db) = enrolled_post(dir.path());

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hq_side = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 512];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = conn.read(&mut buf).unwrap();
            assert!(n > 0, "the post closed first");
            head.extend_from_slice(&buf[..n]);
        }
        // Gone without a reply.
    });
    let out = fengqiao(&db, &["sync", "--hq", &base]);
    hq_side.join().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("已连接县局服务") && said.contains("连接被中断"), "{said}");
    assert!(said.contains("县局可能已收到") && said.contains("重新同步是安全的"), "{said}");
    assert!(!said.contains("无法连接"), "{said}");
    let status: Value = serde_json::from_str(&ok(&db, &["call", "sync.status"])).unwrap();
    assert!(status["peers"][0]["last_sync_at"].is_null(), "{status}");
}
