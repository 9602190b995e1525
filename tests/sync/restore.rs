//! A post restored from an older backup, through real encrypted files and real bundles: its
//! changes after the restore take numbers HQ never saw, HQ takes its next bundle, the post
//! gets back what it lost (its own changes HQ holds, and other nodes'), and nothing is
//! applied twice; twice in a row too.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{Post, id, today};
use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use rusqlite::Connection;
use serde_json::json;

use crate::sync::{Hq, enroll, hq, sync};

const ADMIN: &str = "admin";
const ADMIN_PW: &str = "Admin2026x";

/// A post with a station admin (an encrypted file, as every real post), enrolled at `hq`.
fn secured_post(hq: &mut Hq, name: &str, villages: &[&str]) -> Post {
    fengqiao::docs::font::set_dir(common::source_fonts());
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at_date(today()));
    let api = Api::create_admin(&dir.path().join("post.db"), clock.clone(), ADMIN, ADMIN_PW).unwrap();
    let mut post = Post { dir, api, clock };
    enroll(hq, &mut post, name, villages);
    post
}

fn backup(post: &mut Post, name: &str) -> PathBuf {
    let out = post.dir.path().join(name);
    std::fs::create_dir(&out).unwrap();
    PathBuf::from(post.call("backup.create", json!({"out": out}))["file"].as_str().unwrap())
}

/// Restores `file` over the post's database as the app does; returns the note it gives.
fn restore(post: &mut Post, file: &Path) -> String {
    let live =
        std::mem::replace(&mut post.api, Api::open(&post.dir.path().join("scratch.db"), post.clock.clone()).unwrap());
    let (report, back) = live.restore_open(file, ADMIN, ADMIN_PW);
    post.api = back.unwrap();
    report.unwrap().sync_note.expect("a restore of an enrolled post says what it means for sync")
}

fn person(post: &mut Post, household: &str, name: &str) -> String {
    id(&post.call("person.create", json!({"household_id": household, "name": name, "residence": "permanent"})))
}

/// The people of the households `of` at a node, field by field as a person reads them.
fn people(conn: &Connection, of: &[&str]) -> Vec<(String, String, Option<String>, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT id, name, phone, deleted_at FROM person WHERE household_id IN (?1, ?2) ORDER BY id")
        .unwrap();
    stmt.query_map([of[0], of[1]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// One origin's change log: every change under its number, as logged.
fn log_of(conn: &Connection, origin: &str) -> Vec<(i64, String, String, String, String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT origin_seq, hlc, tbl, row_id, col, value FROM change_log
             WHERE origin = ?1 AND hlc != ?2 ORDER BY origin_seq",
        )
        .unwrap();
    let genesis = fengqiao::model::Hlc::GENESIS.to_string();
    stmt.query_map([origin, &genesis], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The post's own changes are the same, number for number, at the post and at HQ: none of
/// them was taken for another (an old number reused by a change after the restore).
fn same_own_log(hq: &Hq, post: &Post) {
    let me = post.api.store().node_id().to_string();
    let (here, there) = (log_of(post.api.store().conn(), &me), log_of(hq.api.store().conn(), &me));
    assert!(!here.is_empty());
    assert_eq!(here, there, "the post's own changes differ between the post and HQ");
}

/// A post syncs, works on, syncs again, and restores the backup taken between; offline it
/// makes new changes, then syncs. HQ takes the bundle and ends with both the changes the
/// post lost (made after the backup, synced before the restore) and the new ones; the post
/// gets back what it lost, its own changes and another post's; the two change logs agree
/// number for number. Then a second restore of the same backup, in the same second.
#[test]
fn a_post_restored_from_an_older_backup_loses_nothing_it_had_synced_and_reuses_no_number() {
    let mut hq = hq();
    let mut a = secured_post(&mut hq, "山门警务室", &["330100001001"]);
    let mut b = Post::new();
    enroll(&mut hq, &mut b, "青山警务室", &["330100001001", "330100001002"]);
    let v = id(&a.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    let h = id(&a.call("household.create", json!({"village_id": v, "house_no": "12"})));
    let first = person(&mut a, &h, "王一");
    // A household of another village, which HQ assigns to 山门 after the backup.
    let w = id(&b.call("village.create", json!({"name": "溪口村", "code": "330100001002"})));
    let h9 = id(&b.call("household.create", json!({"village_id": w, "house_no": "9"})));
    let ninth = person(&mut b, &h9, "赵九");
    sync(&mut hq, &mut b);
    sync(&mut hq, &mut a);
    let file = backup(&mut a, "usb1");
    let of = [h.as_str(), h9.as_str()];

    // After the backup: the post's own work and another post's, all synced, and the
    // assignment.
    hq.api.hq_assign("山门警务室", "household", &h9, None).unwrap();
    a.clock.advance(chrono::Duration::minutes(10));
    let lost = person(&mut a, &h, "王二");
    a.call("person.update", json!({"id": first, "phone": "13900000001"}));
    sync(&mut hq, &mut b);
    b.clock.advance(chrono::Duration::minutes(11));
    let theirs = person(&mut b, &h, "李三");
    sync(&mut hq, &mut b);
    sync(&mut hq, &mut a);
    assert_eq!(people(a.api.store().conn(), &of), people(hq.api.store().conn(), &of));
    assert_eq!(people(a.api.store().conn(), &of).len(), 4, "山门 holds the assigned household's resident");

    // The restore, then work offline.
    for clock in [&a.clock, &b.clock, &hq.clock] {
        clock.advance(chrono::Duration::hours(1));
    }
    let note = restore(&mut a, &file);
    assert!(note.contains("已同步到县局的，下次同步时会从县局取回"), "{note}");
    assert!(a.api.call("person.get", json!({"id": lost})).is_err(), "the backup is older");
    assert!(a.api.call("person.get", json!({"id": ninth})).is_err(), "and older than the assignment");
    let new = person(&mut a, &h, "王四");
    a.call("person.update", json!({"id": first, "name": "王壹"}));

    let up = a.api.bundle_export().unwrap();
    let (taken, down) = hq.api.hq_exchange(&up).unwrap();
    assert!(!taken.repeat && taken.applied > 0, "{taken:?}");
    let back = a.api.bundle_import(&down).unwrap();
    assert!(back.recovered >= 3, "{back:?}");
    assert!(
        back.summary("本机", false).ends_with(&format!("取回本机恢复前的改动 {} 条", back.recovered)),
        "{}",
        back.summary("本机", false)
    );

    // HQ: the lost changes and the new ones, field by field.
    let at = |api: &mut Api, p: &str| {
        let v = api.call("person.get", json!({"id": p})).unwrap();
        (v["name"].as_str().unwrap().to_owned(), v["phone"].as_str().map(str::to_owned))
    };
    assert_eq!(at(&mut hq.api, &first), ("王壹".into(), Some("13900000001".into())));
    assert_eq!(at(&mut hq.api, &lost).0, "王二");
    assert_eq!(at(&mut hq.api, &new).0, "王四");
    assert_eq!(at(&mut hq.api, &theirs).0, "李三");
    // The post: everything again, its own lost changes and 青山's.
    assert_eq!(at(&mut a.api, &first), ("王壹".into(), Some("13900000001".into())));
    assert_eq!(at(&mut a.api, &lost).0, "王二");
    assert_eq!(at(&mut a.api, &theirs).0, "李三");
    assert_eq!(at(&mut a.api, &ninth).0, "赵九", "the assigned household's older changes came again");
    assert_eq!(people(a.api.store().conn(), &of), people(hq.api.store().conn(), &of));
    same_own_log(&hq, &a);
    // Nothing more to send either way, nothing applied twice.
    let again = a.api.bundle_export().unwrap();
    let (taken, down) = hq.api.hq_exchange(&again).unwrap();
    assert_eq!((taken.applied, taken.ignored), (0, 0), "{taken:?}");
    let back = a.api.bundle_import(&down).unwrap();
    assert_eq!((back.applied, back.ignored, back.recovered), (0, 0, 0), "{back:?}");
    let status = a.api.sync_status().unwrap();
    assert_eq!(status.peers[0].pending, 0);
    assert!(status.local_changes < 1_000, "{}", status.local_changes);

    // The same backup again, in the same second: the numbers of the changes made since the
    // first restore (at HQ now) are not taken again either.
    let note = restore(&mut a, &file);
    assert!(!note.is_empty());
    let newer = person(&mut a, &h, "王五");
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    assert_eq!(at(&mut hq.api, &newer).0, "王五");
    assert_eq!(at(&mut hq.api, &new).0, "王四");
    assert_eq!(at(&mut a.api, &new).0, "王四", "the post's changes since the first restore came back");
    assert_eq!(at(&mut b.api, &newer).0, "王五");
    assert_eq!(people(a.api.store().conn(), &of), people(hq.api.store().conn(), &of));
    assert_eq!(people(b.api.store().conn(), &of), people(hq.api.store().conn(), &of));
    same_own_log(&hq, &a);
}
