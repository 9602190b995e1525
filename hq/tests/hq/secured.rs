//! HQ secured like a post, through the real `fengqiao-hq` binary:
//! - `init --admin` encrypts hq.db (a new one, or a plain one in place) and `serve` unlocks it
//!   without a person by its service key file, or by an operator's passphrase; wrong or
//!   missing unlocks are refused in Chinese;
//! - with a post enrolled over the network (a one-time code filed under a station) and
//!   synced, hq.db and its WAL hold no resident's name, phone or ID number and no private
//!   key in clear, while the server runs and after it stops; the control (the same flow into
//!   a plain HQ) shows them;
//! - `backup` / `restore` as a post's are tested: a change undone, a wrong password and a
//!   damaged copy refused with the live database untouched.
//!
//! County commands log in with a password and a TOTP code (`--otp`): a code works once, so
//! each command runs a step later (`FENGQIAO_NOW`).

#![allow(clippy::unwrap_used)]

use std::cell::Cell;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;

use chrono::{Duration, Utc};
use fengqiao::api::Api;
use fengqiao::api::county::Unlock;
use fengqiao::model::otp;
use fengqiao::model::time::{FixedClock, SystemClock};
use serde_json::json;

pub(crate) const ADMIN_PW: &str = "Admin2026x";
pub(crate) const VILLAGE: &str = "330326101201";
const NAME: &str = "欧阳秀英";
const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13912345678";

/// `fengqiao-hq` for one data directory, each command a 31 s step after the last.
pub(crate) struct Hq {
    pub(crate) data: PathBuf,
    step: Cell<i64>,
    pub(crate) secret: Cell<Option<Vec<u8>>>,
}

impl Hq {
    pub(crate) fn new(data: &Path) -> Hq {
        Hq { data: data.to_owned(), step: Cell::new(0), secret: Cell::new(None) }
    }

    pub(crate) fn now(&self) -> chrono::DateTime<Utc> {
        self.step.set(self.step.get() + 1);
        Utc::now() + Duration::seconds(31 * self.step.get())
    }

    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
        let now = self.now();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fengqiao-hq"));
        cmd.arg("--data").arg(&self.data).args(args).env("FENGQIAO_NOW", now.to_rfc3339());
        cmd.env_remove("FENGQIAO_PASSWORD").env_remove("FENGQIAO_HQ_PASSPHRASE").env_remove("FENGQIAO_OTP");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let secret = self.secret.take();
        if let Some(s) = &secret {
            cmd.arg("--otp").arg(otp::code_at(s, now.timestamp() as u64).unwrap());
        }
        self.secret.set(secret);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// A county admin's command (`--user admin`, its password and a fresh code).
    pub(crate) fn admin(&self, args: &[&str]) -> Output {
        let mut all = vec!["--user", "admin"];
        all.extend_from_slice(args);
        self.run(&all, &[("FENGQIAO_PASSWORD", ADMIN_PW)], None)
    }

    /// The admin's first command shows the phone's secret to add; later ones send its code.
    pub(crate) fn enrol_admin_phone(&self) {
        let out = self.admin(&["stations"]);
        assert!(!out.status.success());
        let e = String::from_utf8(out.stderr).unwrap();
        let secret = e.split("添加密钥 ").nth(1).and_then(|s| s.split('（').next()).unwrap();
        self.secret.set(Some(otp::secret_from_text(secret).unwrap()));
    }
}

pub(crate) fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn refused(out: Output) -> String {
    assert!(!out.status.success(), "should have been refused: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// `fengqiao-hq serve` on a free loopback port; its address.
pub(crate) fn serve(hq: &Hq, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fengqiao-hq"));
    cmd.arg("--data").arg(&hq.data).args(["serve", "--listen", "127.0.0.1:0"]).args(args);
    cmd.env_remove("FENGQIAO_HQ_PASSPHRASE").env_remove("FENGQIAO_NOW");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().split("已启动：").nth(1).unwrap_or_else(|| panic!("no address in {line:?}")).to_owned();
    (child, url)
}

/// Stops the server as Ctrl-C does, and waits for it.
pub(crate) fn stop(mut child: Child) {
    let sent = Command::new("kill").arg("-INT").arg(child.id().to_string()).status().unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "the server stopped with {status}");
}

/// A post with one resident, enrolled at `url` with `code`, synced once over the network.
pub(crate) fn post_syncs(dir: &Path, url: &str, code: &str) -> Api {
    let mut post = Api::open(&dir.join("post.db"), Arc::new(SystemClock)).unwrap();
    let v = post.call("village.create", json!({"name": "青山村", "code": VILLAGE})).unwrap();
    let h = post.call("household.create", json!({"village_id": v["id"], "house_no": "7"})).unwrap();
    post.call(
        "person.create",
        json!({"household_id": h["id"], "name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "residence": "permanent"}),
    )
    .unwrap();
    post.call("enroll.network", json!({"url": url, "code": code})).unwrap();
    post.call("sync.network", json!({"url": url})).unwrap();
    post
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Which of the resident's values (and the given key bytes) the files hold in clear.
fn in_clear(files: &[PathBuf], keys: &[Vec<u8>]) -> Vec<String> {
    let mut found = Vec::new();
    for f in files {
        let Ok(bytes) = std::fs::read(f) else { continue };
        for v in [NAME, ID_NUMBER, PHONE] {
            if contains(&bytes, v.as_bytes()) {
                found.push(format!("{v} in {}", f.display()));
            }
        }
        for k in keys {
            if contains(&bytes, k) {
                found.push(format!("a private key in {}", f.display()));
            }
        }
    }
    found
}

fn db_files(data: &Path) -> Vec<PathBuf> {
    ["hq.db", "hq.db-wal", "hq.db-shm", "hq.db.keys"].iter().map(|f| data.join(f)).collect()
}

fn node_keys(api: &Api) -> Vec<Vec<u8>> {
    let mut stmt = api.store().conn().prepare("SELECT secret FROM node_key").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

pub(crate) fn code_of(out: &str) -> String {
    out.lines().find_map(|l| l.strip_prefix("登记码：")).unwrap().to_owned()
}

#[test]
fn first_run_encrypts_hq_and_the_server_unlocks_by_its_service_key_with_nothing_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let key_file = dir.path().join("service.key");
    let hq = Hq::new(&data);
    let out = ok(hq.run(
        &["init", "--name", "县公安局", "--admin", "admin", "--service-key", key_file.to_str().unwrap()],
        &[("FENGQIAO_PASSWORD", ADMIN_PW)],
        None,
    ));
    assert!(out.contains("县局数据库已加密") && out.contains("已生成服务密钥文件"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // The file opens with no plain SQLite.
    let raw = rusqlite_open_fails(&data.join("hq.db"));
    assert!(raw, "hq.db opened without its key");
    // Commands need a county login; serving needs an unlock.
    assert!(refused(hq.run(&["enroll-code", "--villages", VILLAGE], &[], None)).contains("--user"));
    assert!(refused(hq.run(&["serve", "--listen", "127.0.0.1:0"], &[], None)).contains("--unlock"));
    let e = refused(hq.run(&["serve", "--listen", "127.0.0.1:0", "--page-cache-mb", "8"], &[], None));
    assert!(e.contains("页面缓存（--page-cache-mb）应在 16 到 65536 MB 之间"), "{e}");
    // A key file others can read is refused.
    let loose = dir.path().join("loose.key");
    std::fs::copy(&key_file, &loose).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = refused(hq.run(
            &["serve", "--listen", "127.0.0.1:0", "--unlock", "service-key", "--service-key", loose.to_str().unwrap()],
            &[],
            None,
        ));
        assert!(e.contains("权限过宽"), "{e}");
    }

    hq.enrol_admin_phone();
    assert!(ok(hq.admin(&["stations", "--add", "青山派出所"])).contains("已新增派出所"));
    let code = code_of(&ok(hq.admin(&["enroll-code", "--villages", VILLAGE, "--station", "青山派出所"])));
    let (server, url) = serve(
        &hq,
        &["--unlock", "service-key", "--service-key", key_file.to_str().unwrap(), "--page-cache-mb", "32"],
        &[],
        None,
    );
    let _post = post_syncs(dir.path(), &url, &code);
    let files = db_files(&data);
    let running = in_clear(&files, &[]);
    stop(server);
    let stopped = in_clear(&files, &[]);

    let api =
        Api::open_service(&data.join("hq.db"), Arc::new(SystemClock), &Unlock::ServiceKey(key_file.clone())).unwrap();
    let keys = node_keys(&api);
    assert_eq!(keys.len(), 2, "HQ's signing and encryption keys");
    let people: i64 = api.store().conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(people, 1, "the resident reached HQ");
    let filed: Option<String> = api
        .store()
        .conn()
        .query_row("SELECT s.name FROM peer p JOIN station s ON s.id = p.station_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(filed.as_deref(), Some("青山派出所"), "the code filed the post under its station");
    drop(api);
    let keys_in_clear = in_clear(&files, &keys);
    assert!(running.is_empty(), "while serving: {running:?}");
    assert!(stopped.is_empty(), "after stopping: {stopped:?}");
    assert!(keys_in_clear.is_empty(), "{keys_in_clear:?}");

    // The control: the same flow into a plain HQ shows the resident and the keys.
    let plain = dir.path().join("plain");
    let phq = Hq::new(&plain);
    ok(phq.run(&["init", "--name", "县公安局"], &[], None));
    let code = code_of(&ok(phq.run(&["enroll-code", "--villages", VILLAGE], &[], None)));
    let (server, url) = serve(&phq, &[], &[], None);
    let pdir = dir.path().join("p2");
    std::fs::create_dir_all(&pdir).unwrap();
    let _post = post_syncs(&pdir, &url, &code);
    stop(server);
    let api = fengqiao_hq::open(&plain).unwrap();
    let keys = node_keys(&api);
    drop(api);
    let shown = in_clear(&db_files(&plain), &keys);
    assert!(shown.iter().any(|s| s.starts_with(NAME)), "{shown:?}");
    assert!(shown.iter().any(|s| s.starts_with("a private key")), "{shown:?}");
}

fn rusqlite_open_fails(path: &Path) -> bool {
    let out = Command::new("sqlite3").arg(path).arg("SELECT count(*) FROM sqlite_schema").output();
    match out {
        // The sqlite3 shell, when installed, says the file is not a database.
        Ok(o) => !o.status.success(),
        // Otherwise the core's plain open refuses it (its key file is beside it).
        Err(_) => Api::open(path, Arc::new(SystemClock)).is_err(),
    }
}

#[test]
fn a_plain_hq_is_converted_in_place_and_the_server_unlocks_by_the_operators_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let hq = Hq::new(&data);
    ok(hq.run(&["init", "--name", "县公安局"], &[], None));
    let code = code_of(&ok(hq.run(&["enroll-code", "--villages", VILLAGE], &[], None)));
    let (server, url) = serve(&hq, &[], &[], None);
    let mut post = post_syncs(dir.path(), &url, &code);
    stop(server);
    assert!(!in_clear(&db_files(&data), &[]).is_empty(), "the plain HQ holds the resident in clear");

    let out = ok(hq.run(
        &["init", "--name", "县公安局", "--admin", "admin", "--passphrase"],
        &[("FENGQIAO_PASSWORD", ADMIN_PW), ("FENGQIAO_HQ_PASSPHRASE", "Operator2026x")],
        None,
    ));
    assert!(out.contains("已设置启动口令"), "{out}");
    assert!(in_clear(&db_files(&data), &[]).is_empty(), "converted in place");
    // A wrong passphrase (on standard input, as systemd-ask-password gives it) is refused.
    let e = refused(hq.run(&["serve", "--listen", "127.0.0.1:0", "--unlock", "passphrase"], &[], Some("Wrong2026x\n")));
    assert!(e.contains("启动口令不正确"), "{e}");
    let e = refused(hq.run(
        &["serve", "--listen", "127.0.0.1:0", "--unlock", "service-key", "--service-key", "x"],
        &[],
        None,
    ));
    assert!(e.contains("尚未设置服务密钥") || e.contains("无法读取服务密钥文件"), "{e}");
    // The right one serves the county as it was: the post syncs on.
    let (server, url) = serve(&hq, &["--unlock", "passphrase"], &[], Some("Operator2026x\n"));
    let body = ureq::get(&format!("{url}/health")).call().unwrap().body_mut().read_to_string().unwrap();
    assert_eq!(body, "ok");
    let h = post.call("household.list", json!({})).unwrap()["items"][0]["id"].clone();
    post.call("household.update", json!({"id": h, "house_no": "8"})).unwrap();
    let r = post.call("sync.network", json!({"url": url})).unwrap();
    assert!(r["sent"]["changes"].as_u64().unwrap() >= 1);
    stop(server);
    let api =
        Api::open_service(&data.join("hq.db"), Arc::new(SystemClock), &Unlock::Passphrase("Operator2026x".into()))
            .unwrap();
    let house: String = api.store().conn().query_row("SELECT house_no FROM household", [], |r| r.get(0)).unwrap();
    assert_eq!(house, "8");
    // The start is audited.
    let unlocks: i64 = api
        .store()
        .conn()
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'unlock'", [], |r| r.get(0))
        .unwrap();
    assert!(unlocks >= 2);
}

#[test]
fn hq_backup_restores_a_change_and_refuses_a_wrong_password_or_a_damaged_copy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let out_dir = dir.path().join("usb");
    std::fs::create_dir_all(&out_dir).unwrap();
    let hq = Hq::new(&data);
    ok(hq.run(&["init", "--name", "县公安局", "--admin", "admin"], &[("FENGQIAO_PASSWORD", ADMIN_PW)], None));
    hq.enrol_admin_phone();
    ok(hq.admin(&["stations", "--add", "青山派出所"]));
    let out = ok(hq.admin(&["backup", "--out", out_dir.to_str().unwrap()]));
    assert!(out.contains("已备份到"), "{out}");
    let backup = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .unwrap();
    // A change after the backup.
    ok(hq.admin(&["stations", "--add", "溪口派出所"]));
    let stations = |hq: &Hq| ok(hq.admin(&["stations"])).lines().count();
    assert_eq!(stations(&hq), 2);
    // The backup holds nothing in clear either, and its audit chain was checked.
    assert!(out.contains("校验完整"));

    let restore = |pw: &str, file: &Path| {
        hq.run(&["restore", file.to_str().unwrap(), "--user", "admin"], &[("FENGQIAO_PASSWORD", pw)], None)
    };
    let before = std::fs::read(data.join("hq.db")).unwrap();
    let e = refused(restore("Wrong2026x", &backup));
    assert!(e.contains("用户名或密码错误"), "{e}");
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::copy(fengqiao::store::keys::path_for(&backup), fengqiao::store::keys::path_for(&damaged)).unwrap();
    let e = refused(restore(ADMIN_PW, &damaged));
    assert!(e.contains("损坏") || e.contains("密钥不对"), "{e}");
    assert_eq!(std::fs::read(data.join("hq.db")).unwrap(), before, "the live database is untouched");

    let out = ok(restore(ADMIN_PW, &backup));
    assert!(out.contains("已从") && out.contains("原数据库保留为"), "{out}");
    assert_eq!(stations(&hq), 1, "the change after the backup is undone");
    let api = Api::open_county(
        &data.join("hq.db"),
        Arc::new(FixedClock::new(Utc::now() + Duration::hours(2))),
        "admin",
        ADMIN_PW,
        Some(&otp::code_at(&hq.secret.take().unwrap(), (Utc::now() + Duration::hours(2)).timestamp() as u64).unwrap()),
    )
    .unwrap();
    let restored: i64 = api
        .store()
        .conn()
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'restore'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(restored, 1, "the restore is audited");
}

/// A post named `name` with a household and a resident in `village`, enrolled at `url` with
/// `code` and synced once; returns it with the household.
fn named_post_syncs(dir: &Path, name: &str, village: &str, url: &str, code: &str) -> (Api, String) {
    std::fs::create_dir_all(dir).unwrap();
    let mut post = Api::open(&dir.join("post.db"), Arc::new(SystemClock)).unwrap();
    post.call("post.save", json!({"name": name})).unwrap();
    let v = post.call("village.create", json!({"name": format!("{name}村"), "code": village})).unwrap();
    let h = post.call("household.create", json!({"village_id": v["id"], "house_no": "7"})).unwrap();
    post.call("person.create", json!({"household_id": h["id"], "name": "王一", "residence": "permanent"})).unwrap();
    post.call("enroll.network", json!({"url": url, "code": code})).unwrap();
    post.call("sync.network", json!({"url": url})).unwrap();
    (post, h["id"].as_str().unwrap().to_owned())
}

/// Every synced table of HQ's file, row by row.
fn synced_rows(api: &Api) -> Vec<(String, Vec<String>)> {
    let conn = api.store().conn();
    let tables: Vec<String> = conn
        .prepare("SELECT DISTINCT tbl FROM column_clock ORDER BY tbl")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY id")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<String>>()))
                .unwrap()
                .map(|r| r.unwrap().join("|"))
                .collect();
            (t, rows)
        })
        .collect()
}

/// HQ's disk is lost; a new HQ is restored from HQ's backup (the old keys, so the posts stay
/// enrolled) taken before a week of work: the posts' changes, and an assignment HQ made.
/// After two syncs of each post, HQ holds, table by table and row by row, what the old HQ
/// had: each post's own data from the post, the assignment from the post it went to.
#[test]
fn hq_restored_from_its_backup_after_its_disk_is_lost_gets_back_every_row_from_the_posts() {
    const OTHER: &str = "330326101202";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let key_file = dir.path().join("service.key");
    let key = key_file.to_str().unwrap();
    let hq = Hq::new(&data);
    ok(hq.run(
        &["init", "--name", "县公安局", "--admin", "admin", "--service-key", key],
        &[("FENGQIAO_PASSWORD", ADMIN_PW)],
        None,
    ));
    hq.enrol_admin_phone();
    ok(hq.admin(&["stations", "--add", "青山派出所"]));
    let code_a = code_of(&ok(hq.admin(&["enroll-code", "--villages", VILLAGE, "--station", "青山派出所"])));
    let code_b = code_of(&ok(hq.admin(&["enroll-code", "--villages", OTHER, "--station", "青山派出所"])));
    let unlock = ["--unlock", "service-key", "--service-key", key];
    let (server, url) = serve(&hq, &unlock, &[], None);
    let (mut a, ha) = named_post_syncs(&dir.path().join("a"), "山门警务室", VILLAGE, &url, &code_a);
    let (mut b, _) = named_post_syncs(&dir.path().join("b"), "溪口警务室", OTHER, &url, &code_b);
    stop(server);
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    ok(hq.admin(&["backup", "--out", usb.to_str().unwrap()]));
    let backup = std::fs::read_dir(&usb)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .unwrap();

    // A week after the backup: both posts work and sync, HQ assigns one of 溪口's households
    // to 山门, which takes it.
    let (server, url) = serve(&hq, &unlock, &[], None);
    a.call("person.create", json!({"household_id": ha, "name": "王二", "residence": "permanent"})).unwrap();
    let v = b.call("village.list", json!({})).unwrap()[0]["id"].clone();
    let moved = b.call("household.create", json!({"village_id": v, "house_no": "9"})).unwrap()["id"].clone();
    b.call("person.create", json!({"household_id": moved, "name": "李三", "residence": "permanent"})).unwrap();
    for p in [&mut a, &mut b] {
        p.call("sync.network", json!({"url": url})).unwrap();
    }
    stop(server);
    ok(hq.admin(&["assign", "--post", "山门警务室", "--table", "household", "--id", moved.as_str().unwrap()]));
    let (server, url) = serve(&hq, &unlock, &[], None);
    a.call("sync.network", json!({"url": url})).unwrap();
    assert_eq!(a.call("household.get", json!({"id": moved})).unwrap()["house_no"], "9", "山门 has the assignment");
    stop(server);

    // The disk dies: the old HQ is kept here only to compare with.
    let old = dir.path().join("old");
    std::fs::create_dir_all(&old).unwrap();
    for f in ["hq.db", "hq.db.keys"] {
        std::fs::copy(data.join(f), old.join(f)).unwrap();
    }
    std::fs::remove_dir_all(&data).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    let out =
        ok(hq.run(&["restore", backup.to_str().unwrap(), "--user", "admin"], &[("FENGQIAO_PASSWORD", ADMIN_PW)], None));
    assert!(out.contains("各警务室下次同步时，会把它们已有的补回县局"), "{out}");

    let (server, url) = serve(&hq, &unlock, &[], None);
    for _ in 0..2 {
        for p in [&mut a, &mut b] {
            p.call("sync.network", json!({"url": url})).unwrap();
        }
    }
    stop(server);
    let open = |path: &Path| {
        Api::open_service(&path.join("hq.db"), Arc::new(SystemClock), &Unlock::ServiceKey(key_file.clone())).unwrap()
    };
    let (was, now) = (synced_rows(&open(&old)), synced_rows(&open(&data)));
    assert!(was.iter().any(|(t, rows)| t == "assignment" && rows.len() == 1), "{was:?}");
    for ((t, before), (t2, after)) in was.iter().zip(&now) {
        assert_eq!(t, t2);
        assert_eq!(before, after, "table {t}: the restored HQ differs from the old one");
    }
    assert_eq!(was.len(), now.len());
}
