//! 表彰奖励 through the api on a real database file: a 见义勇为 nomination linked to its
//! incident, decided and paid; a 好人 nomination for a name not registered; the month's
//! figures beside the 网格红包 in stats.month and the 月报 (read back with pdftotext), the
//! 表彰奖励台账 read back from the xlsx; refusals that name the field and leave nothing
//! behind.

use crate::common;

use crate::docs_ledgers::pdf_text;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Post, id};
use serde_json::{Value, json};

fn count(post: &Post, table: &str) -> i64 {
    post.api.store().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// A resident of 青山村, an incident, a 见义勇为 nomination for the resident linked to the
/// incident (approved with 2,000 元 and paid), a 好人 nomination for a name (approved, 200 元,
/// paid), a pending one, and a 网格红包 of 20 元; returns the post and the first nomination.
fn post_with_awards() -> (Post, Value) {
    let mut post = Post::new();
    let (vid, _, hid) = post.household("青山村", "12");
    let p = id(&post.call("person.create", json!({"household_id": hid, "name": "王小明"})));
    let incident = post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-02 15:00", "place": "青山村鱼塘", "kind": "help", "summary": "儿童落水，群众施救",
               "village_id": vid, "person_ids": []}),
    );
    let valor = post.call(
        "award.create",
        json!({"kind": "valor", "person_id": p, "deed": "跳入鱼塘救起落水儿童", "deed_on": "2026-11-02",
               "incident_id": incident["id"], "nominated_on": "2026-11-03"}),
    );
    assert_eq!((valor["village_id"].as_str(), valor["name"].as_str()), (Some(vid.as_str()), Some("王小明")));
    assert_eq!(valor["decision"], "pending");
    let decided = post.call(
        "award.decide",
        json!({"id": valor["id"], "decision": "approved", "decided_on": "2026-11-10", "amount_yuan": "2000"}),
    );
    assert_eq!(
        (decided["decided_by"].as_str(), decided["amount_fen"].as_i64()),
        (Some("县见义勇为基金会"), Some(200_000))
    );
    let paid = post.call("award.pay", json!({"id": valor["id"], "paid_on": "2026-11-12"}));
    assert_eq!(paid["paid_on"], "2026-11-12");

    let good = post.call(
        "award.create",
        json!({"kind": "好人", "name": "严桂英", "village_id": vid, "deed": "拾到皮包报警交还失主",
               "deed_on": "2026-11-05"}),
    );
    assert_eq!(good["nominated_on"], "2026-11-23", "nominated today by default");
    post.call("award.decide", json!({"id": good["id"], "decision": "批准", "amount_fen": 20_000}));
    post.call("award.pay", json!({"id": good["id"]}));
    post.call(
        "award.create",
        json!({"kind": "good_person", "name": "李四", "village_id": vid, "deed": "帮助走失老人回家",
               "deed_on": "2026-11-20"}),
    );
    let hazard = post.call(
        "hazard.create",
        json!({"place": "青山村3组", "description": "楼道私拉电线充电", "found_on": "2026-11-20"}),
    );
    post.call("hazard.verify", json!({"id": hazard["id"]}));
    post.call("hazard.reward", json!({"id": hazard["id"], "reward_yuan": "20"}));
    (post, valor)
}

#[test]
fn nominations_are_decided_paid_and_counted_beside_the_grid_rewards() {
    let (mut post, valor) = post_with_awards();
    let m = post.call("award.month", json!({"month": "2026-11"}));
    assert_eq!(m["valor"], json!({"nominated": 1, "approved": 1, "paid": 1, "paid_fen": 200_000}));
    assert_eq!(m["good_person"], json!({"nominated": 2, "approved": 1, "paid": 1, "paid_fen": 20_000}));
    assert_eq!((m["grid_rewards_fen"].as_i64(), m["all_paid_fen"].as_i64()), (Some(2_000), Some(222_000)));
    let stats = post.call("stats.month", json!({"month": "2026-11"}));
    assert_eq!(stats["awards"], m, "the same figures as award.month");
    assert_eq!(stats["prevention"]["rewards_fen"], 2_000, "the 网格红包 are still the hazards'");

    // Filters: kind, decision, month.
    let list = |post: &mut Post, f: Value| post.call("award.list", f).as_array().unwrap().len();
    assert_eq!(list(&mut post, json!({})), 3);
    assert_eq!(list(&mut post, json!({"kind": "valor"})), 1);
    assert_eq!(list(&mut post, json!({"decision": "pending"})), 1);
    assert_eq!(list(&mut post, json!({"month": "2026-10"})), 0);
    let person = valor["person_id"].as_str().unwrap();
    assert_eq!(list(&mut post, json!({"person_id": person})), 1);

    // The 月报: one page, the award line with both kinds, the 网格红包 and the total.
    let pdf = post.dir.path().join("月报.pdf");
    let w = post.call("stats.export", json!({"month": "2026-11", "path": pdf}));
    assert_eq!(w["count"], 1, "still one page");
    let text = pdf_text(&pdf);
    for part in ["表彰奖励：见义勇为提名1、批准1，好人提名2、批准1，发放奖金2,200.00元", "连同网格红包共发放2,220.00元"]
    {
        assert!(text.contains(part), "{part} not in: {text}");
    }

    // The 表彰奖励台账 of the month, read back.
    let x = post.dir.path().join("表彰奖励台账.xlsx");
    let w = post.call("ledger.export", json!({"kind": "awards", "month": "2026-11", "path": x}));
    assert_eq!(w["count"], 3);
    let mut book: Xlsx<_> = open_workbook(&x).unwrap();
    let name = book.sheet_names()[0].clone();
    assert_eq!(name, "表彰奖励台账（2026-11）");
    let rows: Vec<Vec<Data>> = book.worksheet_range(&name).unwrap().rows().map(<[Data]>::to_vec).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let at = |row: usize, h: &str| rows[row][header.iter().position(|x| x == h).unwrap()].to_string();
    assert_eq!(
        (at(1, "被提名人").as_str(), at(1, "奖励类别").as_str(), at(1, "审批结果").as_str()),
        ("王小明", "见义勇为", "批准")
    );
    assert_eq!((at(1, "关联警情").as_str(), at(1, "审批单位").as_str()), ("儿童落水，群众施救", "县见义勇为基金会"));
    assert_eq!(at(1, "奖励金额（元）"), "2000");
    assert_eq!((at(3, "被提名人").as_str(), at(3, "审批结果").as_str()), ("李四", "待审"));

    // The month's workbook has the award sheet.
    let x = post.dir.path().join("月报.xlsx");
    post.call("stats.export", json!({"month": "2026-11", "path": x}));
    let mut book: Xlsx<_> = open_workbook(&x).unwrap();
    let rows: Vec<Vec<Data>> = book.worksheet_range("表彰奖励 2026-11").unwrap().rows().map(<[Data]>::to_vec).collect();
    let total = rows.iter().find(|r| r[0] == Data::String("合计发放（含网格红包）".into())).unwrap();
    assert_eq!(total[4], Data::Float(2220.0));

    // A soft delete: gone from lists and figures, kept in the file.
    post.call("award.delete", json!({"id": valor["id"]}));
    assert_eq!(list(&mut post, json!({})), 2);
    assert_eq!(post.call("award.month", json!({"month": "2026-11"}))["valor"]["paid_fen"], 0);
    assert_eq!(count(&post, "award"), 3);
}

#[test]
fn refusals_name_the_field_and_leave_nothing_behind() {
    let (mut post, valor) = post_with_awards();
    let (vid, _, _) = post.household("青山村", "13");
    let before = (count(&post, "award"), count(&post, "change_log"));
    let nominate = |extra: Value| {
        let mut j =
            json!({"kind": "valor", "name": "张三", "village_id": vid, "deed": "见义勇为", "deed_on": "2026-11-20"});
        j.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        j
    };
    for (extra, field, message) in [
        (
            json!({"deed_on": "2026-11-22", "nominated_on": "2026-11-21"}),
            "deed_on",
            "事迹发生日期不能晚于提名日期 2026-11-21",
        ),
        (json!({"nominated_on": "2026-11-24"}), "nominated_on", "提名日期不能晚于今天"),
        (json!({"name": null}), "name", "请选择已登记的人员或填写被提名人姓名"),
        (json!({"kind": null}), "kind", "请选择奖励类别"),
        (json!({"village_id": null}), "village_id", "请选择所属村（社区）"),
        (json!({"incident_id": "nope"}), "incident_id", "所选警情不存在或已删除"),
    ] {
        let r = post.refused("award.create", nominate(extra));
        assert_eq!(r["field"], field, "{r}");
        assert!(r["message"].as_str().unwrap().contains(message), "{r}");
    }
    let r = post.refused("award.list", json!({"month": "2026-13"}));
    assert_eq!((r["field"].as_str(), r["message"].as_str()), (Some("month"), Some("月份“2026-13”应写作 2026-11")));
    let pending = post.call("award.create", nominate(json!({})));
    let before_steps = count(&post, "change_log");
    let r = post.refused("award.pay", json!({"id": pending["id"], "amount_yuan": "500"}));
    assert!(r["message"].as_str().unwrap().contains("批准后才能登记发放"), "{r}");
    let r = post.refused("award.decide", json!({"id": pending["id"], "decision": "declined", "amount_fen": 100}));
    assert_eq!(r["field"], "amount_fen", "{r}");
    let r = post.refused("award.decide", json!({"id": pending["id"], "decision": "approved", "amount_yuan": "100001"}));
    assert_eq!(r["message"], "奖励金额应在0元至100,000元之间", "{r}");
    let r =
        post.refused("award.decide", json!({"id": pending["id"], "decision": "approved", "decided_on": "2026-11-22"}));
    assert!(r["message"].as_str().unwrap().contains("审批日期不能早于提名日期 2026-11-23"), "{r}");
    // Approved without money (an honour), then paid: there is nothing to pay.
    post.call("award.decide", json!({"id": pending["id"], "decision": "approved"}));
    let r = post.refused("award.pay", json!({"id": pending["id"]}));
    assert_eq!(r["field"], "amount_fen", "{r}");
    // A paid award cannot be declined after the fact, nor paid twice.
    let r = post.refused("award.decide", json!({"id": valor["id"], "decision": "declined"}));
    assert!(r["message"].as_str().unwrap().contains("已于 2026-11-12 发放"), "{r}");
    let r = post.refused("award.pay", json!({"id": valor["id"]}));
    assert!(r["message"].as_str().unwrap().contains("已于 2026-11-12 发放"), "{r}");
    // A correction that would date the deed after its nomination.
    let r = post.refused("award.update", json!({"id": valor["id"], "deed_on": "2026-11-04"}));
    assert_eq!(r["field"], "deed_on", "{r}");
    let a = post.call("award.get", json!({"id": valor["id"]}));
    assert_eq!((a["deed_on"].as_str(), a["amount_fen"].as_i64()), (Some("2026-11-02"), Some(200_000)));
    // Only the create and the one approval were written.
    assert_eq!(count(&post, "award"), before.0 + 1);
    let approval: i64 = post
        .api
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM change_log WHERE tbl = 'award' AND row_id = ?1 AND col = 'decision'",
            [pending["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approval, 2, "created pending, then approved once");
    assert!(count(&post, "change_log") > before_steps);
    assert!(before.1 < before_steps);
}
