//! 法律顾问 and 驻所律师 through the api on a real database file: a lawyer and their sittings,
//! the lawyer taking part in a 视频联调 round, the disputes listed on the lawyer's page, the
//! month's figures with a rebound, and refusals that name the field and leave nothing behind.

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

fn count(post: &Post, table: &str) -> i64 {
    post.api.store().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn lawyer(post: &mut Post) -> String {
    let l = post.call(
        "lawyer.create",
        json!({"name": "孙明远", "kind": "resident", "firm": "青山律师事务所", "licence_no": "13303201510234567",
               "phone": "13905770123", "serving_from": "2026-01-01"}),
    );
    assert_eq!((l["kind_label"].as_str(), l["serving"].as_bool()), (Some("驻所律师"), Some(true)));
    id(&l)
}

/// A people's dispute of two parties in 青山村, received on `on`.
fn dispute(post: &mut Post, on: &str, house_no: &str, name: &str) -> String {
    let (vid, _, hid) = post.household("青山村", house_no);
    let person = id(&post.call("person.create", json!({"household_id": hid, "relation": "head", "name": name})));
    id(&post.call(
        "dispute.create",
        json!({"received_on": on, "source": "walk_in", "kind": "neighbour", "grade": "general",
               "title": format!("{name}与李长林相邻通行纠纷"), "village_id": vid,
               "parties": [{"person_id": person, "role": "applicant"},
                           {"role": "respondent", "name": "李长林", "address": "青山村3组14号"}]}),
    ))
}

#[test]
fn sittings_are_recorded_inside_the_term_and_refusals_leave_nothing_behind() {
    let mut post = Post::new();
    let l = lawyer(&mut post);
    let s = post.call(
        "sitting.create",
        json!({"lawyer_id": l, "sat_on": "2026-11-17", "hours": 3.5, "consultations": 4, "people_served": 6,
               "topics": "土地承包、赡养"}),
    );
    assert_eq!((s["lawyer_name"].as_str(), s["hours"].as_f64()), (Some("孙明远"), Some(3.5)));
    let before = (count(&post, "sitting"), count(&post, "change_log"));
    // (params changed, field refused, words of the message)
    let cases: &[(Value, &str, &str)] = &[
        (json!({"hours": 0.25}), "hours", "坐班时长应为0.5至12小时"),
        (json!({"hours": 13}), "hours", "坐班时长应为0.5至12小时"),
        (json!({"sat_on": "2026-11-24"}), "sat_on", "坐班日期不能晚于今天"),
        (json!({"sat_on": "2025-12-31"}), "sat_on", "不在孙明远律师的服务期内（2026-01-01 起）"),
        (json!({"consultations": -1}), "consultations", "法律咨询次数不能为负数"),
        (json!({"people_served": -2}), "people_served", "接待群众人数不能为负数"),
        (json!({"sat_on": "2026-11-17"}), "sat_on", "已有坐班记录"),
        (json!({"lawyer_id": "nobody"}), "lawyer_id", "所选律师不存在"),
    ];
    for (change, field, words) in cases {
        let mut p = json!({"lawyer_id": l, "sat_on": "2026-11-20", "hours": 2});
        for (k, v) in change.as_object().unwrap() {
            p[k] = v.clone();
        }
        let r = post.refused("sitting.create", p);
        assert_eq!(r["field"], *field, "{change}: {r}");
        assert!(r["message"].as_str().unwrap().contains(words), "{change}: {r}");
    }
    let r = post.refused("lawyer.create", json!({"name": "赵律师", "firm": "某所", "licence_no": "123"}));
    assert_eq!(r["field"], "licence_no", "{r}");
    assert!(r["message"].as_str().unwrap().contains("17位数字"), "{r}");
    // Ending the term before a sitting is refused, the lawyer as it was.
    let r = post.refused("lawyer.update", json!({"id": l, "serving_to": "2026-11-01"}));
    assert_eq!(r["field"], "serving_to", "{r}");
    assert_eq!((count(&post, "sitting"), count(&post, "change_log")), before);
    assert_eq!(post.call("lawyer.get", json!({"id": l}))["lawyer"]["serving_to"], Value::Null);

    let changed = post.call("sitting.update", json!({"id": s["id"], "hours": 4, "people_served": 8}));
    assert_eq!((changed["hours"].as_f64(), changed["people_served"].as_i64()), (Some(4.0), Some(8)));
    let page = post.call("sitting.list", json!({"month": "2026-11"}));
    assert_eq!(page["total"], 1);
    assert_eq!(post.call("sitting.list", json!({"month": "2026-10"}))["total"], 0);
    let r = post.refused("lawyer.delete", json!({"id": l}));
    assert!(r["message"].as_str().unwrap().contains("不能删除"), "{r}");
}

#[test]
fn a_lawyer_joins_a_video_round_and_the_month_counts_the_rebound() {
    let mut post = Post::new();
    let l = lawyer(&mut post);
    post.call(
        "sitting.create",
        json!({"lawyer_id": l, "sat_on": "2026-11-03", "hours": 3, "consultations": 5,
                                       "people_served": 7}),
    );
    post.call(
        "sitting.create",
        json!({"lawyer_id": l, "sat_on": "2026-11-10", "hours": 2.5, "consultations": 2,
                                       "people_served": 2}),
    );
    let d = dispute(&mut post, "2026-11-05", "12", "王建国");
    let round = json!({"dispute_id": d, "level": "joint", "held_on": "2026-11-06", "outcome": "settled",
                       "mode": "video", "lawyer_ids": [l], "record": "经律师释法，双方达成一致"});
    // 视频联调 names its centre; a lawyer named mediates without another mediator.
    let r = post.refused("mediation.add", round.clone());
    assert_eq!(r["field"], "centre", "{r}");
    assert!(r["message"].as_str().unwrap().contains("视频联调须填写"), "{r}");
    let mut with_centre = round.clone();
    with_centre["centre"] = json!("青山镇矛盾纠纷联合调解中心");
    let got = post.call("mediation.add", with_centre);
    let m = &got["mediations"][0];
    assert_eq!((m["mode"].as_str(), m["mode_label"].as_str()), (Some("video"), Some("视频联调")));
    assert_eq!(m["centre"], "青山镇矛盾纠纷联合调解中心");
    assert_eq!(m["lawyer_names"], json!(["孙明远"]));
    // The 调解登记表 lists the round with how it was held and the lawyer.
    let pdf = post.dir.path().join("intake.pdf");
    post.call("intake.pdf", json!({"dispute_id": d, "path": pdf}));
    let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let text: String = String::from_utf8(out.stdout).unwrap().split_whitespace().collect();
    assert!(text.contains("视频联调（青山镇矛盾纠纷联合调解中心）。经律师释法"), "{text}");
    assert!(text.contains("孙明远（律师）"), "{text}");

    // The oral agreement held at first, then a follow-up found it did not: a rebound.
    post.call("agreement.save", json!({"dispute_id": d, "kind": "oral", "terms": "李长林让出通道"}));
    post.call("agreement.finalise", json!({"dispute_id": d}));
    post.call("followup.record", json!({"dispute_id": d, "held": false, "notes": "李长林又堆放柴草堵路"}));

    let page = post.call("lawyer.get", json!({"id": l}));
    assert_eq!(page["disputes"][0]["dispute_id"], d.as_str());
    assert_eq!(page["disputes"][0]["mode_label"], "视频联调");
    assert_eq!(page["sittings"].as_array().unwrap().len(), 2);
    let month = post.call("counsel.month", json!({"month": "2026-11"}));
    assert_eq!(
        month,
        json!({"sittings": 2, "hours": 5.5, "consultations": 7, "people_served": 9, "disputes": 1, "agreed": 1,
               "rebounded": 1, "video_rounds": 1})
    );
    assert_eq!(post.call("stats.month", json!({"month": "2026-11"}))["counsel"], month);

    // How a round was held may be recorded afterwards; a lawyer outside the term is refused.
    let round_id = m["id"].clone();
    let r = post.refused("mediation.update", json!({"id": round_id, "mode": "on_site", "centre": "某中心"}));
    assert_eq!(r["field"], "centre", "{r}");
    let after = post.call("mediation.update", json!({"id": round_id, "mode": "at_post", "lawyer_ids": []}));
    assert_eq!(
        (after["mediations"][0]["mode_label"].as_str(), after["mediations"][0]["centre"].as_str()),
        (Some("警务室"), None)
    );
    assert_eq!(post.call("counsel.month", json!({"month": "2026-11"}))["disputes"], 0);
    post.call("lawyer.update", json!({"id": l, "serving_from": "2026-11-03"}));
    let r = post.refused("mediation.update", json!({"id": round_id, "mode": "at_post", "lawyer_ids": ["x"]}));
    assert_eq!(r["field"], "lawyer_ids[0]", "{r}");
    let d2 = dispute(&mut post, "2026-11-01", "13", "陈国平");
    let r = post.refused(
        "mediation.add",
        json!({"dispute_id": d2, "level": "initial", "held_on": "2026-11-02", "outcome": "continued",
               "lawyer_ids": [l]}),
    );
    assert_eq!(r["field"], "lawyer_ids[0]", "{r}");
    assert!(r["message"].as_str().unwrap().contains("不在孙明远律师的服务期内"), "{r}");
}
