//! 结对帮扶 and 今日工作 through the api on a real database file: a plan with the admin's
//! interval, a visit recorded from the day's plan, a need helped through an errand, the
//! month's figures, and refusals that name the field and leave nothing behind.

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

fn officer(post: &mut Post) -> String {
    let o = post.call("officer.create", json!({"name": "周立新", "role": "officer", "badge_no": "061234"}));
    id(&o)
}

fn resident(post: &mut Post, hid: &str, name: &str) -> String {
    id(&post.call("person.create", json!({"household_id": hid, "name": name, "tags": ["elderly_alone"]})))
}

fn count(post: &Post, table: &str) -> i64 {
    post.api.store().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn items(plan: &Value) -> Vec<Value> {
    let mut out = vec![];
    for v in plan["villages"].as_array().unwrap() {
        for g in v["groups"].as_array().unwrap() {
            out.extend(g["items"].as_array().unwrap().iter().cloned());
        }
    }
    out
}

#[test]
fn a_plan_takes_the_admins_interval_is_visited_from_the_days_plan_and_counts_in_the_month() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("青山村", "12");
    let o = officer(&mut post);
    let p = resident(&mut post, &hid, "王秀英");
    let defaults = post.call("care.defaults_set", json!({"tag": "elderly_alone", "interval_days": 14}));
    let alone = defaults.as_array().unwrap().iter().find(|d| d["tag"] == "elderly_alone").unwrap();
    assert_eq!((alone["interval_days"].as_i64(), alone["set_by_admin"].as_bool()), (Some(14), Some(true)));
    let plan = post.call(
        "care.create",
        json!({"person_id": p, "tag": "elderly_alone", "officer_id": o, "started_on": "2026-10-01"}),
    );
    assert_eq!(plan["interval_days"], 14, "the admin's interval, not the built-in 30 days");
    assert_eq!(plan["household_id"], hid.as_str(), "the person's household");
    assert_eq!(plan["next_due"], "2026-10-01", "never visited: due from the start");
    assert_eq!(plan["days_late"], 53);

    // It is first on the day's plan, in its village and 组, to be done in one click.
    let day = post.call("day_plan.get", json!({}));
    let first = &items(&day)[0];
    assert_eq!((first["kind"].as_str(), first["record_id"].as_str()), (Some("care_visit"), plan["id"].as_str()));
    assert_eq!(first["one_click"], true);
    assert_eq!(day["villages"][0]["name"], "青山村");
    assert_eq!(day["villages"][0]["groups"][0]["name"], "3组");

    let visit =
        post.call("care.visit", json!({"id": plan["id"], "need": "身份证过期，行动不便", "need_kind": "documents"}));
    assert_eq!((visit["visited_on"].as_str(), visit["officer_id"].as_str()), (Some("2026-11-23"), Some(o.as_str())));
    assert!(items(&post.call("day_plan.get", json!({}))).iter().all(|i| i["record_id"] != plan["id"]), "done today");
    let detail = post.call("care.get", json!({"id": plan["id"]}));
    assert_eq!(detail["plan"]["next_due"], "2026-12-07");
    let need = detail["needs"][0].clone();
    assert_eq!((need["kind"].as_str(), need["status"].as_str()), (Some("documents"), Some("open")));

    // 送证上门: the need is helped through an errand for the same person.
    let items_ = post.call("service_item.list", json!({}));
    let item = items_["categories"][0]["items"][0]["id"].clone();
    let e = post.call("errand.create", json!({"person_id": p, "service_item_id": item, "mode": "proxy"}));
    let helped =
        post.call("care.need_help", json!({"id": need["id"], "help": "代办换领，送证上门", "errand_id": e["id"]}));
    assert_eq!((helped["status"].as_str(), helped["closed_on"].as_str()), (Some("helped"), Some("2026-11-23")));
    assert!(helped["errand_summary"].as_str().unwrap().contains("受理"), "{helped}");

    let m = post.call("care.month", json!({"month": "2026-11"}));
    assert_eq!(m["total"], json!({"under_care": 1, "due": 1, "done": 1, "overdue": 0}));
    assert_eq!(m["by_village"][0]["name"], "青山村");
    assert_eq!((m["needs_found"].as_i64(), m["needs_helped"].as_i64()), (Some(1), Some(1)));
}

#[test]
fn refusals_name_the_field_and_leave_nothing_behind() {
    let mut post = Post::new();
    let (_, _, hid) = post.household("青山村", "12");
    let o = officer(&mut post);
    let p = resident(&mut post, &hid, "王秀英");
    let before = (count(&post, "care_plan"), count(&post, "change_log"));
    let r = post.refused("care.create", json!({"person_id": p, "tag": "elderly_alone"}));
    assert_eq!(r["field"], "officer_id", "{r}");
    assert!(r["message"].as_str().unwrap().contains("结对"), "{r}");
    let r = post
        .refused("care.create", json!({"person_id": p, "tag": "elderly_alone", "officer_id": o, "interval_days": 400}));
    assert_eq!(r["field"], "interval_days", "{r}");
    assert!(r["message"].as_str().unwrap().contains("1至365天"), "{r}");
    let r = post.refused("care.create", json!({"person_id": p, "officer_id": o}));
    assert!(r["message"].as_str().unwrap().contains("帮扶类别"), "a missing field named in Chinese: {r}");
    assert_eq!((count(&post, "care_plan"), count(&post, "change_log")), before);

    let plan = post.call("care.create", json!({"person_id": p, "tag": "elderly_alone", "officer_id": o}));
    let r = post.refused("care.create", json!({"person_id": p, "tag": "disabled", "officer_id": o}));
    assert!(r["message"].as_str().unwrap().contains("已有在执行的帮扶计划"), "one plan in force: {r}");
    // A visit whose need is refused leaves no visit either (one transaction).
    let visits = count(&post, "visit");
    let r = post.refused("care.visit", json!({"id": plan["id"], "visited_on": "2026-11-24"}));
    assert!(r["message"].as_str().unwrap().contains("今天"), "{r}");
    assert_eq!(count(&post, "visit"), visits);
    let r = post.refused("care.end", json!({"id": plan["id"], "reason": "已搬离", "on": "2026-11-22"}));
    assert!(r["message"].as_str().unwrap().contains("开始日期"), "{r}");
    post.call("care.end", json!({"id": plan["id"], "reason": "已搬离"}));
    let r = post.refused("care.visit", json!({"id": plan["id"]}));
    assert!(r["message"].as_str().unwrap().contains("已结束"), "{r}");
    assert!(items(&post.call("day_plan.get", json!({}))).is_empty(), "an ended plan leaves the day's plan");
}
