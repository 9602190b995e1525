//! The county console's core at HQ, on real files: an encrypted HQ database with county
//! logins (password, then a TOTP code), posts with demo data synced into it, and the `hq.*`
//! methods called through the per-call gate ([`Api::call_as`]) as each role.
//!
//! - logins: the phone's enrolment, a wrong and a replayed code, lockout, the admin's
//!   unlock and phone reset, idle timeout, logout;
//! - a station leader is refused another station's rows by the api itself (search, one
//!   record, statistics, the 督办 list, assignments), and the refusals are audited;
//! - a viewer never receives a resident's name, phone, address or ID number from any
//!   method it may call, and is refused every other;
//! - the county's figures equal the sum of the posts' own, per post as well;
//! - the 督办 list equals the posts' own overdue lists;
//! - a party to disputes at two posts raises both at HQ only (预警), the viewer getting
//!   counts alone; 疑似重复人员 of two posts decided either way; the county's warning rules
//!   reaching a post by sync, and its working-day calendar moving a post's 治安调解 deadline.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Duration;
use fengqiao::api::Api;
use fengqiao::api::county::{CountyLogin, LoginReply, Unlock};
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::otp;
use fengqiao::model::time::{Clock, FixedClock};
use serde_json::{Value, json};
use tempfile::TempDir;

const ADMIN_PW: &str = "Admin2026x";
const FIRST_PW: &str = "Start2026x";
const WORK_PW: &str = "Work2026xy";
const MONTH: &str = "2026-11";

struct PostNode {
    api: Api,
    id: String,
    station: usize,
}

/// HQ (encrypted, with a county admin) and posts with demo data, synced into it; the
/// posts are filed under stations.
struct County {
    dir: TempDir,
    clock: Arc<FixedClock>,
    hq: Api,
    posts: Vec<PostNode>,
    stations: Vec<String>,
    secrets: HashMap<String, Vec<u8>>,
    admin: String,
}

impl County {
    /// `stations[i]` posts in station `i`, each with `households` demo households.
    fn new(stations: &[usize], households: usize) -> County {
        fengqiao::docs::font::set_dir(common::source_fonts());
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at_date(common::today()));
        let path = dir.path().join("hq.db");
        Api::open(&path, clock.clone()).unwrap().hq_init("平安县公安局").unwrap();
        // First run: the admin, then the start passphrase (as `fengqiao-hq init --admin
        // admin --passphrase`); the server then opens by the passphrase.
        let mut first = Api::create_county_admin(&path, clock.clone(), "admin", ADMIN_PW).unwrap();
        first.set_operator_passphrase("Operator2026x").unwrap();
        drop(first);
        let unlock = Unlock::Passphrase("Operator2026x".into());
        let hq = Api::open_service(&path, clock.clone(), &unlock).unwrap();
        let mut county = County {
            dir,
            clock,
            hq,
            posts: Vec::new(),
            stations: Vec::new(),
            secrets: HashMap::new(),
            admin: String::new(),
        };
        county.admin = county.login("admin", ADMIN_PW);
        for (i, n) in stations.iter().enumerate() {
            let admin = county.admin.clone();
            let s = county.call(&admin, "hq.station_save", json!({"name": format!("第{}派出所", i + 1)}));
            county.stations.push(s["id"].as_str().unwrap().to_owned());
            for _ in 0..*n {
                county.add_post(i, households);
            }
        }
        for k in 0..county.posts.len() {
            county.sync(k);
        }
        county
    }

    fn add_post(&mut self, station: usize, households: usize) {
        let number = self.posts.len() as u32 + 1;
        let mut api = Api::open(&self.dir.path().join(format!("post{number}.db")), self.clock.clone()).unwrap();
        demo::generate_post(&mut api, DemoOptions { households, seed: u64::from(number) * 7 }, number).unwrap();
        let req = api.enroll_request(None).unwrap();
        let reply = self.hq.hq_enroll(&req, &demo::village_codes(number)).unwrap();
        api.enroll_accept(&reply).unwrap();
        let id = api.store().node_id().to_string();
        let admin = self.admin.clone();
        let station_id = self.stations[station].clone();
        self.call(&admin, "hq.post_update", json!({"id": id, "station_id": station_id}));
        self.posts.push(PostNode { api, id, station });
    }

    fn sync(&mut self, k: usize) {
        let up = self.posts[k].api.bundle_export().unwrap();
        let (_, reply) = self.hq.hq_exchange(&up).unwrap();
        self.posts[k].api.bundle_import(&reply).unwrap();
    }

    /// Logs in with the password and the phone's code (enrolling the phone the first
    /// time); a code works once, so the clock moves to the next step first.
    fn login(&mut self, login: &str, password: &str) -> String {
        self.clock.advance(Duration::seconds(31));
        let first = self.hq.login(req(login, password, None)).unwrap();
        match first {
            LoginReply::OtpEnrol { secret, otpauth_url, .. } => {
                assert!(otpauth_url.starts_with("otpauth://totp/"));
                self.secrets.insert(login.to_owned(), otp::secret_from_text(&secret).unwrap());
            }
            LoginReply::OtpRequired { .. } => {}
            LoginReply::LoggedIn { .. } => panic!("logged in without a second factor"),
        }
        let code = self.code(login);
        match self.hq.login(req(login, password, Some(&code))).unwrap() {
            LoginReply::LoggedIn { token, session } => {
                assert_eq!(session.login, login);
                token
            }
            other => panic!("{other:?}"),
        }
    }

    fn code(&self, login: &str) -> String {
        otp::code_at(&self.secrets[login], self.clock.now().timestamp() as u64).unwrap()
    }

    /// A new county login made by the admin, logged in, its initial password changed.
    fn user(&mut self, login: &str, role: &str, station: Option<usize>) -> String {
        let admin = self.admin.clone();
        let station_id = station.map(|s| self.stations[s].clone());
        self.call(
            &admin,
            "hq.user_create",
            json!({"login": login, "password": FIRST_PW, "role": role, "station_id": station_id}),
        );
        let token = self.login(login, FIRST_PW);
        let e = self.refused(&token, "hq.overview", json!({}));
        assert_eq!(e["code"], "password_change_required");
        self.call(&token, "hq.password", json!({"old_password": FIRST_PW, "new_password": WORK_PW}));
        token
    }

    fn call(&mut self, token: &str, method: &str, params: Value) -> Value {
        match self.hq.call_as(token, method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {e} ({})", e.code()),
        }
    }

    fn refused(&mut self, token: &str, method: &str, params: Value) -> Value {
        match self.hq.call_as(token, method, params) {
            Ok(v) => panic!("{method} should have been refused, got {v}"),
            Err(e) => serde_json::to_value(e.to_reply()).unwrap(),
        }
    }

    /// Every page of a paged `hq.*` list.
    fn all_pages(&mut self, token: &str, method: &str, mut params: Value, at: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            params["page"] = json!(page);
            params["page_size"] = json!(500);
            let reply = self.call(token, method, params.clone());
            let p = if at.is_empty() { &reply } else { &reply[at] };
            out.extend(p["items"].as_array().unwrap().iter().cloned());
            if out.len() as i64 >= p["total"].as_i64().unwrap() {
                break;
            }
        }
        out
    }

    fn post_ids(&self, station: usize) -> BTreeSet<String> {
        self.posts.iter().filter(|p| p.station == station).map(|p| p.id.clone()).collect()
    }
}

fn req(login: &str, password: &str, otp: Option<&str>) -> CountyLogin {
    CountyLogin { login: login.into(), password: password.into(), otp: otp.map(str::to_owned) }
}

fn strs(v: &Value, key: &str) -> BTreeSet<String> {
    v.as_array().unwrap().iter().filter_map(|x| x[key].as_str().map(str::to_owned)).collect()
}

fn audit_entries(county: &mut County, login: &str, action: &str) -> Vec<Value> {
    let admin = county.admin.clone();
    let page = county.call(&admin, "hq.audit", json!({"login": login, "action": action, "page_size": 200}));
    page["entries"].as_array().cloned().unwrap_or_default()
}

#[test]
fn county_logins_take_a_password_then_a_phone_code_and_lock_after_five_failures() {
    let mut c = County::new(&[1], 5);
    let admin = c.admin.clone();
    c.call(&admin, "hq.user_create", json!({"login": "wangdu", "password": FIRST_PW, "role": "supervisor"}));

    // A wrong password says nothing about the second factor.
    let e = c.hq.login(req("wangdu", "Wrong2026x", None)).unwrap_err();
    assert_eq!(e.to_string(), "用户名或密码错误");
    // The right one asks the phone to enrol: a secret to scan, not yet a session.
    let LoginReply::OtpEnrol { secret, .. } = c.hq.login(req("wangdu", FIRST_PW, None)).unwrap() else { panic!() };
    let secret = otp::secret_from_text(&secret).unwrap();
    // Asking again shows the same secret (a page reload does not change the QR code).
    let LoginReply::OtpEnrol { secret: again, .. } = c.hq.login(req("wangdu", FIRST_PW, None)).unwrap() else {
        panic!()
    };
    assert_eq!(otp::secret_from_text(&again).unwrap(), secret);
    let clock = c.clock.clone();
    let now = || clock.now().timestamp() as u64;
    let wrong = format!("{:06}", (otp::code_at(&secret, now()).unwrap().parse::<u32>().unwrap() + 1) % 1_000_000);
    let e = c.hq.login(req("wangdu", FIRST_PW, Some(&wrong))).unwrap_err();
    assert!(e.to_string().contains("动态口令不正确"), "{e}");
    let code = otp::code_at(&secret, now()).unwrap();
    let LoginReply::LoggedIn { token, session } = c.hq.login(req("wangdu", FIRST_PW, Some(&code))).unwrap() else {
        panic!()
    };
    assert!(session.must_change_password);
    assert_eq!(session.role.as_str(), "supervisor");
    // The same code again, within its step: refused (a code works once).
    let e = c.hq.login(req("wangdu", FIRST_PW, Some(&code))).unwrap_err();
    assert!(e.to_string().contains("已经用过"), "{e}");
    // From now on the phone is asked for, not enrolled.
    c.clock.advance(Duration::seconds(30));
    assert!(matches!(c.hq.login(req("wangdu", FIRST_PW, None)).unwrap(), LoginReply::OtpRequired { .. }));
    c.call(&token, "hq.password", json!({"old_password": FIRST_PW, "new_password": WORK_PW}));
    assert_eq!(c.call(&token, "hq.session", json!({}))["must_change_password"], false);

    // Four wrong passwords and a wrong code lock the login for 15 minutes.
    for _ in 0..4 {
        assert!(c.hq.login(req("wangdu", "Wrong2026x", None)).is_err());
    }
    c.clock.advance(Duration::seconds(30));
    let e = c.hq.login(req("wangdu", WORK_PW, Some("000000"))).unwrap_err();
    assert!(e.to_string().contains("锁定"), "the fifth failure locks: {e}");
    let code = otp::code_at(&secret, now()).unwrap();
    let e = c.hq.login(req("wangdu", WORK_PW, Some(&code))).unwrap_err();
    assert!(e.to_string().contains("锁定"), "even the right password and code: {e}");
    let users = c.call(&admin, "hq.users", json!({}));
    let wang = users.as_array().unwrap().iter().find(|u| u["login"] == "wangdu").unwrap().clone();
    assert!(wang["locked_until"].is_string());
    assert_eq!(wang["totp_enrolled"], true);
    // Failures are audited with the login (five, plus the one before enrolment).
    assert!(audit_entries(&mut c, "wangdu", "login_failed").len() >= 6);
    c.call(&admin, "hq.user_unlock", json!({"login": "wangdu"}));
    c.clock.advance(Duration::seconds(30));
    let code = otp::code_at(&secret, now()).unwrap();
    assert!(matches!(c.hq.login(req("wangdu", WORK_PW, Some(&code))).unwrap(), LoginReply::LoggedIn { .. }));

    // A lost phone: the admin resets it; the old phone's codes stop working and the next
    // login enrols a new one. The login's sessions end.
    let viewer_refused = c.refused(&token, "hq.user_reset_totp", json!({"login": "wangdu"}));
    assert_eq!(viewer_refused["code"], "forbidden");
    c.call(&admin, "hq.user_reset_totp", json!({"login": "wangdu"}));
    assert_eq!(c.refused(&token, "hq.session", json!({}))["code"], "unauthenticated");
    c.clock.advance(Duration::seconds(30));
    let old = otp::code_at(&secret, now()).unwrap();
    let e = c.hq.login(req("wangdu", WORK_PW, Some(&old))).unwrap_err();
    assert!(e.to_string().contains("动态口令不正确"), "the old phone's code: {e}");
    let LoginReply::OtpEnrol { secret: fresh, .. } = c.hq.login(req("wangdu", WORK_PW, None)).unwrap() else {
        panic!()
    };
    let fresh = otp::secret_from_text(&fresh).unwrap();
    assert_ne!(fresh, secret);
    c.secrets.insert("wangdu".into(), fresh);

    // Idle for more than 15 minutes: the session ends, audited as a timeout.
    let t = c.login("wangdu", WORK_PW);
    c.clock.advance(Duration::minutes(16));
    let e = c.refused(&t, "hq.session", json!({}));
    assert_eq!(e["code"], "unauthenticated");
    let admin = c.login("admin", ADMIN_PW);
    c.admin = admin.clone();
    let timeouts = audit_entries(&mut c, "wangdu", "logout");
    assert!(timeouts.iter().any(|e| e["detail"] == "会话超时"), "{timeouts:?}");
    // Logging out ends the session too.
    let t = c.login("wangdu", WORK_PW);
    c.hq.logout(&t).unwrap();
    assert_eq!(c.refused(&t, "hq.session", json!({}))["code"], "unauthenticated");
    // A disabled login cannot log in.
    c.call(&admin, "hq.user_disable", json!({"login": "wangdu"}));
    assert_eq!(c.hq.login(req("wangdu", WORK_PW, None)).unwrap_err().code(), "unauthenticated");
}

/// Every resident's name, ID number, phone and address in the posts' own databases.
fn personal_data(c: &County) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in &c.posts {
        let conn = p.api.store().conn();
        let mut stmt = conn.prepare("SELECT name, id_number, phone, address FROM person").unwrap();
        for row in
            stmt.query_map([], |r| Ok([r.get::<_, Option<String>>(0)?, r.get(1)?, r.get(2)?, r.get(3)?])).unwrap()
        {
            out.extend(row.unwrap().into_iter().flatten().filter(|s| s.chars().count() >= 2));
        }
        let mut stmt = conn.prepare("SELECT address FROM household WHERE address IS NOT NULL").unwrap();
        out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
        let mut stmt = conn.prepare("SELECT name FROM party WHERE name IS NOT NULL").unwrap();
        out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    out
}

#[test]
fn a_station_leader_is_refused_another_stations_rows_by_the_api_itself() {
    let mut c = County::new(&[2, 2], 25);
    let leader = c.user("lisuo", "station_leader", Some(0));
    let sup = c.user("zhaodu", "supervisor", None);
    let mine = c.post_ids(0);
    let theirs = c.post_ids(1);
    let other_k = c.posts.iter().position(|p| p.station == 1).unwrap();
    let other = &c.posts[other_k];
    let (name, person_id): (String, String) = other
        .api
        .store()
        .conn()
        .query_row("SELECT name, id FROM person WHERE deleted_at IS NULL ORDER BY id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let dispute_id: String = other
        .api
        .store()
        .conn()
        .query_row("SELECT id FROM dispute WHERE deleted_at IS NULL ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let my_dispute: String = c
        .posts
        .iter()
        .find(|p| p.station == 0)
        .unwrap()
        .api
        .store()
        .conn()
        .query_row("SELECT id FROM dispute WHERE deleted_at IS NULL ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();

    // Posts: only the station's own.
    let posts = c.call(&leader, "hq.posts", json!({}));
    assert_eq!(strs(&posts["items"], "id"), mine);
    let overview = c.call(&leader, "hq.overview", json!({}));
    assert_eq!(strs(&overview["posts"]["items"], "id"), mine);

    // Search: the other station's resident is not found by the leader, but by the
    // supervisor (the control).
    let hits = c.call(&leader, "hq.search", json!({"text": name, "page_size": 200}));
    assert!(!strs(&hits["hits"], "person_id").contains(&person_id), "the leader found {name}");
    let hits = c.call(&sup, "hq.search", json!({"text": name, "page_size": 200}));
    assert!(strs(&hits["hits"], "person_id").contains(&person_id), "the supervisor finds {name}");
    // Nor by ID number or phone.
    let (idn, phone): (Option<String>, Option<String>) = c.posts[other_k]
        .api
        .store()
        .conn()
        .query_row("SELECT id_number, phone FROM person WHERE id = ?1", [&person_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    for text in [idn, phone].into_iter().flatten() {
        let hits = c.call(&leader, "hq.search", json!({"text": text}));
        assert_eq!(hits["total"], 0, "{text}: {hits}");
    }

    // One record: refused (and audited as denied); the supervisor reads it.
    for (table, id) in [("person", &person_id), ("dispute", &dispute_id)] {
        let e = c.refused(&leader, "hq.record", json!({"table": table, "id": id}));
        assert_eq!(e["code"], "forbidden", "{table}");
        let r = c.call(&sup, "hq.record", json!({"table": table, "id": id}));
        assert_eq!(r["record"]["id"], *id);
        assert!(theirs.contains(r["post_id"].as_str().unwrap()));
    }
    let r = c.call(&leader, "hq.record", json!({"table": "dispute", "id": my_dispute}));
    assert!(mine.contains(r["post_id"].as_str().unwrap()));
    let denied = audit_entries(&mut c, "lisuo", "denied");
    assert!(denied.iter().any(|e| e["row_id"] == person_id.as_str()), "{denied:?}");
    let viewed = audit_entries(&mut c, "lisuo", "view");
    assert!(viewed.iter().any(|e| e["row_id"] == my_dispute.as_str()), "{viewed:?}");

    // Statistics: the station's posts only; another station's post is refused.
    let s = c.call(&leader, "hq.stats", json!({"month": MONTH}));
    let by_post: BTreeSet<String> =
        s["by_post"].as_array().unwrap().iter().filter_map(|p| p["post_id"].as_str().map(str::to_owned)).collect();
    assert_eq!(by_post, mine);
    let own: i64 = c
        .posts
        .iter_mut()
        .filter(|p| p.station == 0)
        .map(|p| p.api.call("stats.month", json!({"month": MONTH})).unwrap()["disputes"]["received"].as_i64().unwrap())
        .sum();
    assert_eq!(s["total"]["disputes"]["received"].as_i64().unwrap(), own);
    let their_post = theirs.iter().next().unwrap().clone();
    let denied_on =
        |c: &mut County, id: &str| audit_entries(c, "lisuo", "denied").iter().filter(|e| e["row_id"] == id).count();
    let before = denied_on(&mut c, &dispute_id);
    for (m, p) in [
        ("hq.stats", json!({"month": MONTH, "post_id": their_post})),
        ("hq.stats_records", json!({"month": MONTH, "figure": "received", "post_id": their_post})),
        ("hq.overdue", json!({"post_id": their_post})),
        ("hq.assign", json!({"post_id": their_post, "table": "dispute", "id": my_dispute})),
        ("hq.assign", json!({"post_id": mine.iter().next().unwrap(), "table": "dispute", "id": dispute_id})),
    ] {
        assert_eq!(c.refused(&leader, m, p.clone())["code"], "forbidden", "{m} {p}");
    }
    // The assignment's write and entry share a transaction, rolled back on the refusal; the
    // refusal's own entry outlives it.
    assert_eq!(denied_on(&mut c, &dispute_id), before + 1, "a refused assignment is audited as denied");
    // The records behind a figure, and the 督办 list: the station's posts only.
    let behind = c.all_pages(&leader, "hq.stats_records", json!({"month": MONTH, "figure": "received"}), "");
    assert!(!behind.is_empty());
    assert!(behind.iter().all(|r| mine.contains(r["post_id"].as_str().unwrap())));
    let overdue = c.all_pages(&leader, "hq.overdue", json!({}), "page");
    assert!(overdue.iter().all(|i| mine.contains(i["post_id"].as_str().unwrap())));
    let all = c.all_pages(&sup, "hq.overdue", json!({}), "page");
    assert!(all.iter().any(|i| theirs.contains(i["post_id"].as_str().unwrap())), "the control sees the others'");

    // The leader acts within the station: assigns its dispute to its other post.
    let other_mine = mine.iter().nth(1).unwrap().clone();
    let a = c.call(&leader, "hq.assign", json!({"post_id": other_mine, "table": "dispute", "id": my_dispute}));
    assert_eq!(a["post"], other_mine);
    let listed = c.call(&leader, "hq.assignments", json!({}));
    assert_eq!(strs(&listed["items"], "id"), BTreeSet::from([a["id"].as_str().unwrap().to_owned()]));
    // The supervisor's assignment to another station is not the leader's to see or undo.
    let b = c.call(&sup, "hq.assign", json!({"post_id": their_post, "table": "dispute", "id": dispute_id}));
    assert_eq!(c.call(&leader, "hq.assignments", json!({}))["total"], 1);
    assert_eq!(c.refused(&leader, "hq.unassign", json!({"id": b["id"]}))["code"], "forbidden");
    // Account management is the admin's.
    assert_eq!(c.refused(&leader, "hq.users", json!({}))["code"], "forbidden");
    // And a post's own methods are no county login's.
    assert_eq!(c.refused(&sup, "person.get", json!({"id": person_id}))["code"], "forbidden");
}

/// Plausible parameters for each county method, for calling them as a viewer.
fn params_for(method: &str, c: &County, out: &Path) -> Value {
    let post = c.posts[0].id.clone();
    let station = c.stations[0].clone();
    match method {
        "hq.stats" => json!({"month": MONTH}),
        "hq.stats_export" => json!({"month": MONTH, "path": out.join("county.pdf")}),
        "hq.stats_records" => json!({"month": MONTH, "figure": "received"}),
        "hq.overdue_export" => json!({"path": out.join("overdue.xlsx")}),
        "hq.search" => json!({"text": "王"}),
        "hq.record" | "hq.unassign" => json!({"table": "person", "id": "x"}),
        "hq.assign" => json!({"post_id": post, "table": "dispute", "id": "x"}),
        "hq.password" => json!({"old_password": WORK_PW, "new_password": "Other2026xy"}),
        "hq.alarm_seen" => json!({"id": 1, "reason": "已查明"}),
        "hq.post_update" => json!({"id": post, "name": "改名"}),
        "hq.enroll_code" => json!({"villages": ["330326999201"], "station_id": station}),
        "hq.station_save" => json!({"name": "新派出所"}),
        "hq.user_create" => json!({"login": "newone", "password": FIRST_PW, "role": "viewer"}),
        "hq.user_disable" | "hq.user_unlock" | "hq.user_reset_totp" => json!({"login": "admin"}),
        "hq.user_reset_password" => json!({"login": "admin", "new_password": FIRST_PW}),
        _ => json!({}),
    }
}

#[test]
fn a_viewer_never_receives_a_name_phone_address_or_id_number() {
    let mut c = County::new(&[1, 1], 25);
    let viewer = c.user("tongji", "viewer", None);
    let personal = personal_data(&c);
    assert!(personal.len() > 100, "the posts hold residents to look for");
    let out = tempfile::tempdir().unwrap();
    let mut allowed = BTreeSet::new();
    let mut replies = String::new();
    for m in Api::methods().iter().filter(|m| m.name.starts_with("hq.")) {
        let params = params_for(m.name, &c, out.path());
        match c.hq.call_as(&viewer, m.name, params) {
            Ok(v) => {
                allowed.insert(m.name);
                replies.push_str(&v.to_string());
            }
            Err(e) => assert_eq!(e.code(), "forbidden", "{}: {e}", m.name),
        }
    }
    let want: BTreeSet<&str> = [
        "hq.session",
        "hq.password",
        "hq.overview",
        "hq.stats",
        "hq.stats_export",
        "hq.posts",
        "hq.stations",
        "hq.warning_counts",
        // The working-day calendar: public holidays, no resident.
        "hq.calendar",
    ]
    .into();
    assert_eq!(allowed, want);
    // The file it exported, read back as text.
    let pdf = std::process::Command::new("pdftotext").arg(out.path().join("county.pdf")).arg("-").output().unwrap();
    assert!(pdf.status.success());
    let pdf = String::from_utf8(pdf.stdout).unwrap();
    assert!(pdf.contains("受理"), "the report has its figures");
    replies.push_str(&pdf);
    let leaked: Vec<&String> = personal.iter().filter(|p| replies.contains(p.as_str())).collect();
    assert!(leaked.is_empty(), "a viewer received personal data: {leaked:?}");
    // The control: the same scan finds them in what a supervisor receives.
    let sup = c.user("zhaodu", "supervisor", None);
    let page = c.call(&sup, "hq.stats_records", json!({"month": MONTH, "figure": "received"}));
    let first = page["items"][0]["id"].as_str().unwrap().to_owned();
    let r = c.call(&sup, "hq.record", json!({"table": "dispute", "id": first})).to_string();
    assert!(personal.iter().any(|p| r.contains(p.as_str())), "the scan would have caught a name");
}

/// The month's figures a post computes of itself, as (name, value) pairs.
fn figures(s: &Value) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (group, keys) in [
        ("disputes", &["received", "mediated", "settled", "failed", "amount_received", "amount_settled"][..]),
        ("agreements", &["people", "security", "oral"][..]),
        ("follow_ups", &["due", "done", "overdue", "held"][..]),
        ("errands", &["accepted", "done", "overdue"][..]),
    ] {
        for k in keys {
            out.insert(format!("{group}.{k}"), s[group][k].as_f64().unwrap());
        }
    }
    let incidents = s.get("incidents_total").or_else(|| s.get("incidents")).unwrap();
    out.insert("incidents".into(), incidents.as_f64().unwrap());
    out.insert("visits".into(), s["visits"].as_f64().unwrap());
    out
}

#[test]
fn the_county_figures_equal_the_sum_of_the_posts_own() {
    let mut c = County::new(&[2, 1], 40);
    let sup = c.user("zhaodu", "supervisor", None);
    let county = c.call(&sup, "hq.stats", json!({"month": MONTH}));
    let mut sum: BTreeMap<String, f64> = BTreeMap::new();
    let mut prevention: BTreeMap<String, f64> = BTreeMap::new();
    for k in 0..c.posts.len() {
        let own = c.posts[k].api.call("stats.month", json!({"month": MONTH})).unwrap();
        for (name, v) in figures(&own) {
            *sum.entry(name).or_default() += v;
        }
        for (name, v) in own["prevention"].as_object().unwrap() {
            if let Some(v) = v.as_f64() {
                *prevention.entry(name.clone()).or_default() += v;
            }
        }
        // The post's share in the county's breakdown is its own figures.
        let id = c.posts[k].id.clone();
        let share = county["by_post"].as_array().unwrap().iter().find(|p| p["post_id"] == id.as_str()).unwrap();
        assert_eq!(figures(&share["figures"]), figures(&own), "post {k}");
    }
    assert!(sum["disputes.received"] > 0.0 && sum["errands.accepted"] > 0.0, "the demo month has figures: {sum:?}");
    assert_eq!(figures(&county["total"]), sum);
    for (name, v) in prevention {
        let got = county["total"]["prevention"][&name].as_f64().unwrap();
        // Hours are rounded to a tenth by each database.
        assert!((got - v).abs() <= 0.05 * c.posts.len() as f64, "prevention.{name}: county {got}, posts {v}");
    }
    // Nothing is left unattributed, and the villages add up to the total too.
    assert!(county["by_post"].as_array().unwrap().iter().all(|p| p["post_id"].is_string()));
    let villages: f64 = county["by_village"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["figures"]["disputes"]["received"].as_f64().unwrap())
        .sum();
    assert_eq!(villages, sum["disputes.received"]);
    // The trend ends with this month; a station's figures are the sum of its posts'.
    let trend = county["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 6);
    assert_eq!(trend[5]["month"], MONTH);
    assert_eq!(trend[5]["figures"]["disputes"], county["total"]["disputes"]);
    let station = c.call(&sup, "hq.stats", json!({"month": MONTH, "station_id": c.stations[1]}));
    let lone = c.posts.iter_mut().find(|p| p.station == 1).unwrap();
    let own = lone.api.call("stats.month", json!({"month": MONTH})).unwrap();
    assert_eq!(figures(&station["total"]), figures(&own));
    // The records behind a figure are as many as the figure says.
    let settled = c.all_pages(&sup, "hq.stats_records", json!({"month": MONTH, "figure": "settled"}), "");
    assert_eq!(settled.len() as f64, sum["disputes.settled"]);
    // Exported: a PDF whose text carries the county's figures, and an xlsx with a sheet by post.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("m.pdf");
    c.call(&sup, "hq.stats_export", json!({"month": MONTH, "path": pdf}));
    let text =
        String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    assert!(text.contains("平安县公安局"), "{text}");
    let xlsx: PathBuf = dir.path().join("m.xlsx");
    let w = c.call(&sup, "hq.stats_export", json!({"month": MONTH, "path": xlsx}));
    assert_eq!(w["count"], 3);
}

#[test]
fn the_overdue_list_equals_the_posts_own_overdue_lists() {
    let mut c = County::new(&[2, 1], 40);
    let sup = c.user("zhaodu", "supervisor", None);
    let items = c.all_pages(&sup, "hq.overdue", json!({}), "page");
    let mut at_hq: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for i in &items {
        at_hq
            .entry(i["post_id"].as_str().unwrap().to_owned())
            .or_default()
            .insert((i["kind"].as_str().unwrap().to_owned(), i["item_id"].as_str().unwrap().to_owned()));
    }
    let mut total = 0;
    for p in &mut c.posts {
        let mut own = BTreeSet::new();
        for (method, kind, key) in [
            ("dispute.overdue_fulfilments", "fulfilment", "agreement_id"),
            ("followup.due", "follow_up", "id"),
            ("errand.overdue", "errand", "id"),
            ("hazard.overdue", "hazard", "id"),
        ] {
            for i in p.api.call(method, json!({})).unwrap().as_array().unwrap() {
                own.insert((kind.to_owned(), i[key].as_str().unwrap().to_owned()));
            }
        }
        total += own.len();
        assert_eq!(at_hq.remove(&p.id).unwrap_or_default(), own, "post {}", p.id);
    }
    assert!(at_hq.is_empty(), "items of no post: {at_hq:?}");
    assert!(total > 0, "the demo data has overdue items");
    let kinds: BTreeSet<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    // Sorted, most overdue first; filtered by kind and post; exported whole.
    let days: Vec<i64> = items.iter().map(|i| i["days_overdue"].as_i64().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]));
    let errands = c.call(&sup, "hq.overdue", json!({"kind": "errand", "post_id": c.posts[0].id}));
    let own_errands = c.posts[0].api.call("errand.overdue", json!({})).unwrap();
    assert_eq!(errands["page"]["total"].as_u64().unwrap() as usize, own_errands.as_array().unwrap().len());
    let dir = tempfile::tempdir().unwrap();
    let w = c.call(&sup, "hq.overdue_export", json!({"path": dir.path().join("督办.xlsx")}));
    assert_eq!(w["count"].as_u64().unwrap() as usize, items.len());
}

impl County {
    /// A village of post `k` (its first).
    fn village(&self, k: usize) -> String {
        self.posts[k]
            .api
            .store()
            .conn()
            .query_row("SELECT id FROM village WHERE deleted_at IS NULL ORDER BY id LIMIT 1", [], |r| r.get(0))
            .unwrap()
    }

    /// A resident of post `k`, made at the post.
    fn resident(&mut self, k: usize, fields: Value) -> String {
        let p = self.posts[k].api.call("person.create", fields).unwrap();
        p["id"].as_str().unwrap().to_owned()
    }

    /// A neighbours' dispute at post `k` between `first` and a stranger (`first` as a
    /// party's fields: a resident's `person_id`, or a name and ID number typed in).
    fn dispute(&mut self, k: usize, title: &str, first: Value) -> String {
        let village = self.village(k);
        let mut applicant = first;
        applicant["role"] = json!("applicant");
        let other = ["赵六", "孙七"][k % 2];
        let d = self.posts[k]
            .api
            .call(
                "dispute.create",
                json!({"source": "walk_in", "kind": "neighbour", "title": title, "village_id": village,
                       "facts": "两家因排水沟争执", "parties": [applicant,
                       {"role": "respondent", "name": other, "sex": "male", "age": 40}]}),
            )
            .unwrap();
        d["id"].as_str().unwrap().to_owned()
    }

    fn post_name(&mut self, k: usize) -> String {
        let id = self.posts[k].id.clone();
        let admin = self.admin.clone();
        let posts = self.call(&admin, "hq.posts", json!({"page_size": 500}));
        let p = posts["items"].as_array().unwrap().iter().find(|p| p["id"] == id.as_str()).unwrap().clone();
        p["name"].as_str().unwrap().to_owned()
    }
}

/// 钱溪's ID number: a party at both posts.
const QIAN: &str = "11010519491231002X";

#[test]
fn a_party_to_disputes_at_two_posts_raises_both_at_hq_only() {
    let mut c = County::new(&[1, 1], 5);
    // Post 1 types 钱溪 in by name and ID number; post 2 links its own resident 钱溪.
    let here = c.dispute(0, "钱溪与邻居排水纠纷", json!({"name": "钱溪", "id_number": QIAN}));
    let qian = c.resident(1, json!({"name": "钱溪", "id_number": QIAN, "residence": "permanent"}));
    let there = c.dispute(1, "钱溪与邻居宅基地纠纷", json!({"person_id": qian}));
    c.sync(0);
    c.sync(1);
    let names = [c.post_name(0), c.post_name(1)];

    // At each post the dispute has nothing to say about the other: a post holds only its own.
    for (k, d) in [(0, &here), (1, &there)] {
        let risk = c.posts[k].api.call("dispute.get", json!({"id": d})).unwrap()["risk"].clone();
        let reasons = risk["reasons"].as_array().unwrap();
        assert!(reasons.iter().all(|r| r["signal"] != "cross_post"), "post {k}: {risk}");
        let list = c.posts[k].api.call("warning.list", json!({})).unwrap().to_string();
        assert!(!list.contains(&names[1 - k]), "post {k} names the other post: {list}");
    }

    // At HQ each names the other post's record.
    let sup = c.user("zhaodu", "supervisor", None);
    let page = c.call(&sup, "hq.warnings", json!({"page_size": 500}));
    for (k, mine, theirs) in [(0, &here, &there), (1, &there, &here)] {
        let item = page["items"].as_array().unwrap().iter().find(|w| w["dispute_id"] == mine.as_str());
        let item = item.unwrap_or_else(|| panic!("post {k}'s dispute is not on the county's list: {page}"));
        assert_eq!(item["post_name"], names[k].as_str());
        assert!(item["village_name"].is_string(), "{item}");
        let cross = item["risk"]["reasons"].as_array().unwrap().iter().find(|r| r["signal"] == "cross_post");
        let cross = cross.unwrap_or_else(|| panic!("no cross-post reason: {item}"));
        assert!(cross["text"].as_str().unwrap().contains(&format!("在{}另涉纠纷1件", names[1 - k])), "{cross}");
        assert_eq!(cross["records"][0]["id"], theirs.as_str());
        assert_eq!(cross["records"][0]["post_name"], names[1 - k].as_str());
        assert!(item["risk"]["level"].is_string(), "{item}");
    }
    // Filtered by post and by level.
    let p0 = c.posts[0].id.clone();
    let only = c.call(&sup, "hq.warnings", json!({"post_id": p0, "page_size": 500}));
    assert!(only["items"].as_array().unwrap().iter().all(|w| w["post_id"] == p0.as_str()));
    assert!(only["items"].as_array().unwrap().iter().any(|w| w["dispute_id"] == here.as_str()));
    let level =
        page["items"].as_array().unwrap().iter().find(|w| w["dispute_id"] == here.as_str()).unwrap()["risk"]["level"]
            .clone();
    let same = c.call(&sup, "hq.warnings", json!({"level": level, "page_size": 500}));
    assert!(same["items"].as_array().unwrap().iter().all(|w| w["risk"]["level"] == level));
    assert!(same["items"].as_array().unwrap().iter().any(|w| w["dispute_id"] == here.as_str()));
    // The view is audited as a list.
    let listed = audit_entries(&mut c, "zhaodu", "list");
    assert!(listed.iter().any(|e| e["detail"].as_str().unwrap_or("").starts_with("hq.warnings")), "{listed:?}");

    // A station leader sees the station's post only, and no reason names a record out of scope.
    let leader = c.user("lisuo", "station_leader", Some(0));
    let theirs = c.post_ids(1);
    let mine = c.call(&leader, "hq.warnings", json!({"page_size": 500}));
    let text = mine.to_string();
    assert!(mine["items"].as_array().unwrap().iter().all(|w| w["post_id"] == p0.as_str()), "{text}");
    assert!(
        !text.contains(&names[1]) && !text.contains(there.as_str()),
        "the leader is told of the other station: {text}"
    );
    let p1 = theirs.iter().next().unwrap().clone();
    assert_eq!(c.refused(&leader, "hq.warnings", json!({"post_id": p1}))["code"], "forbidden");

    // A viewer: refused the list, given the counts, and no name or ID number.
    let viewer = c.user("tongji", "viewer", None);
    assert_eq!(c.refused(&viewer, "hq.warnings", json!({}))["code"], "forbidden");
    let counts = c.call(&viewer, "hq.warning_counts", json!({}));
    let at = |v: &Value| v["red"].as_u64().unwrap() + v["orange"].as_u64().unwrap() + v["yellow"].as_u64().unwrap();
    assert_eq!(at(&counts["total"]), page["total"].as_u64().unwrap());
    let per_post: u64 = counts["by_post"].as_array().unwrap().iter().map(|p| at(&p["counts"])).sum();
    assert_eq!(per_post, at(&counts["total"]));
    let shown = counts.to_string();
    for secret in ["钱溪", QIAN, "排水纠纷", here.as_str()] {
        assert!(!shown.contains(secret), "the viewer received {secret}: {shown}");
    }
}

#[test]
fn suspected_duplicates_of_two_posts_are_decided_once_either_way_and_audited() {
    let mut c = County::new(&[1, 1], 5);
    // 周桥: the same ID number at both posts; 孙口: the same name and birth date, no number.
    let zhou0 = c.resident(0, json!({"name": "周桥", "id_number": "330326196503120017", "residence": "permanent"}));
    let zhou1 = c.resident(1, json!({"name": "周桥", "id_number": "330326196503120017", "residence": "permanent"}));
    let sun0 = c.resident(0, json!({"name": "孙口", "birth_date": "1950-03-04", "residence": "permanent"}));
    let sun1 = c.resident(1, json!({"name": "孙口", "birth_date": "1950-03-04", "residence": "permanent"}));
    c.sync(0);
    c.sync(1);
    let sup = c.user("zhaodu", "supervisor", None);
    let pairs = c.all_pages(&sup, "hq.duplicates", json!({}), "");
    let find = |pairs: &[Value], a: &str, b: &str| {
        pairs
            .iter()
            .find(|p| {
                let ids = [p["a"]["person"]["id"].as_str().unwrap(), p["b"]["person"]["id"].as_str().unwrap()];
                ids.contains(&a) && ids.contains(&b)
            })
            .cloned()
    };
    let zhou = find(&pairs, &zhou0, &zhou1).unwrap_or_else(|| panic!("周桥 not suspected: {pairs:?}"));
    assert_eq!(zhou["reason"], "id_number");
    assert_ne!(zhou["a"]["post_id"], zhou["b"]["post_id"]);
    let sun = find(&pairs, &sun0, &sun1).unwrap_or_else(|| panic!("孙口 not suspected: {pairs:?}"));
    assert_eq!(sun["reason"], "name_birth");
    // A viewer may not see the pairs.
    let viewer = c.user("tongji", "viewer", None);
    assert_eq!(c.refused(&viewer, "hq.duplicates", json!({}))["code"], "forbidden");
    // Two rows that are not suspected are refused by name.
    let e = c.refused(&sup, "hq.duplicate_decide", json!({"person_id": zhou0, "other_id": sun1, "same": false}));
    assert!(e["message"].as_str().unwrap().contains("不是疑似重复人员"), "{e}");

    // 孙口: different people. Never suggested again, and a second decision is refused.
    let d = c.call(&sup, "hq.duplicate_decide", json!({"person_id": sun0, "other_id": sun1, "same": false}));
    assert_eq!(d["decision"]["same"], false);
    assert!(d["assignment"].is_null());
    let pairs = c.all_pages(&sup, "hq.duplicates", json!({}), "");
    assert!(find(&pairs, &sun0, &sun1).is_none(), "decided pairs are not suggested again");
    let e = c.refused(&sup, "hq.duplicate_decide", json!({"person_id": sun1, "other_id": sun0, "same": true}));
    assert!(e["message"].as_str().unwrap().contains("已经处理过"), "{e}");

    // 周桥: the same person. Post 2's record is assigned to post 1, which receives it at its
    // next sync; post 2 keeps its own (nothing is deleted).
    let d = c.call(
        &sup,
        "hq.duplicate_decide",
        json!({"person_id": zhou0, "other_id": zhou1, "same": true, "note": "经核实为同一人"}),
    );
    assert_eq!(d["decision"]["same"], true);
    assert_eq!(d["assignment"]["post"], c.posts[0].id.as_str());
    assert_eq!(d["assignment"]["row_id"], zhou1.as_str());
    let listed = c.call(&sup, "hq.assignments", json!({}));
    assert!(listed["items"].as_array().unwrap().iter().any(|a| a["row_id"] == zhou1.as_str()), "{listed}");
    let pairs = c.all_pages(&sup, "hq.duplicates", json!({}), "");
    assert!(find(&pairs, &zhou0, &zhou1).is_none());
    c.sync(0);
    let held = |c: &County, k: usize, id: &str| -> i64 {
        c.posts[k]
            .api
            .store()
            .conn()
            .query_row("SELECT count(*) FROM person WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(held(&c, 0, &zhou1), 1, "post 1 received post 2's record");
    assert_eq!(held(&c, 0, &zhou0), 1);
    c.sync(1);
    assert_eq!(held(&c, 1, &zhou1), 1, "post 2 keeps its record");

    // Both decisions are in the audit log with the login.
    let made = audit_entries(&mut c, "zhaodu", "create");
    let decided: Vec<&str> =
        made.iter().filter(|e| e["tbl"] == "duplicate_decision").filter_map(|e| e["detail"].as_str()).collect();
    assert!(decided.iter().any(|d| d.contains("不是同一人") && d.contains(&sun0)), "{made:?}");
    assert!(decided.iter().any(|d| d.contains("是同一人") && d.contains(&zhou1)), "{made:?}");
}

#[test]
fn the_county_admin_adjusts_the_warning_rules_and_every_post_receives_them() {
    let mut c = County::new(&[1], 5);
    let admin = c.admin.clone();
    let sup = c.user("zhaodu", "supervisor", None);
    assert_eq!(c.refused(&sup, "hq.warning_rules_save", json!({"settings": {"red_at": 50}}))["code"], "forbidden");
    let e = c.refused(&admin, "hq.warning_rules_save", json!({"settings": {"red_at": 10}}));
    assert_eq!(e["field"], "red_at", "{e}");
    let r =
        c.call(&admin, "hq.warning_rules_save", json!({"settings": {"red_at": 50, "threat_words": ["扬言", "跳河"]}}));
    assert_eq!(r["rules"]["red_at"], 50);
    assert_eq!(r["defaults"]["red_at"], 60);
    assert_eq!(c.call(&admin, "hq.warning_rules", json!({}))["rules"]["threat_words"], json!(["扬言", "跳河"]));
    let before = c.posts[0].api.call("warning.settings", json!({})).unwrap();
    assert_eq!(before["rules"]["red_at"], 60);
    c.sync(0);
    let after = c.posts[0].api.call("warning.settings", json!({})).unwrap();
    assert_eq!(after["rules"]["red_at"], 50);
    assert_eq!(after["words"], json!(["扬言", "跳河"]));
}

/// What `method` replies to `token` on a newly started server: nothing kept.
fn afresh(c: &mut County, token: &str, method: &str, params: &Value) -> Value {
    c.hq.store().forget_kept();
    c.call(token, method, params.clone())
}

/// The county's list as a newly started server would judge it for `token`.
fn hq_afresh(c: &mut County, token: &str) -> Value {
    afresh(c, token, "hq.warnings", &json!({"page_size": 500}))
}

/// After a change to HQ's data: what `method` replies to each of `tokens` (kept since the
/// last change) is the fresh reply, and the change did change the first one's.
fn kept_is_fresh(c: &mut County, (method, params): (&str, Value), tokens: &[&str], before: &mut Value, what: &str) {
    for token in tokens {
        let kept = c.call(token, method, params.clone());
        assert_eq!(kept, afresh(c, token, method, &params), "after {what}, {method} replies with what it made before");
    }
    let fresh = afresh(c, tokens[0], method, &params);
    assert_ne!(&fresh, before, "{what} should change what {method} replies");
    *before = fresh;
}

/// [`kept_is_fresh`] for the county's 预警 list.
fn hq_kept_is_fresh(c: &mut County, tokens: &[&str], before: &mut Value, what: &str) {
    kept_is_fresh(c, ("hq.warnings", json!({"page_size": 500})), tokens, before, what);
}

/// HQ keeps the county's judgement between calls (and a station leader's, of the station's
/// posts) and a post keeps its own: after a bundle applied at HQ, a post renamed, the
/// county's rules changed, and at the post after the rules arrive by sync, the kept
/// judgement is the one made afresh.
#[test]
fn the_kept_judgements_are_the_fresh_ones_after_a_sync_import_and_changes_at_hq() {
    let mut c = County::new(&[1, 1], 5);
    let sup = c.user("zhaodu", "supervisor", None);
    let leader = c.user("lisuo", "station_leader", Some(1));
    let admin = c.admin.clone();
    let both = [sup.as_str(), leader.as_str()];
    let mut before = c.call(&sup, "hq.warnings", json!({"page_size": 500}));
    c.call(&leader, "hq.warnings", json!({"page_size": 500}));
    c.dispute(0, "钱溪与邻居排水纠纷", json!({"name": "钱溪", "id_number": QIAN}));
    let qian = c.resident(1, json!({"name": "钱溪", "id_number": QIAN, "residence": "permanent"}));
    c.dispute(1, "钱溪与邻居宅基地纠纷", json!({"person_id": qian}));
    c.sync(0);
    hq_kept_is_fresh(&mut c, &both, &mut before, "post 1's bundle applied");
    c.sync(1);
    hq_kept_is_fresh(&mut c, &both, &mut before, "post 2's bundle applied (a party at both posts)");
    let p1 = c.posts[1].id.clone();
    c.call(&admin, "hq.post_update", json!({"id": p1, "name": "溪口警务室"}));
    hq_kept_is_fresh(&mut c, &both, &mut before, "a post renamed (named in the cross-post reason)");
    c.call(&admin, "hq.warning_rules_save", json!({"settings": {"yellow_at": 50, "orange_at": 100, "red_at": 150}}));
    hq_kept_is_fresh(&mut c, &both, &mut before, "the county's rules changed");
    // Post 2 moves to station 1: the leader of station 2 no longer sees it.
    let s0 = c.stations[0].clone();
    c.call(&admin, "hq.post_update", json!({"id": p1, "station_id": s0}));
    let kept = c.call(&leader, "hq.warnings", json!({"page_size": 500}));
    assert_eq!(kept, hq_afresh(&mut c, &leader), "after a post moved station, the leader sees a judgement made before");
    assert_eq!(kept["judged"], 0, "the leader's station has no post left: {kept}");

    // At the post: the rules arrive by sync.
    let kept = |c: &mut County| c.posts[0].api.call("warning.list", json!({})).unwrap();
    let was = kept(&mut c);
    c.sync(0);
    let now = kept(&mut c);
    c.posts[0].api.store().forget_kept();
    assert_eq!(now, kept(&mut c), "after a sync import, 首页 shows a judgement made before it");
    assert_ne!(now, was, "the county's rules should change the post's judgement");
}

/// [`kept_is_fresh`] for the county's month.
fn stats_kept_is_fresh(c: &mut County, tokens: &[&str], before: &mut Value, what: &str) {
    kept_is_fresh(c, ("hq.stats", json!({"month": MONTH})), tokens, before, what);
}

/// HQ keeps the county's month between calls (and a station leader's), and what it keeps is
/// what it would compute afresh after a bundle applied, a dispute assigned to another
/// station's post, and a post moved to another station.
#[test]
fn the_kept_statistics_are_the_fresh_ones_after_a_sync_an_assignment_and_a_post_moved() {
    let mut c = County::new(&[1, 1], 5);
    let sup = c.user("zhaodu", "supervisor", None);
    let leader = c.user("lisuo", "station_leader", Some(1));
    let admin = c.admin.clone();
    let mut county = c.call(&sup, "hq.stats", json!({"month": MONTH}));
    let mut station = c.call(&leader, "hq.stats", json!({"month": MONTH}));
    let d = c.dispute(0, "钱溪与邻居排水纠纷", json!({"name": "钱溪", "id_number": QIAN}));
    c.sync(0);
    stats_kept_is_fresh(&mut c, &[&sup, &leader], &mut county, "post 1's bundle applied");
    // Handed to the post of station 2: its leader now counts it.
    let p1 = c.posts[1].id.clone();
    c.call(&sup, "hq.assign", json!({"post_id": p1, "table": "dispute", "id": d}));
    stats_kept_is_fresh(&mut c, &[&leader, &sup], &mut station, "a dispute assigned to station 2's post");
    // Post 2 moves to station 1: the leader of station 2 has no post left.
    let s0 = c.stations[0].clone();
    c.call(&admin, "hq.post_update", json!({"id": p1, "station_id": s0}));
    let kept = c.call(&leader, "hq.stats", json!({"month": MONTH}));
    assert_eq!(
        kept,
        afresh(&mut c, &leader, "hq.stats", &json!({"month": MONTH})),
        "after a post moved station, 统计 shows figures made before"
    );
    assert_eq!(kept["by_post"], json!([]), "the leader's station has no post left: {kept}");
}

/// After a write, HQ makes again the kept results the console asked for lately
/// (`Api::refresh_asked`, which `fengqiao-hq serve` calls once it has been quiet), for each
/// scope that asked, before anyone asks again; they are what a call would make; a write
/// since HQ was last quiet stops it.
#[test]
fn the_results_asked_for_are_made_again_after_a_write_before_they_are_asked_again() {
    let mut c = County::new(&[1, 1], 40);
    let sup = c.user("zhaodu", "supervisor", None);
    let leader = c.user("lisuo", "station_leader", Some(1));
    let asked = [
        ("hq.stats", json!({"month": MONTH})),
        ("hq.overdue", json!({"page_size": 500})),
        ("hq.warnings", json!({"page_size": 500})),
    ];
    let each = |c: &mut County| -> Vec<Value> {
        let mut out = Vec::new();
        for (method, params) in &asked {
            for token in [&sup, &leader] {
                out.push(c.call(token, method, params.clone()));
            }
        }
        out
    };
    let before = each(&mut c);
    let d = c.dispute(0, "钱溪与邻居排水纠纷", json!({"name": "钱溪", "id_number": QIAN}));
    c.sync(0);
    let quiet = c.hq.county_stamp().unwrap();
    let p1 = c.posts[1].id.clone();
    c.call(&sup, "hq.assign", json!({"post_id": p1, "table": "dispute", "id": d}));
    assert!(!c.hq.refresh_asked(&quiet).unwrap(), "a write since HQ was quiet: nothing is made yet");
    let stamp = c.hq.county_stamp().unwrap();
    let mut made = 0;
    while c.hq.refresh_asked(&stamp).unwrap() {
        made += 1;
    }
    // Statistics, 督办 and warnings, for the supervisor and for the leader; the statistics in
    // six steps each (the trend's five earlier months, then the month).
    assert_eq!(made, 16, "{made} steps");
    // Every dispute hidden behind HQ's back (its data's stamp unchanged): a result made now
    // would differ; the calls answer with what was made before they were made.
    let hide = |c: &County, hidden: bool| {
        let sql = if hidden {
            "UPDATE dispute SET deleted_at = 'hidden' WHERE deleted_at IS NULL"
        } else {
            "UPDATE dispute SET deleted_at = NULL WHERE deleted_at = 'hidden'"
        };
        assert!(c.hq.store().conn().execute(sql, []).unwrap() > 0);
    };
    hide(&c, true);
    let ready = each(&mut c);
    c.hq.store().forget_kept();
    let hidden = each(&mut c);
    for (i, (r, h)) in ready.iter().zip(&hidden).enumerate() {
        assert_ne!(r, h, "result {i} was not made before it was asked for");
    }
    hide(&c, false);
    c.hq.store().forget_kept();
    assert_eq!(ready, each(&mut c), "what was made before it was asked for is what a call makes");
    assert_ne!(ready, before, "the sync and the assignment changed the results");
}

/// In a process that makes the asked results again after each write
/// (`Api::make_ready_in_background`, as `fengqiao-hq serve`), a call landing between a write
/// and the statistics made again is given the figures last made, marked `refreshing`, and the
/// server still makes them (they are remembered as not made); then the call gets the new
/// ones. Without such a process, for figures made more than `ready::LAST_MADE_FOR` ago and
/// for another month, the call computes them itself.
#[test]
fn between_a_write_and_the_statistics_made_again_a_call_is_given_the_last_made_marked_refreshing() {
    let mut c = County::new(&[1, 1], 40);
    let sup = c.user("zhaodu", "supervisor", None);
    let leader = c.user("lisuo", "station_leader", Some(1));
    let month = json!({"month": MONTH});
    let received = |s: &Value| s["total"]["disputes"]["received"].as_i64().unwrap();
    let as_made = |s: &Value| {
        let mut s = s.clone();
        s["refreshing"] = json!(false);
        s
    };
    // No server making them again: the call after a write computes them.
    let first = c.call(&sup, "hq.stats", month.clone());
    assert_eq!(first["refreshing"], false);
    c.dispute(0, "钱溪与邻居排水纠纷", json!({"name": "钱溪", "id_number": QIAN}));
    c.sync(0);
    let was = c.call(&sup, "hq.stats", month.clone());
    assert_eq!((was["refreshing"].clone(), received(&was)), (json!(false), received(&first) + 1));
    c.hq.make_ready_in_background();
    let was_leader = c.call(&leader, "hq.stats", month.clone());
    // At station 2's post: in the leader's figures too.
    c.dispute(1, "孙七与邻居宅基地纠纷", json!({"name": "孙七", "sex": "male", "age": 52}));
    c.sync(1);
    for (token, was) in [(&sup, &was), (&leader, &was_leader)] {
        let last = c.call(token, "hq.stats", month.clone());
        assert_eq!(last["refreshing"], true, "{last}");
        assert_eq!(as_made(&last), *was, "the figures last made");
    }
    // The server makes both again (each in six steps), then the calls get them.
    let stamp = c.hq.county_stamp().unwrap();
    let mut steps = 0;
    while c.hq.refresh_asked(&stamp).unwrap() {
        steps += 1;
    }
    assert_eq!(steps, 12, "the statistics asked while refreshing were made again");
    for (token, was) in [(&sup, &was), (&leader, &was_leader)] {
        let now = c.call(token, "hq.stats", month.clone());
        assert_eq!((now["refreshing"].clone(), received(&now)), (json!(false), received(was) + 1), "{now}");
    }
    // Figures made longer ago than that: computed.
    let before = c.call(&sup, "hq.stats", month.clone());
    c.dispute(0, "赵六与邻居地界纠纷", json!({"name": "赵六", "sex": "male", "age": 47}));
    c.sync(0);
    c.clock.advance(Duration::from_std(fengqiao::api::county::ready::LAST_MADE_FOR).unwrap() + Duration::seconds(1));
    let now = c.call(&sup, "hq.stats", month.clone());
    assert_eq!((now["refreshing"].clone(), received(&now)), (json!(false), received(&before) + 1));
    // Another month than the one last made: computed.
    c.dispute(0, "周八与邻居用水纠纷", json!({"name": "周八", "sex": "male", "age": 39}));
    c.sync(0);
    assert_eq!(c.call(&sup, "hq.stats", json!({"month": "2026-10"}))["refreshing"], false);
}

/// Every page of the 督办 list `token` reads, and the same as a newly started server would
/// read it (nothing kept).
fn overdue_kept_and_afresh(c: &mut County, token: &str) -> (Vec<Value>, Vec<Value>) {
    let kept = c.all_pages(token, "hq.overdue", json!({}), "page");
    c.hq.store().forget_kept();
    (kept, c.all_pages(token, "hq.overdue", json!({}), "page"))
}

/// HQ keeps the county's 督办 list between calls (and a station leader's share of it), and
/// what it keeps is what it would read afresh after a dispute is assigned to another
/// station's post and after a post moves to another station.
#[test]
fn the_kept_overdue_lists_are_the_fresh_ones_after_an_assignment_and_a_post_moved() {
    let mut c = County::new(&[1, 1], 40);
    let sup = c.user("zhaodu", "supervisor", None);
    let leader = c.user("lisuo", "station_leader", Some(1));
    let admin = c.admin.clone();
    let (county, fresh) = overdue_kept_and_afresh(&mut c, &sup);
    assert_eq!(county, fresh);
    let (station, fresh) = overdue_kept_and_afresh(&mut c, &leader);
    assert_eq!(station, fresh);
    // A dispute of station 1's post with an overdue item, handed to station 2's post.
    let (p0, p1) = (c.posts[0].id.clone(), c.posts[1].id.clone());
    let item = county
        .iter()
        .find(|i| i["table"] == "dispute" && i["post_id"] == p0.as_str())
        .expect("the demo data has an overdue dispute at post 1")
        .clone();
    c.call(&sup, "hq.assign", json!({"post_id": p1, "table": "dispute", "id": item["id"]}));
    for token in [&sup, &leader] {
        let (kept, fresh) = overdue_kept_and_afresh(&mut c, token);
        assert_eq!(kept, fresh, "after an assignment, 督办 shows a list read before it");
    }
    let (now, _) = overdue_kept_and_afresh(&mut c, &leader);
    assert!(now.iter().any(|i| i["item_id"] == item["item_id"]), "the leader of station 2 sees the item handed to it");
    assert_ne!(now, station);
    // Post 2 moves to station 1: the leader of station 2 has no post left.
    let s0 = c.stations[0].clone();
    c.call(&admin, "hq.post_update", json!({"id": p1, "station_id": s0}));
    let (kept, fresh) = overdue_kept_and_afresh(&mut c, &leader);
    assert_eq!(kept, fresh, "after a post moved station, 督办 shows a list read before it");
    assert!(kept.is_empty(), "the leader's station has no post left: {kept:?}");
}

/// A station leader's write refused inside its transaction (the assignment of another
/// station's dispute: the scope's views are made and dropped inside it, then it is rolled
/// back) leaves the leader's next calls held to their station and answered.
#[test]
fn a_station_leaders_call_refused_in_its_transaction_leaves_the_next_ones_scoped() {
    let mut c = County::new(&[1, 1], 5);
    let leader = c.user("lisuo", "station_leader", Some(1));
    let p1 = c.posts[1].id.clone();
    let qian = c.resident(1, json!({"name": "钱溪", "id_number": QIAN, "residence": "permanent"}));
    c.dispute(1, "钱溪与邻居宅基地纠纷", json!({"person_id": qian}));
    let theirs = c.dispute(0, "孙口与邻居排水纠纷", json!({"name": "孙口"}));
    c.sync(0);
    c.sync(1);
    let refused = c.refused(&leader, "hq.assign", json!({"post_id": p1, "table": "dispute", "id": theirs}));
    assert_eq!(refused["code"], "forbidden", "{refused}");
    let s = c.call(&leader, "hq.stats", json!({"month": MONTH}));
    let posts: Vec<&str> = s["by_post"].as_array().unwrap().iter().filter_map(|p| p["post_id"].as_str()).collect();
    assert_eq!(posts, [p1.as_str()]);
    let found = c.call(&leader, "hq.search", json!({"text": "钱溪"}));
    assert_eq!(found["hits"].as_array().unwrap().len(), 1, "{found}");
}

#[test]
fn a_calendar_entered_at_hq_moves_a_posts_security_deadline_after_one_sync() {
    let mut c = County::new(&[1], 5);
    // 30 December 2026: a 治安调解 case received today counts its 3 working days into 2027,
    // whose calendar nobody has entered yet.
    c.clock.set(chrono::NaiveDate::from_ymd_opt(2026, 12, 30).unwrap().and_hms_opt(1, 0, 0).unwrap().and_utc());
    let admin = c.login("admin", ADMIN_PW);
    c.admin = admin.clone();
    let post = &mut c.posts[0].api;
    let village = post.call("village.list", json!({})).unwrap()[0]["id"].clone();
    let d = post
        .call(
            "dispute.create",
            json!({"received_on": "2026-12-30", "source": "call", "kind": "damages", "track": "security",
                "title": "张伟殴打陈芳案", "village_id": village, "offence": "assault",
                "occurred_at": "2026-12-29 20:30", "place": "文化礼堂门口", "cause": "停车纠纷",
                "course": "双方争吵后张伟推搡陈芳", "circumstances": "情节轻微", "result": "陈芳手臂软组织挫伤",
                "parties": [
                    {"role": "offender", "name": "张伟", "ethnicity": "汉族", "id_number": "330326198805060012"},
                    {"role": "victim", "name": "陈芳", "ethnicity": "汉族", "id_number": "330326199002030025"}]}),
        )
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let due = post.call("dispute.get", json!({"id": d})).unwrap()["session_due"].clone();
    assert_eq!(due["due_on"], "2027-01-04", "{due}");
    assert_eq!(due["calendar_notice"], "2027 年节假日安排尚未录入，期限按周一至周五计算");
    assert_eq!(post.call("calendar.notice", json!({})).unwrap()["years"], json!([2027]));
    // The post is enrolled: the county keeps its calendar.
    let e = post.call("calendar.save", json!({"year": 2027, "text": "元旦：1月1日至3日放假"})).unwrap_err();
    assert!(e.to_string().contains("工作日历由县局统一录入"), "{e}");
    assert_eq!(post.call("calendar.year", json!({"year": 2027})).unwrap()["editable"], false);

    // Only the county admin enters it, from the notice's words; a bad line changes nothing.
    let sup = c.user("zhaodu", "supervisor", None);
    assert_eq!(c.call(&sup, "hq.calendar", json!({"year": 2026}))["days"].as_array().unwrap().len(), 39);
    let notice = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。";
    assert_eq!(c.refused(&sup, "hq.calendar_save", json!({"year": 2027, "text": notice}))["code"], "forbidden");
    let e = c.refused(&admin, "hq.calendar_save", json!({"year": 2027, "text": "元旦：1月1日至3日放假。1月4日上班。"}));
    assert!(e["message"].as_str().unwrap().contains("2027-01-04 是星期一"), "{e}");
    assert_eq!(c.call(&admin, "hq.calendar", json!({"year": 2027}))["entered"], false);
    let saved = c.call(&admin, "hq.calendar_save", json!({"year": 2027, "text": notice}));
    assert_eq!((saved["entered"].clone(), saved["days"].as_array().unwrap().len()), (json!(true), 3));
    let audited = audit_entries(&mut c, "admin", "update");
    assert!(audited.iter().any(|a| a.to_string().contains("calendar")), "{audited:?}");

    // Before the sync the post still counts Monday to Friday; after it, 1 January is off.
    let post = &mut c.posts[0].api;
    assert_eq!(post.call("dispute.get", json!({"id": d})).unwrap()["session_due"]["due_on"], "2027-01-04");
    c.sync(0);
    let post = &mut c.posts[0].api;
    let due = post.call("dispute.get", json!({"id": d})).unwrap()["session_due"].clone();
    assert_eq!(due["due_on"], "2027-01-05", "{due}");
    assert_eq!(due["calendar_notice"], Value::Null);
    assert_eq!(post.call("calendar.notice", json!({})).unwrap()["notice"], Value::Null);
    let year = post.call("calendar.year", json!({"year": 2027})).unwrap();
    assert_eq!(year["days"][0], json!({"day": "2027-01-01", "kind": "holiday", "name": "元旦"}));
}
