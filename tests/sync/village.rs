//! One village, one row: two posts that register the same village (the same 区划代码)
//! before they sync end, on both posts and at HQ, with one village row holding what both
//! entered; a bundle made before the rows were merged, placing a household in the row that
//! lost, lands in the one that stayed.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;

use common::{Post, id};
use fengqiao::api::Api;
use fengqiao::api::county::StatsRequest;
use fengqiao::store::village_code::village_id;
use serde_json::json;

use super::sync::{Hq, enroll, hq, sync};

const CODE: &str = "330100001001";

/// A village as a test sees it: its id, its live groups' names, and its live households as
/// their group's name (when a live group of the village) and house number, e.g. 3组12.
type Seen = (String, Vec<String>, BTreeSet<String>);

/// The live villages of `CODE`.
fn villages(api: &Api) -> Vec<Seen> {
    let conn = api.store().conn();
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM village WHERE code = ?1 AND deleted_at IS NULL ORDER BY id")
        .unwrap()
        .query_map([CODE], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let strings = |sql: &str, v: &str| -> Vec<String> {
        conn.prepare(sql).unwrap().query_map([v], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    ids.into_iter()
        .map(|v| {
            let groups = strings(
                "SELECT name FROM village_group WHERE village_id = ?1 AND deleted_at IS NULL ORDER BY name",
                &v,
            );
            let houses = strings(
                "SELECT coalesce(g.name, '?') || h.house_no FROM household h
                 LEFT JOIN village_group g ON g.id = h.group_id AND g.village_id = h.village_id AND g.deleted_at IS NULL
                 WHERE h.village_id = ?1 AND h.deleted_at IS NULL",
                &v,
            );
            (v, groups, houses.into_iter().collect())
        })
        .collect()
}

/// 青山村, one row with 3组 holding `houses`.
fn one(houses: &[&str]) -> Vec<Seen> {
    vec![(village_id(CODE), vec!["3组".to_owned()], houses.iter().map(|h| format!("3组{h}")).collect())]
}

/// A household in 3组 of `village` (the group added if the post has none), and an
/// incident there this month.
fn household(post: &mut Post, village: &str, house_no: &str) -> String {
    post.call(
        "incident.create",
        json!({"occurred_at": "2026-11-20 10:00", "place": "青山村", "village_id": village, "kind": "dispute",
               "summary": format!("{house_no}号门前纠纷"), "disposition": "mediated"}),
    );
    let held: Option<String> = post
        .api
        .store()
        .conn()
        .query_row(
            "SELECT id FROM village_group WHERE village_id = ?1 AND name = '3组' AND deleted_at IS NULL",
            [village],
            |r| r.get(0),
        )
        .ok();
    let g = held.unwrap_or_else(|| id(&post.call("group.create", json!({"village_id": village, "name": "3组"}))));
    id(&post.call("household.create", json!({"village_id": village, "group_id": g, "house_no": house_no})))
}

/// HQ and two posts, 山门 and 青山, both enrolled for the village `CODE`.
fn two_posts() -> (Hq, Post, Post) {
    let mut hq = hq();
    let (mut a, mut b) = (Post::new(), Post::new());
    enroll(&mut hq, &mut a, "山门警务室", &[CODE]);
    enroll(&mut hq, &mut b, "青山警务室", &[CODE]);
    (hq, a, b)
}

#[test]
fn two_posts_entering_one_village_before_they_sync_hold_one_row_with_both_households() {
    let (mut hq, mut a, mut b) = two_posts();
    let va = id(&a.call("village.create", json!({"name": "青山村", "code": CODE})));
    household(&mut a, &va, "12");
    b.clock.advance(chrono::Duration::minutes(1));
    let vb = id(&b.call("village.create", json!({"name": "青山村", "code": CODE, "township": "青山镇"})));
    household(&mut b, &vb, "7");
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    sync(&mut hq, &mut a);
    for (node, api) in [("山门", &a.api), ("青山", &b.api), ("县局", &hq.api)] {
        assert_eq!(villages(api), one(&["12", "7"]), "{node}");
    }
    // The county's figures count the village once, holding both posts' incidents.
    let stats =
        hq.api.hq_stats(StatsRequest { month: "2026-11".into(), post_id: None, station_id: None, path: None }).unwrap();
    let by_village: Vec<_> = stats.by_village.iter().map(|v| (v.village_id.clone(), v.figures.incidents)).collect();
    assert_eq!(by_village, vec![(Some(village_id(CODE)), 2)]);
    // Both posts see the village as the later entry left it (per column, the last writer).
    for post in [&mut a, &mut b] {
        let list = post.call("village.list", json!({}));
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["township"], "青山镇");
    }
}

/// 山门 holds 青山村 in a row of its own, entered by an older build (a random id with the
/// code), and has sent it to HQ; 青山 enters the village now. HQ merges the two when 青山's
/// bundle arrives; 山门, not yet told, places a second household in its row and sends it.
/// The late household lands in the merged row at HQ and, with the reply, at 山门.
#[test]
fn a_bundle_made_before_the_merge_places_its_household_in_the_row_that_stayed() {
    let (mut hq, mut a, mut b) = two_posts();
    let old = id(&a.call("village.create", json!({"name": "青山村"})));
    common::code_as_before(a.api.store().conn(), &old, CODE);
    household(&mut a, &old, "12");
    sync(&mut hq, &mut a);
    assert_eq!(villages(&hq.api), vec![(old.clone(), vec!["3组".to_owned()], ["3组12".to_owned()].into())]);

    b.clock.advance(chrono::Duration::minutes(1));
    let vb = id(&b.call("village.create", json!({"name": "青山村", "code": CODE})));
    household(&mut b, &vb, "7");
    sync(&mut hq, &mut b);
    assert_eq!(villages(&hq.api), one(&["12", "7"]), "at HQ once 青山's bundle is in");

    a.clock.advance(chrono::Duration::minutes(2));
    household(&mut a, &old, "15");
    let late = a.api.bundle_export().unwrap();
    let (_, reply) = hq.api.hq_exchange(&late).unwrap();
    let all = one(&["12", "7", "15"]);
    assert_eq!(villages(&hq.api), all, "the late household at HQ");
    a.api.bundle_import(&reply).unwrap();
    sync(&mut hq, &mut b);
    for (node, api) in [("山门", &a.api), ("青山", &b.api), ("县局", &hq.api)] {
        assert_eq!(villages(api), all, "{node}");
        let deleted: i64 = api
            .store()
            .conn()
            .query_row("SELECT count(*) FROM village WHERE id = ?1 AND deleted_at IS NOT NULL", [&old], |r| r.get(0))
            .unwrap();
        assert_eq!(deleted, 1, "{node}: the older row is kept, deleted");
    }
}
