//! Households and persons through the api, on a real database file.

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

#[test]
fn a_household_gets_its_head_and_members_and_an_address() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("青山村", "12");
    let head = post.call(
        "person.create",
        json!({"household_id": hid, "relation": "head", "name": "王建国", "id_number": "330326196503120017", "phone": "13800001234"}),
    );
    post.call("person.create", json!({"household_id": hid, "relation": "配偶", "name": "李秀英"}));
    let h = post.call("household.get", json!({"id": hid}));
    assert_eq!(h["address"], "青山村3组12号");
    assert_eq!(h["head_person_id"], head["id"]);
    assert_eq!(h["head_name"], "王建国");
    assert_eq!(h["members"].as_array().unwrap().len(), 2);
    assert_eq!(h["members"][0]["name"], "王建国");
    assert_eq!(head["sex"], "male");
    assert_eq!(head["birth_date"], "1965-03-12");
    assert_eq!(head["age"], 61);
}

#[test]
fn a_second_person_with_the_same_id_number_is_refused_naming_the_first() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("青山村", "12");
    post.call("person.create", json!({"household_id": hid, "name": "王建国", "id_number": "330326196503120017"}));
    let e = post.refused("person.create", json!({"name": "王建华", "id_number": "330326196503120017"}));
    assert_eq!(e["code"], "duplicate");
    assert_eq!(e["field"], "id_number");
    let msg = e["message"].as_str().unwrap();
    assert!(msg.contains("王建国") && msg.contains("青山村3组12号"), "{msg}");
}

#[test]
fn a_wrong_checksum_is_refused_and_nothing_is_stored() {
    let mut post = Post::new();
    let e = post.refused("person.create", json!({"name": "赵六", "id_number": "330326196503120018"}));
    assert_eq!(e["field"], "id_number");
    assert!(e["message"].as_str().unwrap().contains("校验位错误"), "{e}");
    let found = post.call("search", json!({"text": "赵六"}));
    assert_eq!(found["total"], 0);
}

#[test]
fn an_update_changes_only_the_fields_sent() {
    let mut post = Post::new();
    let p = post.call("person.create", json!({"name": "张伟", "phone": "13900002222", "tags": ["独居老人"]}));
    let p2 = post.call("person.update", json!({"id": id(&p), "phone": "13900003333"}));
    assert_eq!(p2["phone"], "13900003333");
    assert_eq!(p2["name"], "张伟");
    assert_eq!(p2["tags"], json!(["elderly_alone"]));
    let e = post.refused("person.update", json!({"id": id(&p), "phone": "123"}));
    assert_eq!(e["field"], "phone");
    assert_eq!(post.call("person.get", json!({"id": id(&p)}))["phone"], "13900003333");
}

#[test]
fn two_character_names_and_id_prefixes_and_phone_tails_are_found() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("溪口村", "3");
    post.call("person.create", json!({"household_id": hid, "name": "李娜", "phone": "13712345678"}));
    post.call("person.create", json!({"household_id": hid, "name": "李娜娜"}));
    post.call("person.create", json!({"household_id": hid, "name": "张李娜"}));
    post.call("person.create", json!({"name": "王建国", "id_number": "330326196503120017"}));
    let r = post.call("search", json!({"text": "李娜"}));
    assert_eq!(r["total"], 3);
    let names: Vec<&str> = r["hits"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["李娜", "李娜娜", "张李娜"], "whole name, then prefix, then inside");
    assert_eq!(r["hits"][0]["village_name"], "溪口村");
    let r = post.call("search", json!({"text": "330326"}));
    assert_eq!(r["hits"][0]["name"], "王建国");
    assert_eq!(r["hits"][0]["matched"], "id_number");
    let r = post.call("search", json!({"text": "5678"}));
    assert_eq!(r["hits"][0]["name"], "李娜");
    assert_eq!(r["hits"][0]["matched"], "phone");
    let r = post.call("search", json!({"text": "溪口村"}));
    assert_eq!(r["total"], 3);
    assert_eq!(r["hits"][0]["matched"], "address");
    let r = post.call("search", json!({"text": "王建国"}));
    assert_eq!(r["total"], 1);
}

/// The last four digits of a phone (1111 for 13900001111) also occur in many ID numbers: the
/// phone's owner is listed first, every hit says what matched, and the count is the number
/// of people the pages list, each once.
#[test]
fn a_phone_tail_lists_its_owner_first_and_the_count_is_what_the_pages_hold() {
    use fengqiao::model::{Sex, id_number::compose};
    let mut post = Post::new();
    let born = chrono::NaiveDate::from_ymd_opt(1961, 11, 11).expect("date");
    for seq in 0..14u16 {
        // 330326 19611111 …: "1111" inside the birth date.
        let id = compose("330326", born, seq * 7, if seq % 2 == 0 { Sex::Male } else { Sex::Female });
        let name = format!(
            "居民{}",
            ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑", "寅", "卯"][seq as usize]
        );
        post.call("person.create", json!({"name": name, "id_number": id}));
    }
    post.call("person.create", json!({"name": "赵大海", "phone": "13900001111"}));
    let page = |post: &mut Post, n: u32| post.call("search", json!({"text": "1111", "page": n, "page_size": 12}));
    let first = page(&mut post, 1);
    assert_eq!(first["total"], 15);
    assert_eq!(first["hits"][0]["name"], "赵大海");
    assert_eq!(first["hits"][0]["matched"], "phone");
    assert_eq!(first["hits"][1]["matched"], "id_number", "an ID number hit says so, not 住址");
    let second = page(&mut post, 2);
    let mut ids: Vec<String> = [&first, &second]
        .iter()
        .flat_map(|p| p["hits"].as_array().unwrap().iter().map(|h| h["person_id"].as_str().unwrap().to_owned()))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 15, "the pages hold everyone counted, once each");

    // Digits that begin both a person's ID number (130102…, 河北) and their phone: one hit.
    let id = compose("130102", born, 3, Sex::Male);
    post.call("person.create", json!({"name": "钱多多", "id_number": id, "phone": "13010200000"}));
    let r = post.call("search", json!({"text": "130102"}));
    assert_eq!(r["total"], 1);
    assert_eq!(r["hits"].as_array().unwrap().len(), 1);
    assert_eq!(r["hits"][0]["matched"], "id_number");
}

#[test]
fn a_three_character_query_finds_names_and_else_places() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("枫林村", "7");
    post.call("person.create", json!({"household_id": hid, "name": "王建国"}));
    post.call("person.create", json!({"household_id": hid, "name": "王建国华"}));
    post.call("person.create", json!({"name": "欧阳建国"}));
    let r = post.call("search", json!({"text": "王建国"}));
    let names: Vec<&str> = r["hits"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["王建国", "王建国华"]);
    let r = post.call("search", json!({"text": "阳建国"}));
    assert_eq!(r["hits"][0]["name"], "欧阳建国");
    let r = post.call("search", json!({"text": "枫林村"}));
    assert_eq!(r["total"], 2, "no name holds it: the address does");
}

/// An officer who transfers away is marked 离岗 rather than deleted (their name stays on
/// what they handled); a corrected phone changes only the phone; a bad one is refused
/// naming the field, with nothing changed; every change is logged for sync.
#[test]
fn an_officer_is_corrected_and_marked_off_post() {
    let mut post = Post::new();
    let a = post.call("officer.create", json!({"name": "陈百川", "role": "officer", "badge_no": "123456"}));
    post.call("officer.create", json!({"name": "林晓", "role": "auxiliary"}));
    let logged = |post: &Post| -> i64 {
        post.api
            .store()
            .conn()
            .query_row("SELECT count(*) FROM change_log WHERE tbl = 'officer'", [], |r| r.get(0))
            .unwrap()
    };
    let before = logged(&post);

    let a2 = post.call("officer.update", json!({"id": id(&a), "phone": "13900001111"}));
    assert_eq!(a2["phone"], "13900001111");
    assert_eq!(a2["badge_no"], "123456");
    assert_eq!(a2["active"], true);
    assert_eq!(logged(&post), before + 1, "one column changed, one change logged");

    let e = post.refused("officer.update", json!({"id": id(&a), "phone": "123", "active": false}));
    assert_eq!(e["field"], "phone", "{e}");
    let e = post.refused("officer.update", json!({"id": "no-such", "active": false}));
    assert_eq!(e["field"], "id", "{e}");
    assert!(e["message"].as_str().unwrap().contains("不存在"), "{e}");
    assert_eq!(logged(&post), before + 1);

    post.call("officer.update", json!({"id": id(&a), "active": false}));
    let list = post.call("officer.list", json!({}));
    let names: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["active"].as_bool().unwrap()))
        .collect();
    assert_eq!(names, [("林晓", true), ("陈百川", false)], "those on post first");
    assert_eq!(list[1]["phone"], "13900001111");
}

/// A village renamed (a typo, or 撤村建居) and a group renamed: the addresses the core made
/// from their names follow, typed ones stay, search finds the new address; a code once set
/// stays (HQ routes the village's data by it); a taken name is refused; nothing half-done.
#[test]
fn a_renamed_village_and_group_carry_their_households_addresses() {
    let mut post = Post::new();
    let (vid, gid, made) = post.household("青山村", "11");
    let typed = post.call(
        "household.create",
        json!({"village_id": vid, "group_id": gid, "house_no": "18", "address": "青山镇青山村3组18号"}),
    );
    post.call("person.create", json!({"household_id": made, "name": "王建国"}));
    post.call("village.create", json!({"name": "溪口村", "code": "330326101202"}));
    let address = |post: &mut Post, id: &str| post.call("household.get", json!({"id": id}))["address"].clone();
    assert_eq!(address(&mut post, &made), "青山村3组11号");

    let v = post.call("village.update", json!({"id": vid, "name": "青山社区", "code": "330326101201"}));
    assert_eq!((v["name"].as_str(), v["code"].as_str()), (Some("青山社区"), Some("330326101201")));
    assert_eq!(v["groups"][0]["name"], "3组");
    assert_eq!(address(&mut post, &made), "青山社区3组11号");
    assert_eq!(address(&mut post, &id(&typed)), "青山镇青山村3组18号", "typed addresses stay");
    let found = post.call("search", json!({"text": "青山社区3组"}));
    assert_eq!(found["hits"][0]["name"], "王建国", "{found}");

    let e = post.refused("village.update", json!({"id": vid, "code": "330326101299"}));
    assert_eq!(e["field"], "code", "{e}");
    assert!(e["message"].as_str().unwrap().contains("不能在这里修改"), "{e}");
    let e = post.refused("village.update", json!({"id": vid, "name": "溪口村"}));
    assert_eq!(e["field"], "name", "{e}");
    let e = post.refused("group.rename", json!({"id": gid, "name": ""}));
    assert_eq!(e["field"], "name", "{e}");
    assert_eq!(address(&mut post, &made), "青山社区3组11号");

    let g = post.call("group.rename", json!({"id": gid, "name": "三组"}));
    assert_eq!(g["name"], "三组");
    assert_eq!(address(&mut post, &made), "青山社区三组11号");
    let logged: i64 = post
        .api
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM change_log WHERE tbl = 'household' AND col = 'address' AND row_id = ?1",
            [&made],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 3, "made, and once per rename, for sync");
}

/// A village known by its code is one row: a second village with a code already entered
/// is refused, on creation and when a village without a code is given it, naming the
/// village that has it; nothing is written.
#[test]
fn a_village_code_already_entered_is_refused() {
    let mut post = Post::new();
    let first = post.call("village.create", json!({"name": "青山村", "code": "330326101201"}));
    let e = post.refused("village.create", json!({"name": "青山社区", "code": "330326101201"}));
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("duplicate"), Some("code")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("区划代码 330326101201 已是“青山村”的代码"), "{e}");
    let bare = post.call("village.create", json!({"name": "溪口村"}));
    let e = post.refused("village.update", json!({"id": bare["id"], "name": "溪口村", "code": "330326101201"}));
    assert_eq!(e["field"], "code", "{e}");
    let list = post.call("village.list", json!({}));
    let codes: Vec<Option<&str>> = list.as_array().unwrap().iter().map(|v| v["code"].as_str()).collect();
    assert_eq!(codes.iter().filter(|c| **c == Some("330326101201")).count(), 1, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    // The village that has the code keeps it through a rename.
    post.call("village.update", json!({"id": first["id"], "name": "青山社区", "code": "330326101201"}));
}

/// A village or group entered by mistake can be deleted while nothing hangs from it; one
/// with households, or any record of the post's work, is refused, naming what is there, and
/// so is a village with a code (HQ and other posts may know it by it).
#[test]
fn a_village_or_group_is_deleted_only_when_nothing_hangs_from_it() {
    let mut post = Post::new();
    let (vid, gid, _) = post.household("青山村", "11");
    let e = post.refused("village.delete", json!({"id": vid}));
    assert!(e["message"].as_str().unwrap().contains("“青山村”下还有 1 条户，不能删除"), "{e}");
    let e = post.refused("group.delete", json!({"id": gid}));
    assert!(e["message"].as_str().unwrap().contains("“3组”还有 1 户，不能删除"), "{e}");

    let empty = post.call("group.create", json!({"village_id": vid, "name": "9组"}));
    post.call("group.delete", json!({"id": id(&empty)}));

    let typo = post.call("village.create", json!({"name": "青山材"}));
    post.call("group.create", json!({"village_id": id(&typo), "name": "1组"}));
    post.call("village.delete", json!({"id": id(&typo)}));
    let villages = post.call("village.list", json!({}));
    let names: Vec<(&str, usize)> = villages
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["groups"].as_array().unwrap().len()))
        .collect();
    assert_eq!(names, [("青山村", 1)]);
    post.call("village.create", json!({"name": "青山材"}));

    let d = post.call("village.create", json!({"name": "溪口村"}));
    post.call(
        "dispute.create",
        json!({"source": "walk_in", "kind": "neighbour", "grade": "general", "title": "邻里排水纠纷",
               "village_id": id(&d), "parties": [{"role": "applicant", "name": "王建国"}]}),
    );
    let e = post.refused("village.delete", json!({"id": id(&d)}));
    assert!(e["message"].as_str().unwrap().contains("1 条纠纷"), "{e}");
    let e = post.refused("village.delete", json!({"id": id(&typo)}));
    assert_eq!(e["field"], "id", "already deleted: {e}");
    let coded = post.call("village.create", json!({"name": "石桥村", "code": "330326101203"}));
    let e = post.refused("village.delete", json!({"id": id(&coded)}));
    assert!(e["message"].as_str().unwrap().contains("已设定区划代码 330326101203"), "{e}");
}

/// A visit record says who was visited (or that it was the whole household).
#[test]
fn a_visit_names_whom_it_visited() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("青山村", "12");
    let p = post.call("person.create", json!({"household_id": hid, "relation": "head", "name": "王建国"}));
    let v = post.call("visit.create", json!({"household_id": hid, "person_id": id(&p), "notes": "老人身体尚可"}));
    assert_eq!(v["person_name"], "王建国");
    post.call("visit.create", json!({"household_id": hid, "notes": "全户走访"}));
    let visits = post.call("household.get", json!({"id": hid}))["visits"].clone();
    let whom: Vec<&Value> = visits.as_array().unwrap().iter().map(|v| &v["person_name"]).collect();
    assert!(whom.contains(&&json!("王建国")) && whom.contains(&&Value::Null), "{visits}");
}

/// An ID number whose address code is no province's (99…) is refused, naming the code.
#[test]
fn an_id_number_from_no_province_is_refused() {
    let mut post = Post::new();
    let id = fengqiao::model::id_number::compose(
        "990105",
        chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        3,
        fengqiao::model::Sex::Male,
    );
    let e = post.refused("person.create", json!({"name": "赵六", "id_number": id}));
    assert_eq!(e["field"], "id_number");
    assert!(e["message"].as_str().unwrap().contains("地址码“990105”不存在"), "{e}");
    let e = post.refused("id_number.check", json!({"id_number": id}));
    assert!(e["message"].as_str().unwrap().contains("地址码“990105”不存在"), "{e}");
}
