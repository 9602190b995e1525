//! Incidents through the api, on a real database file.

use crate::common;

use common::{Post, id};
use serde_json::json;

#[test]
fn an_incident_is_stored_in_utc_and_shown_in_beijing_time() {
    let mut post = Post::new();
    let (vid, _, hid) = post.household("青山村", "12");
    let p = id(&post.call("person.create", json!({"household_id": hid, "relation": "head", "name": "王建国"})));
    let i = post.call(
        "incident.create",
        json!({
            "occurred_at": "2026-11-22 21:40",
            "reported_at": "2026-11-22T13:45:00Z",
            "place": "青山村3组村口",
            "village_id": vid,
            "kind": "dispute",
            "reporter_name": "王建国",
            "reporter_phone": "138 0000 1234",
            "reporter_person_id": p,
            "person_ids": [p],
            "people": "邻居李某",
            "summary": "两户因排水沟堵塞发生争吵，无人受伤",
            "handling": "民警到场劝解，约定次日到警务室调解"
        }),
    );
    assert_eq!(i["occurred_at"], "2026-11-22T13:40:00Z");
    assert_eq!(i["occurred_at_local"], "2026-11-22 21:40");
    assert_eq!(i["reported_at_local"], "2026-11-22 21:45");
    assert_eq!(i["reporter_phone"], "13800001234");
    assert_eq!(i["village_name"], "青山村");
    assert_eq!(i["kind_label"], "纠纷");
    assert_eq!(i["disposition"], "pending");
    assert_eq!(i["persons"], json!([{"id": p, "name": "王建国"}]));

    let u = post.call("incident.update", json!({"id": id(&i), "disposition": "mediated"}));
    assert_eq!(u["disposition_label"], "调解");
    assert_eq!(u["summary"], "两户因排水沟堵塞发生争吵，无人受伤", "fields not sent are kept");
    assert_eq!(u["occurred_at_local"], "2026-11-22 21:40");
}

#[test]
fn bad_incidents_are_refused_naming_the_field() {
    let mut post = Post::new();
    let base = json!({"occurred_at": "2026-11-23 08:00", "place": "溪口村文化礼堂", "kind": "fraud", "summary": "村民接到冒充客服电话"});
    let with = |k: &str, v: serde_json::Value| {
        let mut p = base.clone();
        p[k] = v;
        p
    };
    let bad_phone = post.refused("incident.create", with("reporter_phone", json!("1380013")));
    assert_eq!(bad_phone["field"], "reporter_phone");
    assert!(bad_phone["message"].as_str().unwrap().contains("1380013"), "{bad_phone}");

    let future = post.refused("incident.create", with("occurred_at", json!("2026-11-23 10:00")));
    assert_eq!(future["field"], "occurred_at");
    assert_eq!(future["message"], "发生时间（2026-11-23 10:00）不能晚于当前时间（2026-11-23 09:00）");

    let no_case_no = post.refused("incident.create", with("disposition", json!("case_opened")));
    assert_eq!(no_case_no["field"], "case_no");
    assert_eq!(no_case_no["message"], "处置结果为“立案”时必须填写案件编号");

    let nobody = post.refused("incident.create", with("person_ids", json!(["nobody"])));
    assert_eq!(nobody["field"], "person_ids");
    let no_dispute = post.refused("incident.create", with("dispute_id", json!("nope")));
    assert_eq!(no_dispute["field"], "dispute_id");
    let no_place = post.refused("incident.create", with("place", json!(" ")));
    assert_eq!(no_place["field"], "place");

    assert_eq!(post.call("incident.list", json!({}))["total"], 0, "nothing was stored");

    let i = post.call("incident.create", base.clone());
    let e = post.refused("incident.update", json!({"id": id(&i), "disposition": "case_opened"}));
    assert_eq!(e["field"], "case_no");
    let ok = post.call(
        "incident.update",
        json!({"id": id(&i), "disposition": "case_opened", "case_no": "A3303265000002026110001"}),
    );
    assert_eq!(ok["case_no"], "A3303265000002026110001");
}

#[test]
fn the_ledger_lists_newest_first_and_filters() {
    let mut post = Post::new();
    let (qs, _, _) = post.household("青山村", "1");
    let (xk, _, _) = post.household("溪口村", "1");
    let make = |post: &mut common::Post, at: &str, village: &str, kind: &str| {
        post.call(
            "incident.create",
            json!({"occurred_at": at, "place": "村委会门口", "village_id": village, "kind": kind, "summary": "接报警情"}),
        )
    };
    make(&mut post, "2026-11-01 23:30", &qs, "theft");
    make(&mut post, "2026-11-02 00:30", &qs, "fraud");
    make(&mut post, "2026-11-20 10:00", &xk, "fraud");
    let all = post.call("incident.list", json!({}));
    assert_eq!(all["total"], 3);
    let times: Vec<&str> =
        all["items"].as_array().unwrap().iter().map(|i| i["occurred_at_local"].as_str().unwrap()).collect();
    assert_eq!(times, ["2026-11-20 10:00", "2026-11-02 00:30", "2026-11-01 23:30"]);
    assert_eq!(post.call("incident.list", json!({"kind": "fraud"}))["total"], 2);
    assert_eq!(post.call("incident.list", json!({"village_id": qs}))["total"], 2);
    // Dates are Beijing calendar days: 00:30 on the 2nd is the 2nd, though UTC says the 1st.
    let day = post.call("incident.list", json!({"from": "2026-11-02", "to": "2026-11-02"}));
    assert_eq!(day["total"], 1);
    assert_eq!(day["items"][0]["kind"], "fraud");
    assert_eq!(
        post.call("incident.list", json!({"disposition": "pending", "page_size": 2}))["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let e = post.refused("incident.list", json!({"from": "2026-11-05", "to": "2026-11-01"}));
    assert_eq!(e["field"], "to");
}

/// A link made from either side shows on both: the incident names the dispute by its title,
/// the dispute's page lists the incident.
#[test]
fn an_incident_linked_to_a_dispute_names_it_and_the_dispute_lists_it() {
    let mut post = Post::new();
    let d = post.call(
        "dispute.create",
        json!({"source": "walk_in", "kind": "neighbour", "title": "两户排水沟纠纷",
               "parties": [{"role": "applicant", "name": "王建国"}, {"role": "respondent", "name": "李长林"}]}),
    );
    let i = post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-22 21:40", "place": "青山村3组村口", "kind": "dispute",
               "summary": "两户因排水沟堵塞发生争吵", "dispute_id": id(&d)}),
    );
    assert_eq!(i["dispute_title"], "两户排水沟纠纷");
    let shown = post.call("dispute.get", json!({"id": id(&d)}));
    assert_eq!(
        shown["incidents"],
        json!([{"id": id(&i), "occurred_at_local": "2026-11-22 21:40", "kind_label": "纠纷", "place": "青山村3组村口"}])
    );
    // Named from the dispute's side only, it is listed too (once).
    let other = post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-21 08:00", "place": "青山村3组", "kind": "dispute", "summary": "争吵"}),
    );
    post.call("dispute.update", json!({"id": id(&d), "incident_id": id(&other)}));
    let ids: Vec<String> = post.call("dispute.get", json!({"id": id(&d)}))["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [id(&other), id(&i)]);
}
