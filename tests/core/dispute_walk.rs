//! The dispute walk's later steps, on real database files: a follow-up that finds the
//! agreement did not hold sends the case back to mediation (or on to referral) and schedules
//! the next follow-up; a default recorded before the performance deadline is refused; a
//! party added by mistake is deleted until an agreement takes effect.

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

/// A post with its settings, a village and two residents in a dispute; returns (dispute, 甲, 乙).
pub(crate) fn quarrel(post: &mut Post) -> (String, String, String) {
    post.call(
        "post.save",
        json!({"name": "青山中心警务室", "code": "QS01", "doc_prefix": "青山",
        "committee_name": "青山镇人民调解委员会"}),
    );
    let (vid, _, hid) = post.household("青山村", "12");
    let a = id(&post.call(
        "person.create",
        json!({"household_id": hid, "relation": "head", "name": "王建国", "id_number": "330326196503120017"}),
    ));
    let b = id(&post.call("person.create", json!({"household_id": hid, "relation": "spouse", "name": "李秀英"})));
    let d = post.call(
        "dispute.create",
        json!({"source": "walk_in", "kind": "family", "title": "王建国与李秀英家庭纠纷", "village_id": vid,
               "received_on": "2026-11-20", "facts": "夫妻因家庭开支争吵",
               "parties": [{"person_id": a, "role": "applicant"}, {"person_id": b, "role": "respondent"}]}),
    );
    (id(&d), a, b)
}

pub(crate) fn settle_and_finalise(post: &mut Post, d: &str, deadline: &str) -> Value {
    post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "initial", "held_on": "2026-11-21", "mediators": ["王德明"],
               "outcome": "settled"}),
    );
    post.call(
        "agreement.save",
        json!({"dispute_id": d, "kind": "oral", "terms": "双方共同管理家庭收入",
        "mediators": ["王德明"], "effective_on": "2026-11-21", "performance_deadline": deadline}),
    );
    post.call("agreement.finalise", json!({"dispute_id": d}))
}

fn actions(d: &Value) -> Vec<&str> {
    d["next_actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect()
}

#[test]
fn a_follow_up_that_finds_the_agreement_did_not_hold_offers_mediation_again_or_referral() {
    let mut post = Post::new();
    let (d, _, _) = quarrel(&mut post);
    let f = settle_and_finalise(&mut post, &d, "2026-11-22");
    assert_eq!(f["status"], "fulfilling");
    post.call("fulfilment.record", json!({"dispute_id": d, "fulfilled": true, "on": "2026-11-22"}));

    let after = post.call(
        "followup.record",
        json!({"dispute_id": d, "held": false, "done_on": "2026-11-23", "notes": "双方又因开支吵架", "new_risks": "女方扬言离家出走"}),
    );
    assert_eq!(after["status"], "mediating");
    assert_eq!(
        actions(&after),
        ["mediate", "refer", "withdraw", "record_follow_up"],
        "no 修改: the agreement named the parties"
    );
    let next: Vec<&Value> = after["follow_ups"].as_array().unwrap().iter().filter(|u| u["done_on"].is_null()).collect();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0]["due_on"], "2026-12-08", "the next follow-up, the county's 15 days later");
    let signals: Vec<&str> =
        after["risk"]["reasons"].as_array().unwrap().iter().map(|r| r["signal"].as_str().unwrap()).collect();
    assert_eq!(signals, ["threat_words", "not_held"], "the new risk noted, and the failed follow-up");
    let e = post.refused("dispute.update", json!({"id": d, "title": "改名"}));
    assert!(e["message"].as_str().unwrap().contains("调解协议已生效"), "{e}");

    // Mediation again settles: a new agreement takes effect, with its own number, and the
    // scheduled follow-up now checks it.
    post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "review", "held_on": "2026-11-23", "mediators": ["王德明"], "outcome": "settled"}),
    );
    let draft = post.call(
        "agreement.save",
        json!({"dispute_id": d, "kind": "oral", "terms": "每月开支公开记账",
        "mediators": ["王德明"], "performance_deadline": "2026-12-31"}),
    );
    assert_eq!(draft["agreement"]["finalised_at"], Value::Null, "a new draft, the old agreement kept");
    let again = post.call("agreement.finalise", json!({"dispute_id": d}));
    assert_eq!(again["status"], "fulfilling");
    assert_eq!(again["agreement"]["terms"], "每月开支公开记账");
    let pending: Vec<&Value> =
        again["follow_ups"].as_array().unwrap().iter().filter(|u| u["done_on"].is_null()).collect();
    assert_eq!(pending.len(), 1, "one follow-up pending, not two");
    assert_eq!(pending[0]["due_on"], "2026-12-31");
}

#[test]
fn a_default_before_the_deadline_is_refused_and_nothing_changes() {
    let mut post = Post::new();
    let (d, _, _) = quarrel(&mut post);
    settle_and_finalise(&mut post, &d, "2026-11-30");
    let e = post.refused("fulfilment.record", json!({"dispute_id": d, "fulfilled": false}));
    assert_eq!(e["field"], "on");
    assert_eq!(e["message"], "履行期限为2026-11-30，期限届满前不能登记未履行（最早可在2026-12-01登记）");
    let now = post.call("dispute.get", json!({"id": d}));
    assert_eq!((now["status"].as_str(), now["agreement"]["defaulted_on"].as_str()), (Some("fulfilling"), None));
    post.clock.advance(chrono::Duration::days(8));
    let late = post.call("fulfilment.record", json!({"dispute_id": d, "fulfilled": false}));
    assert_eq!(late["status"], "defaulted");
}

#[test]
fn a_party_added_by_mistake_is_deleted_until_an_agreement_takes_effect() {
    let mut post = Post::new();
    let (d, _, _) = quarrel(&mut post);
    let extra = post.call("party.add", json!({"dispute_id": d, "role": "other", "name": "张三"}));
    let after = post.call("party.delete", json!({"id": id(&extra)}));
    assert_eq!(after["parties"].as_array().unwrap().len(), 2);
    post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "initial", "held_on": "2026-11-21", "mediators": ["王德明"], "outcome": "continued"}),
    );
    let first = after["parties"][0]["id"].clone();
    let e = post.refused("party.delete", json!({"id": first}));
    assert!(e["message"].as_str().unwrap().contains("不足两方当事人"), "{e}");
    settle_and_finalise(&mut post, &d, "2026-11-30");
    let e = post.refused("party.delete", json!({"id": first}));
    assert_eq!(e["message"], "本纠纷的调解协议已生效，当事人不能删除");
    let file = post.call("dispute.get", json!({"id": d}));
    assert_eq!(file["parties"].as_array().unwrap().len(), 2, "nothing deleted");
}
