//! Enrollment over the network with one-time codes, against the real HQ server on
//! loopback: codes issued by the `fengqiao-hq enroll-code` binary, a post enrolled with
//! `enroll.network` then syncing with another post through HQ, a wrong, a reused and an
//! expired code refused with nothing recorded, and a reply altered by a man in the middle
//! refused by the post.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use axum::body::Bytes;
use axum::routing::post;
use fengqiao::api::Api;
use fengqiao::model::time::{FixedClock, SystemClock};
use fengqiao::sync::code::CodedMessage;
use serde_json::{Value, json};

use crate::loopback::Loopback;

const VILLAGE: &str = "330326101201";

fn hq_cli(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fengqiao-hq")).arg("--data").arg(data).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A code from `fengqiao-hq enroll-code`'s output.
fn issue(data: &Path, extra: &[&str]) -> String {
    let mut args = vec!["enroll-code", "--villages", VILLAGE];
    args.extend_from_slice(extra);
    let out = hq_cli(data, &args);
    let line = out.lines().find_map(|l| l.strip_prefix("登记码：")).unwrap();
    assert_eq!(line.len(), 24, "{out}");
    assert!(out.contains("只能使用一次"), "{out}");
    line.to_owned()
}

fn peers(api: &mut Api) -> Vec<String> {
    api.sync_peers().unwrap().into_iter().map(|p| p.name).collect()
}

fn persons(api: &Api) -> Vec<String> {
    let mut stmt = api.store().conn().prepare("SELECT name FROM person ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn post_db(dir: &Path, name: &str) -> Api {
    Api::open(&dir.join(format!("{name}.db")), Arc::new(SystemClock)).unwrap()
}

fn refused(api: &mut Api, url: &str, code: &str) -> fengqiao::Error {
    let e = api.call("enroll.network", json!({"url": url, "code": code})).unwrap_err();
    assert!(peers(api).is_empty(), "a refused enrollment must record nothing on the post");
    e
}

/// Forwards `POST /enroll` to `hq` and alters HQ's reply on the way back (another village
/// for the post), keeping the MAC: what a man in the middle without the code can do.
async fn tampering_proxy(hq: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/enroll",
        post(move |body: Bytes| {
            let hq = hq.clone();
            async move {
                tokio::task::spawn_blocking(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                    let mut resp = agent.post(&format!("{hq}/enroll")).send(&body[..]).unwrap();
                    assert!(resp.status().is_success());
                    let mut msg: CodedMessage =
                        serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap();
                    assert!(msg.body.contains(VILLAGE));
                    msg.body = msg.body.replace(VILLAGE, "330326101999");
                    serde_json::to_vec(&msg).unwrap()
                })
                .await
                .unwrap()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[test]
fn enrollment_over_the_network_with_one_time_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    assert!(hq_cli(&data, &["init", "--name", "县公安局"]).contains("县局节点已就绪"));
    let code_a = issue(&data, &["--name", "青山警务室"]);
    let code_b = issue(&data, &[]);
    let code_c = issue(&data, &[]);
    let code_late = issue(&data, &["--hours", "1"]);
    assert_ne!(code_a, code_b);

    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let hq = Api::open(&fengqiao_hq::db_path(&data), clock.clone()).unwrap();
    let server = Loopback::start(hq);
    let base = server.base.clone();
    let proxy = server.rt.block_on(tampering_proxy(base.clone()));
    // A second handle on HQ's file, to see what it recorded.
    let mut hq_view = fengqiao_hq::open(&data).unwrap();

    // A wrong code (well-formed, never issued): refused by HQ, nothing recorded anywhere.
    let mut a = post_db(dir.path(), "a");
    let e = refused(&mut a, &base, "ABCD-EFGH-JKLM-NPQR-STUV");
    assert_eq!((e.code(), e.field()), ("rule", None), "{e}");
    assert!(e.to_string().contains("登记码不正确"), "{e}");
    assert!(peers(&mut hq_view).is_empty());
    // A malformed code never leaves the post.
    let e = refused(&mut a, &base, "1234");
    assert_eq!(e.field(), Some("code"), "{e}");

    // The right code, typed in lower case with spaces: enrolled with the code's villages and
    // HQ's name for the post.
    let typed = code_a.to_lowercase().replace('-', " ");
    let got = a.call("enroll.network", json!({"url": base, "code": typed})).unwrap();
    assert_eq!(got["hq_name"], "县公安局");
    assert_eq!(got["villages"], json!([VILLAGE]));
    assert_eq!(peers(&mut a), ["县公安局"]);
    assert_eq!(peers(&mut hq_view), ["青山警务室"]);

    // The same code again, from another post: refused as used, nothing recorded.
    let mut d = post_db(dir.path(), "d");
    let e = refused(&mut d, &base, &code_a);
    assert!(e.to_string().contains("使用过"), "{e}");
    assert_eq!(peers(&mut hq_view), ["青山警务室"]);

    // A reply altered on the way: the post refuses it and records nothing.
    let mut b = post_db(dir.path(), "b");
    let e = refused(&mut b, &proxy, &code_b);
    assert_eq!(e.field(), Some("reply"), "{e}");
    assert!(e.to_string().contains("未通过登记码校验"), "{e}");

    // Post C enrolls and the two posts exchange data through HQ.
    let mut c = post_db(dir.path(), "c");
    c.call("enroll.network", json!({"url": base, "code": code_c})).unwrap();
    let v = a.call("village.create", json!({"name": "青山村", "code": VILLAGE})).unwrap();
    let h = a.call("household.create", json!({"village_id": v["id"], "house_no": "1"})).unwrap();
    a.call("person.create", json!({"household_id": h["id"], "name": "王甲", "residence": "permanent"})).unwrap();
    let up = a.call("sync.network", json!({"url": base})).unwrap();
    assert!(up["sent"]["changes"].as_u64().unwrap() > 5, "{up}");
    let down: Value = c.call("sync.network", json!({"url": base})).unwrap();
    assert!(down["received"]["applied"].as_u64().unwrap() > 5, "{down}");
    assert_eq!(persons(&c), ["王甲"]);

    // A code past its expiry (HQ's clock moved two hours on): refused, nothing recorded.
    clock.advance(chrono::Duration::hours(2));
    let mut late = post_db(dir.path(), "late");
    let e = refused(&mut late, &base, &code_late);
    assert!(e.to_string().contains("过期"), "{e}");
    let names = peers(&mut hq_view);
    assert_eq!(names.len(), 3, "{names:?}"); // A, B (HQ answered; the post refused the reply), C

    server.stop();
}

#[test]
fn network_enrollment_is_for_the_admin_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq_cli(&data, &["init", "--name", "县公安局"]);
    let code = issue(&data, &[]);
    let hq = fengqiao_hq::open(&data).unwrap();
    let server = Loopback::start(hq);
    let base = server.base.clone();

    let db = dir.path().join("post.db");
    let clock = Arc::new(SystemClock);
    let mut admin = Api::create_admin(&db, clock.clone(), "admin", "Admin2026x").unwrap();
    admin.call("user.create", json!({"login": "fujing", "password": "Start2026x", "role": "auxiliary"})).unwrap();
    let mut aux = Api::open_as(&db, clock, "fujing", "Start2026x").unwrap();
    aux.call("user.set_password", json!({"old_password": "Start2026x", "new_password": "Fujing2026x"})).unwrap();

    // An auxiliary is refused before anything is sent: the code stays unused.
    let e = aux.call("enroll.network", json!({"url": base, "code": code})).unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    assert!(peers(&mut admin).is_empty());
    let got = admin.call("enroll.network", json!({"url": base, "code": code})).unwrap();
    assert_eq!(got["villages"], json!([VILLAGE]));

    let log = admin.call("audit.list", json!({"page_size": 500})).unwrap();
    let rows = log["entries"].as_array().unwrap();
    let has = |login: &str, action: &str| {
        rows.iter().any(|r| {
            r["login"] == login
                && r["action"] == action
                && r["detail"].as_str().is_some_and(|d| d.contains("enroll.network"))
        })
    };
    assert!(has("fujing", "denied"), "{log}");
    assert!(has("admin", "update"), "{log}");

    server.stop();
}
