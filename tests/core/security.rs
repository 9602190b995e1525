//! Security as an officer, an auxiliary, an admin and a thief meet it: roles enforced by the
//! core, lockout, timeouts, the encrypted file on disk, the audit chain, backup and restore.
//! Real files in a temp dir, the clock in the test's hands.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Duration;
use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use fengqiao::store::keys::{self, KeyFile};
use serde_json::{Value, json};
use tempfile::TempDir;

const ADMIN: &str = "admin";
const ADMIN_PW: &str = "Admin2026x";
const START_PW: &str = "Start2026x";

/// An encrypted post database with its first admin logged in.
struct Desk {
    dir: TempDir,
    db: PathBuf,
    clock: Arc<FixedClock>,
    admin: Api,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let clock = Arc::new(FixedClock::at_date(common::today()));
    let admin = Api::create_admin(&db, clock.clone(), ADMIN, ADMIN_PW).unwrap();
    Desk { dir, db, clock, admin }
}

impl Desk {
    fn open_as(&self, login: &str, password: &str) -> fengqiao::Result<Api> {
        Api::open_as(&self.db, self.clock.clone(), login, password)
    }

    /// Creates a login with `role`; logs it in and changes its initial password to
    /// `<login>Pass2026`.
    fn user(&mut self, login: &str, role: &str) -> Api {
        ok(&mut self.admin, "user.create", json!({"login": login, "password": START_PW, "role": role}));
        let mut api = self.open_as(login, START_PW).unwrap();
        let pw = format!("{login}Pass2026");
        ok(&mut api, "user.set_password", json!({"old_password": START_PW, "new_password": pw}));
        api
    }
}

fn ok(api: &mut Api, method: &str, params: Value) -> Value {
    match api.call(method, params) {
        Ok(v) => v,
        Err(e) => panic!("{method} failed: {e} ({})", e.code()),
    }
}

fn refused(api: &mut Api, method: &str, params: Value) -> Value {
    match api.call(method, params) {
        Ok(v) => panic!("{method} should have been refused, got {v}"),
        Err(e) => serde_json::to_value(e.to_reply()).unwrap(),
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn audit(api: &mut Api, action: &str) -> Vec<Value> {
    ok(api, "audit.list", json!({"action": action, "page_size": 500}))["entries"].as_array().unwrap().clone()
}

// ───── roles ─────

#[test]
fn each_forbidden_action_is_refused_for_the_wrong_role() {
    let mut d = desk();
    let admin = &mut d.admin;
    ok(
        admin,
        "post.save",
        json!({"name": "青山中心警务室", "code": "330326-QS01", "doc_prefix": "青山",
               "station_name": "平安县公安局青山派出所", "committee_name": "青山镇人民调解委员会"}),
    );
    let v = id(&ok(admin, "village.create", json!({"name": "青山村"})));
    let security = id(&ok(
        admin,
        "dispute.create",
        json!({"received_on": "2026-11-19", "source": "call", "kind": "damages", "track": "security",
               "title": "张伟殴打陈芳案", "village_id": v, "offence": "assault",
               "occurred_at": "2026-11-19 20:30", "place": "青山村文化礼堂门口", "cause": "停车纠纷",
               "course": "双方争吵后张伟推搡陈芳", "circumstances": "情节轻微", "result": "陈芳手臂软组织挫伤",
               "parties": [
                   {"role": "offender", "name": "张伟", "ethnicity": "汉族", "id_number": "330326198805060012",
                    "address": "青山村2组3号", "phone": "13700001111"},
                   {"role": "victim", "name": "陈芳", "ethnicity": "汉族", "id_number": "330326199002030025",
                    "address": "青山村5组8号", "phone": "13700002222"}]}),
    ));
    let people = id(&ok(
        admin,
        "dispute.create",
        json!({"received_on": "2026-11-19", "source": "walk_in", "kind": "homestead", "grade": "general",
               "title": "王建国与李长林宅基地边界纠纷", "village_id": v, "facts": "李长林翻建围墙时占用王建国宅基地约20厘米",
               "matters": "围墙位置及赔偿",
               "parties": [
                   {"role": "applicant", "name": "王建国", "ethnicity": "汉族", "id_number": "330326196503120017"},
                   {"role": "respondent", "name": "李长林", "ethnicity": "汉族", "id_number": "330326197001010031",
                    "address": "青山村3组14号", "phone": "13900002222"}]}),
    ));
    let mut officer = d.user("zhou", "officer");
    let mut aux = d.user("lin", "auxiliary");
    let out = d.dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();

    let admin_only = [
        ("user.create", json!({"login": "x1", "password": START_PW, "role": "officer"})),
        ("user.list", json!({})),
        ("user.unlock", json!({"login": "zhou"})),
        ("user.disable", json!({"login": "zhou"})),
        ("user.set_password", json!({"login": "admin", "new_password": "Taken2026x"})),
        ("audit.list", json!({})),
        ("audit.verify", json!({})),
        ("backup.create", json!({"out": out})),
        ("post.save", json!({"name": "改名警务室"})),
        ("officer.create", json!({"name": "赵六", "role": "officer"})),
        ("officer.update", json!({"id": "x", "active": false})),
        ("village.create", json!({"name": "新建村"})),
        ("group.create", json!({"village_id": "x", "name": "九组"})),
        ("village.update", json!({"id": "x", "name": "改名村"})),
        ("group.rename", json!({"id": "x", "name": "一组"})),
        ("village.delete", json!({"id": "x"})),
        ("group.delete", json!({"id": "x"})),
        ("care.defaults_set", json!({"tag": "elderly_alone", "interval_days": 14})),
    ];
    for (who, api) in [("officer", &mut officer), ("auxiliary", &mut aux)] {
        for (method, params) in &admin_only {
            let e = refused(api, method, params.clone());
            assert_eq!(e["code"], "forbidden", "{who} {method}: {e}");
        }
    }
    let e = refused(&mut aux, "user.create", json!({"login": "x1", "password": START_PW, "role": "officer"}));
    assert_eq!(e["message"], "辅警无权执行“新增用户（管理员）”，只有所长/管理员可以");

    // An auxiliary may not finalise an agreement, nor record a round of 治安调解; an officer
    // may (here the rules of the work then refuse for other reasons: nothing is agreed yet).
    let e = refused(&mut aux, "agreement.finalise", json!({"dispute_id": people}));
    assert_eq!(e["code"], "forbidden", "{e}");
    let e = refused(&mut officer, "agreement.finalise", json!({"dispute_id": people}));
    assert_ne!(e["code"], "forbidden", "{e}");
    let round = |dispute: &str| json!({"dispute_id": dispute, "level": "initial", "held_on": "2026-11-20", "outcome": "settled"});
    let e = refused(&mut aux, "mediation.add", round(&security));
    assert_eq!(e["code"], "forbidden", "{e}");
    assert!(e["message"].as_str().unwrap().contains("治安调解须由民警主持"), "{e}");
    // Setting up a 驿站 is not for auxiliaries; an officer may (then the village is unknown).
    for (method, params) in [
        ("service_station.create", json!({"name": "青山村红警驿站", "village_id": "x"})),
        ("service_station.update", json!({"id": "x", "closed_on": "2026-11-23"})),
        ("service_station.delete", json!({"id": "x"})),
    ] {
        assert_eq!(refused(&mut aux, method, params.clone())["code"], "forbidden", "auxiliary {method}");
        assert_ne!(refused(&mut officer, method, params)["code"], "forbidden", "officer {method}");
    }
    // A people's mediation round is the auxiliary's to record.
    if let Err(e) = aux.call("mediation.add", round(&people)) {
        assert_ne!(e.code(), "forbidden", "{e}");
    }

    // What anyone logged in may do still works for both.
    for api in [&mut officer, &mut aux] {
        ok(api, "village.list", json!({}));
        ok(api, "search", json!({"text": "王建国"}));
    }

    // Every refusal is in the audit log, with who tried.
    let denied = audit(&mut d.admin, "denied");
    // (Resetting another's password is refused inside the method, not by the table; the
    // auxiliary's own refusals: user.create, agreement.finalise, mediation.add and the three
    // 驿站 writes.)
    assert_eq!(denied.len(), 2 * (admin_only.len() - 1) + 3 + 3, "{denied:?}");
    assert!(denied.iter().any(|e| e["login"] == "lin" && e["detail"] == "mediation.add"));
}

#[test]
fn an_admin_resets_a_password_and_the_user_must_change_it_first() {
    let mut d = desk();
    let mut zhou = d.user("zhou", "officer");
    drop(zhou);
    ok(&mut d.admin, "user.set_password", json!({"login": "zhou", "new_password": "Reset2026x"}));
    assert_eq!(d.open_as("zhou", "zhouPass2026").unwrap_err().code(), "unauthenticated");
    zhou = d.open_as("zhou", "Reset2026x").unwrap();
    let e = refused(&mut zhou, "village.list", json!({}));
    assert_eq!(e["code"], "password_change_required");
    let e = refused(&mut zhou, "user.set_password", json!({"old_password": "Reset2026x", "new_password": "short1"}));
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("validation"), Some("new_password")));
    assert!(e["message"].as_str().unwrap().contains("至少 8 位"));
    ok(&mut zhou, "user.set_password", json!({"old_password": "Reset2026x", "new_password": "Mine2026xx"}));
    ok(&mut zhou, "village.list", json!({}));
}

#[test]
fn a_password_change_rewraps_only_that_users_copy_of_the_key() {
    let mut d = desk();
    let mut zhou = d.user("zhou", "officer");
    let kp = keys::path_for(&d.db);
    let before = KeyFile::load(&kp).unwrap().unwrap();
    let header_before = std::fs::read(&d.db).unwrap()[..16].to_vec();
    ok(&mut zhou, "user.set_password", json!({"old_password": "zhouPass2026", "new_password": "Other2026x"}));
    let after = KeyFile::load(&kp).unwrap().unwrap();
    let admin_entry = |f: &KeyFile| serde_json::to_string(f.entry(ADMIN).unwrap()).unwrap();
    assert_eq!(admin_entry(&before), admin_entry(&after), "the admin's copy is untouched");
    assert_ne!(before.entry("zhou").unwrap().wrapped, after.entry("zhou").unwrap().wrapped);
    // SQLCipher keeps its salt in the first 16 bytes: same salt, same key, no re-encryption.
    assert_eq!(header_before, std::fs::read(&d.db).unwrap()[..16].to_vec());
    drop(zhou);
    assert!(d.open_as("zhou", "zhouPass2026").is_err());
    assert!(d.open_as("zhou", "Other2026x").is_ok());
    assert!(d.open_as(ADMIN, ADMIN_PW).is_ok());
}

#[test]
fn a_login_linked_to_an_officer_takes_that_officers_role() {
    let mut d = desk();
    let aux = id(&ok(&mut d.admin, "officer.create", json!({"name": "林海燕", "role": "auxiliary"})));
    let e = refused(
        &mut d.admin,
        "user.create",
        json!({"login": "lin", "password": START_PW, "role": "officer", "officer_id": aux}),
    );
    assert_eq!(e["field"], "role");
    assert_eq!(e["message"], "“林海燕”登记的角色是辅警，账号的角色须与之相同");
    let u = ok(
        &mut d.admin,
        "user.create",
        json!({"login": "lin", "password": START_PW, "role": "auxiliary", "officer_id": aux, "name": "林海燕"}),
    );
    assert_eq!((u["role"].as_str(), u["must_change_password"].as_bool()), (Some("auxiliary"), Some(true)));

    // Nor can the officer's role change under the login; once the login is disabled it can.
    let e = refused(&mut d.admin, "officer.update", json!({"id": aux, "role": "officer"}));
    assert_eq!(e["field"], "role");
    assert!(e["message"].as_str().unwrap().contains("有登录账号“lin”"), "{e}");
    ok(&mut d.admin, "officer.update", json!({"id": aux, "phone": "13900001111"}));
    // Nor can an officer with a live login leave the post: the login goes first.
    let e = refused(&mut d.admin, "officer.update", json!({"id": aux, "active": false}));
    assert_eq!(e["field"], "active");
    assert!(e["message"].as_str().unwrap().contains("请先在“用户”中停用该账号"), "{e}");
    ok(&mut d.admin, "user.disable", json!({"login": "lin"}));
    let o = ok(&mut d.admin, "officer.update", json!({"id": aux, "role": "officer", "active": false}));
    assert_eq!((o["role"].as_str(), o["active"].as_bool()), (Some("officer"), Some(false)));
    // And one who has left gets no new login.
    let e = refused(
        &mut d.admin,
        "user.create",
        json!({"login": "lin2", "password": START_PW, "role": "officer", "officer_id": aux}),
    );
    assert_eq!(e["field"], "officer_id");
    assert_eq!(e["message"], "“林海燕”已离岗，不能为其新建登录账号");
}

#[test]
fn a_disabled_user_can_no_longer_open_the_database_and_the_last_admin_stays() {
    let mut d = desk();
    drop(d.user("zhou", "officer"));
    ok(&mut d.admin, "user.disable", json!({"login": "zhou"}));
    assert_eq!(d.open_as("zhou", "zhouPass2026").unwrap_err().code(), "unauthenticated");
    let e = refused(&mut d.admin, "user.disable", json!({"login": ADMIN}));
    assert!(e["message"].as_str().unwrap().contains("不能停用自己"), "{e}");
    let users = ok(&mut d.admin, "user.list", json!({}));
    let zhou = users.as_array().unwrap().iter().find(|u| u["login"] == "zhou").unwrap();
    assert!(zhou["disabled_at"].is_string(), "kept for the audit log: {zhou}");
}

// ───── lockout and sessions ─────

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let mut d = desk();
    drop(d.user("zhou", "officer"));
    for _ in 0..4 {
        let e = d.open_as("zhou", "Wrong2026x").unwrap_err();
        assert_eq!(e.to_string(), "用户名或密码错误");
    }
    let e = d.open_as("zhou", "Wrong2026x").unwrap_err();
    assert!(e.to_string().contains("已锁定，请 15 分钟后再试"), "{e}");
    // The right password does not help while locked.
    let e = d.open_as("zhou", "zhouPass2026").unwrap_err();
    assert_eq!(e.code(), "unauthenticated");
    assert!(e.to_string().contains("已锁定"), "{e}");
    d.clock.advance(Duration::minutes(15));
    let mut zhou = d.open_as("zhou", "zhouPass2026").unwrap();
    ok(&mut zhou, "village.list", json!({}));

    // Locked again, an admin can unlock at once.
    for _ in 0..5 {
        let _ = d.open_as("zhou", "Wrong2026x");
    }
    assert!(d.open_as("zhou", "zhouPass2026").is_err());
    // The admin's user list shows the lock and until when.
    let locked = |d: &mut Desk| {
        let users = ok(&mut d.admin, "user.list", json!({}));
        users.as_array().unwrap().iter().find(|u| u["login"] == "zhou").unwrap()["locked_until"].clone()
    };
    assert!(locked(&mut d).as_str().is_some_and(|t| t.starts_with("2026-")), "{}", locked(&mut d));
    ok(&mut d.admin, "user.unlock", json!({"login": "zhou"}));
    assert_eq!(locked(&mut d), Value::Null);
    assert!(d.open_as("zhou", "zhouPass2026").is_ok());

    // Every failure reached the audit log, though the database was closed when it happened.
    let mut admin = d.open_as(ADMIN, ADMIN_PW).unwrap();
    let failed = audit(&mut admin, "login_failed");
    assert_eq!(failed.iter().filter(|e| e["login"] == "zhou").count(), 10, "{failed:?}");
}

#[test]
fn an_idle_session_times_out_and_logging_in_again_resumes() {
    let mut d = desk();
    ok(&mut d.admin, "village.list", json!({}));
    d.clock.advance(Duration::minutes(14));
    ok(&mut d.admin, "village.list", json!({}));
    d.clock.advance(Duration::minutes(16));
    let e = refused(&mut d.admin, "village.list", json!({}));
    assert_eq!(e["code"], "unauthenticated");
    assert!(e["message"].as_str().unwrap().contains("会话已超时"), "{e}");
    let e = refused(&mut d.admin, "village.list", json!({}));
    assert_eq!(e["message"], "请先登录");
    let e = refused(&mut d.admin, "session.login", json!({"login": ADMIN, "password": "Wrong2026x"}));
    assert_eq!(e["code"], "unauthenticated");
    let me = ok(&mut d.admin, "session.login", json!({"login": ADMIN, "password": ADMIN_PW}));
    assert_eq!((me["mode"].as_str(), me["role"].as_str()), (Some("logged_in"), Some("station_admin")));
    // The app locks its screen after as many minutes without input as the core's timeout.
    assert_eq!(me["idle_minutes"], 15);
    ok(&mut d.admin, "village.list", json!({}));
    ok(&mut d.admin, "session.logout", json!({}));
    assert_eq!(refused(&mut d.admin, "village.list", json!({}))["code"], "unauthenticated");
    // Logging out twice is harmless.
    assert_eq!(ok(&mut d.admin, "session.logout", json!({}))["mode"], "logged_out");
}

// ───── the file on disk ─────

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn files_of(db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm", ".keys"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(bytes) = std::fs::read(PathBuf::from(&p)) {
            out.push((p.to_string_lossy().into_owned(), bytes));
        }
    }
    out
}

const NAME: &str = "欧阳秀英";
const ID_NUMBER: &str = "330326199002030025";

fn register_ouyang(api: &mut Api) {
    let v = id(&ok(api, "village.create", json!({"name": "青山村"})));
    register_ouyang_in(api, &v);
}

/// Her household and her, in the village `v` (set up by the admin).
fn register_ouyang_in(api: &mut Api, v: &str) {
    let h = id(&ok(api, "household.create", json!({"village_id": v, "house_no": "8", "address": "青山村5组8号"})));
    ok(
        api,
        "person.create",
        json!({"household_id": h, "relation": "head", "name": NAME, "id_number": ID_NUMBER, "notes": "独居，需每月走访"}),
    );
}

#[test]
fn the_file_on_disk_holds_no_plaintext_name_and_a_wrong_password_cannot_open_it() {
    // The control: an unencrypted database does show the name (so the grep can see it).
    let plaindir = tempfile::tempdir().unwrap();
    let plain_db = plaindir.path().join("plain.db");
    let mut plain = Api::open(&plain_db, Arc::new(FixedClock::at_date(common::today()))).unwrap();
    register_ouyang(&mut plain);
    assert!(files_of(&plain_db).iter().any(|(_, b)| contains(b, NAME)), "control: plain file shows the name");

    let mut d = desk();
    register_ouyang(&mut d.admin);
    // While open (the -wal holds the latest pages) and after closing.
    for (path, bytes) in files_of(&d.db) {
        assert!(!contains(&bytes, NAME), "{path} holds the name in plaintext");
        assert!(!contains(&bytes, ID_NUMBER), "{path} holds the ID number in plaintext");
        assert!(!contains(&bytes, "独居"), "{path} holds a note in plaintext");
    }
    let db = d.db.clone();
    drop(d.admin);
    let files = files_of(&db);
    assert!(files.iter().all(|(_, b)| !contains(b, NAME) && !contains(b, ID_NUMBER)));
    assert!(!files[0].1.starts_with(b"SQLite format 3"), "no SQLite header either");

    // A wrong password, no password, and a raw SQLite connection all fail.
    let clock = Arc::new(FixedClock::at_date(common::today()));
    assert_eq!(Api::open_as(&db, clock.clone(), ADMIN, "Wrong2026x").unwrap_err().code(), "unauthenticated");
    assert_eq!(Api::open(&db, clock.clone()).unwrap_err().code(), "unauthenticated");
    let raw = rusqlite::Connection::open(&db).unwrap();
    assert!(raw.query_row("SELECT count(*) FROM person", [], |r| r.get::<_, i64>(0)).is_err());
    // Even with the key file removed, the plain open fails instead of creating anything,
    // and so does making a new admin (which would write a key file that opens nothing).
    std::fs::remove_file(keys::path_for(&db)).unwrap();
    let e = Api::open(&db, clock.clone()).unwrap_err();
    assert!(e.to_string().contains("已加密"), "{e}");
    assert!(Api::create_admin(&db, clock.clone(), "thief", "Thief2026x").is_err());
    assert!(!keys::path_for(&db).exists());
}

#[test]
fn a_plain_database_with_demo_data_is_encrypted_when_the_first_admin_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let clock = Arc::new(FixedClock::at_date(common::today()));
    let mut plain = Api::open(&db, clock.clone()).unwrap();
    register_ouyang(&mut plain);
    drop(plain);
    let mut admin = Api::create_admin(&db, clock.clone(), ADMIN, ADMIN_PW).unwrap();
    let found = ok(&mut admin, "search", json!({"text": "欧阳"}));
    assert_eq!(found["hits"][0]["name"], NAME);
    drop(admin);
    for (path, bytes) in files_of(&db) {
        assert!(!contains(&bytes, NAME), "{path} still holds the name");
    }
    let e = Api::create_admin(&db, clock, "second", ADMIN_PW).unwrap_err();
    assert!(e.to_string().contains("已设置管理员"), "{e}");
}

// ───── the audit log ─────

#[test]
fn views_searches_writes_and_logins_are_audited_with_who() {
    let mut d = desk();
    let village = id(&ok(&mut d.admin, "village.create", json!({"name": "青山村"})));
    let mut zhou = d.user("zhou", "officer");
    register_ouyang_in(&mut zhou, &village);
    let found = ok(&mut zhou, "search", json!({"text": "欧阳"}));
    let person = found["hits"][0]["person_id"].as_str().unwrap().to_owned();
    ok(&mut zhou, "person.get", json!({"id": person}));
    let list = ok(&mut d.admin, "audit.list", json!({"login": "zhou", "page_size": 100}));
    let actions: Vec<(&str, &str)> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| (e["action"].as_str().unwrap(), e["tbl"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        actions,
        [
            ("login", ""),
            ("update", "user"), // the initial password changed
            ("create", "household"),
            ("create", "person"),
            ("search", "search"),
            ("view_person", "person"),
        ]
    );
    let newest = &list["entries"][0];
    assert_eq!(newest["row_id"], person.as_str());
    assert_eq!(list["entries"][1]["detail"], "查找：欧阳");
    assert_eq!(ok(&mut d.admin, "audit.verify", json!({}))["intact"], true);
}

#[test]
fn every_step_of_a_hazard_is_audited_as_a_write() {
    let mut d = desk();
    let mut zhou = d.user("zhou", "officer");
    let h = id(&ok(&mut zhou, "hazard.create", json!({"place": "青山村3组桥头", "description": "护栏松动"})));
    ok(&mut zhou, "hazard.verify", json!({"id": h, "deadline": "2026-11-30"}));
    ok(&mut zhou, "hazard.fix", json!({"id": h, "note": "已加固"}));
    let list = ok(&mut d.admin, "audit.list", json!({"login": "zhou", "page_size": 100}));
    let hazard: Vec<(&str, &str)> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .filter(|e| e["tbl"] == "hazard")
        .map(|e| (e["action"].as_str().unwrap(), e["detail"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(hazard, [("create", "hazard.create"), ("update", "hazard.verify"), ("update", "hazard.fix")]);
}

#[test]
fn the_audit_log_refuses_edits_and_the_chain_names_the_first_tampered_entry() {
    let mut d = desk();
    register_ouyang(&mut d.admin);
    let n = ok(&mut d.admin, "audit.verify", json!({}))["entries"].as_i64().unwrap();
    assert!(n >= 5, "{n}");
    let conn = d.admin.store().conn();
    // The triggers refuse, from any connection.
    let e = conn.execute("UPDATE audit_log SET login = 'nobody' WHERE seq = 2", []).unwrap_err();
    assert!(e.to_string().contains("只能追加"), "{e}");
    assert!(conn.execute("DELETE FROM audit_log WHERE seq = 3", []).is_err());

    // With the triggers dropped, an edit is caught at that entry…
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
    conn.execute("UPDATE audit_log SET login = 'nobody' WHERE seq = 2", []).unwrap();
    let e = d.admin.call("audit.verify", json!({})).unwrap_err();
    assert_eq!(e.code(), "audit_broken");
    assert!(e.to_string().starts_with("审计日志第 2 条起校验失败"), "{e}");
}

#[test]
fn removing_an_audit_entry_in_the_middle_or_at_the_end_is_caught() {
    let mut d = desk();
    register_ouyang(&mut d.admin);
    let n = ok(&mut d.admin, "audit.verify", json!({}))["entries"].as_i64().unwrap();
    let conn = d.admin.store().conn();
    conn.execute_batch("DROP TRIGGER audit_log_no_delete;").unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq = ?1", [n]).unwrap();
    let e = d.admin.audit_verify().unwrap_err();
    assert!(e.to_string().contains(&format!("第 {n} 条起")) && e.to_string().contains("末尾"), "{e}");

    let conn = d.admin.store().conn();
    conn.execute("DELETE FROM audit_log WHERE seq = 3", []).unwrap();
    let e = d.admin.audit_verify().unwrap_err();
    assert!(e.to_string().starts_with("审计日志第 3 条起校验失败"), "{e}");
    assert!(e.to_string().contains("缺失"), "{e}");
}

// ───── backup and restore ─────

type Dump = Vec<(String, Vec<String>)>;

/// Every row of every ordinary table, as text, sorted.
fn dump(conn: &rusqlite::Connection, skip: &[&str]) -> Dump {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .filter(|t| !skip.contains(&t.as_str()))
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
                    Ok(cells.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            (t, rows)
        })
        .collect()
}

#[test]
fn a_backup_restores_every_table_and_is_unreadable_without_a_password() {
    let mut d = desk();
    register_ouyang(&mut d.admin);
    let usb = d.dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    // What the backup should hold: everything at backup time (the audit log gains the
    // backup's own entry after the copy, so it is compared apart).
    let at_backup = dump(d.admin.store().conn(), &["audit_log", "local_meta"]);
    let audit_at_backup = dump(d.admin.store().conn(), &[]).into_iter().find(|(t, _)| t == "audit_log").unwrap().1;
    let report = ok(&mut d.admin, "backup.create", json!({"out": usb}));
    let file = PathBuf::from(report["file"].as_str().unwrap());
    assert!(
        file.starts_with(&usb) && file.file_name().unwrap().to_str().unwrap().starts_with("fengqiao-backup-20261123-")
    );
    for (path, bytes) in files_of(&file) {
        assert!(!contains(&bytes, NAME) && !contains(&bytes, ID_NUMBER), "{path} holds plaintext");
    }

    // The day goes on: a new resident, a changed password.
    ok(&mut d.admin, "person.create", json!({"name": "后来者"}));
    ok(&mut d.admin, "user.set_password", json!({"old_password": ADMIN_PW, "new_password": "Later2026x"}));
    drop(d.admin);

    // Refused: a wrong password, a damaged copy. The live database is untouched by either.
    let clock = d.clock.clone();
    let e = Api::restore(&file, &d.db, clock.clone(), ADMIN, "Later2026x").unwrap_err();
    assert_eq!(e.code(), "unauthenticated", "the backup opens with the password of its day");
    let damaged = usb.join("damaged.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::copy(keys::path_for(&file), keys::path_for(&damaged)).unwrap();
    assert!(Api::restore(&damaged, &d.db, clock.clone(), ADMIN, ADMIN_PW).is_err());
    let mut live = Api::open_as(&d.db, clock.clone(), ADMIN, "Later2026x").unwrap();
    assert_eq!(ok(&mut live, "search", json!({"text": "后来者"}))["total"], 1);
    drop(live);

    let (mut restored, report) = Api::restore(&file, &d.db, clock, ADMIN, ADMIN_PW).unwrap();
    assert!(report.previous.as_ref().unwrap().exists(), "the replaced database is kept");
    let now = dump(restored.store().conn(), &["audit_log", "local_meta"]);
    // Logging in on the restored copy stamps the admin's last login; nothing else differs.
    let strip = |d: Dump| -> Dump {
        d.into_iter()
            .map(|(t, rows)| {
                let rows = if t == "app_user" {
                    rows.into_iter().map(|r| r.rsplit_once('|').unwrap().0.to_owned()).collect()
                } else {
                    rows
                };
                (t, rows)
            })
            .collect()
    };
    assert_eq!(strip(now), strip(at_backup));
    let audit_now = dump(restored.store().conn(), &[]).into_iter().find(|(t, _)| t == "audit_log").unwrap().1;
    assert!(audit_at_backup.iter().all(|e| audit_now.contains(e)), "the audit log of the day is all there");
    assert_eq!(ok(&mut restored, "search", json!({"text": "后来者"}))["total"], 0);
    assert_eq!(ok(&mut restored, "search", json!({"text": "欧阳"}))["total"], 1);
    ok(&mut restored, "audit.verify", json!({}));
    assert_eq!(audit(&mut restored, "restore").len(), 1);
}

#[test]
fn only_an_admin_of_the_backup_can_restore_it() {
    let mut d = desk();
    drop(d.user("zhou", "officer"));
    let usb = d.dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let file = ok(&mut d.admin, "backup.create", json!({"out": usb}))["file"].as_str().unwrap().to_owned();
    drop(d.admin);
    let e = Api::restore(Path::new(&file), &d.db, d.clock.clone(), "zhou", "zhouPass2026").unwrap_err();
    assert_eq!(e.code(), "forbidden");
}

// ───── input hardening ─────

const PAYLOADS: &[&str] = &[
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE person; --",
    "\" OR 1=1 --",
    "王芳'); DELETE FROM household; --",
    "{{7*7}} ${7*7} %s %n",
];

#[test]
fn markup_and_injection_shaped_text_is_stored_verbatim_or_refused_by_name_and_breaks_nothing() {
    let mut post = common::Post::new();
    let (vid, _, hid) = post.household("青山村", "1");
    let text_fields = ["name", "ethnicity", "address", "occupation", "notes"];
    let mut stored = 0;
    let mut households = 1;
    for payload in PAYLOADS {
        for field in text_fields {
            let mut params = json!({"household_id": hid, "name": "王芳", "relation": "other"});
            params[field] = json!(payload);
            match post.api.call("person.create", params) {
                Ok(p) => {
                    let got = post.call("person.get", json!({"id": p["id"]}));
                    assert_eq!(got[field], payload.trim(), "{field} of {payload}");
                    stored += 1;
                }
                Err(e) => {
                    assert_eq!((e.code(), e.field()), ("validation", Some(field)), "{field} of {payload}: {e}");
                }
            }
        }
        for field in ["house_no", "address", "notes"] {
            let mut params = json!({"village_id": vid, "house_no": "2"});
            params[field] = json!(payload);
            match post.api.call("household.create", params) {
                Ok(h) => {
                    assert_eq!(post.call("household.get", json!({"id": h["id"]}))[field], *payload);
                    households += 1;
                }
                Err(e) => {
                    assert_eq!((e.code(), e.field()), ("validation", Some(field)), "{field} of {payload}: {e}");
                }
            }
        }
        let v = post.call("visit.create", json!({"household_id": hid, "notes": payload, "needs": payload}));
        assert_eq!((v["notes"].as_str(), v["needs"].as_str()), (Some(*payload), Some(*payload)));
        // And as a search: no error, nothing found that should not be.
        post.call("search", json!({"text": payload}));
    }
    assert!(stored >= PAYLOADS.len() * 3, "most fields keep such text verbatim ({stored})");
    // The tables the payloads name are all still there.
    let persons: i64 = post.api.store().conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(persons, stored as i64);
    let in_table: i64 = post.api.store().conn().query_row("SELECT count(*) FROM household", [], |r| r.get(0)).unwrap();
    assert_eq!(in_table, households);
    // A name with an apostrophe, as some minority names are transcribed, is found by search.
    let p = post.call("person.create", json!({"household_id": hid, "name": "阿依古丽'; DROP TABLE person; --"}));
    let found = post.call("search", json!({"text": "阿依古丽"}));
    assert_eq!(found["hits"][0]["person_id"], p["id"]);
}

/// The running app restores over its open database: a logged-in admin, or a fresh install
/// in setup mode; an officer is refused; a wrong password leaves the database as it was.
#[test]
fn the_app_restores_over_its_open_database() {
    let mut d = desk();
    let usb = d.dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    ok(&mut d.admin, "person.create", json!({"name": "备份前"}));
    let file = PathBuf::from(ok(&mut d.admin, "backup.create", json!({"out": usb}))["file"].as_str().unwrap());
    ok(&mut d.admin, "person.create", json!({"name": "备份后"}));

    let officer = d.user("zhou", "officer");
    let (r, back) = officer.restore_open(&file, "zhou", "zhouPass2026");
    assert_eq!(r.unwrap_err().code(), "forbidden");
    let mut back = back.expect("the officer's session stays open");
    assert_eq!(ok(&mut back, "search", json!({"text": "备份后"}))["total"], 1);
    drop(back);

    let Desk { admin, db, clock, dir: _dir } = d;
    let (r, back) = admin.restore_open(&file, ADMIN, "Wrong2026x");
    assert_eq!(r.unwrap_err().code(), "unauthenticated");
    assert!(back.is_none(), "reopening with a wrong password fails too: the app asks for a login");
    let mut live = Api::open_as(&db, clock.clone(), ADMIN, ADMIN_PW).unwrap();
    assert_eq!(ok(&mut live, "search", json!({"text": "备份后"}))["total"], 1, "nothing changed");

    let (r, back) = live.restore_open(&file, ADMIN, ADMIN_PW);
    let report = r.unwrap();
    assert!(report.previous.unwrap().exists());
    let mut restored = back.unwrap();
    assert_eq!(ok(&mut restored, "search", json!({"text": "备份前"}))["total"], 1);
    assert_eq!(ok(&mut restored, "search", json!({"text": "备份后"}))["total"], 0);
    let me = ok(&mut restored, "session.current", json!({}));
    assert_eq!(me["login"], ADMIN);

    // A new machine: the app starts in setup mode and brings the post back from the stick.
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Api::open(&fresh_dir.path().join("post.db"), clock.clone()).unwrap();
    let (r, back) = fresh.restore_open(&file, ADMIN, ADMIN_PW);
    r.unwrap();
    let mut back = back.unwrap();
    assert!(back.is_secured());
    assert_eq!(ok(&mut back, "search", json!({"text": "备份前"}))["total"], 1);
}

// ───── bulk reads and bounded input ─────

/// A page of households shows heads, phones and addresses: pages are capped, and each page
/// read is audited with what it asked for and how much it gave out; an export says which
/// ledger and where it went.
#[test]
fn list_pages_are_capped_and_audited_and_exports_say_what_went_where() {
    let mut d = desk();
    let mut zhou = d.user("zhou", "officer");
    let v = id(&ok(&mut d.admin, "village.create", json!({"name": "青山村"})));
    for n in 0..120 {
        ok(&mut zhou, "household.create", json!({"village_id": v, "house_no": format!("{n}")}));
    }
    let page = ok(&mut zhou, "household.list", json!({"page_size": 100000}));
    assert_eq!(page["items"].as_array().unwrap().len(), 100, "at most a hundred a page");
    assert_eq!(page["page_size"], 100);
    let lists = audit(&mut d.admin, "list");
    let entry = lists.iter().find(|e| e["login"] == "zhou").expect("the list is audited");
    let detail = entry["detail"].as_str().unwrap();
    assert!(detail.contains("household.list") && detail.contains("page_size=100000"), "{detail}");
    assert!(detail.ends_with("返回 100 条"), "{detail}");
    // Lists of nothing personal are not.
    ok(&mut zhou, "village.list", json!({}));
    assert!(!audit(&mut d.admin, "list").iter().any(|e| e["tbl"] == "village"));

    let out = d.dir.path().join("户籍台账.xlsx");
    ok(&mut zhou, "ledger.export", json!({"kind": "disputes", "month": "2026-11", "path": out}));
    let export = &audit(&mut d.admin, "export")[0];
    let detail = export["detail"].as_str().unwrap();
    assert!(detail.contains("矛盾纠纷调解台账") && detail.contains("2026-11"), "{detail}");
    assert!(detail.contains(&*out.file_name().unwrap().to_string_lossy()), "{detail}");
}

/// Every input has a bound, and nothing invisible gets into a name or a note.
#[test]
fn inputs_are_bounded_and_invisible_format_characters_refused() {
    let mut d = desk();
    let (_, hid) = {
        let v = id(&ok(&mut d.admin, "village.create", json!({"name": "青山村"})));
        (v.clone(), id(&ok(&mut d.admin, "household.create", json!({"village_id": v, "house_no": "1"}))))
    };
    let before = ok(&mut d.admin, "audit.verify", json!({}))["entries"].as_i64().unwrap();
    // A ten-megabyte search is refused at once, and nothing of it reaches the audit log.
    let started = std::time::Instant::now();
    let e = refused(&mut d.admin, "search", json!({"text": "王".repeat(10 << 20)}));
    assert_eq!(e["field"], "text");
    assert!(started.elapsed().as_secs() < 5);
    let e = refused(&mut d.admin, "search", json!({"text": "王".repeat(101)}));
    assert!(e["message"].as_str().unwrap().contains("最多100个字"), "{e}");
    let after = ok(&mut d.admin, "audit.verify", json!({}))["entries"].as_i64().unwrap();
    assert_eq!(after, before, "refused searches leave no entry");
    // Tags: not two hundred thousand, not even twenty-one.
    let e = refused(&mut d.admin, "person.create", json!({"name": "王芳", "tags": vec!["独居老人"; 200_000]}));
    assert_eq!(e["field"], "tags");
    let many: Vec<String> = (0..21).map(|i| format!("标签{i}")).collect();
    let e = refused(&mut d.admin, "person.create", json!({"name": "王芳", "tags": many}));
    assert!(e["message"].as_str().unwrap().contains("最多 20 个"), "{e}");
    // A right-to-left override in a name or a note, or an isolate, anywhere.
    for (params, field) in [
        (json!({"name": "王\u{202E}芳", "household_id": hid}), "name"),
        (json!({"name": "王芳", "notes": "已走访\u{2066}未见异常\u{2069}", "household_id": hid}), "notes"),
    ] {
        let e = refused(&mut d.admin, "person.create", params);
        assert_eq!(e["field"], field, "{e}");
        assert!(e["message"].as_str().unwrap().contains("不可见"), "{e}");
    }
    let e = refused(&mut d.admin, "household.update", json!({"id": hid, "address": "青山村\u{202D}8号"}));
    assert_eq!(e["field"], "address", "{e}");
    let stored: i64 = d.admin.store().conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "nothing refused was stored");
}

/// 表彰奖励: an auxiliary records a nomination (and may correct it) but neither records the
/// decision, the payment nor a deletion; an officer does, and each step is in the audit log.
#[test]
fn an_auxiliary_nominates_and_an_officer_decides_and_pays() {
    let mut d = desk();
    let v = id(&ok(&mut d.admin, "village.create", json!({"name": "青山村"})));
    let mut officer = d.user("zhou", "officer");
    let mut aux = d.user("lin", "auxiliary");
    let a = ok(
        &mut aux,
        "award.create",
        json!({"kind": "valor", "name": "王小明", "village_id": v, "deed": "救起落水儿童", "deed_on": "2026-11-20"}),
    );
    ok(&mut aux, "award.update", json!({"id": a["id"], "deed": "跳入鱼塘救起落水儿童"}));
    for (method, params) in [
        ("award.decide", json!({"id": a["id"], "decision": "approved", "amount_yuan": "2000"})),
        ("award.pay", json!({"id": a["id"]})),
        ("award.delete", json!({"id": a["id"]})),
    ] {
        let e = refused(&mut aux, method, params);
        assert_eq!(e["code"], "forbidden", "{method}: {e}");
    }
    ok(&mut officer, "award.decide", json!({"id": a["id"], "decision": "approved", "amount_yuan": "2000"}));
    let paid = ok(&mut officer, "award.pay", json!({"id": a["id"]}));
    assert_eq!((paid["amount_fen"].as_i64(), paid["paid_on"].as_str()), (Some(200_000), Some("2026-11-23")));
    ok(&mut aux, "award.get", json!({"id": a["id"]}));
    let updates: Vec<Value> = audit(&mut d.admin, "update")
        .into_iter()
        .filter(|e| e["detail"] == "award.decide" || e["detail"] == "award.pay")
        .collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(audit(&mut d.admin, "view_person").iter().any(|e| e["login"] == "lin" && e["detail"] == "award.get"));
}

/// 照片和扫描件: an auxiliary attaches a photo and opens it (audited as a view of personal
/// data) but does not delete it; an officer does.
#[test]
fn an_auxiliary_attaches_a_photo_and_an_officer_deletes_it() {
    let mut d = desk();
    let v = id(&ok(&mut d.admin, "village.create", json!({"name": "青山村"})));
    let mut officer = d.user("zhou", "officer");
    let mut aux = d.user("lin", "auxiliary");
    let h = ok(
        &mut aux,
        "hazard.create",
        json!({"found_on": "2026-11-20", "found_by_name": "李四", "place": "3组桥头", "village_id": v,
               "kind": "other", "description": "护栏松动"}),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("桥头.png");
    let photo = fengqiao::model::attachment::sample_photo(1, 64, 48, fengqiao::model::FileType::Png);
    std::fs::write(&path, photo).unwrap();
    let a = ok(&mut aux, "attachment.add", json!({"owner_kind": "hazard", "owner_id": h["id"], "path": path}));
    ok(&mut aux, "attachment.get", json!({"id": a["id"]}));
    let e = refused(&mut aux, "attachment.delete", json!({"id": a["id"]}));
    assert_eq!(e["code"], "forbidden", "{e}");
    ok(&mut officer, "attachment.delete", json!({"id": a["id"]}));
    assert!(audit(&mut d.admin, "view_person").iter().any(|e| e["login"] == "lin" && e["detail"] == "attachment.get"));
    assert!(audit(&mut d.admin, "delete").iter().any(|e| e["login"] == "zhou" && e["detail"] == "attachment.delete"));
}
