//! Errands and the service catalogue through the api, on a real database file.

use crate::common;

use chrono::Duration;
use common::{Post, id};
use serde_json::{Value, json};

/// The id of the catalogue item named `name`.
fn item(post: &mut Post, name: &str) -> String {
    let cat = post.call("service_item.list", json!({"include_inactive": true}));
    cat["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .flat_map(|c| c["items"].as_array().expect("items").iter())
        .find(|i| i["name"] == name)
        .map(id)
        .unwrap_or_else(|| panic!("no item {name}"))
}

/// A resident of 青山村3组12号.
fn resident(post: &mut Post) -> String {
    let (_, _, hid) = post.household("青山村", "12");
    let p = post.call(
        "person.create",
        json!({"household_id": hid, "relation": "head", "name": "王秀英", "phone": "13800001234", "tags": ["独居老人"]}),
    );
    id(&p)
}

#[test]
fn the_default_catalogue_is_six_categories_of_twenty_three_items() {
    let mut post = Post::new();
    let cat = post.call("service_item.list", json!({}));
    assert_eq!(cat["total"], 23);
    assert_eq!(cat["categories"].as_array().unwrap().len(), 6);
    assert_eq!(cat["categories"][0]["category"], "居民身份证");
    assert_eq!(cat["categories"][0]["items"][0]["name"], "首次申领居民身份证");
}

#[test]
fn a_disabled_item_leaves_the_list_and_takes_no_new_errands() {
    let mut post = Post::new();
    let made = post.call(
        "service_item.create",
        json!({"category": "民生协办", "name": "老年优待证代办", "time_limit_days": 10, "materials": "身份证、照片"}),
    );
    assert_eq!(made["sort"], 24, "a new item goes after the last");
    let e = post.refused("service_item.create", json!({"category": "民生协办", "name": "老年优待证代办"}));
    assert_eq!(e["code"], "duplicate");
    let off = post.call("service_item.update", json!({"id": id(&made), "active": false}));
    assert_eq!(off["active"], false);
    assert_eq!(off["time_limit_days"], 10, "fields not sent are kept");
    assert_eq!(post.call("service_item.list", json!({}))["total"], 23);
    assert_eq!(post.call("service_item.list", json!({"include_inactive": true}))["total"], 24);
    let e =
        post.refused("errand.create", json!({"applicant_name": "李娜", "service_item_id": id(&made), "mode": "proxy"}));
    assert_eq!(e["field"], "service_item_id");
    assert!(e["message"].as_str().unwrap().contains("已停用"), "{e}");
}

#[test]
fn an_errand_walks_from_accepted_to_delivered_by_mail() {
    let mut post = Post::new();
    let person = resident(&mut post);
    let renew = item(&mut post, "居民身份证到期换领");
    let e = post.call("errand.create", json!({"person_id": person, "service_item_id": renew, "mode": "home_visit"}));
    assert_eq!(e["applicant_name"], "王秀英", "name defaults from the resident");
    assert_eq!(e["applicant_phone"], "13800001234");
    assert_eq!(e["service_item_name"], "居民身份证到期换领");
    assert_eq!(e["service_category"], "居民身份证");
    assert_eq!(e["status"], "accepted");
    assert_eq!(e["status_label"], "已受理");
    assert_eq!(e["requested_on"], "2026-11-23");
    assert_eq!(e["due_on"], "2026-12-13", "20 days for an ID card");
    assert_eq!(e["overdue"], false);
    let eid = id(&e);

    let e = post.call("errand.advance", json!({"id": eid, "to": "in_progress", "note": "已上门采集照片"}));
    assert_eq!(e["status"], "in_progress");
    assert_eq!(e["started_on"], "2026-11-23");
    assert!(e["notes"].as_str().unwrap().contains("办理中：已上门采集照片"), "{e}");

    post.clock.advance(Duration::days(10));
    let e = post.call("errand.advance", json!({"id": eid, "to": "done"}));
    assert_eq!((e["status"].as_str(), e["done_on"].as_str()), (Some("done"), Some("2026-12-03")));

    let refused = post.refused("errand.advance", json!({"id": eid, "to": "delivered", "delivery_method": "mail"}));
    assert_eq!(refused["field"], "tracking_no");
    assert_eq!(refused["message"], "寄递送达必须填写快递单号");
    assert_eq!(post.call("errand.get", json!({"id": eid}))["status"], "done", "nothing changed");

    let e = post.call(
        "errand.advance",
        json!({"id": eid, "to": "delivered", "delivery_method": "mail", "tracking_no": "SF1402237788123"}),
    );
    assert_eq!(e["status"], "delivered");
    assert_eq!(e["status_label"], "已送达");
    assert_eq!(e["delivery_method"], "mail");
    assert_eq!(e["tracking_no"], "SF1402237788123");
    assert_eq!(e["delivery_address"], "青山村3组12号", "mailed to the registered address");
    assert_eq!(e["delivered_on"], "2026-12-03");

    let back = post.refused("errand.advance", json!({"id": eid, "to": "in_progress"}));
    assert_eq!(back["code"], "rule");
    assert_eq!(back["message"], "代办已送达，不能再开始办理");
    let cancel = post.refused("errand.cancel", json!({"id": eid, "reason": "群众不需要了"}));
    assert_eq!(cancel["code"], "rule");
}

#[test]
fn steps_cannot_be_skipped_and_cancelling_needs_a_reason() {
    let mut post = Post::new();
    let cert = item(&mut post, "无犯罪记录证明");
    let e = post.call(
        "errand.create",
        json!({"applicant_name": "陈建华", "applicant_phone": "0577-63012345", "service_item_id": cert, "mode": "proxy"}),
    );
    let eid = id(&e);
    let skip = post.refused("errand.advance", json!({"id": eid, "to": "done"}));
    assert_eq!(skip["code"], "rule");
    assert_eq!(skip["message"], "代办当前为“已受理”，不能直接办结；下一步应为“开始办理”");
    let back = post.refused("errand.advance", json!({"id": eid, "to": "accepted"}));
    assert_eq!(back["code"], "rule");
    let no_reason = post.refused("errand.cancel", json!({"id": eid, "reason": "  "}));
    assert_eq!(no_reason["field"], "reason");
    let e = post.call("errand.cancel", json!({"id": eid, "reason": "申请人已自行到派出所办理"}));
    assert_eq!(e["status"], "cancelled");
    assert_eq!(e["cancel_reason"], "申请人已自行到派出所办理");
    assert_eq!(e["cancelled_on"], "2026-11-23");
    let again = post.refused("errand.advance", json!({"id": eid, "to": "in_progress"}));
    assert_eq!(again["message"], "代办已取消，不能再开始办理");
}

#[test]
fn bad_errand_fields_are_refused_naming_the_field() {
    let mut post = Post::new();
    let cert = item(&mut post, "户籍证明");
    let cases: [(Value, &str); 6] = [
        (json!({"service_item_id": cert, "mode": "proxy"}), "applicant_name"),
        (json!({"applicant_name": "李娜", "service_item_id": "nope", "mode": "proxy"}), "service_item_id"),
        (json!({"person_id": "nobody", "service_item_id": cert, "mode": "proxy"}), "person_id"),
        (
            json!({"applicant_name": "李娜", "service_item_id": cert, "mode": "proxy", "requested_on": "2026-11-20", "due_on": "2026-11-19"}),
            "due_on",
        ),
        (json!({"applicant_name": "李娜", "service_item_id": cert, "mode": "proxy", "officer_id": "x"}), "officer_id"),
        (json!({"applicant_name": "李娜", "service_item_id": cert, "mode": "快递"}), "mode"),
    ];
    for (params, field) in cases {
        let e = post.refused("errand.create", params.clone());
        assert_eq!(e["field"], field, "{params}: {e}");
    }
    assert_eq!(post.call("errand.list", json!({}))["total"], 0);
}

#[test]
fn overdue_errands_are_listed_oldest_first_once_the_clock_moves() {
    let mut post = Post::new();
    let person = resident(&mut post);
    let temp_id = item(&mut post, "临时居民身份证"); // 3 days
    let hukou = item(&mut post, "户口簿补领、换领"); // 7 days
    let a = id(&post.call("errand.create", json!({"person_id": person, "service_item_id": hukou, "mode": "proxy"})));
    let b =
        id(&post
            .call("errand.create", json!({"person_id": person, "service_item_id": temp_id, "mode": "appointment"})));
    let c = id(&post.call("errand.create", json!({"person_id": person, "service_item_id": temp_id, "mode": "proxy"})));
    post.call("errand.advance", json!({"id": c, "to": "in_progress"}));
    post.call("errand.advance", json!({"id": c, "to": "done"}));
    assert_eq!(post.call("errand.overdue", json!({})).as_array().unwrap().len(), 0);

    post.clock.advance(Duration::days(5));
    let overdue = post.call("errand.overdue", json!({}));
    let ids: Vec<String> = overdue.as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, std::slice::from_ref(&b), "only the 3-day errand, and not the done one");
    assert_eq!(overdue[0]["days_overdue"], 2);

    post.clock.advance(Duration::days(5));
    let overdue = post.call("errand.overdue", json!({}));
    let ids: Vec<String> = overdue.as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [b.clone(), a.clone()], "the longest overdue first");
    assert_eq!(overdue[0]["overdue"], true);

    let as_of = post.call("errand.overdue", json!({"as_of": "2026-11-27"}));
    assert_eq!(as_of.as_array().unwrap().len(), 1);

    let page = post.call("errand.list", json!({"overdue": true, "page_size": 1}));
    assert_eq!((page["total"].as_i64(), page["items"].as_array().unwrap().len()), (Some(2), 1));
    assert_eq!(post.call("errand.list", json!({"status": "done"}))["total"], 1);
    assert_eq!(post.call("errand.list", json!({"person_id": person, "mode": "proxy"}))["total"], 2);

    let board = post.call("errand.board", json!({}));
    assert_eq!(board["overdue"], 2);
    let counts: Vec<i64> = board["columns"].as_array().unwrap().iter().map(|c| c["count"].as_i64().unwrap()).collect();
    assert_eq!(counts, [2, 0, 1, 0, 0]);
    assert_eq!(board["columns"][0]["label"], "已受理");
}
