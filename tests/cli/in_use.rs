//! A post's database is worked on by one process at a time: what the app saves after a file
//! dialog has listed the database's folder survives a second process and the app's exit,
//! and the command line refuses, in Chinese, a database the app has open.
//!
//! The app is played by this test binary run again as a child process (`APP_CHILD`), so
//! that its exit is a real process exit; the second process is the real `fengqiao` binary.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use serde_json::{Value, json};

/// Set in the child: the database the child opens as the app.
const APP_CHILD: &str = "FENGQIAO_TEST_APP_DB";

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at_date(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()))
}

fn fengqiao(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao")).arg("--db").arg(db).args(args).output().unwrap()
}

fn village_names(api: &mut Api) -> Vec<String> {
    let list = api.call("village.list", json!({})).unwrap();
    let mut names: Vec<String> =
        list.as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

/// What a GTK file dialog does to the folder it lists: opens each file (to guess its type)
/// and closes it. Closing a descriptor of the database drops every POSIX lock SQLite holds
/// on it in this process.
fn list_the_folder_as_a_file_dialog_does(db: &Path) {
    let dir = db.parent().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            drop(std::fs::File::open(&path).unwrap());
        }
    }
}

/// The app's side of [`what_the_app_saves_after_a_file_dialog_survives_a_second_process_and_its_exit`]:
/// saves a village, lets a file dialog list the folder, says `dialog-closed` and waits for a
/// line on stdin (while the parent runs the command line), saves a second village, says
/// `saved` and exits as the process, without closing the database (a crash, a power cut, or
/// the app before it closed its database at exit).
fn play_the_app(db: &Path) -> ! {
    let mut api = Api::open(db, clock()).unwrap();
    api.call("village.create", json!({"name": "甲村"})).unwrap();
    list_the_folder_as_a_file_dialog_does(db);
    say("dialog-closed");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    api.call("village.create", json!({"name": "乙村"})).unwrap();
    say("saved");
    std::process::exit(0);
}

/// A line to the parent, written to the descriptor itself (the test harness captures
/// `println!`).
fn say(word: &str) {
    let mut out = std::io::stdout();
    writeln!(out, "{word}").unwrap();
    out.flush().unwrap();
}

#[test]
fn what_the_app_saves_after_a_file_dialog_survives_a_second_process_and_its_exit() {
    if let Some(db) = std::env::var_os(APP_CHILD) {
        play_the_app(Path::new(&db));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    // This test's name as the harness lists it: `in_use::…`, without the binary's name.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let name = format!("{module}::what_the_app_saves_after_a_file_dialog_survives_a_second_process_and_its_exit");
    let mut app = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name])
        .args(["--test-threads", "1"])
        .env(APP_CHILD, &db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(app.stdout.take().unwrap()).lines();
    let mut wait_for = |word: &str| {
        for line in said.by_ref() {
            // The harness's "test … … " may precede it on the line.
            if line.unwrap().trim_end().ends_with(word) {
                return;
            }
        }
        panic!("the app ended before saying {word}");
    };
    wait_for("dialog-closed");

    // IT's backup script, or a second copy of the app, while the app is open.
    let second = fengqiao(&db, &["call", "village.list", "{}"]);
    let refusal = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "the command line worked on the open database: {refusal}");
    assert!(refusal.contains("正在被另一个程序使用"), "{refusal}");

    app.stdin.as_mut().unwrap().write_all(b"go on\n").unwrap();
    wait_for("saved");
    assert!(app.wait().unwrap().success());

    let mut after = Api::open(&db, clock()).unwrap();
    assert_eq!(village_names(&mut after), ["乙村", "甲村"], "a village the app saved was lost");
}

fn db_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("post.db")
}

#[test]
fn the_command_line_refuses_an_open_database_in_chinese_naming_who_has_it_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let mut api = Api::open(&db, clock()).unwrap();
    api.call("village.create", json!({"name": "甲村"})).unwrap();
    let program = std::env::current_exe().unwrap().file_stem().unwrap().to_string_lossy().into_owned();

    for args in [&["call", "village.create", r#"{"name":"乙村"}"#][..], &["init"]] {
        let out = fengqiao(&db, args);
        assert!(!out.status.success(), "{args:?} worked on the open database");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&format!("数据库 {} 正在被另一个程序使用", db.display())), "{stderr}");
        assert!(stderr.contains(&format!("（{program}，进程号 {}）", std::process::id())), "{stderr}");
        assert!(stderr.contains("请先关闭那个程序再试"), "{stderr}");
    }
    let json: Value = serde_json::from_slice(&fengqiao(&db, &["--json", "search", "张"]).stdout).unwrap();
    assert_eq!(json["code"], "in_use");
    // A restore would replace the file under the app: refused before any password is asked.
    let out = Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--db")
        .arg(&db)
        .args(["--user", "admin", "restore", "elsewhere.db"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("正在被另一个程序使用"));

    assert_eq!(village_names(&mut api), ["甲村"]);
    api.close().unwrap();
    // Closed: the WAL is in the file, and the command line works.
    assert_eq!(std::fs::metadata(dir.path().join("post.db-wal")).map(|m| m.len()).unwrap_or(0), 0);
    let out = fengqiao(&db, &["call", "village.create", r#"{"name":"乙村"}"#]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_encrypted_database_in_use_is_refused_before_a_password_is_asked_and_its_key_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // Two stores of one process share its hold, and the first admin's reopening keeps it.
    let plain = Api::open(&db, clock()).unwrap();
    drop(Api::open(&db, clock()).unwrap());
    drop(plain);
    let admin = Api::create_admin(&db, clock(), "admin", "Admin2026x").unwrap();
    let keys = std::fs::read(dir.path().join("post.db.keys")).unwrap();
    let as_admin = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("--db")
            .arg(&db)
            .args(["--user", "admin", "call", "session.current", "{}"])
            .env("FENGQIAO_PASSWORD", password)
            .output()
            .unwrap()
    };
    // A wrong password would count towards the lockout, in the key file the app also writes.
    let out = as_admin("Wrong2026x");
    assert!(String::from_utf8_lossy(&out.stderr).contains("正在被另一个程序使用"));
    assert_eq!(std::fs::read(dir.path().join("post.db.keys")).unwrap(), keys);
    drop(admin);
    let out = as_admin("Admin2026x");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
