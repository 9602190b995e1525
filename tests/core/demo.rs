//! The demo generator's errands and incidents obey the rules and cover every case a
//! screen needs to show.

use crate::common;

use common::Post;
use fengqiao::demo::{DemoOptions, generate};
use serde_json::json;

#[test]
fn demo_errands_and_incidents_cover_every_status_and_disposition() {
    let mut post = Post::new();
    let summary = generate(&mut post.api, DemoOptions { households: 400, seed: 7 }).expect("demo");
    assert_eq!(summary.errands, 40, "one errand per ten households");
    assert_eq!(summary.incidents, 35, "one incident per twelve households, and the fight of the dispute at risk");

    let board = post.call("errand.board", json!({"limit": 200}));
    for column in board["columns"].as_array().unwrap() {
        assert!(column["count"].as_i64().unwrap() > 0, "no errand is {}", column["label"]);
    }
    assert!(board["overdue"].as_i64().unwrap() > 0, "some errands are overdue");
    let delivered = post.call("errand.list", json!({"status": "delivered", "page_size": 100}));
    let mailed: Vec<_> =
        delivered["items"].as_array().unwrap().iter().filter(|e| e["delivery_method"] == "mail").collect();
    assert!(!mailed.is_empty());
    assert!(mailed.iter().all(|e| e["tracking_no"].is_string() && e["delivery_address"].is_string()));

    let all = post.call("incident.list", json!({"page_size": 100}));
    assert_eq!(all["total"], 35);
    let items = all["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["kind"] == "fraud"));
    let cases: Vec<_> = items.iter().filter(|i| i["disposition"] == "case_opened").collect();
    assert!(!cases.is_empty() && cases.iter().all(|i| i["case_no"].is_string()));
    let kinds: std::collections::BTreeSet<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.len() >= 5, "{kinds:?}");
}

#[test]
fn the_months_totals_equal_its_figures_from_every_record() {
    use fengqiao::docs::{Month, stats};
    let mut post = Post::new();
    generate(&mut post.api, DemoOptions { households: 300, seed: 11 }).expect("demo");
    let conn = post.api.store().conn();
    let today = fengqiao::model::time::parse_date("2026-11-23").unwrap();
    let (mut visits, mut errands, mut disputes) = (0, 0, 0);
    for m in ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"] {
        let month = Month::parse("month", m).unwrap();
        let full = stats::compute(month, today, &stats::gather(conn, month).unwrap());
        assert_eq!(stats::month_totals(conn, month, today).unwrap(), full, "{m}");
        (visits, errands, disputes) =
            (visits + full.visits, errands + full.errands.accepted, disputes + full.disputes.received);
    }
    assert!(visits > 0 && errands > 0 && disputes > 0, "the months hold records: {visits} {errands} {disputes}");
}
