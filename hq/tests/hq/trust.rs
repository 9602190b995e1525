//! What HQ and a post no longer take on trust, against the real HQ on loopback:
//! - a post's rows in another post's villages are refused at HQ (the rest of its bundle
//!   applied), reported to the post and to HQ's admin, and never delivered;
//! - a clock far ahead or behind is told so in plain words before it writes or syncs, and
//!   a change stamped in the future does not win over later real ones;
//! - a cut of the audit log's tail is recorded at the post and raised at HQ;
//! - HQ logs refused `/sync` and `/enroll` requests and limits `/enroll` per address.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;

use chrono::{Duration, Utc};
use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use fengqiao::store::write::s;
use serde_json::{Value, json};

use crate::loopback::Loopback;
use crate::process::{hq, serve_logging};

const VA: &str = "330326101201";
const VB: &str = "330326101202";

fn ok(api: &mut Api, method: &str, params: Value) -> Value {
    match api.call(method, params) {
        Ok(v) => v,
        Err(e) => panic!("{method} failed: {e} ({})", e.code()),
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn persons(api: &Api) -> Vec<String> {
    let mut stmt = api.store().conn().prepare("SELECT name FROM person ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// HQ's data folder in `dir`, and HQ's node made there.
fn county(dir: &Path) -> (std::path::PathBuf, Api) {
    let data = dir.join("hq");
    let mut hq = fengqiao_hq::open(&data).unwrap();
    hq.hq_init("县公安局").unwrap();
    (data, hq)
}

/// A post on its own clock (the real time unless the test moves it).
fn post(dir: &Path, name: &str) -> (Api, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    (Api::open(&dir.join(format!("{name}.db")), clock.clone()).unwrap(), clock)
}

fn enroll(api: &mut Api, hq: &mut Api, name: &str, village: &str) {
    let reply = hq.hq_enroll(&api.enroll_request(Some(name)).unwrap(), &[village.to_owned()]).unwrap();
    api.enroll_accept(&reply).unwrap();
}

/// HQ's open page (without a login).
fn page(server: &Loopback) -> String {
    ureq::get(&format!("{}/", server.base)).call().unwrap().body_mut().read_to_string().unwrap()
}

fn sync(api: &mut Api, base: &str) -> Value {
    ok(api, "sync.network", json!({ "url": base }))
}

#[test]
fn a_posts_rows_in_another_posts_villages_are_refused_at_hq_and_never_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let (data, mut hq) = county(dir.path());
    let (mut a, _) = post(dir.path(), "a");
    let (mut b, _) = post(dir.path(), "b");

    // Before B is enrolled nothing at the post can know its villages: B's auxiliary sets
    // up a village under A's code, with a resident.
    let bv = ok(&mut b, "village.create", json!({"name": "青山村", "code": VA}));
    let bh = ok(&mut b, "household.create", json!({"village_id": id(&bv), "house_no": "8"}));
    ok(&mut b, "person.create", json!({"household_id": id(&bh), "name": "李四", "residence": "permanent"}));
    enroll(&mut a, &mut hq, "山门警务室", VA);
    enroll(&mut b, &mut hq, "溪口警务室", VB);

    // Once enrolled, the post itself refuses a code outside its villages.
    let e = b.call("village.create", json!({"name": "东山村", "code": VA})).unwrap_err();
    assert_eq!(e.field(), Some("code"));
    assert!(e.to_string().contains("不在县局登记给本警务室的辖区"), "{e}");
    let own = ok(&mut b, "village.create", json!({"name": "溪口村", "code": VB}));
    let oh = ok(&mut b, "household.create", json!({"village_id": id(&own), "house_no": "3"}));
    ok(&mut b, "person.create", json!({"household_id": id(&oh), "name": "赵六", "residence": "permanent"}));
    let av = ok(&mut a, "village.create", json!({"name": "青山村", "code": VA}));
    let ah = ok(&mut a, "household.create", json!({"village_id": id(&av), "house_no": "1"}));
    ok(&mut a, "person.create", json!({"household_id": id(&ah), "name": "王甲", "residence": "permanent"}));

    let server = Loopback::start(hq);
    sync(&mut a, &server.base);
    let r = sync(&mut b, &server.base);
    // The village under A's code is refused, and what B placed in it with it; the rest of
    // B's bundle (its own village, household and resident) is taken.
    let refusals = r["received"]["refusals"].as_array().unwrap().clone();
    let refused: Vec<&str> = refusals.iter().map(|f| f["tbl"].as_str().unwrap()).collect();
    assert_eq!(refused, ["village", "person", "household"], "{r}");
    let village = &refusals[0];
    assert_eq!(village["row_id"], id(&bv));
    let reason = village["reason"].as_str().unwrap();
    assert!(reason.contains(VA) && reason.contains("不在县局登记给本警务室的辖区"), "{reason}");

    // A modified client moves B's own household into A's village: refused as it would
    // stand after the change, whatever it was before.
    b.store_mut().write(|tx| tx.update("household", &id(&oh), &[("village_id", s(&id(&av)))]).map(drop)).unwrap();
    let r = sync(&mut b, &server.base);
    let moved = &r["received"]["refusals"][0];
    assert_eq!(moved["tbl"], "household", "{r}");
    assert!(moved["reason"].as_str().unwrap().contains("所属村（社区）的区划代码"), "{moved}");

    sync(&mut a, &server.base);
    assert_eq!(persons(&a), ["王甲"], "nothing of B's reached A");
    let villages: i64 = a.store().conn().query_row("SELECT count(*) FROM village", [], |r| r.get(0)).unwrap();
    assert_eq!(villages, 1);

    // The post keeps the refusals; HQ lists them for its admin (`fengqiao-hq refusals`),
    // and its open page names no post.
    let st = ok(&mut b, "sync.status", json!({}));
    assert_eq!(st["refusals"].as_array().unwrap().len(), 4, "{st}");
    let page = page(&server);
    assert!(!page.contains("溪口警务室") && !page.contains(VA), "{page}");
    server.stop();
    let hq = fengqiao_hq::open(&data).unwrap();
    let listed = hq.sync_refusals(10).unwrap();
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|r| r.post_name == "溪口警务室"));
    assert_eq!(persons(&hq), ["王甲", "赵六"]);
}

#[test]
fn a_clock_far_ahead_is_told_and_its_future_stamps_do_not_win() {
    let dir = tempfile::tempdir().unwrap();
    let (data, mut hq) = county(dir.path());
    let (mut a, a_clock) = post(dir.path(), "a");
    let (mut b, _) = post(dir.path(), "b");
    enroll(&mut a, &mut hq, "山门警务室", VA);
    enroll(&mut b, &mut hq, "溪口警务室", VA);
    let v = ok(&mut a, "village.create", json!({"name": "青山村", "code": VA}));
    let h = ok(&mut a, "household.create", json!({"village_id": id(&v), "house_no": "1"}));
    let p = id(&ok(&mut a, "person.create", json!({"household_id": id(&h), "name": "王芳", "residence": "permanent"})));
    let server = Loopback::start(hq);
    sync(&mut a, &server.base);
    sync(&mut b, &server.base);
    assert_eq!(persons(&b), ["王芳"]);

    // A's clock jumps to 2099; a rename made then is refused at HQ with the reason.
    a_clock.set("2099-03-01T02:00:00Z".parse().unwrap());
    ok(&mut a, "person.update", json!({"id": p, "name": "王芳芳"}));
    let e = a.call("sync.network", json!({ "url": server.base })).unwrap_err();
    assert!(e.to_string().contains("本机时钟比县局快 约 72 年"), "{e}");

    // The clock put right: A is told before it writes, and one sync sets it straight.
    a_clock.set(Utc::now());
    let e = a.call("person.update", json!({"id": p, "phone": "13800000000"})).unwrap_err();
    assert_eq!(e.code(), "clock");
    assert!(e.to_string().contains("本机时钟") && e.to_string().contains("同步一次"), "{e}");
    let r = sync(&mut a, &server.base);
    let refused = &r["received"]["refusals"][0];
    assert_eq!((refused["tbl"].as_str(), refused["row_id"].as_str()), (Some("person"), Some(p.as_str())), "{r}");
    assert!(refused["reason"].as_str().unwrap().contains("比县局时钟快"), "{refused}");
    ok(&mut a, "person.update", json!({"id": p, "phone": "13800000000"}));

    // B renames her later, in real time: that rename wins everywhere, A included.
    ok(&mut b, "person.update", json!({"id": p, "name": "汪芳"}));
    sync(&mut b, &server.base);
    sync(&mut a, &server.base);
    assert_eq!(persons(&a), ["汪芳"]);
    server.stop();
    let hq = fengqiao_hq::open(&data).unwrap();
    let name: String = hq.store().conn().query_row("SELECT name FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "汪芳");
    let hlc: String = hq.store().meta("hlc").unwrap().unwrap();
    let wall = u64::from_str_radix(&hlc[..12], 16).unwrap();
    let now = Utc::now().timestamp_millis() as u64;
    assert!(wall <= now + fengqiao::model::hlc::SKEW_MS, "HQ's clock stays in the present: {hlc}");
}

#[test]
fn a_clock_far_behind_is_told_before_it_writes_or_takes_hqs_reply() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut hq) = county(dir.path());
    let (mut a, a_clock) = post(dir.path(), "a");
    let (mut c, c_clock) = post(dir.path(), "c");
    enroll(&mut a, &mut hq, "山门警务室", VA);
    enroll(&mut c, &mut hq, "溪口警务室", VB);
    ok(&mut a, "village.create", json!({"name": "青山村", "code": VA}));

    // A dead battery: the clock reads 2000. A has recorded later times: it will not write.
    a_clock.set("2000-01-01T00:00:00Z".parse().unwrap());
    let e = a.call("village.create", json!({"name": "东山村"})).unwrap_err();
    assert_eq!(e.code(), "clock");
    assert!(e.to_string().contains("早 约 26 年") || e.to_string().contains("早 约 27 年"), "{e}");
    let villages: i64 = a.store().conn().query_row("SELECT count(*) FROM village", [], |r| r.get(0)).unwrap();
    assert_eq!(villages, 1, "nothing written");

    // A new laptop at 2000 has recorded nothing yet: HQ's reply tells it.
    c_clock.set("2000-01-01T00:00:00Z".parse().unwrap());
    let server = Loopback::start(hq);
    let e = c.call("sync.network", json!({ "url": server.base })).unwrap_err();
    assert_eq!(e.code(), "clock");
    assert!(e.to_string().contains("本机时钟比县局慢"), "{e}");
    c_clock.set(Utc::now());
    sync(&mut c, &server.base);
    // Within the bound it is fine either way.
    a_clock.set(Utc::now() - Duration::minutes(50));
    sync(&mut a, &server.base);
    ok(&mut a, "village.create", json!({"name": "东山村"}));
    server.stop();
}

#[test]
fn a_cut_audit_tail_is_reported_at_the_post_and_at_hq() {
    let dir = tempfile::tempdir().unwrap();
    let (data, mut hq) = county(dir.path());
    let db = dir.path().join("post.db");
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let mut admin = Api::create_admin(&db, clock.clone(), "admin", "Admin2026x").unwrap();
    enroll(&mut admin, &mut hq, "山门警务室", VA);
    let server = Loopback::start(hq);
    ok(&mut admin, "village.create", json!({"name": "青山村", "code": VA}));
    sync(&mut admin, &server.base);
    for i in 0..4 {
        ok(&mut admin, "search", json!({ "text": format!("王{i}") }));
    }
    let last: i64 = admin.store().conn().query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)).unwrap();
    // Someone with the password and SQLCipher tools deletes the last three entries.
    admin.store().conn().execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
    admin.store().conn().execute("DELETE FROM audit_log WHERE seq > ?1", [last - 3]).unwrap();
    // The next entry finds the cut and records it first.
    ok(&mut admin, "search", json!({"text": "李"}));
    let e = admin.call("audit.verify", json!({})).unwrap_err();
    assert_eq!(e.code(), "audit_broken");
    assert!(e.to_string().contains(&format!("第 {}–{last} 条被删除", last - 2)), "{e}");
    let st = ok(&mut admin, "sync.status", json!({}));
    assert!(st["audit_alarms"][0]["message"].as_str().unwrap().contains("被删除"), "{st}");
    drop(admin);

    // HQ hears of it with the post's next sync.
    let mut admin = Api::open_as(&db, clock, "admin", "Admin2026x").unwrap();
    sync(&mut admin, &server.base);
    let page = page(&server);
    assert!(!page.contains("被删除"), "the open page names no post's alarm: {page}");
    server.stop();
    let alarms = fengqiao_hq::open(&data).unwrap().hq_audit_alarms(false).unwrap();
    assert!(alarms.iter().any(|a| a.message.contains(&format!("第 {}–{last} 条被删除", last - 2))), "{alarms:?}");
}

#[test]
fn hq_logs_refused_requests_and_limits_enrollment_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq(&data, &["init", "--name", "县公安局"]);
    let mut server = serve_logging(&data, &[], Stdio::piped());
    let base = server.base();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let post = |path: &str, body: &[u8]| {
        let mut r = agent.post(&format!("{base}{path}")).send(body).unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let (status, body) = post("/sync", b"not a bundle");
    assert_eq!(status, 400, "{body}");
    for _ in 0..fengqiao_hq::ENROLL_PER_WINDOW {
        let (status, body) = post("/enroll", br#"{"body":"{}","mac":"00"}"#);
        assert_eq!(status, 400, "{body}");
    }
    let (status, body) = post("/enroll", br#"{"body":"{}","mac":"00"}"#);
    assert_eq!(status, 429);
    assert!(body.contains("登记请求过于频繁"), "{body}");

    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut log = String::new();
    server.child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(log.contains("/sync 来自 127.0.0.1") && log.contains("同步包"), "{log}");
    assert_eq!(log.matches("/enroll 来自 127.0.0.1").count() as u32, fengqiao_hq::ENROLL_PER_WINDOW + 1, "{log}");
    assert!(log.contains("登记请求过于频繁"), "{log}");
}
