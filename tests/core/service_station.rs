//! 驿站 and 警务助理 through the api on a real database file: a station with its assistants,
//! an errand collected there by one of them counted in the month's figures, 月度统计 and the
//! ledgers, and refusals that name what is wrong and leave nothing behind.

use crate::common;

use common::{Post, id};
use serde_json::{Value, json};

fn count(post: &Post, table: &str) -> i64 {
    post.api.store().conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

struct Setup {
    village: String,
    station: String,
    assistant: String,
    resident: String,
    item: Value,
}

fn setup(post: &mut Post) -> Setup {
    let (village, _, hid) = post.household("青山村", "12");
    let resident = id(&post.call("person.create", json!({"household_id": hid, "name": "黄秋香"})));
    let station = post.call(
        "service_station.create",
        json!({"name": "青山村红警驿站", "village_id": village, "hours": "每周一、三、五 8:30-11:30",
               "opened_on": "2026-03-01"}),
    );
    assert_eq!((station["open"].as_bool(), station["assistants"].as_i64()), (Some(true), Some(0)));
    let assistant = post.call(
        "volunteer.create",
        json!({"name": "林秀英", "role": "police_assistant", "village_id": village,
               "service_station_id": station["id"], "active_from": "2026-03-01"}),
    );
    let item = post.call("service_item.list", json!({}))["categories"][0]["items"][0]["id"].clone();
    Setup { village, station: id(&station), assistant: id(&assistant), resident, item }
}

#[test]
fn an_errand_taken_at_a_station_by_its_assistant_counts_for_the_station() {
    let mut post = Post::new();
    let s = setup(&mut post);
    let e = post.call(
        "errand.create",
        json!({"person_id": s.resident, "service_item_id": s.item, "mode": "proxy", "requested_on": "2026-11-20",
               "service_station_id": s.station, "assistant_id": s.assistant}),
    );
    assert_eq!(
        (e["service_station_name"].as_str(), e["assistant_name"].as_str(), e["no_trip"].as_bool()),
        (Some("青山村红警驿站"), Some("林秀英"), Some(false))
    );
    post.call("errand.advance", json!({"id": e["id"], "to": "in_progress"}));
    let done = post.call("errand.advance", json!({"id": e["id"], "to": "done"}));
    assert_eq!(done["no_trip"], true, "done by proxy: the resident never travelled");
    // One by appointment: done, but the resident came to the post.
    let a = post.call(
        "errand.create",
        json!({"person_id": s.resident, "service_item_id": s.item, "mode": "appointment", "requested_on": "2026-11-21",
               "service_station_id": s.station, "assistant_id": s.assistant}),
    );
    post.call("errand.advance", json!({"id": a["id"], "to": "in_progress"}));
    post.call("errand.advance", json!({"id": a["id"], "to": "done"}));
    // One not at a station counts for none.
    post.call("errand.create", json!({"person_id": s.resident, "service_item_id": s.item, "mode": "proxy"}));

    let m = post.call("service_station.month", json!({"month": "2026-11"}));
    assert_eq!(m.as_array().unwrap().len(), 1, "{m}");
    assert_eq!(
        (m[0]["assistants"].as_i64(), m[0]["requests"].as_i64(), m[0]["done"].as_i64(), m[0]["no_trip"].as_i64()),
        (Some(1), Some(2), Some(2), Some(1)),
        "{m}"
    );
    let stats = post.call("stats.month", json!({"month": "2026-11"}));
    assert_eq!(stats["service_stations"], m, "月度统计 carries the same figures");

    let page = post.call("service_station.get", json!({"id": s.station}));
    assert_eq!(page["assistants"][0]["name"], "林秀英");
    assert_eq!(page["errands_total"], 2, "only the station's errands");
    assert_eq!(page["month"], m[0]);
    let filtered = post.call("errand.list", json!({"service_station_id": s.station}));
    assert_eq!(filtered["total"], 2);
    let listed = post.call("service_station.list", json!({"village_id": s.village}));
    assert_eq!((listed[0]["name"].as_str(), listed[0]["assistants"].as_i64()), (Some("青山村红警驿站"), Some(1)));

    // A station with errands is closed, not deleted; closed, it takes no new request.
    let r = post.refused("service_station.delete", json!({"id": s.station}));
    assert!(r["message"].as_str().unwrap().contains("请填写撤销日期"), "{r}");
    let r = post.refused("service_station.update", json!({"id": s.station, "closed_on": "2026-11-21"}));
    assert_eq!(r["field"], "closed_on", "an errand was taken on the 21st: {r}");
    let closed = post.call("service_station.update", json!({"id": s.station, "closed_on": "2026-11-22"}));
    assert_eq!(closed["open"], false);
    let before = (count(&post, "errand"), count(&post, "change_log"));
    let r = post.refused(
        "errand.create",
        json!({"person_id": s.resident, "service_item_id": s.item, "mode": "proxy",
               "service_station_id": s.station, "assistant_id": s.assistant}),
    );
    assert_eq!(r["message"], "驿站“青山村红警驿站”已于2026-11-22撤销，不再受理新的代办", "{r}");
    assert_eq!((count(&post, "errand"), count(&post, "change_log")), before, "nothing stored");
    assert!(post.call("service_station.list", json!({})).as_array().unwrap().is_empty(), "closed: not listed");
}

#[test]
fn only_a_serving_assistant_of_the_station_takes_its_requests() {
    let mut post = Post::new();
    let s = setup(&mut post);
    let other = post.call("service_station.create", json!({"name": "白岩村红警驿站", "village_id": s.village}));
    let patroller = post.call("volunteer.create", json!({"name": "陈国强", "role": "patroller"}));
    let before = (count(&post, "errand"), count(&post, "change_log"));
    let errand = |station: &Value, assistant: &Value| {
        json!({"person_id": s.resident, "service_item_id": s.item, "mode": "proxy",
               "service_station_id": station, "assistant_id": assistant})
    };
    let (station, assistant) = (json!(s.station), json!(s.assistant));
    let cases = [
        (
            errand(&station, &patroller["id"]),
            "assistant_id",
            "“陈国强”的身份是巡防队员，不是警务助理，不能在驿站受理代办",
        ),
        (errand(&other["id"], &assistant), "assistant_id", "“林秀英”不是驿站“白岩村红警驿站”的警务助理"),
        (errand(&station, &Value::Null), "assistant_id", "在驿站受理的代办须选择受理的警务助理"),
        (errand(&Value::Null, &assistant), "service_station_id", "选择了警务助理，请同时选择受理的驿站"),
        (errand(&json!("nope"), &assistant), "service_station_id", "所选驿站不存在或已删除（nope）"),
    ];
    for (params, field, message) in cases {
        let r = post.refused("errand.create", params.clone());
        assert_eq!((r["field"].as_str(), r["message"].as_str()), (Some(field), Some(message)), "{params}");
    }
    assert_eq!((count(&post, "errand"), count(&post, "change_log")), before, "nothing stored");
    // An assistant who has left takes no request after their last day.
    post.call("volunteer.end", json!({"id": s.assistant, "on": "2026-11-10"}));
    let before = (count(&post, "errand"), count(&post, "change_log"));
    let mut late = errand(&station, &assistant);
    late["requested_on"] = json!("2026-11-11");
    let r = post.refused("errand.create", late.clone());
    assert_eq!(r["message"], "警务助理“林秀英”2026-11-11不在岗", "{r}");
    assert_eq!((count(&post, "errand"), count(&post, "change_log")), before, "nothing stored");
    late["requested_on"] = json!("2026-11-10");
    post.call("errand.create", late);

    // A 警务助理 names their station; nobody else does.
    let r = post.refused("volunteer.create", json!({"name": "张明", "role": "police_assistant"}));
    assert_eq!(
        (r["field"].as_str(), r["message"].as_str()),
        (Some("service_station_id"), Some("警务助理须选择所在驿站"))
    );
    let r =
        post.refused("volunteer.create", json!({"name": "张明", "role": "mediator", "service_station_id": s.station}));
    assert_eq!(r["message"], "只有警务助理才属于驿站，调解员不能选择驿站");
    // Stations are checked too, and a mistaken empty one may be deleted.
    let r = post.refused("service_station.create", json!({"name": "青山村红警驿站", "village_id": s.village}));
    assert_eq!(r["field"], "name", "{r}");
    let r = post.refused(
        "service_station.create",
        json!({"name": "新驿站", "village_id": s.village, "opened_on": "2026-11-24"}),
    );
    assert_eq!(r["message"], "启用日期不能晚于今天");
    post.call("service_station.delete", json!({"id": other["id"]}));
    assert!(
        post.refused("service_station.get", json!({"id": other["id"]}))["message"].as_str().unwrap().contains("驿站")
    );
}
