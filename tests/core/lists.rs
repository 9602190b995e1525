//! The household card's lists: `dispute.list`, `incident.list` and `errand.list` filtered by
//! `person_id` (what the resident is involved in) and `household_id` (what any member is
//! involved in), kept right as parties change, incidents are edited and people move.

#![allow(clippy::unwrap_used)]

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<String> {
    let mut v: Vec<String> = page["items"].as_array().unwrap().iter().map(id).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<&String>) -> Vec<String> {
    v.sort();
    v.into_iter().cloned().collect()
}

fn dispute(post: &mut Post, vid: &str, title: &str, parties: Value) -> String {
    id(&post.call(
        "dispute.create",
        json!({"received_on": "2026-11-20", "source": "walk_in", "kind": "neighbour", "grade": "general",
               "title": title, "village_id": vid, "parties": parties}),
    ))
}

fn stranger() -> Value {
    json!({"role": "respondent", "name": "李长林", "id_number": "330326197001010031", "address": "石门村8号"})
}

struct Village {
    /// Household A: 王建国 (head) and 王芳.
    a: String,
    /// Household B: 赵秀兰.
    b: String,
    wang: String,
    fang: String,
    zhao: String,
    d1: String,
    d2: String,
    i1: String,
    i2: String,
    e1: String,
    e2: String,
}

fn village(post: &mut Post) -> Village {
    let (vid, _, a) = post.household("青山村", "12");
    let (_, _, b) = post.household("青山村", "20");
    let wang = id(&post.call("person.create", json!({"household_id": a, "relation": "head", "name": "王建国"})));
    let fang = id(&post.call("person.create", json!({"household_id": a, "relation": "child", "name": "王芳"})));
    let zhao = id(&post.call("person.create", json!({"household_id": b, "relation": "head", "name": "赵秀兰"})));
    // d1: 王建国 against 赵秀兰; d2: 王芳 against a stranger; d3: nobody registered.
    let d1 = dispute(
        post,
        &vid,
        "王建国与赵秀兰排水沟纠纷",
        json!([{"person_id": wang, "role": "applicant"}, {"person_id": zhao, "role": "respondent"}]),
    );
    let d2 = dispute(post, &vid, "王芳与李长林借款纠纷", json!([{"person_id": fang, "role": "applicant"}, stranger()]));
    dispute(
        post,
        &vid,
        "李长林与张三相邻纠纷",
        json!([stranger(), {"role": "respondent", "name": "张三", "id_number": "11010519491231002X"}]),
    );
    let incident = |post: &mut Post, reporter: Option<&str>, named: Vec<&str>| {
        id(&post.call(
            "incident.create",
            json!({"occurred_at": "2026-11-22 21:40", "place": "青山村3组村口", "village_id": vid, "kind": "dispute",
                   "reporter_name": "报警人", "reporter_person_id": reporter, "person_ids": named,
                   "summary": "两户争吵，无人受伤"}),
        ))
    };
    let i1 = incident(post, Some(&wang), vec![]);
    let i2 = incident(post, None, vec![&fang, &zhao]);
    incident(post, None, vec![]);
    let cat = post.call("service_item.list", json!({}));
    let item = id(&cat["categories"][0]["items"][0]);
    let errand = |post: &mut Post, person: &str| {
        id(&post.call("errand.create", json!({"person_id": person, "service_item_id": item, "mode": "proxy"})))
    };
    let e1 = errand(post, &fang);
    let e2 = errand(post, &zhao);
    Village { a, b, wang, fang, zhao, d1, d2, i1, i2, e1, e2 }
}

#[test]
fn a_household_card_lists_what_its_members_are_involved_in() {
    let mut post = Post::new();
    let v = village(&mut post);
    assert_eq!(ids(&post.call("dispute.list", json!({"person_id": v.wang}))), vec![v.d1.clone()]);
    assert_eq!(ids(&post.call("dispute.list", json!({"household_id": v.a}))), sorted(vec![&v.d1, &v.d2]));
    assert_eq!(ids(&post.call("dispute.list", json!({"household_id": v.b}))), vec![v.d1.clone()]);
    assert_eq!(ids(&post.call("dispute.list", json!({"person_id": v.fang, "household_id": v.a}))), vec![v.d2.clone()]);
    assert_eq!(post.call("dispute.list", json!({}))["total"], 3, "no filter: every dispute");
    let page = post.call("dispute.list", json!({"household_id": v.a, "page_size": 1}));
    assert_eq!((page["total"].as_i64(), page["items"].as_array().unwrap().len()), (Some(2), 1), "paged");

    assert_eq!(ids(&post.call("incident.list", json!({"person_id": v.wang}))), vec![v.i1.clone()], "the reporter");
    assert_eq!(ids(&post.call("incident.list", json!({"person_id": v.zhao}))), vec![v.i2.clone()], "a person named");
    assert_eq!(ids(&post.call("incident.list", json!({"household_id": v.a}))), sorted(vec![&v.i1, &v.i2]));
    assert_eq!(post.call("incident.list", json!({}))["total"], 3);

    assert_eq!(ids(&post.call("errand.list", json!({"household_id": v.a}))), vec![v.e1.clone()]);
    assert_eq!(ids(&post.call("errand.list", json!({"person_id": v.zhao}))), vec![v.e2.clone()]);
    assert_eq!(post.call("errand.list", json!({"household_id": v.a, "person_id": v.zhao}))["total"], 0);
    assert_eq!(post.call("errand.list", json!({"household_id": v.b, "status": "accepted"}))["total"], 1);
}

#[test]
fn the_lists_follow_parties_edits_and_moves() {
    let mut post = Post::new();
    let v = village(&mut post);
    // The respondent of d1 is re-linked from 赵秀兰 to 王芳: household B is no longer in it.
    let d = post.call("dispute.get", json!({"id": v.d1}));
    let party = d["parties"].as_array().unwrap().iter().find(|p| p["person_id"] == v.zhao.as_str()).unwrap().clone();
    post.call("party.update", json!({"id": id(&party), "person_id": v.fang}));
    assert_eq!(post.call("dispute.list", json!({"household_id": v.b}))["total"], 0);
    assert_eq!(ids(&post.call("dispute.list", json!({"person_id": v.fang}))), sorted(vec![&v.d1, &v.d2]));
    // 王芳 is taken off incident 2.
    post.call("incident.update", json!({"id": v.i2, "person_ids": [v.zhao]}));
    assert_eq!(ids(&post.call("incident.list", json!({"household_id": v.a}))), vec![v.i1.clone()]);
    // 赵秀兰 moves into household A: her incident and errand come with her.
    post.call("person.update", json!({"id": v.zhao, "household_id": v.a, "relation": "other"}));
    assert_eq!(ids(&post.call("incident.list", json!({"household_id": v.a}))), sorted(vec![&v.i1, &v.i2]));
    assert_eq!(ids(&post.call("errand.list", json!({"household_id": v.a}))), sorted(vec![&v.e1, &v.e2]));
    assert_eq!(post.call("errand.list", json!({"household_id": v.b}))["total"], 0);
    // A cancelled errand stays on the card; a deleted incident leaves it.
    post.call("errand.cancel", json!({"id": v.e2, "reason": "群众自行办理"}));
    assert_eq!(post.call("errand.list", json!({"person_id": v.zhao}))["total"], 1);
    let _ = &v.wang;
}

#[test]
fn an_unknown_person_or_household_is_refused_naming_the_field() {
    let mut post = Post::new();
    village(&mut post);
    for method in ["dispute.list", "incident.list", "errand.list"] {
        let e = post.refused(method, json!({"person_id": "nobody"}));
        assert_eq!(e["field"], "person_id", "{method}");
        assert!(e["message"].as_str().unwrap().contains("人员不存在"), "{method}: {e}");
        let e = post.refused(method, json!({"household_id": "nowhere"}));
        assert_eq!(e["field"], "household_id", "{method}");
    }
}

#[test]
fn a_file_from_before_the_index_is_indexed_when_it_opens() {
    // The migration fills the index from the rows already there: drop it and re-run the
    // migration's script on a copy of a populated file.
    let mut post = Post::new();
    let v = village(&mut post);
    let path = post.dir.path().join("post.db");
    let conn = post.api.store().conn();
    conn.execute_batch(
        "DROP TABLE involvement; DROP INDEX person_tag_household; DROP INDEX errand_open_due;
         DROP INDEX household_village_address; DROP INDEX household_group_address; DROP INDEX incident_live",
    )
    .unwrap();
    conn.execute_batch(include_str!("../../src/store/migrations/0005_involvement.sql")).unwrap();
    assert!(path.exists());
    assert_eq!(ids(&post.call("dispute.list", json!({"household_id": v.a}))), sorted(vec![&v.d1, &v.d2]));
    assert_eq!(ids(&post.call("incident.list", json!({"household_id": v.a}))), sorted(vec![&v.i1, &v.i2]));
    assert_eq!(ids(&post.call("errand.list", json!({"household_id": v.b}))), vec![v.e2.clone()]);
}

#[test]
fn the_overdue_errands_come_longest_overdue_first_up_to_a_limit() {
    let mut post = Post::new();
    village(&mut post);
    let (_, _, hid) = post.household("青山村", "30");
    let p = id(&post.call("person.create", json!({"household_id": hid, "relation": "head", "name": "陈国平"})));
    let cat = post.call("service_item.list", json!({}));
    let item = id(&cat["categories"][0]["items"][0]);
    for _ in 0..3 {
        post.call("errand.create", json!({"person_id": p, "service_item_id": item, "mode": "proxy"}));
    }
    let later = "2027-06-01";
    let all = post.call("errand.overdue", json!({"as_of": later}));
    let all: Vec<Value> = all.as_array().unwrap().clone();
    assert_eq!(all.len(), 5, "every open errand is overdue by then");
    let dues: Vec<&str> = all.iter().map(|e| e["due_on"].as_str().unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "longest overdue first: {dues:?}");
    let two = post.call("errand.overdue", json!({"as_of": later, "limit": 2}));
    assert_eq!(two.as_array().unwrap()[..], all[..2]);
    post.call("errand.cancel", json!({"id": id(&all[0]), "reason": "群众自行办理"}));
    let after = post.call("errand.overdue", json!({"as_of": later, "limit": 2}));
    assert_eq!(after.as_array().unwrap()[..], all[1..3], "a cancelled errand leaves the list");
}

#[test]
fn the_households_list_counts_up_to_a_cap_past_the_page_and_filters_by_tag() {
    let mut post = Post::new();
    fengqiao::demo::generate(&mut post.api, fengqiao::demo::DemoOptions { households: 1200, seed: 3 }).unwrap();
    let all: i64 = post
        .api
        .store()
        .conn()
        .query_row("SELECT count(*) FROM household WHERE deleted_at IS NULL", [], |r| r.get(0))
        .unwrap();
    assert!(all > 1000, "{all}");
    let first = post.call("household.list", json!({"page_size": 20}));
    assert_eq!((first["total"].as_i64(), first["more"].as_bool()), (Some(1000), Some(true)), "1000 户以上");
    let late = post.call("household.list", json!({"page": 51, "page_size": 20}));
    assert_eq!((late["total"].as_i64(), late["more"].as_bool()), (Some(all), Some(false)), "counted past the page");
    assert_eq!(late["items"].as_array().unwrap().len(), 20);
    // Pages follow address order without gaps or repeats (a hundred a page at most: a bigger
    // page is cut to that).
    let mut page = |p: u32| post.call("household.list", json!({"page": p, "page_size": 500}))["items"].clone();
    let pages = (all as u32).div_ceil(100);
    let mut rows: Vec<Value> = (1..=pages).flat_map(|p| page(p).as_array().unwrap().clone()).collect();
    assert_eq!(rows.len() as i64, all);
    let addresses: Vec<(String, String)> =
        rows.iter().map(|r| (r["address"].as_str().unwrap_or("").to_owned(), id(r))).collect();
    assert!(addresses.windows(2).all(|w| w[0] < w[1]), "by address, then id");
    rows.dedup_by(|x, y| x["id"] == y["id"]);
    assert_eq!(rows.len() as i64, all);
    // A tag, common or rare: the same households as the members' tags say, in address order.
    for tag in ["elderly_alone", "disabled", "hardship"] {
        let expected: Vec<String> = {
            let conn = post.api.store().conn();
            let mut stmt = conn
                .prepare(
                    "SELECT DISTINCT h.id, h.address FROM household h JOIN person p ON p.household_id = h.id
                     JOIN json_each(p.tags) t WHERE t.value = ?1 AND p.deleted_at IS NULL AND h.deleted_at IS NULL
                     ORDER BY h.address, h.id",
                )
                .unwrap();
            stmt.query_map([tag], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        let got = post.call("household.list", json!({"tag": tag, "page_size": 500}));
        let got_ids: Vec<String> = got["items"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(got["total"].as_i64().unwrap(), expected.len().min(1000) as i64, "{tag}");
        assert_eq!(got_ids[..], expected[..expected.len().min(100)], "{tag}");
    }
    // A village: only its households.
    let v = id(&post.call("village.list", json!({}))[0]);
    let name = post_village_name(&mut post, &v);
    let got = post.call("household.list", json!({"village_id": v, "page_size": 500}));
    let items = got["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|h| h["village_name"] == name.as_str()), "{name}");
}

fn post_village_name(post: &mut Post, vid: &str) -> String {
    let vs = post.call("village.list", json!({}));
    vs.as_array().unwrap().iter().find(|v| v["id"] == vid).unwrap()["name"].as_str().unwrap().to_owned()
}
