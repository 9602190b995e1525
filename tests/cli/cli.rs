//! The `fengqiao` binary as a newcomer and a script use it: real processes on temp files.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn fengqiao(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("FENGQIAO_NOW", "2026-11-23T09:00:00+08:00")
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = fengqiao(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn call(db: &Path, method: &str, params: Value) -> Value {
    serde_json::from_str(&ok(db, &["call", method, &params.to_string()])).unwrap()
}

#[test]
fn init_twice_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let first: Value = serde_json::from_str(&ok(&db, &["--json", "init"])).unwrap();
    let second: Value = serde_json::from_str(&ok(&db, &["--json", "init"])).unwrap();
    assert_eq!(first["node_id"], second["node_id"], "the node keeps its identity");
    assert_eq!(second["schema_version"], fengqiao::store::migrate::latest());
    let catalogue: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM service_item", [], |r| r.get(0))
        .unwrap();
    assert_eq!(catalogue, 23, "seeding twice adds nothing");
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["init"]);
    rusqlite::Connection::open(&db).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let out = fengqiao(&db, &["init"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("较新版本") && stderr.contains("99"), "{stderr}");
    let v: i64 =
        rusqlite::Connection::open(&db).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, 99);
}

#[test]
fn demo_then_find_a_resident_by_a_two_character_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let summary: Value =
        serde_json::from_str(&ok(&db, &["--json", "demo", "--households", "300", "--seed", "5"])).unwrap();
    assert_eq!(summary["households"], 300);
    assert!(summary["persons"].as_u64().unwrap() > 600);
    // Find someone with a 2-character name, then look them up by it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let name: String =
        conn.query_row("SELECT name FROM person WHERE length(name) = 2 ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let found: Value = serde_json::from_str(&ok(&db, &["--json", "search", &name])).unwrap();
    assert!(found["total"].as_i64().unwrap() >= 1);
    assert_eq!(found["hits"][0]["name"], name.as_str());
    let text = ok(&db, &["search", &name]);
    assert!(text.contains(&name) && text.contains("共找到"), "{text}");
    // A second demo into the same file is refused, and changes nothing.
    let out = fengqiao(&db, &["demo", "--households", "10"]);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("只能导入空数据库"));
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let names = |db: &Path| -> Vec<(String, Option<String>)> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn.prepare("SELECT name, id_number FROM person ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    ok(&a, &["demo", "--households", "50", "--seed", "9"]);
    ok(&b, &["demo", "--households", "50", "--seed", "9"]);
    assert_eq!(names(&a), names(&b));
}

#[test]
fn a_bad_id_checksum_exits_non_zero_with_the_chinese_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let out = fengqiao(&db, &["call", "person.create", r#"{"name":"赵六","id_number":"330326196503120018"}"#]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("校验位错误") && stderr.contains("应为“7”"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("Error {"), "{stderr}");

    let out =
        fengqiao(&db, &["--json", "call", "person.create", r#"{"name":"赵六","id_number":"330326196503120018"}"#]);
    let reply: Value = serde_json::from_str(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(reply["code"], "validation");
    assert_eq!(reply["field"], "id_number");
}

#[test]
fn bad_input_of_every_kind_gets_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let cases: &[(&[&str], &str)] = &[
        (&["call", "no.such.method"], "没有名为“no.such.method”的接口方法"),
        (&["call", "person.create", "{not json"], "不是有效的 JSON"),
        // The officer's words for a required field left out (`--json` names the field).
        (&["call", "person.create", "{}"], "请填写姓名"),
        (&["call", "person.create", r#"{"name":"王芳","sex":"未知"}"#], "不是可选值之一"),
        (&["call", "person.create", r#"{"name":"王芳","phone":"12345"}"#], "联系电话"),
        (&["call", "household.get", r#"{"id":"nope"}"#], "找不到户"),
        (&["search", " "], "请输入要查找的"),
    ];
    for (args, needle) in cases {
        let out = fengqiao(&db, args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn call_list_names_every_method_the_issue_requires() {
    let dir = tempfile::tempdir().unwrap();
    let list = ok(&dir.path().join("x.db"), &["call", "--list"]);
    for m in [
        "household.create",
        "household.get",
        "household.list",
        "person.create",
        "person.update",
        "person.get",
        "visit.create",
        "dispute.create",
        "dispute.get",
        "dispute.list",
        "mediation.add",
        "agreement.finalise",
        "followup.record",
        "errand.create",
        "errand.advance",
        "errand.overdue",
        "incident.create",
    ] {
        assert!(list.lines().any(|l| l.starts_with(&format!("{m} "))), "call --list lacks {m}");
    }
    assert!(list.contains("id_number: string（可选）"), "parameters are listed with their types");
}

#[test]
fn a_household_and_its_people_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let v = call(&db, "village.create", json!({"name": "青山村", "code": "330326101201"}));
    let h = call(&db, "household.create", json!({"village_id": v["id"], "house_no": "8"}));
    let p = call(
        &db,
        "person.create",
        json!({"household_id": h["id"], "relation": "户主", "name": "王建国", "id_number": "330326196503120017"}),
    );
    assert_eq!(p["sex"], "male");
    let got = call(&db, "household.get", json!({"id": h["id"]}));
    assert_eq!(got["head_name"], "王建国");
    assert_eq!(got["address"], "青山村8号");
}

/// The issue's acceptance walk, as a newcomer would type it: a dispute from intake through
/// the three levels to a finalised agreement, fulfilment and follow-up; an errand to
/// delivered by mail.
#[test]
fn a_day_of_work_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "30"]);
    let village = call(&db, "village.list", json!({}))[0]["id"].clone();
    let officer =
        call(&db, "officer.list", json!({})).as_array().unwrap().iter().find(|o| o["role"] == "officer").unwrap()["id"]
            .clone();
    let (_, _, household) = {
        let h = call(&db, "household.create", json!({"village_id": village, "house_no": "88"}));
        ((), (), h["id"].clone())
    };
    let p = call(
        &db,
        "person.create",
        json!({"household_id": household, "relation": "head", "name": "钱多多", "id_number": "33032619800101001X",
               "phone": "13905770001", "ethnicity": "汉族"}),
    );
    let d = call(
        &db,
        "dispute.create",
        json!({"source": "walk_in", "kind": "邻里", "grade": "simple", "title": "排水沟堵塞纠纷", "village_id": village,
               "amount_involved": 50000, "facts": "排水沟被邻居堆放杂物堵塞，雨天积水", "matters": "清理杂物及赔偿损失",
               "responsibility": "孙某负主要责任",
               "parties": [
                   {"person_id": p["id"], "role": "applicant"},
                   {"name": "孙小红", "role": "respondent", "id_number": "11010519491231002X", "ethnicity": "汉族",
                    "address": "青山村1组6号", "phone": "13905770002"}]}),
    );
    for (level, outcome) in [("initial", "escalated"), ("review", "escalated"), ("joint", "settled")] {
        call(
            &db,
            "mediation.add",
            json!({"dispute_id": d["id"], "level": level, "outcome": outcome, "mediators": ["王百户"],
                   "presider_officer_id": officer, "record": "双方陈述", "place": "村委会"}),
        );
    }
    let out = fengqiao(&db, &["call", "agreement.finalise", &json!({"dispute_id": d["id"]}).to_string()]);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("履行期限"), "lists what is missing");
    call(
        &db,
        "agreement.save",
        json!({"dispute_id": d["id"], "kind": "people", "terms": "孙某三日内清理杂物并赔偿500元", "performance_method": "现金",
               "performance_place": "村委会", "performance_deadline": "2026-11-30", "copies": 3,
               "recorder": "林海燕", "effective_on": "2026-11-23"}),
    );
    let fin = call(&db, "agreement.finalise", json!({"dispute_id": d["id"]}));
    assert!(fin["agreement"]["number"].as_str().unwrap().starts_with("（2026）青山调字第"), "{fin}");
    assert_eq!(
        call(&db, "fulfilment.record", json!({"dispute_id": d["id"], "fulfilled": true}))["status"],
        "fulfilled"
    );
    assert_eq!(
        call(&db, "followup.record", json!({"dispute_id": d["id"], "held": true, "satisfaction": "满意"}))["status"],
        "closed"
    );

    let items = call(&db, "service_item.list", json!({}));
    let item = items["categories"][0]["items"][2]["id"].clone();
    let e = call(&db, "errand.create", json!({"person_id": p["id"], "service_item_id": item, "mode": "proxy"}));
    call(&db, "errand.advance", json!({"id": e["id"], "to": "in_progress"}));
    call(&db, "errand.advance", json!({"id": e["id"], "to": "done"}));
    let out = fengqiao(
        &db,
        &["call", "errand.advance", &json!({"id": e["id"], "to": "delivered", "delivery_method": "mail"}).to_string()],
    );
    assert!(String::from_utf8(out.stderr).unwrap().contains("快递单号"));
    let done = call(
        &db,
        "errand.advance",
        json!({"id": e["id"], "to": "delivered", "delivery_method": "mail", "tracking_no": "SF1234567890"}),
    );
    assert_eq!(done["status"], "delivered");
    assert!(done["delivery_address"].as_str().unwrap().contains("88号"), "defaults to the household's address");
}

/// "Today" is Beijing's whatever the machine's zone: at 01:30 on 6 December in Beijing it is
/// still 5 December in Los Angeles, and a visit saved without a date is of the 6th.
#[test]
fn today_is_beijings_on_a_machine_set_to_another_zone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_fengqiao"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("TZ", "America/Los_Angeles")
            .env("FENGQIAO_NOW", "2026-12-05T17:30:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let v = run(&["call", "village.create", &json!({"name": "青山村"}).to_string()]);
    let h = run(&["call", "household.create", &json!({"village_id": v["id"], "house_no": "1"}).to_string()]);
    let visit = run(&["call", "visit.create", &json!({"household_id": h["id"], "notes": "走访"}).to_string()]);
    assert_eq!(visit["visited_on"], "2026-12-06");
}

/// 照片: `fengqiao attach` adds a photo to a hazard from a file and lists it; a text file
/// named .jpg exits non-zero with the Chinese message and adds nothing.
#[test]
fn a_photo_is_attached_to_a_hazard_from_the_cli() {
    use fengqiao::model::FileType;
    use fengqiao::model::attachment::sample_photo;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["init"]);
    let v = call(&db, "village.create", json!({"name": "青山村"}));
    let h = call(
        &db,
        "hazard.create",
        json!({"found_on": "2026-11-20", "found_by_name": "李四", "place": "3组桥头", "village_id": v["id"],
               "kind": "other", "description": "护栏松动"}),
    );
    let h = h["id"].as_str().unwrap();
    let photo = dir.path().join("桥头.jpg");
    std::fs::write(&photo, sample_photo(2, 200, 150, FileType::Jpeg)).unwrap();
    let added = ok(&db, &["attach", "--to", "hazard", "--id", h, "--caption", "整改前", photo.to_str().unwrap()]);
    assert!(added.starts_with("已添加：桥头.jpg"), "{added}");
    let fake = dir.path().join("假.jpg");
    std::fs::write(&fake, "不是照片").unwrap();
    let out = fengqiao(&db, &["attach", "--to", "隐患", "--id", h, fake.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是照片（JPEG、PNG）或 PDF 扫描件"));
    let listed = ok(&db, &["attach", "--to", "hazard", "--id", h]);
    assert!(listed.starts_with("共 1 个照片或扫描件") && listed.contains("JPEG 照片\t整改前"), "{listed}");
}
