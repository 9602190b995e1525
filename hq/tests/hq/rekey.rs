//! HQ changes its database key when a county login leaves (SECURITY.md), through the real
//! `fengqiao-hq`: a supervisor disabled, the key changes at the server's next start; what
//! the supervisor kept (the old `hq.db.keys` and their password) opens nothing of hq.db
//! afterwards, while the admin, the service key and the operator's passphrase still open it,
//! every post's row is still there and the post still syncs. `fengqiao-hq rekey` (and
//! `restore`) is refused while the server has hq.db open, and killed after any step of the
//! change it leaves hq.db opening whole, under the old key or the new one.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::api::LoginRef;
use fengqiao::api::county::{CountyUserInput, Unlock};
use fengqiao::model::CountyRole;
use fengqiao::model::otp;
use fengqiao::model::time::{FixedClock, SystemClock};
use fengqiao::store::Store;
use fengqiao::store::keys::{self, DbKey, KeyFile};
use serde_json::json;

use crate::secured::{ADMIN_PW, Hq, VILLAGE, code_of, ok, post_syncs, refused, serve, stop};

const PASSPHRASE: &str = "Start2026passphrase";
const LEAVER_PW: &str = "Zhao2026xx";

/// The admin's api on hq.db as the command line opens it (password and a fresh code).
fn admin_api(hq: &Hq) -> Api {
    let now = hq.now();
    let secret = hq.secret.take().unwrap();
    let code = otp::code_at(&secret, now.timestamp() as u64).unwrap();
    hq.secret.set(Some(secret));
    let db = hq.data.join("hq.db");
    Api::open_county(&db, Arc::new(FixedClock::new(now)), "admin", ADMIN_PW, Some(&code)).unwrap()
}

/// Creates the supervisor `login`, keeps what they could take with them (their copy of the
/// key, unwrapped from the key file as it is before they leave) and disables them.
fn supervisor_leaves(hq: &Hq, login: &str) -> DbKey {
    let mut api = admin_api(hq);
    let input = CountyUserInput {
        login: login.into(),
        password: LEAVER_PW.into(),
        role: CountyRole::Supervisor,
        name: None,
        station_id: None,
    };
    api.hq_user_create(input).unwrap();
    let kept = KeyFile::load(&keys::path_for(&hq.data.join("hq.db"))).unwrap().unwrap();
    let key = kept.unwrap_key(login, LEAVER_PW).unwrap();
    api.hq_user_disable(LoginRef { login: login.into() }).unwrap();
    assert!(api.hq_rekey_due().unwrap(), "the disable marks the change of key due");
    key
}

/// Whether `key` opens hq.db.
fn opens(data: &Path, key: &DbKey) -> bool {
    Store::open_encrypted_shared(&data.join("hq.db"), Arc::new(SystemClock), key).is_ok()
}

/// hq.db opened by the service key: whole, with the post's resident.
fn check_whole(data: &Path, service_key: &Path) {
    let db = data.join("hq.db");
    let api = Api::open_service(&db, Arc::new(SystemClock), &Unlock::ServiceKey(service_key.to_owned())).unwrap();
    let conn = api.store().conn();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let people: i64 = conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(people, 1, "the post's resident is still at HQ");
}

/// A secured HQ with a service key, a passphrase, the admin's phone and one post synced.
fn county(dir: &Path) -> (Hq, std::path::PathBuf, Api, String) {
    let data = dir.join("hq");
    let key_file = dir.join("service.key");
    let hq = Hq::new(&data);
    ok(hq.run(
        &[
            "init",
            "--name",
            "县公安局",
            "--admin",
            "admin",
            "--service-key",
            key_file.to_str().unwrap(),
            "--passphrase",
        ],
        &[("FENGQIAO_PASSWORD", ADMIN_PW), ("FENGQIAO_HQ_PASSPHRASE", PASSPHRASE)],
        None,
    ));
    hq.enrol_admin_phone();
    let code = code_of(&ok(hq.admin(&["enroll-code", "--villages", VILLAGE])));
    let (server, url) =
        serve(&hq, &["--unlock", "service-key", "--service-key", key_file.to_str().unwrap()], &[], None);
    let post = post_syncs(dir, &url, &code);
    stop(server);
    (hq, key_file, post, url)
}

#[test]
fn a_disabled_supervisors_key_opens_nothing_after_the_servers_next_start_and_the_rest_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let (hq, key_file, mut post, _) = county(dir.path());
    let leavers = supervisor_leaves(&hq, "zhao");
    assert!(opens(&hq.data, &leavers), "before the change the leaver's key opens hq.db");

    // The server restarts (unattended, by its service key) and changes the key first.
    let (server, url) =
        serve(&hq, &["--unlock", "service-key", "--service-key", key_file.to_str().unwrap()], &[], None);
    post.call("sync.network", json!({"url": url})).unwrap();
    stop(server);

    assert!(!opens(&hq.data, &leavers), "the leaver's old key still opens hq.db");
    // The leaver's password unwraps nothing from the key file now, nor anything that opens
    // hq.db from the copy they kept.
    let now = KeyFile::load(&keys::path_for(&hq.data.join("hq.db"))).unwrap().unwrap();
    assert!(now.unwrap_key("zhao", LEAVER_PW).is_err());
    check_whole(&hq.data, &key_file);
    let db = hq.data.join("hq.db");
    Api::open_service(&db, Arc::new(SystemClock), &Unlock::Passphrase(PASSPHRASE.into())).unwrap();
    ok(hq.admin(&["stations"]));
    let api = admin_api(&hq);
    assert!(!api.hq_rekey_due().unwrap(), "the change is no longer due");
    // Audited as a change of key after a county login left.
    let tbl: String = api
        .store()
        .conn()
        .query_row("SELECT tbl FROM audit_log WHERE action = 'rekey' ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tbl, "county_user");
}

#[test]
fn rekey_is_refused_while_the_server_runs_and_a_kill_after_any_step_leaves_hq_db_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (hq, key_file, mut post, _) = county(dir.path());
    let unlock = ["--unlock", "service-key", "--service-key", key_file.to_str().unwrap()];

    let leavers = supervisor_leaves(&hq, "qian");
    let (server, _) = serve(&hq, &unlock, &[], None);
    let e = refused(hq.admin(&["rekey"]));
    assert!(e.contains("正在使用县局数据库") && e.contains("更换数据库密钥"), "{e}");
    // A restore, which also renames a file over hq.db, likewise.
    let backup = dir.path().join("none.db");
    let e = refused(hq.run(
        &["restore", backup.to_str().unwrap(), "--user", "admin"],
        &[("FENGQIAO_PASSWORD", ADMIN_PW)],
        None,
    ));
    assert!(e.contains("正在使用县局数据库") && e.contains("恢复备份"), "{e}");
    stop(server);
    // The server took the change at its start; the command alone does it too.
    assert!(!opens(&hq.data, &leavers));
    assert!(ok(hq.admin(&["rekey"])).contains("已更换县局数据库密钥"));
    check_whole(&hq.data, &key_file);

    for (i, step) in ["Copied", "KeysAside", "Swapped", "Done"].iter().enumerate() {
        let login = format!("sun{i}");
        let leavers = supervisor_leaves(&hq, &login);
        let out = hq.run(
            &["--user", "admin", "rekey"],
            &[("FENGQIAO_PASSWORD", ADMIN_PW), ("FENGQIAO_HQ_REKEY_DIE_AFTER", step)],
            None,
        );
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "killed after {step}: {}", String::from_utf8_lossy(&out.stderr));
        // The next command finishes or undoes it; the admin, the service key open hq.db.
        ok(hq.admin(&["stations"]));
        check_whole(&hq.data, &key_file);
        // A change undone is still due and made at the server's next start.
        let (server, url) = serve(&hq, &unlock, &[], None);
        post.call("sync.network", json!({"url": url})).unwrap();
        stop(server);
        assert!(!opens(&hq.data, &leavers), "after a kill after {step} the leaver's key still opens hq.db");
        check_whole(&hq.data, &key_file);
    }
}
