//! Early warning through the api, on real database files: the demo's dispute at risk shown
//! red with its reasons, levels that follow the records with no refresh, the disputes list
//! filtered and sorted by level, the post's own threat words, and repeat incidents.

use crate::common;

use crate::dispute_walk::{quarrel, settle_and_finalise};
use common::{Post, id};
use fengqiao::demo::{DemoOptions, generate};
use serde_json::{Value, json};

fn signals(risk: &Value) -> Vec<&str> {
    risk["reasons"].as_array().unwrap().iter().map(|r| r["signal"].as_str().unwrap()).collect()
}

#[test]
fn the_demo_post_shows_its_repeat_party_dispute_with_a_fight_red_with_both_reasons() {
    let mut post = Post::new();
    generate(&mut post.api, DemoOptions { households: 120, seed: 3 }).expect("demo");
    let list = post.call("warning.list", json!({}));
    let items = list["items"].as_array().unwrap();
    let w = items
        .iter()
        .find(|w| w["title"].as_str().unwrap().ends_with("宅基地围墙纠纷"))
        .unwrap_or_else(|| panic!("the story's dispute is not among the warnings: {list}"));
    assert_eq!(w["risk"]["level"], "red", "{w}");
    assert_eq!(w["risk"]["level_label"], "红色预警");
    assert_eq!(signals(&w["risk"]), ["violent_incident", "repeat_party"], "{w}");
    assert_eq!(items[0]["risk"]["level"], "red", "the highest level first");
    assert!(list["counts"]["red"].as_u64().unwrap() >= 1);

    // Each reason points at records that open: the fight, and the earlier dispute.
    let fight = &w["risk"]["reasons"][0]["records"][0];
    assert_eq!(fight["table"], "incident");
    let incident = post.call("incident.get", json!({"id": fight["id"]}));
    assert_eq!(incident["kind"], "assault");
    let earlier = &w["risk"]["reasons"][1]["records"][0];
    assert_eq!(earlier["table"], "dispute");
    let before = post.call("dispute.get", json!({"id": earlier["id"]}));
    assert_eq!(before["status"], "referred");
    let party = w["title"].as_str().unwrap().split('与').next().unwrap();
    assert!(w["risk"]["reasons"][1]["text"].as_str().unwrap().contains(party), "{w}");

    // The dispute's page and the list say the same.
    let d = post.call("dispute.get", json!({"id": w["dispute_id"]}));
    assert_eq!(d["risk"], w["risk"]);
    let reds = post.call("dispute.list", json!({"level": "red", "page_size": 100}));
    assert!(reds["items"].as_array().unwrap().iter().all(|r| r["risk_level"] == "red"));
    assert!(reds["items"].as_array().unwrap().iter().any(|r| r["id"] == w["dispute_id"]));
    let by_risk = post.call("dispute.list", json!({"sort": "risk", "page_size": 5}));
    assert_eq!(by_risk["items"][0]["risk_level"], "red");
    assert_eq!(by_risk["total"], post.call("dispute.list", json!({}))["total"], "sorting keeps every dispute");
}

#[test]
fn levels_follow_the_records_as_they_change_with_no_refresh() {
    let mut post = Post::new();
    let (d, a, b) = quarrel(&mut post);
    assert_eq!(post.call("warning.list", json!({}))["items"], json!([]));
    assert_eq!(post.call("dispute.get", json!({"id": d}))["risk"]["level"], Value::Null);

    // A fight between them: violent, 橙色.
    post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-22 20:00", "place": "青山村3组12号", "kind": "assault",
               "summary": "夫妻争吵中推搡", "person_ids": [a, b]}),
    );
    let w = post.call("warning.list", json!({}));
    assert_eq!((w["counts"]["orange"].as_u64(), w["items"][0]["risk"]["points"].as_u64()), (Some(1), Some(35)));

    // A threat in the mediation record: 红色.
    post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "initial", "held_on": "2026-11-22", "mediators": ["王德明"],
               "record": "女方扬言要喝农药", "outcome": "continued"}),
    );
    let r = post.call("dispute.get", json!({"id": d}))["risk"].clone();
    assert_eq!(r["level"], "red");
    assert_eq!(signals(&r), ["threat_words", "violent_incident"]);
    assert!(r["reasons"][0]["text"].as_str().unwrap().contains("“扬言”“喝农药”"), "{r}");

    // The station admin's own words replace the county's: without 扬言 and 喝农药 the
    // threat is not one here.
    let s = post.call("warning.words_save", json!({"words": ["报复", "跳河"]}));
    assert_eq!((s["own_words"].as_bool(), s["words"].clone()), (Some(true), json!(["报复", "跳河"])));
    assert_eq!(post.call("dispute.get", json!({"id": d}))["risk"]["level"], "orange");
    let e = post.refused("warning.words_save", json!({"words": ["跳 河"]}));
    assert_eq!(e["field"], "words");
    post.call("warning.words_save", json!({}));
    assert_eq!(post.call("dispute.get", json!({"id": d}))["risk"]["level"], "red");

    // Withdrawn: no longer the post's to act on.
    post.call("dispute.withdraw", json!({"id": d, "reason": "双方和好"}));
    assert_eq!(post.call("warning.list", json!({}))["items"], json!([]));
}

#[test]
fn incidents_at_one_place_or_of_one_person_within_30_days_are_shown_together() {
    let mut post = Post::new();
    let (vid, _, hid) = post.household("青山村", "12");
    let a = id(&post.call("person.create", json!({"household_id": hid, "relation": "head", "name": "王建国"})));
    let mut report = |at: &str, place: &str, village: Option<&str>, persons: Vec<&str>| {
        id(&post.call(
            "incident.create",
            json!({"occurred_at": at, "place": place, "village_id": village, "kind": "nuisance",
                   "summary": "音响扰民", "person_ids": persons}),
        ))
    };
    let now = report("2026-11-20 21:00", "青山村3组村口", Some(&vid), vec![&a]);
    let same_place = report("2026-11-01 20:00", "青山村 3组村口", Some(&vid), vec![]);
    let too_old = report("2026-10-10 20:00", "溪口村文化礼堂", None, vec![&a]);
    let same_person = report("2026-11-15 20:00", "溪口村文化礼堂", None, vec![&a]);

    let got = post.call("incident.get", json!({"id": now}));
    assert_eq!(got["repeats"], json!({"same_place": 1, "same_person": 1, "total": 2}));
    let together = post.call("incident.repeats", json!({"id": now}));
    let ids =
        |v: &Value| v.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(&together["same_place"]), [same_place.as_str()]);
    assert_eq!(together["same_person"][0]["name"], "王建国");
    assert_eq!(ids(&together["same_person"][0]["incidents"]), [same_person.as_str()]);
    assert_eq!((together["count"].as_u64(), together["days"].as_u64()), (Some(2), Some(30)));

    // The household card's list carries each incident's counts.
    let card = post.call("incident.list", json!({"household_id": hid}));
    let counts: Vec<(String, u64)> = card["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_owned(), i["repeats"]["total"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [(now, 2), (same_person, 1), (too_old, 0)]);
}

/// 今日工作 lists a dispute once it reaches 橙色 (and at 红色), placed at the party's home, to
/// open with one click, and drops it when the dispute is no longer the post's.
#[test]
fn orange_and_red_disputes_are_on_the_days_plan() {
    let mut post = Post::new();
    let (d, a, b) = quarrel(&mut post);
    let warnings = |post: &mut Post| -> Vec<Value> {
        let day = post.call("day_plan.get", json!({}));
        let mut found = Vec::new();
        for v in day["villages"].as_array().unwrap() {
            for g in v["groups"].as_array().unwrap() {
                for i in g["items"].as_array().unwrap() {
                    if i["kind"] == "warning" {
                        found.push(i.clone());
                    }
                }
            }
        }
        found
    };
    assert_eq!(warnings(&mut post), Vec::<Value>::new(), "no level, not listed");
    post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-22 20:00", "place": "青山村3组12号", "kind": "assault",
               "summary": "夫妻争吵中推搡", "person_ids": [a, b]}),
    );
    let listed = warnings(&mut post);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let item = &listed[0];
    assert_eq!((item["dispute_id"].as_str(), item["record_id"].as_str()), (Some(d.as_str()), Some(d.as_str())));
    assert!(item["detail"].as_str().unwrap().starts_with("橙色预警：关联暴力警情"), "{item}");
    assert!(item["place"]["village_name"].is_string(), "placed on the round: {item}");
    post.call("dispute.withdraw", json!({"id": d, "reason": "双方和好"}));
    assert_eq!(warnings(&mut post), Vec::<Value>::new(), "withdrawn: off the plan");
}

/// 首页's list as a newly started app would judge it: nothing kept.
fn judged_afresh(post: &mut Post) -> Value {
    post.api.store().forget_kept();
    post.call("warning.list", json!({}))
}

/// After a write: the judgement read (kept since the last one) is the fresh one, and the
/// write did change it (else the step could not catch a write that forgets to renew it).
fn kept_is_fresh(post: &mut Post, before: &mut Value, what: &str) {
    let kept = post.call("warning.list", json!({}));
    let fresh = judged_afresh(post);
    assert_eq!(kept, fresh, "after {what}, 首页 shows a judgement made before it");
    assert_ne!(&fresh, before, "{what} should change the judgement");
    *before = fresh;
}

/// The open disputes are judged once and the judgement kept until a write to what it reads:
/// after each kind of write the kept judgement is the one made afresh.
#[test]
fn the_kept_judgement_is_the_fresh_one_after_every_kind_of_write() {
    let mut post = Post::new();
    let (d, a, b) = quarrel(&mut post);
    let mut before = post.call("warning.list", json!({}));
    post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-22 20:00", "place": "青山村3组12号", "kind": "assault",
               "summary": "夫妻争吵中推搡", "person_ids": [a, b]}),
    );
    kept_is_fresh(&mut post, &mut before, "incident.create");
    post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "initial", "held_on": "2026-11-22", "mediators": ["王德明"],
               "record": "女方扬言要喝农药", "outcome": "continued"}),
    );
    kept_is_fresh(&mut post, &mut before, "mediation.add");
    post.call("warning.words_save", json!({"words": ["报复", "跳河"]}));
    kept_is_fresh(&mut post, &mut before, "warning.words_save");
    post.call("dispute.update", json!({"id": d, "facts": "夫妻因家庭开支争吵，男方称要报复"}));
    kept_is_fresh(&mut post, &mut before, "dispute.update");
    let vid: String =
        post.api.store().conn().query_row("SELECT village_id FROM dispute WHERE id = ?1", [&d], |r| r.get(0)).unwrap();
    let other = id(&post.call(
        "dispute.create",
        json!({"source": "walk_in", "kind": "neighbour", "title": "张三与李四排水纠纷", "village_id": vid,
               "received_on": "2026-11-21", "facts": "两家因排水沟争执",
               "parties": [{"name": "张三", "role": "applicant"}, {"name": "李四", "role": "respondent"}]}),
    ));
    kept_is_fresh(&mut post, &mut before, "dispute.create");
    let party = id(&post.call("party.add", json!({"dispute_id": other, "person_id": a, "role": "respondent"})));
    kept_is_fresh(&mut post, &mut before, "party.add (a party of another dispute)");
    post.call("party.delete", json!({"id": party}));
    kept_is_fresh(&mut post, &mut before, "party.delete");
    settle_and_finalise(&mut post, &d, "2026-11-22");
    kept_is_fresh(&mut post, &mut before, "agreement.finalise (its deadline passed)");
    post.call("fulfilment.record", json!({"dispute_id": d, "fulfilled": true, "on": "2026-11-22"}));
    kept_is_fresh(&mut post, &mut before, "fulfilment.record");
    post.call(
        "followup.record",
        json!({"dispute_id": d, "held": false, "done_on": "2026-11-23", "notes": "双方又因开支吵架"}),
    );
    kept_is_fresh(&mut post, &mut before, "followup.record (the agreement did not hold)");
    post.call("dispute.withdraw", json!({"id": other, "reason": "双方和好"}));
    kept_is_fresh(&mut post, &mut before, "dispute.withdraw");

    // The next day judges again: the rules count days.
    post.clock.advance(chrono::Duration::days(40));
    kept_is_fresh(&mut post, &mut before, "a new day");
}
