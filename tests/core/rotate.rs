//! A user leaving changes the database key (SECURITY.md): the old key, which the leaver may
//! have kept (the old key file and their password), opens nothing written afterwards; the
//! others log in as before; and a process killed after any step of the change leaves a
//! database that opens whole, with the change finished by the next login.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use fengqiao::api::{Api, LoginRef};
use fengqiao::demo::{self, DemoOptions};
use fengqiao::model::time::{Clock, SystemClock};
use fengqiao::store::Store;
use fengqiao::store::keys::{self, DbKey, KeyFile};
use fengqiao::store::rotate::Step;
use serde_json::json;

/// Set in the child process: the database and the step after which it kills itself.
const CHILD: &str = "FENGQIAO_REKEY_CHILD";
const TEST: &str = "rotate::a_kill_after_any_step_of_the_change_of_key_leaves_a_database_that_opens_under_a_new_key";
const STEPS: [Step; 4] = [Step::Copied, Step::KeysAside, Step::Swapped, Step::Done];
const ADMIN_PW: &str = "Admin2026x";
const LINA_PW: &str = "Lina2026xx";
const WANG_PW: &str = "Wang2026xx";
const HOUSEHOLDS: i64 = 30;

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// A secured post with an admin, two officers (lina will leave) and demo households.
fn post(dir: &Path) -> PathBuf {
    let db = dir.join("post.db");
    let mut admin = Api::create_admin(&db, clock(), "admin", ADMIN_PW).unwrap();
    for (login, password) in [("lina", LINA_PW), ("wang", WANG_PW)] {
        admin.call("user.create", json!({"login": login, "password": password, "role": "officer"})).unwrap();
    }
    demo::generate(&mut admin, DemoOptions { households: HOUSEHOLDS as usize, seed: 3 }).unwrap();
    admin.close().unwrap();
    db
}

/// What the leaver can take with them: their copy of the key, unwrapped from the key file
/// as it is before they leave.
fn leavers_key(db: &Path) -> DbKey {
    KeyFile::load(&keys::path_for(db)).unwrap().unwrap().unwrap_key("lina", LINA_PW).unwrap()
}

/// Everything that must hold once the post is open again after lina left.
fn check_after(db: &Path, leavers: &DbKey) {
    let mut admin = Api::open_as(db, clock(), "admin", ADMIN_PW).unwrap();
    let check: String = admin.store().conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let page = admin.call("household.list", json!({"page_size": 1})).unwrap();
    assert_eq!(page["total"], HOUSEHOLDS, "every household still there");
    let users = admin.call("user.list", json!({})).unwrap();
    let lina = users.as_array().unwrap().iter().find(|u| u["login"] == "lina").unwrap().clone();
    assert!(lina["disabled_at"].is_string(), "{lina}");
    let audit = admin.call("audit.list", json!({"page_size": 100})).unwrap();
    assert!(audit["entries"].as_array().unwrap().iter().any(|e| e["action"] == "rekey"), "the change is audited");
    admin.close().unwrap();
    for leftover in [".rekey", ".keys.next"] {
        let mut p = db.as_os_str().to_owned();
        p.push(leftover);
        assert!(!Path::new(&p).exists(), "{leftover} left behind");
    }
    assert!(Api::open_as(db, clock(), "lina", LINA_PW).is_err(), "the leaver cannot log in");
    assert!(Store::open_encrypted(db, clock(), leavers).is_err(), "the leaver's old key opens nothing");
    Api::open_as(db, clock(), "wang", WANG_PW).unwrap().close().unwrap();
}

#[test]
fn a_user_leaving_changes_the_key_and_the_others_log_in_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let db = post(dir.path());
    let leavers = leavers_key(&db);
    let mut admin = Api::open_as(&db, clock(), "admin", ADMIN_PW).unwrap();
    admin.user_disable(LoginRef { login: "lina".into() }).unwrap();
    // The open api goes on under the new key: a new user gets a copy of it.
    admin.call("user.create", json!({"login": "zhao", "password": "Zhao2026xx", "role": "auxiliary"})).unwrap();
    admin.close().unwrap();
    Api::open_as(&db, clock(), "zhao", "Zhao2026xx").unwrap().close().unwrap();
    check_after(&db, &leavers);
}

/// The child: disables lina and kills itself (SIGKILL) right after the step it was given.
fn child(spec: &str) {
    let (db, step) = spec.rsplit_once('|').unwrap();
    let stop = STEPS[step.parse::<usize>().unwrap()];
    let mut admin = Api::open_as(Path::new(db), clock(), "admin", ADMIN_PW).unwrap();
    let me = std::process::id();
    let kill = |s: Step| {
        if s == stop {
            let _ = Command::new("sh").arg("-c").arg(format!("kill -9 {me}")).status();
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    };
    admin.user_disable_observed(LoginRef { login: "lina".into() }, &mut { kill }).unwrap();
    panic!("not killed after {stop:?}");
}

#[test]
fn a_kill_after_any_step_of_the_change_of_key_leaves_a_database_that_opens_under_a_new_key() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    for (i, step) in STEPS.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let db = post(dir.path());
        let leavers = leavers_key(&db);
        let status = Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--test-threads", "1"])
            .env(CHILD, format!("{}|{i}", db.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(!status.success(), "the child after {step:?} was not killed");
        check_after(&db, &leavers);
    }
}
