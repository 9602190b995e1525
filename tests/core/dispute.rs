//! Disputes through the api, on a real database file: intake, the mediation ladder, the
//! 治安调解 rules, agreements with their numbers, fulfilment, follow-up and closure.

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

/// A post with its settings, an officer, an auxiliary and a resident; returns
/// (village, officer, auxiliary, resident).
fn setup(post: &mut Post) -> (String, String, String, String) {
    post.call(
        "post.save",
        json!({"name": "青山中心警务室", "code": "330326-QS01", "doc_prefix": "青山",
               "station_name": "平安县公安局青山派出所", "committee_name": "青山镇人民调解委员会"}),
    );
    let officer = id(&post.call("officer.create", json!({"name": "周立新", "role": "officer", "badge_no": "061234"})));
    let aux = id(&post.call("officer.create", json!({"name": "林海燕", "role": "auxiliary"})));
    let (vid, _, hid) = post.household("青山村", "12");
    let person = post.call(
        "person.create",
        json!({"household_id": hid, "relation": "head", "name": "王建国", "ethnicity": "汉族",
               "id_number": "330326196503120017", "phone": "13800001234"}),
    );
    (vid, officer, aux, id(&person))
}

fn respondent() -> Value {
    json!({"role": "respondent", "name": "李长林", "ethnicity": "汉族", "id_number": "330326197001010031",
           "address": "青山村3组14号", "phone": "13900002222"})
}

/// A people's dispute with complete facts and two complete parties.
fn people_dispute(post: &mut Post, vid: &str, officer: &str, person: &str, received_on: &str) -> String {
    let d = post.call(
        "dispute.create",
        json!({"received_on": received_on, "source": "walk_in", "kind": "homestead", "grade": "general",
               "title": "王建国与李长林宅基地边界纠纷", "amount_involved": 500000, "village_id": vid,
               "officer_id": officer, "facts": "李长林翻建围墙时占用王建国宅基地约20厘米",
               "matters": "围墙位置及赔偿", "responsibility": "李长林未经测量擅自砌墙，负主要责任",
               "parties": [{"person_id": person, "role": "applicant"}, respondent()]}),
    );
    id(&d)
}

fn settle(post: &mut Post, dispute: &str, officer: &str, held_on: &str) -> Value {
    post.call(
        "mediation.add",
        json!({"dispute_id": dispute, "level": "joint", "held_on": held_on, "place": "青山中心警务室",
               "presider_officer_id": officer, "mediators": ["周立新"], "recorder": "林海燕",
               "record": "双方同意围墙后退20厘米", "outcome": "settled"}),
    )
}

fn complete_people_agreement(post: &mut Post, dispute: &str) {
    post.call(
        "agreement.save",
        json!({"dispute_id": dispute, "terms": "李长林于12月20日前将围墙后退20厘米，并赔偿王建国500元",
               "performance_method": "自行拆除重砌，现金支付", "performance_place": "青山村3组",
               "performance_deadline": "2026-11-20", "copies": 3, "effective_on": "2026-11-10"}),
    );
}

#[test]
fn a_dispute_climbs_the_ladder_to_an_agreement_and_closes_after_the_follow_up() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-02");
    let got = post.call("dispute.get", json!({"id": d}));
    assert_eq!(got["status"], "registered");
    assert_eq!(got["village_name"], "青山村");
    assert_eq!(got["officer_name"], "周立新");
    assert_eq!(got["parties"][0]["name"], "王建国", "copied from the resident");
    assert_eq!(got["parties"][0]["address"], "青山村3组12号", "the household's address");
    assert_eq!(got["parties"][0]["sex"], "male");
    assert_eq!(got["parties"][1]["birth_date"], "1970-01-01", "derived from the ID number");

    let after = post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "initial", "held_on": "2026-11-03", "mediators": ["王德明"],
               "outcome": "escalated", "record": "百户长上门调解，双方各执一词"}),
    );
    assert_eq!(after["status"], "mediating");
    post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "review", "held_on": "2026-11-05", "mediators": ["陈国平"],
               "outcome": "escalated"}),
    );
    let e = post.refused(
        "mediation.add",
        json!({"dispute_id": d, "level": "initial", "held_on": "2026-11-06", "mediators": ["王德明"],
               "outcome": "continued"}),
    );
    assert_eq!(e["field"], "level");
    assert!(e["message"].as_str().unwrap().contains("已进行过复调"), "{e}");

    let agreed = settle(&mut post, &d, &officer, "2026-11-10");
    assert_eq!(agreed["status"], "agreed");
    let levels: Vec<&str> =
        agreed["mediations"].as_array().unwrap().iter().map(|m| m["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["initial", "review", "joint"]);
    let actions: Vec<&str> =
        agreed["next_actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"finalise_agreement"), "{actions:?}");

    complete_people_agreement(&mut post, &d);
    let check = post.call("agreement.check", json!({"dispute_id": d}));
    assert_eq!(check["complete"], true, "{check}");
    let done = post.call("agreement.finalise", json!({"dispute_id": d}));
    assert_eq!(done["status"], "fulfilling");
    assert_eq!(done["agreement"]["number"], "（2026）青山调字第 1 号");
    assert_eq!(done["agreement"]["issuer"], "青山镇人民调解委员会");
    assert_eq!(done["agreement"]["mediators"], json!(["周立新"]), "taken from the settled session");
    assert_eq!(done["follow_ups"][0]["due_on"], "2026-11-20", "due at the performance deadline");

    let e = post.refused("agreement.save", json!({"dispute_id": d, "terms": "改为后退10厘米"}));
    assert!(e["message"].as_str().unwrap().contains("已生效"), "{e}");

    let due = post.call("followup.due", json!({}));
    assert_eq!(due[0]["dispute_id"], d.as_str());
    assert_eq!(due[0]["agreement_number"], "（2026）青山调字第 1 号");
    assert_eq!(due[0]["days_overdue"], 3);
    let overdue = post.call("dispute.overdue_fulfilments", json!({}));
    assert_eq!(overdue[0]["days_overdue"], 3);

    let fulfilled = post.call("fulfilment.record", json!({"dispute_id": d, "fulfilled": true, "on": "2026-11-18"}));
    assert_eq!(fulfilled["status"], "fulfilled");
    assert_eq!(post.call("dispute.overdue_fulfilments", json!({})), json!([]));

    let closed = post.call(
        "followup.record",
        json!({"dispute_id": d, "held": true, "satisfaction": "满意", "notes": "围墙已后退，两家关系缓和",
               "officer_id": officer}),
    );
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_on"], "2026-11-23");
    assert_eq!(closed["follow_ups"][0]["officer_name"], "周立新");
    assert_eq!(post.call("followup.due", json!({})), json!([]));
    assert!(closed["next_actions"].as_array().unwrap().is_empty());
}

#[test]
fn finalising_an_incomplete_agreement_lists_every_missing_field() {
    let mut post = Post::new();
    let (vid, officer, _aux, _person) = setup(&mut post);
    let d = id(&post.call(
        "dispute.create",
        json!({"source": "call", "kind": "neighbour", "title": "赵家与钱家排水纠纷", "village_id": vid,
               "facts": "赵家排水沟流入钱家院子",
               "parties": [{"role": "applicant", "name": "赵磊", "sex": "male", "age": 45},
                           {"role": "respondent", "kind": "organisation", "name": "青山建材有限公司",
                            "address": "青山村工业区1号"}]}),
    ));
    let e = post.refused("agreement.finalise", json!({"dispute_id": d}));
    assert!(e["message"].as_str().unwrap().contains("达成一致"), "needs a settled session first: {e}");
    settle(&mut post, &d, &officer, "2026-11-23");
    post.call("agreement.save", json!({"dispute_id": d, "terms": "改造排水沟", "copies": 2}));

    let e = post.refused("agreement.finalise", json!({"dispute_id": d}));
    assert_eq!(e["code"], "incomplete");
    let fields: Vec<&str> = e["missing"].as_array().unwrap().iter().map(|m| m["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "parties[0].ethnicity",
            "parties[0].id_number",
            "parties[0].address",
            "parties[0].phone",
            "parties[1].legal_rep",
            "matters",
            "responsibility",
            "performance_method",
            "performance_place",
            "performance_deadline",
            "effective_on",
            "copies",
        ]
    );
    let msg = e["message"].as_str().unwrap();
    assert!(msg.contains("当事人“赵磊”的公民身份号码") && msg.contains("法定代表人"), "{msg}");
    assert!(msg.contains("至少3份"), "{msg}");
    let check = post.call("agreement.check", json!({"dispute_id": d}));
    assert_eq!(check["missing"], e["missing"]);
    assert_eq!(post.call("dispute.get", json!({"id": d}))["missing"], e["missing"]);
    assert_eq!(post.call("dispute.get", json!({"id": d}))["status"], "agreed", "nothing changed");
}

#[test]
fn an_oral_agreement_needs_only_terms_and_mediators_and_gets_no_number() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-20");
    settle(&mut post, &d, &officer, "2026-11-23");
    post.call("agreement.save", json!({"dispute_id": d, "kind": "oral", "terms": "当场赔礼道歉"}));
    let done = post.call("agreement.finalise", json!({"dispute_id": d}));
    assert_eq!(done["agreement"]["kind"], "oral");
    assert_eq!(done["agreement"]["number"], Value::Null);
    assert_eq!(done["follow_ups"][0]["due_on"], "2026-12-23", "30 days after it took effect");
}

#[test]
fn numbers_run_per_post_year_and_kind_without_gaps() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    let mut numbers = vec![];
    for _ in 0..2 {
        let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-02");
        settle(&mut post, &d, &officer, "2026-11-10");
        complete_people_agreement(&mut post, &d);
        numbers.push(post.call("agreement.finalise", json!({"dispute_id": d}))["agreement"]["number"].clone());
    }
    assert_eq!(numbers, [json!("（2026）青山调字第 1 号"), json!("（2026）青山调字第 2 号")]);
    let list = post.call("dispute.list", json!({"status": "fulfilling"}));
    assert_eq!(list["total"], 2);
    assert_eq!(post.call("dispute.list", json!({"text": "宅基地", "kind": "homestead"}))["total"], 2);
    assert_eq!(post.call("dispute.list", json!({"received_from": "2026-11-03"}))["total"], 0);
}

#[test]
fn finalising_without_a_document_prefix_sends_the_user_to_settings() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    post.call("post.save", json!({"name": "青山中心警务室", "committee_name": "青山镇人民调解委员会"}));
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-02");
    settle(&mut post, &d, &officer, "2026-11-10");
    complete_people_agreement(&mut post, &d);
    let e = post.refused("agreement.finalise", json!({"dispute_id": d}));
    assert!(e["message"].as_str().unwrap().contains("设置"), "{e}");
}

// ───── 治安调解 ─────

fn security_dispute(post: &mut Post, vid: &str, received_on: &str, parties: Value) -> String {
    let params = json!({"received_on": received_on, "source": "call", "kind": "damages", "track": "security",
        "title": "张伟殴打陈芳案", "village_id": vid, "offence": "assault",
        "occurred_at": format!("{received_on} 20:30"), "place": "青山村文化礼堂门口", "cause": "停车纠纷",
        "course": "双方争吵后张伟推搡陈芳", "circumstances": "情节轻微", "result": "陈芳手臂软组织挫伤",
        "parties": parties});
    id(&post.call("dispute.create", params))
}

fn offender_and_victim() -> Value {
    json!([
        {"role": "offender", "name": "张伟", "ethnicity": "汉族", "id_number": "330326198805060012",
         "address": "青山村2组3号", "phone": "13700001111"},
        {"role": "victim", "name": "陈芳", "ethnicity": "汉族", "id_number": "330326199002030025",
         "address": "青山村5组8号", "phone": "13700002222"}
    ])
}

fn joint(dispute: &str, presider: &str, held_on: &str, outcome: &str) -> Value {
    json!({"dispute_id": dispute, "level": "joint", "held_on": held_on, "presider_officer_id": presider,
           "recorder": "周立新", "outcome": outcome})
}

#[test]
fn an_auxiliary_cannot_preside_and_must_be_recorded_when_taking_part() {
    let mut post = Post::new();
    let (vid, officer, aux, _) = setup(&mut post);
    let d = security_dispute(&mut post, &vid, "2026-11-19", offender_and_victim());
    let e = post.refused("mediation.add", joint(&d, &aux, "2026-11-20", "settled"));
    assert!(e["message"].as_str().unwrap().contains("林海燕是辅警，辅警不能主持治安调解"), "{e}");

    let mut with_aux = joint(&d, &officer, "2026-11-20", "settled");
    with_aux["officer_ids"] = json!([aux]);
    let e = post.refused("mediation.add", with_aux.clone());
    assert_eq!(e["field"], "recording_ref");
    with_aux["recording_ref"] = json!("执法记录仪 LY-2026-118");
    assert_eq!(post.call("mediation.add", with_aux)["status"], "agreed");

    let mut initial = joint(&d, &officer, "2026-11-20", "continued");
    initial["level"] = json!("initial");
    let d2 = security_dispute(&mut post, &vid, "2026-11-19", offender_and_victim());
    // The case says beforehand which level its session may take.
    assert_eq!(post.call("dispute.get", json!({"id": d2}))["mediation_levels"], json!(["joint"]));
    initial["dispute_id"] = json!(d2);
    let e = post.refused("mediation.add", initial);
    assert!(e["message"].as_str().unwrap().contains("应选择“联调”"), "{e}");
}

#[test]
fn an_excluded_circumstance_refuses_mediation_naming_it() {
    let mut post = Post::new();
    let (vid, officer, _, _) = setup(&mut post);
    let d = security_dispute(&mut post, &vid, "2026-11-19", offender_and_victim());
    post.call("dispute.update", json!({"id": d, "exclusions": ["offence_during_mediation"]}));
    let e = post.refused("mediation.add", joint(&d, &officer, "2026-11-20", "continued"));
    assert_eq!(e["code"], "rule");
    assert!(e["message"].as_str().unwrap().contains("调解过程中又针对对方实施违法行为"), "{e}");
    // A new intake showing an excluded circumstance is refused at once.
    let mut params = json!({"received_on": "2026-11-19", "source": "call", "kind": "damages", "track": "security",
        "title": "结伙斗殴案", "exclusions": ["group_fight"], "parties": offender_and_victim()});
    let e = post.refused("dispute.create", params.take());
    assert!(e["message"].as_str().unwrap().contains("结伙斗殴或者其他寻衅滋事"), "{e}");
    // It can still be handed on for a decision.
    let referred = post.call("dispute.refer", json!({"id": d, "referred_to": "青山派出所（依法处理）"}));
    assert_eq!(referred["status"], "referred");
}

#[test]
fn a_minor_needs_a_guardian_and_an_offender_may_not_send_an_agent() {
    let mut post = Post::new();
    let (vid, officer, _, _) = setup(&mut post);
    let mut parties = offender_and_victim();
    parties[0]["id_number"] = json!("330326201203040019");
    let d = security_dispute(&mut post, &vid, "2026-11-19", parties);
    let e = post.refused("mediation.add", joint(&d, &officer, "2026-11-20", "settled"));
    assert!(e["message"].as_str().unwrap().contains("“张伟”未满十六周岁"), "{e}");
    let got = post.call("dispute.get", json!({"id": d}));
    let minor = id(&got["parties"][0]);
    assert_eq!(got["parties"][0]["age"], 14);
    post.call("party.update", json!({"id": minor, "guardian_name": "张建华", "guardian_relation": "父子"}));
    post.call("party.update", json!({"id": minor, "agent_name": "刘明", "agent_authority_ref": "授权委托书"}));
    let e = post.refused("mediation.add", joint(&d, &officer, "2026-11-20", "settled"));
    assert!(e["message"].as_str().unwrap().contains("违法行为人不得委托"), "{e}");
    post.call("party.update", json!({"id": minor, "agent_name": null, "agent_authority_ref": null}));
    let victim = id(&got["parties"][1]);
    post.call("party.update", json!({"id": victim, "agent_name": "陈建华"}));
    let e = post.refused("mediation.add", joint(&d, &officer, "2026-11-20", "settled"));
    assert!(e["message"].as_str().unwrap().contains("书面授权委托书"), "{e}");
    post.call("party.update", json!({"id": victim, "agent_authority_ref": "授权委托书（2026-11-20）"}));
    assert_eq!(post.call("mediation.add", joint(&d, &officer, "2026-11-20", "settled"))["status"], "agreed");
}

#[test]
fn the_first_session_deadline_counts_working_days_across_the_national_day_holiday() {
    let mut post = Post::new();
    let (vid, officer, _, _) = setup(&mut post);
    // Received Wednesday 30 September: 3 working days end on Saturday 10 October (a worked day).
    let late = security_dispute(&mut post, &vid, "2026-09-30", offender_and_victim());
    let e = post.refused("mediation.add", joint(&late, &officer, "2026-10-12", "continued"));
    let msg = e["message"].as_str().unwrap();
    assert!(msg.contains("3个工作日") && msg.contains("最迟2026-10-10"), "{msg}");
    // Nine calendar days later is still within three working days.
    let d = security_dispute(&mut post, &vid, "2026-09-30", offender_and_victim());
    assert_eq!(post.call("mediation.add", joint(&d, &officer, "2026-10-09", "continued"))["status"], "mediating");
    // The second within 7 working days of the first: 9 October + 7 = 19 October, counting
    // the worked Saturday 10 October.
    let e = post.refused("mediation.add", joint(&d, &officer, "2026-10-20", "continued"));
    assert!(e["message"].as_str().unwrap().contains("最迟2026-10-19"), "{e}");
    assert_eq!(post.call("mediation.add", joint(&d, &officer, "2026-10-19", "settled"))["status"], "agreed");
}

#[test]
fn the_case_shows_its_session_deadline_over_the_spring_festival_and_flags_a_year_without_a_calendar() {
    let mut post = Post::new();
    let (vid, officer, _, _) = setup(&mut post);
    // Thursday 12 February 2026 + 3 working days: the 13th, Saturday the 14th (worked), then
    // the holiday to the 23rd: the 24th.
    let d = security_dispute(&mut post, &vid, "2026-02-12", offender_and_victim());
    let due = post.call("dispute.get", json!({"id": d}))["session_due"].clone();
    assert_eq!(due["due_on"], "2026-02-24", "{due}");
    assert_eq!(due["text"], "第一次治安调解应在受理（2026-02-12）后3个工作日内进行，最迟2026-02-24");
    assert_eq!(due["calendar_notice"], Value::Null);
    // The second: 13 February + 7 counts Saturdays 14 and 28 February.
    post.call("mediation.add", joint(&d, &officer, "2026-02-13", "continued"));
    let due = post.call("dispute.get", json!({"id": d}))["session_due"].clone();
    assert_eq!((due["nth"].clone(), due["due_on"].clone()), (json!(2), json!("2026-03-02")), "{due}");
    post.call("mediation.add", joint(&d, &officer, "2026-03-02", "failed"));
    assert_eq!(post.call("dispute.get", json!({"id": d}))["session_due"], Value::Null);

    // On 30 December a case counts into 2027, whose calendar is not entered: still Monday
    // to Friday, but flagged, on the case and on 首页.
    assert_eq!(post.call("calendar.notice", json!({}))["notice"], Value::Null);
    post.clock.set(chrono::NaiveDate::from_ymd_opt(2026, 12, 30).unwrap().and_hms_opt(1, 0, 0).unwrap().and_utc());
    let late = security_dispute(&mut post, &vid, "2026-12-30", offender_and_victim());
    let due = post.call("dispute.get", json!({"id": late}))["session_due"].clone();
    assert_eq!(due["due_on"], "2027-01-04");
    assert_eq!(due["calendar_notice"], "2027 年节假日安排尚未录入，期限按周一至周五计算");
    assert_eq!(post.call("calendar.notice", json!({}))["notice"], "2027 年节假日安排尚未录入，期限按周一至周五计算");
    // A post working alone enters the year itself; the deadline moves past New Year's Day.
    let year = post.call("calendar.year", json!({"year": 2027}));
    assert_eq!((year["entered"].clone(), year["editable"].clone()), (json!(false), json!(true)));
    post.call(
        "calendar.save",
        json!({"year": 2027, "days": [
        {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}]}),
    );
    assert_eq!(post.call("dispute.get", json!({"id": late}))["session_due"]["due_on"], "2027-01-05");
    assert_eq!(post.call("calendar.notice", json!({}))["notice"], Value::Null);
    // Entering the year again replaces it: the day left out is deleted.
    let e = post.refused("calendar.save", json!({"year": 2027, "days": [
        {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}, {"day": "2027-01-01", "kind": "workday", "name": "元旦"}]}));
    assert!(e["message"].as_str().unwrap().contains("2027-01-01 录入了两次"), "{e}");
    post.call("calendar.save", json!({"year": 2027, "text": "春节：2月6日至14日放假。2月20日上班。"}));
    let year = post.call("calendar.year", json!({"year": 2027}));
    assert_eq!(year["days"].as_array().unwrap().len(), 10);
    assert_eq!(year["years"], json!([2025, 2026, 2027]));
    assert_eq!(post.call("dispute.get", json!({"id": late}))["session_due"]["due_on"], "2027-01-04");
}

#[test]
fn a_third_security_session_is_refused() {
    let mut post = Post::new();
    let (vid, officer, _, _) = setup(&mut post);
    let d = security_dispute(&mut post, &vid, "2026-11-16", offender_and_victim());
    post.call("mediation.add", joint(&d, &officer, "2026-11-17", "continued"));
    post.call("mediation.add", joint(&d, &officer, "2026-11-19", "continued"));
    let e = post.refused("mediation.add", joint(&d, &officer, "2026-11-20", "settled"));
    assert!(e["message"].as_str().unwrap().contains("最多进行两次"), "{e}");
    // Nor can the clock be reset by moving the intake date.
    let e = post.refused("dispute.update", json!({"id": d, "received_on": "2026-11-20"}));
    assert_eq!(e["field"], "received_on");
}

#[test]
fn a_security_agreement_is_numbered_apart_and_a_default_returns_the_case_for_a_decision() {
    let mut post = Post::new();
    let (vid, officer, aux, _) = setup(&mut post);
    let d = security_dispute(&mut post, &vid, "2026-11-02", offender_and_victim());
    post.call("mediation.add", joint(&d, &officer, "2026-11-03", "settled"));
    post.call(
        "agreement.save",
        json!({"dispute_id": d, "terms": "张伟赔偿陈芳医药费800元并赔礼道歉", "performance_method": "现金一次性支付",
               "performance_deadline": "2026-11-13", "copies": 4}),
    );
    let e = post.refused("agreement.finalise", json!({"dispute_id": d}));
    let fields: Vec<&str> = e["missing"].as_array().unwrap().iter().map(|m| m["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["copies"], "{e}");
    assert!(e["message"].as_str().unwrap().contains("应为3份"), "{e}");
    post.call("agreement.save", json!({"dispute_id": d, "copies": 3, "presider_officer_id": aux}));
    let e = post.refused("agreement.finalise", json!({"dispute_id": d}));
    assert!(e["message"].as_str().unwrap().contains("辅警不能主持治安调解"), "{e}");
    post.call("agreement.save", json!({"dispute_id": d, "presider_officer_id": officer}));
    let done = post.call("agreement.finalise", json!({"dispute_id": d}));
    assert_eq!(done["agreement"]["number"], "（2026）青山治调字第 1 号");
    assert_eq!(done["agreement"]["issuer"], "平安县公安局青山派出所");

    let overdue = post.call("dispute.overdue_fulfilments", json!({}));
    assert_eq!(overdue[0]["dispute_id"], d.as_str());
    assert_eq!(overdue[0]["days_overdue"], 10);
    let e = post.refused("dispute.refer", json!({"id": d, "referred_to": "青山派出所"}));
    assert!(e["message"].as_str().unwrap().contains("履行中"), "{e}");
    let defaulted =
        post.call("fulfilment.record", json!({"dispute_id": d, "fulfilled": false, "note": "张伟拒不支付"}));
    assert_eq!(defaulted["status"], "defaulted");
    let referred = post.call("dispute.refer", json!({"id": d, "referred_to": "青山派出所（依法作出处理决定）"}));
    assert_eq!(referred["status"], "referred");
    assert_eq!(referred["closed_on"], "2026-11-23");
}

#[test]
fn withdrawal_and_referral_only_from_the_states_that_allow_them() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-20");
    let w = post.call("dispute.withdraw", json!({"id": d, "reason": "双方已自行和解"}));
    assert_eq!((w["status"].as_str(), w["withdraw_reason"].as_str()), (Some("withdrawn"), Some("双方已自行和解")));
    let e = post.refused("dispute.refer", json!({"id": d, "referred_to": "青山镇司法所"}));
    assert!(e["message"].as_str().unwrap().contains("已撤回"), "{e}");
    let e = post.refused("dispute.update", json!({"id": d, "title": "新名称"}));
    assert_eq!(e["code"], "rule");

    let f = people_dispute(&mut post, &vid, &officer, &person, "2026-11-20");
    post.call(
        "mediation.add",
        json!({"dispute_id": f, "level": "joint", "mediators": ["周立新"], "outcome": "failed"}),
    );
    let e = post.refused("dispute.withdraw", json!({"id": f}));
    assert!(e["message"].as_str().unwrap().contains("调解不成"), "{e}");
    let r = post.call("dispute.refer", json!({"id": f, "referred_to": "平安县人民法院"}));
    assert_eq!(r["referred_to"], "平安县人民法院");
}

#[test]
fn intake_checks_parties_and_references() {
    let mut post = Post::new();
    let (vid, _officer, _aux, person) = setup(&mut post);
    let e = post.refused(
        "dispute.create",
        json!({"source": "walk_in", "kind": "family", "title": "家庭纠纷",
               "parties": [{"role": "applicant", "name": "王芳", "id_number": "11010519491231002X", "sex": "male"}]}),
    );
    assert_eq!(e["field"], "parties[0].sex");
    let e = post.refused(
        "dispute.create",
        json!({"source": "walk_in", "kind": "family", "title": "家庭纠纷",
        "village_id": "nope"}),
    );
    assert_eq!(e["field"], "village_id");
    let d = id(&post.call(
        "dispute.create",
        json!({"source": "walk_in", "kind": "family", "title": "家庭纠纷", "village_id": vid,
               "parties": [{"person_id": person, "role": "applicant"}]}),
    ));
    let e = post.refused("party.add", json!({"dispute_id": d, "person_id": person, "role": "respondent"}));
    assert!(e["message"].as_str().unwrap().contains("已是本纠纷的当事人"), "{e}");
    let p = post.call("party.add", json!({"dispute_id": d, "name": "李秀英", "role": "respondent", "age": 60}));
    assert_eq!(p["age"], 60);
    let e = post.refused("dispute.update", json!({"id": d, "status": "closed"}));
    assert_eq!(e["field"], "status");
    let u = post.call("dispute.update", json!({"id": d, "amount_involved": 120000}));
    assert_eq!((u["amount_involved"].as_i64(), u["title"].as_str()), (Some(120000), Some("家庭纠纷")));
}

#[test]
fn demo_disputes_reach_every_status_through_the_rules() {
    let mut post = Post::new();
    let summary = fengqiao::demo::generate(&mut post.api, fengqiao::demo::DemoOptions { households: 400, seed: 7 })
        .expect("demo");
    let all = post.call("dispute.list", json!({"page_size": 500}));
    assert_eq!(all["total"].as_u64(), Some(summary.disputes as u64));
    let items = all["items"].as_array().expect("items");
    let statuses: std::collections::BTreeSet<&str> = items.iter().filter_map(|d| d["status"].as_str()).collect();
    for s in [
        "registered",
        "mediating",
        "agreed",
        "fulfilling",
        "fulfilled",
        "defaulted",
        "closed",
        "failed",
        "referred",
        "withdrawn",
    ] {
        assert!(statuses.contains(s), "no demo dispute is {s}: {statuses:?}");
    }
    let numbers: Vec<&str> = items.iter().filter_map(|d| d["agreement_number"].as_str()).collect();
    assert!(numbers.iter().any(|n| n.contains("青山调字第")), "{numbers:?}");
    assert!(numbers.iter().any(|n| n.contains("青山治调字第")), "{numbers:?}");
    let unique: std::collections::BTreeSet<&&str> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "numbers are unique");
    assert!(!post.call("dispute.overdue_fulfilments", json!({})).as_array().expect("list").is_empty());
    assert!(!post.call("followup.due", json!({})).as_array().expect("list").is_empty());
    let oral = items.iter().filter(|d| d["status"] != "agreed").any(|d| {
        let full = post.call("dispute.get", json!({"id": d["id"]}));
        full["agreement"]["kind"] == "oral" && full["agreement"]["finalised_at"].is_string()
    });
    assert!(oral, "an oral agreement was recorded");
    let closed = items.iter().find(|d| d["status"] == "closed").expect("a closed dispute");
    let full = post.call("dispute.get", json!({"id": closed["id"]}));
    assert_eq!(full["follow_ups"][0]["held"], true);
    assert!(full["closed_on"].is_string());
}

#[test]
fn a_follow_up_that_came_first_closes_the_dispute_once_the_fulfilment_is_recorded() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-02");
    settle(&mut post, &d, &officer, "2026-11-10");
    complete_people_agreement(&mut post, &d);
    post.call("agreement.save", json!({"dispute_id": d, "performance_deadline": "2026-12-10"}));
    post.call("agreement.finalise", json!({"dispute_id": d}));
    let visited = post.call("followup.record", json!({"dispute_id": d, "held": true, "notes": "围墙已开始拆除"}));
    assert_eq!(visited["status"], "fulfilling", "not closed before the agreement is carried out");
    let done = post.call("fulfilment.record", json!({"dispute_id": d, "fulfilled": true}));
    assert_eq!(done["status"], "closed");
    assert_eq!(done["closed_on"], "2026-11-23");
}

#[test]
fn relinking_a_party_to_another_resident_takes_their_details() {
    let mut post = Post::new();
    let (vid, officer, _aux, person) = setup(&mut post);
    let (_, _, hid) = post.household("青山村", "20");
    let other = id(&post.call(
        "person.create",
        json!({"household_id": hid, "name": "赵秀兰", "id_number": "11010519491231002X", "phone": "13700003333"}),
    ));
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-20");
    let party = id(&post.call("dispute.get", json!({"id": d}))["parties"][0]);
    let p = post.call("party.update", json!({"id": party, "person_id": other}));
    assert_eq!((p["name"].as_str(), p["sex"].as_str()), (Some("赵秀兰"), Some("female")));
    assert_eq!((p["address"].as_str(), p["role"].as_str()), (Some("青山村3组20号"), Some("applicant")));
}

/// A form sent with a required box left empty (the UI sends `null`) or left out: the officer
/// reads what to fill in, under the field, never a parameter name or a type.
#[test]
fn a_required_field_left_empty_is_asked_for_in_the_officers_words() {
    let mut post = Post::new();
    let e = post.refused("dispute.create", json!({"title": null, "kind": "neighbour", "parties": []}));
    assert_eq!((e["field"].as_str(), e["message"].as_str()), (Some("title"), Some("请填写纠纷名称")));
    let e = post.refused("dispute.create", json!({"kind": "neighbour"}));
    assert_eq!((e["field"].as_str(), e["message"].as_str()), (Some("title"), Some("请填写纠纷名称")));
    let e = post.refused(
        "dispute.create",
        json!({"title": "邻里纠纷", "source": "walk_in", "kind": "neighbour",
               "parties": [{"role": "applicant", "kind": "person", "name": "王芳"}, {"role": null, "name": "李四"}]}),
    );
    assert_eq!(
        (e["field"].as_str(), e["message"].as_str()),
        (Some("parties[1].role"), Some("请选择当事人身份（申请人、被申请人等）"))
    );
    let e = post.refused("errand.create", json!({"service_item_id": null, "mode": "proxy", "applicant_name": "王芳"}));
    assert_eq!((e["field"].as_str(), e["message"].as_str()), (Some("service_item_id"), Some("请选择服务事项")));
    let e = post.refused("visit.create", json!({"notes": "老人身体尚可"}));
    assert_eq!((e["field"].as_str(), e["message"].as_str()), (Some("household_id"), Some("请选择走访的户")));
}

/// What `call --list` says a method requires is what it requires: an update changes only the
/// fields sent, so the schema requires only the record.
#[test]
fn an_update_needs_only_what_its_schema_requires() {
    let mut post = Post::new();
    let (vid, officer, _, person) = setup(&mut post);
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-02");
    let changed = post.call("dispute.update", json!({"id": d, "matters": "围墙位置"}));
    assert_eq!(changed["title"], "王建国与李长林宅基地边界纠纷");
    let methods = fengqiao::api::Api::methods();
    let schema = &methods.iter().find(|m| m.name == "dispute.update").expect("listed").params;
    assert_eq!(schema["required"], json!(["id"]));
    assert_eq!(schema["properties"]["title"]["title"], "纠纷名称");
}

/// A session records the mediators entered and no one else (its presiding officer is recorded
/// as such); the next session is offered only the levels the rules allow, and the agreement's
/// draft starts from what the settled session recorded.
#[test]
fn a_session_keeps_its_own_mediators_and_the_agreement_draft_starts_from_them() {
    let mut post = Post::new();
    let (vid, officer, aux, person) = setup(&mut post);
    let d = people_dispute(&mut post, &vid, &officer, &person, "2026-11-02");
    let got = post.call("dispute.get", json!({"id": d}));
    assert_eq!(got["mediation_levels"], json!(["initial", "review", "joint"]));
    let after = post.call(
        "mediation.add",
        json!({"dispute_id": d, "level": "review", "held_on": "2026-11-03", "mediators": ["王德明"],
               "presider_officer_id": officer, "recorder": "林海燕", "outcome": "settled"}),
    );
    assert_eq!(after["mediations"][0]["mediators"], json!(["王德明"]), "the presider is not added as a mediator");
    assert_eq!(after["mediations"][0]["presider_name"], "周立新");
    assert_eq!(after["mediation_levels"], json!(["review", "joint"]));
    let draft = &after["agreement_draft"];
    assert_eq!(draft["mediators"], json!(["王德明"]));
    assert_eq!(draft["recorder"], "林海燕");
    assert_eq!(draft["presider_officer_id"], officer.as_str());

    // The officers' list says who may not preside over 治安调解, in the core's words.
    let officers = post.call("officer.list", json!({}));
    let refusal =
        |id: &str| officers.as_array().unwrap().iter().find(|o| o["id"] == id).unwrap()["preside_refusal"].clone();
    assert_eq!(refusal(&aux), json!("辅警不能主持治安调解"));
    assert_eq!(refusal(&officer), Value::Null);
}
