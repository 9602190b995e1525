//! What the desktop app asks of the core besides the record methods: checking an ID
//! number as it is typed, where the data lives, and demo data only for a fresh post.

#![allow(clippy::unwrap_used)]

use crate::common;

use common::Post;
use fengqiao::demo::{DemoOptions, generate_fresh};
use serde_json::json;

#[test]
fn an_id_number_being_typed_is_checked_and_read() {
    let mut post = Post::new();
    let info = post.call("id_number.check", json!({"id_number": "11010519491231002x"}));
    assert_eq!(info["id_number"], "11010519491231002X");
    assert_eq!(info["birth_date"], "1949-12-31");
    assert_eq!(info["sex"], "female");

    let e = post.refused("id_number.check", json!({"id_number": "110105194912310021"}));
    assert_eq!(e["field"], "id_number");
    assert_eq!(e["message"], "公民身份号码校验位错误：末位应为“X”，输入的是“1”，请核对号码");
    // The same words person.create gives, so the form says one thing.
    let refused = post.refused("person.create", json!({"name": "王芳", "id_number": "110105194912310021"}));
    assert_eq!(refused["message"], e["message"]);
}

#[test]
fn db_info_names_the_file_the_post_lives_in() {
    let post = Post::new();
    let info = post.api.db_info().unwrap();
    assert!(info.path.ends_with(".db"), "{}", info.path);
    assert!(info.schema_version >= 1);
    assert_eq!(info.node_id, post.api.store().node_id().to_string());
}

#[test]
fn demo_data_goes_only_into_a_fresh_post() {
    let mut post = Post::new();
    let summary = generate_fresh(&mut post.api, DemoOptions { households: 5, seed: 1 }).unwrap();
    assert_eq!(summary.households, 5);
    let e = generate_fresh(&mut post.api, DemoOptions { households: 5, seed: 1 }).unwrap_err();
    assert_eq!(e.code(), "rule");
    assert!(e.to_string().contains("只能导入空数据库"), "{e}");
}

/// The desk the desktop app and `fengqiao serve` hold, on a real file through its life:
/// setup mode, the first admin encrypting it, closed at exit, locked at the next start until
/// the right password, and never a second first admin.
#[test]
fn the_desk_is_set_up_closed_and_unlocked_only_by_the_right_password() {
    use fengqiao::desk::Desk;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");

    let mut desk = Desk::open(&db);
    assert_eq!(desk.call("session.current", json!({})).unwrap()["mode"], "setup");
    let admin = desk.create_admin("admin", "Fengqiao2026x").unwrap();
    assert_eq!(admin.login.as_deref(), Some("admin"));
    assert!(desk.db_info().unwrap().path.ends_with("post.db"));
    desk.close("程序正在退出").unwrap();
    assert_eq!(desk.call("household.list", json!({})).unwrap_err().message, "程序正在退出");

    let mut desk = Desk::open(&db);
    assert!(matches!(desk, Desk::Locked(_)), "an encrypted file starts locked");
    assert_eq!(desk.call("session.current", json!({})).unwrap()["mode"], "logged_out");
    assert_eq!(desk.call("household.list", json!({})).unwrap_err().code, "unauthenticated");
    assert_eq!(desk.db_info().unwrap_err().code, "unauthenticated");
    let wrong = desk.call("session.login", json!({"login": "admin", "password": "Wrong2026x"})).unwrap_err();
    assert_eq!(wrong.code, "unauthenticated", "{}", wrong.message);
    assert!(matches!(desk, Desk::Locked(_)), "a wrong password leaves it locked");
    let bad = desk.call("session.login", json!({"user": "admin"})).unwrap_err();
    assert!(bad.message.contains("登录请求有误"), "{}", bad.message);

    let info = desk.call("session.login", json!({"login": "admin", "password": "Fengqiao2026x"})).unwrap();
    assert_eq!(info["login"], "admin");
    assert!(desk.call("household.list", json!({})).is_ok());
    let again = desk.create_admin("thief", "Thief2026xx").unwrap_err();
    assert!(again.message.starts_with("数据库已设置管理员"), "{}", again.message);
    desk.close("程序正在退出").unwrap();
}
