//! Prevention work through the api: volunteers and patrols whose findings become leads and
//! hazards, the hazard list with 动态销号 and rewards, outreach totals, feedback, 五无.

use crate::common;

use common::{Post, id};
use serde_json::json;

fn setup(post: &mut Post) -> (String, String, String) {
    let (vid, _, hid) = post.household("青山村", "1");
    let p = post.call("person.create", json!({"household_id": hid, "name": "林秀英", "phone": "13800001111"}));
    let team = post.call("team.create", json!({"name": "木兰女子巡防队", "village_id": vid}));
    let v = post.call(
        "volunteer.create",
        json!({"person_id": id(&p), "role": "巡防队员", "team_id": id(&team), "village_id": vid, "active_from": "2025-03-08"}),
    );
    (vid, id(&team), id(&v))
}

#[test]
fn a_patrol_hands_its_findings_on_as_a_lead_and_a_hazard() {
    let mut post = Post::new();
    let (vid, team, vol) = setup(&mut post);
    let vols = post.call("volunteer.list", json!({"team_id": team}));
    assert_eq!(vols[0]["name"], "林秀英", "name defaults from the resident");
    assert_eq!(vols[0]["phone"], "13800001111");
    post.call(
        "patrol.create",
        json!({
            "team_id": team, "volunteer_ids": [vol], "started_at": "2026-11-20 19:30", "ended_at": "2026-11-20 21:00",
            "mode": "交叉巡", "village_id": vid, "places": "文化礼堂",
            "findings": [
                {"description": "楼道私拉电线充电", "handling": "hazard", "hazard_kind": "illegal_charging"},
                {"description": "后山有人聚赌", "handling": "lead"},
                {"description": "门未锁", "handling": "handled", "result": "已提醒"}
            ]
        }),
    );
    let patrols = post.call("patrol.list", json!({"month": "2026-11"}));
    assert_eq!(patrols[0]["minutes"], 90);
    assert_eq!(patrols[0]["started_local"], "2026-11-20 19:30");
    assert_eq!(patrols[0]["findings"].as_array().unwrap().len(), 3);
    let hazards = post.call("hazard.list", json!({}));
    assert_eq!(hazards[0]["place"], "文化礼堂");
    assert_eq!(hazards[0]["found_by_name"], "林秀英");
    assert_eq!(hazards[0]["status"], "reported");
    let leads = post.call("lead.list", json!({}));
    assert_eq!(leads[0]["content"], "后山有人聚赌");
    let m = post.call("prevention.month", json!({"month": "2026-11"}));
    assert_eq!(
        (m["patrols"].as_i64(), m["patrol_hours"].as_f64(), m["findings"].as_i64()),
        (Some(1), Some(1.5), Some(3))
    );
    assert_eq!((m["hazards_found"].as_i64(), m["leads_received"].as_i64()), (Some(1), Some(1)));
}

#[test]
fn a_refused_finding_leaves_no_patrol_behind() {
    let mut post = Post::new();
    let (_, team, vol) = setup(&mut post);
    let e = post.refused(
        "patrol.create",
        json!({
            "team_id": team, "volunteer_ids": [vol], "started_at": "2026-11-20 19:30", "ended_at": "2026-11-20 21:00",
            "mode": "fixed",
            "findings": [{"description": "打架", "handling": "incident"}]
        }),
    );
    assert_eq!(e["field"], "findings[0].incident_id");
    assert!(post.call("patrol.list", json!({"month": "2026-11"})).as_array().unwrap().is_empty());
    let e = post.refused(
        "patrol.create",
        json!({"volunteer_ids": [vol], "started_at": "2026-11-20 21:00", "ended_at": "2026-11-20 19:00", "mode": "fixed"}),
    );
    assert_eq!(e["field"], "ended_at");
}

#[test]
fn a_hazard_goes_from_reported_to_closed_and_its_reward_is_paid_once() {
    let mut post = Post::new();
    let (vid, _, vol) = setup(&mut post);
    let h = post.call(
        "hazard.create",
        json!({"found_on": "2026-11-01", "found_by_volunteer_id": vol, "place": "3组12号楼道", "village_id": vid,
               "kind": "违规充电", "description": "电动车楼道充电"}),
    );
    let e = post.refused("hazard.reward", json!({"id": id(&h), "reward_yuan": "20"}));
    assert!(e["message"].as_str().unwrap().contains("核实属实后"), "{e}");
    let e = post.refused("hazard.recheck", json!({"id": id(&h), "note": "ok"}));
    assert!(e["message"].as_str().unwrap().contains("须先登记整改"), "{e}");
    post.call("hazard.verify", json!({"id": id(&h), "on": "2026-11-02", "deadline": "2026-11-16", "owner": "王建国"}));
    let overdue = post.call("hazard.overdue", json!({}));
    assert_eq!(overdue[0]["id"], h["id"], "past its deadline and not fixed");
    let paid = post.call("hazard.reward", json!({"id": id(&h), "reward_yuan": "20"}));
    assert_eq!(paid["reward_fen"], 2000);
    let e = post.refused("hazard.reward", json!({"id": id(&h), "reward_fen": 500}));
    assert!(e["message"].as_str().unwrap().contains("已于"), "{e}");
    let e = post.refused("hazard.fix", json!({"id": id(&h), "on": "2026-11-20"}));
    assert_eq!(e["field"], "note");
    post.call("hazard.fix", json!({"id": id(&h), "on": "2026-11-20", "note": "已拆除私拉电线"}));
    let e = post.refused("hazard.recheck", json!({"id": id(&h), "on": "2026-11-19", "note": "无反弹"}));
    assert_eq!(e["field"], "on");
    let closed = post.call("hazard.recheck", json!({"id": id(&h), "on": "2026-11-23", "note": "无反弹，销号"}));
    assert_eq!(closed["status"], "closed");
    assert!(post.call("hazard.overdue", json!({})).as_array().unwrap().is_empty());
    let m = post.call("prevention.month", json!({"month": "2026-11"}));
    assert_eq!((m["rewards_fen"].as_i64(), m["hazards_closed"].as_i64()), (Some(2000), Some(1)));
    assert_eq!(m["hazards_overdue"], 0, "fixed by the month's end");
}

#[test]
fn outreach_totals_add_up_per_village_and_registrations_cannot_exceed_the_audience() {
    let mut post = Post::new();
    let (vid, _, _) = setup(&mut post);
    for (aud, regs) in [(80, 20), (120, 35)] {
        post.call(
            "outreach.create",
            json!({"held_on": "2026-10-15", "topic": "反诈", "place": "文化礼堂", "village_id": vid,
                   "audience": aud, "leaflets": 150, "app_registrations": regs}),
        );
    }
    let e = post.refused(
        "outreach.create",
        json!({"topic": "anti_fraud", "place": "礼堂", "audience": 10, "app_registrations": 11}),
    );
    assert_eq!(e["field"], "app_registrations");
    let t = post.call("outreach.totals", json!({"year": 2026}));
    assert_eq!(t[0]["village_name"], "青山村");
    assert_eq!(
        (t[0]["sessions"].as_i64(), t[0]["audience"].as_i64(), t[0]["app_registrations"].as_i64()),
        (Some(2), Some(200), Some(55))
    );
}

#[test]
fn feedback_is_answered_and_closed_once() {
    let mut post = Post::new();
    let f = post.call("feedback.create", json!({"channel": "意见箱", "content": "村口路灯坏了"}));
    assert_eq!(post.call("feedback.list", json!({"open_only": true})).as_array().unwrap().len(), 1);
    post.call("feedback.answer", json!({"id": id(&f), "answer": "已联系村委会更换"}));
    assert!(post.call("feedback.list", json!({"open_only": true})).as_array().unwrap().is_empty());
    let e = post.refused("feedback.answer", json!({"id": id(&f), "answer": "再改"}));
    assert!(e["message"].as_str().unwrap().contains("已办结"));
}

#[test]
fn five_nones_are_derived_from_incidents_and_a_contradiction_is_refused() {
    let mut post = Post::new();
    let (vid, _, _) = setup(&mut post);
    let officer = post.call("officer.create", json!({"name": "周立新", "role": "officer"}));
    post.call(
        "incident.create",
        json!({"occurred_at": "2026-05-01 10:00", "place": "青山村", "village_id": vid, "kind": "fraud",
               "summary": "冒充客服诈骗", "disposition": "case_opened", "case_no": "青山公（刑）立字〔2026〕12号"}),
    );
    let list = post.call("five_nones.list", json!({"year": 2026}));
    let v = list.as_array().unwrap().iter().find(|f| f["village_id"] == vid.as_str()).unwrap();
    assert_eq!(v["derived"]["no_fraud"], false);
    assert_eq!(v["derived"]["no_cases"], false);
    assert_eq!(v["derived"]["no_drugs"], true);
    assert_eq!(v["derived"]["no_petitions"], serde_json::Value::Null);
    let e = post.refused(
        "five_nones.confirm",
        json!({"village_id": vid, "year": 2026, "no_fraud": true, "officer_id": id(&officer)}),
    );
    assert_eq!(e["field"], "no_fraud");
    assert!(e["message"].as_str().unwrap().contains("1起"), "{e}");
    let list = post.call(
        "five_nones.confirm",
        json!({"village_id": vid, "year": 2026, "no_fraud": false, "no_drugs": true, "no_petitions": true, "no_cults": true, "officer_id": id(&officer)}),
    );
    let v = list.as_array().unwrap().iter().find(|f| f["village_id"] == vid.as_str()).unwrap();
    assert_eq!(v["confirmed"]["no_petitions"], true);
    assert_eq!(v["confirmed_by"], officer["id"]);
    // Confirming again updates the same row (one per village and year, on every node).
    post.call(
        "five_nones.confirm",
        json!({"village_id": vid, "year": 2026, "no_fraud": false, "no_drugs": true, "no_petitions": false, "officer_id": id(&officer)}),
    );
    let rows: i64 = post.api.store().conn().query_row("SELECT count(*) FROM five_nones", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1);
}
