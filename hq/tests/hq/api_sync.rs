//! The app's sync methods through `Api::call`, against the real HQ server on loopback:
//! enrollment by files, a USB round through the station relay (`POST /sync` with the file's
//! bytes), network sync, refused bundles with their Chinese reasons, an unreachable HQ, and
//! the permission gate and audit log on an encrypted post with logins.

use std::path::Path;
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use fengqiao::sync::EnrollRequest;
use serde_json::{Value, json};

use crate::loopback::Loopback;

const VILLAGE: &str = "330326101201";

fn ok(api: &mut Api, method: &str, params: Value) -> Value {
    match api.call(method, params) {
        Ok(v) => v,
        Err(e) => panic!("{method} failed: {e} ({})", e.code()),
    }
}

fn relay(base: &str, bundle: &[u8]) -> Vec<u8> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent.post(&format!("{base}/sync")).send(bundle).unwrap();
    assert!(resp.status().is_success());
    resp.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap()
}

/// A post enrolled at `hq` through `enroll.request` / `enroll.accept` files.
fn enroll(api: &mut Api, hq: &mut Api, dir: &Path, name: &str) {
    let req_path = dir.join(format!("{name}.fqreq"));
    let w = ok(api, "enroll.request", json!({"path": req_path, "name": name}));
    assert_eq!(w["name"], name);
    assert_eq!(w["node_id"], api.store().node_id().to_string());
    let req: EnrollRequest = serde_json::from_slice(&std::fs::read(&req_path).unwrap()).unwrap();
    let reply = hq.hq_enroll(&req, &[VILLAGE.to_owned()]).unwrap();
    let reply_path = dir.join(format!("{name}.fqreply"));
    std::fs::write(&reply_path, serde_json::to_vec(&reply).unwrap()).unwrap();
    let e = ok(api, "enroll.accept", json!({"path": reply_path}));
    assert_eq!(e["hq_name"], "县公安局");
    assert_eq!(e["villages"], json!([VILLAGE]));
}

fn persons(api: &Api) -> Vec<String> {
    let mut stmt = api.store().conn().prepare("SELECT name FROM person ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn sync_methods_against_hq_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let mut hq = fengqiao_hq::open(&dir.path().join("hq")).unwrap();
    hq.hq_init("县公安局").unwrap();
    let mut a = Api::open(&dir.path().join("a.db"), Arc::new(SystemClock)).unwrap();
    let mut b = Api::open(&dir.path().join("b.db"), Arc::new(SystemClock)).unwrap();
    enroll(&mut a, &mut hq, dir.path(), "青山警务室");
    enroll(&mut b, &mut hq, dir.path(), "溪口警务室");

    // Refusals that need no server: no file, not a reply file.
    let e = a.call("sync.import", json!({"path": dir.path().join("missing.fqsync")})).unwrap_err();
    assert_eq!((e.code(), e.field()), ("validation", Some("path")));
    assert!(e.to_string().contains("无法读取同步包"), "{e}");
    let e = a.call("enroll.accept", json!({"path": dir.path().join("青山警务室.fqreq")})).unwrap_err();
    assert!(e.to_string().contains("登记回执"), "{e}");

    let server = Loopback::start(hq);
    let base = server.base.clone();

    // Post A writes and syncs over the network.
    let v = ok(&mut a, "village.create", json!({"name": "青山村", "code": VILLAGE}));
    let h = ok(&mut a, "household.create", json!({"village_id": v["id"], "house_no": "1"}));
    ok(&mut a, "person.create", json!({"household_id": h["id"], "name": "王甲", "residence": "permanent"}));
    let r = ok(&mut a, "sync.network", json!({"url": base}));
    assert_eq!(r["sent"]["counter"], 1);
    assert!(r["sent"]["changes"].as_u64().unwrap() > 5, "{r}");
    assert!(r["sent"]["bytes"].as_u64().unwrap() > 100, "{r}");
    assert_eq!(r["received"]["counter"], 1);
    assert!(r["received_bytes"].as_u64().unwrap() > 0);

    // Post B goes by USB: export to a file, the station relays it, the reply is imported.
    let up = dir.path().join("b-up.fqsync");
    let s = ok(&mut b, "sync.export", json!({"path": up}));
    assert_eq!(s["path"], up.to_string_lossy().as_ref());
    assert_eq!(s["bytes"].as_u64().unwrap(), std::fs::metadata(&up).unwrap().len());
    let down = dir.path().join("b-down.fqsync");
    std::fs::write(&down, relay(&base, &std::fs::read(&up).unwrap())).unwrap();
    let got = ok(&mut b, "sync.import", json!({"path": down}));
    assert!(got["applied"].as_u64().unwrap() > 5, "{got}");
    assert_eq!(persons(&b), ["王甲"]);

    // The same reply again is answered as imported before, with nothing applied; a tampered
    // one is refused.
    let again = ok(&mut b, "sync.import", json!({"path": down}));
    assert_eq!((again["repeat"].as_bool(), again["applied"].as_u64()), (Some(true), Some(0)), "{again}");
    let mut bytes = std::fs::read(&down).unwrap();
    let n = bytes.len();
    bytes[n - 70] ^= 1;
    let tampered = dir.path().join("tampered.fqsync");
    std::fs::write(&tampered, bytes).unwrap();
    let e = b.call("sync.import", json!({"path": tampered})).unwrap_err();
    assert_ne!(e.code(), "storage", "{e}");
    assert!(e.to_string().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e}");
    assert_eq!(persons(&b), ["王甲"]);

    // B's edit reaches A over the network.
    let pid: String = b.store().conn().query_row("SELECT id FROM person", [], |r| r.get(0)).unwrap();
    ok(&mut b, "person.update", json!({"id": pid, "phone": "13800000000"}));
    let s = ok(&mut b, "sync.network", json!({"url": base}));
    assert!(s["sent"]["changes"].as_u64().unwrap() >= 1);
    ok(&mut a, "sync.network", json!({"url": base}));
    let phone: String = a.store().conn().query_row("SELECT phone FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(phone, "13800000000");
    let st = ok(&mut a, "sync.status", json!({}));
    assert!(st["peers"][0]["last_sync_at"].is_string(), "{st}");

    // HQ builds the search entries of what the posts brought after replying to them.
    let probe = fengqiao_hq::open(&dir.path().join("hq")).unwrap();
    let hq_db = probe.store().conn();
    let queued = || -> i64 { hq_db.query_row("SELECT count(*) FROM search_pending", [], |r| r.get(0)).unwrap() };
    let t = std::time::Instant::now();
    while queued() > 0 {
        assert!(t.elapsed().as_secs() < 60, "HQ's search entries still queued after a minute");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let grams: i64 = hq_db.query_row("SELECT count(*) FROM search_gram WHERE gram = '王甲'", [], |r| r.get(0)).unwrap();
    assert_eq!(grams, 1);

    server.stop();

    // HQ gone: a clear Chinese error, and a bad address is a validation error on `url`.
    let e = a.call("sync.network", json!({"url": base})).unwrap_err();
    assert_eq!(e.code(), "network", "{e}");
    assert!(e.to_string().contains("无法连接县局服务"), "{e}");
    let e = a.call("sync.network", json!({"url": "县局"})).unwrap_err();
    assert_eq!((e.code(), e.field()), ("validation", Some("url")));
}

#[test]
fn enrollment_is_for_the_admin_and_syncing_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let clock = Arc::new(SystemClock);
    let mut admin = Api::create_admin(&db, clock.clone(), "admin", "Admin2026x").unwrap();
    ok(&mut admin, "user.create", json!({"login": "fujing", "password": "Start2026x", "role": "auxiliary"}));
    let mut aux = Api::open_as(&db, clock.clone(), "fujing", "Start2026x").unwrap();
    ok(&mut aux, "user.set_password", json!({"old_password": "Start2026x", "new_password": "Fujing2026x"}));

    let req = dir.path().join("req.fqreq");
    let e = aux.call("enroll.request", json!({"path": req})).unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    assert!(!req.exists());

    let mut hq = fengqiao_hq::open(&dir.path().join("hq")).unwrap();
    hq.hq_init("县公安局").unwrap();
    enroll(&mut admin, &mut hq, dir.path(), "青山警务室");

    // An auxiliary may carry the sealed bundle.
    let up = dir.path().join("up.fqsync");
    let s = ok(&mut aux, "sync.export", json!({"path": up}));
    assert_eq!(s["counter"], 1);
    let (_, reply) = hq.hq_exchange(&std::fs::read(&up).unwrap()).unwrap();
    let down = dir.path().join("down.fqsync");
    std::fs::write(&down, reply).unwrap();
    ok(&mut aux, "sync.import", json!({"path": down}));

    let log = ok(&mut admin, "audit.list", json!({"page_size": 500}));
    let rows = log["entries"].as_array().unwrap().clone();
    let has = |login: &str, detail: &str| {
        rows.iter().any(|r| r["login"] == login && r["detail"].as_str().is_some_and(|d| d.contains(detail)))
    };
    assert!(has("admin", "enroll.request"), "{log}");
    assert!(has("admin", "enroll.accept"), "{log}");
    assert!(has("fujing", "sync.export"), "{log}");
    assert!(has("fujing", "sync.import"), "{log}");
}
