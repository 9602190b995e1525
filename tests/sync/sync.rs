//! Sync between posts and HQ through real bundle bytes and real database files: the flow
//! a newcomer runs from the README, concurrent edits and the conflict log, idempotence,
//! and every kind of bad bundle refused with nothing applied.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use common::{Post, id, today};
use fengqiao::api::{Api, ConflictListRequest, ConflictRestoreRequest};
use fengqiao::model::time::FixedClock;
use serde_json::json;
use tempfile::TempDir;

pub(crate) struct Hq {
    _dir: TempDir,
    pub(crate) api: Api,
    pub(crate) clock: Arc<FixedClock>,
}

pub(crate) fn hq() -> Hq {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at_date(today()));
    let mut api = Api::open(&dir.path().join("hq.db"), clock.clone()).unwrap();
    api.hq_init("县公安局").unwrap();
    Hq { _dir: dir, api, clock }
}

pub(crate) fn enroll(hq: &mut Hq, post: &mut Post, name: &str, villages: &[&str]) {
    let req = post.api.enroll_request(Some(name)).unwrap();
    let villages: Vec<String> = villages.iter().map(|s| s.to_string()).collect();
    let reply = hq.api.hq_enroll(&req, &villages).unwrap();
    post.api.enroll_accept(&reply).unwrap();
}

/// A post that asks to enroll without naming itself goes by the name in its settings, so
/// HQ's lists show "青山中心警务室" rather than a bare "警务室".
#[test]
fn a_post_enrolls_under_the_name_in_its_settings() {
    let mut post = Post::new();
    assert_eq!(post.api.enroll_request(None).unwrap().node.name, "警务室");
    post.call("post.save", json!({"name": "青山中心警务室"}));
    let req = post.api.enroll_request(None).unwrap();
    assert_eq!(req.node.name, "青山中心警务室");

    let mut hq = hq();
    let reply = hq.api.hq_enroll(&req, &["330100001".to_owned()]).unwrap();
    post.api.enroll_accept(&reply).unwrap();
    let peers = hq.api.call("sync.status", json!({})).unwrap();
    assert!(peers.to_string().contains("青山中心警务室"), "{peers}");

    // A name given when asking to enroll is kept, whatever the settings say later.
    post.api.enroll_request(Some("青山警务室")).unwrap();
    post.call("post.save", json!({"name": "青山镇中心警务室"}));
    assert_eq!(post.api.enroll_request(None).unwrap().node.name, "青山警务室");
}

/// 山门警务室 and 青山警务室 enrolled for 青山村, which 山门 sets up with a household (not yet
/// synced); returns both posts, the village and the household.
fn two_posts_sharing_a_village(hq: &mut Hq) -> (Post, Post, String, String) {
    let (mut a, mut b) = (Post::new(), Post::new());
    enroll(hq, &mut a, "山门警务室", &["330100001001"]);
    enroll(hq, &mut b, "青山警务室", &["330100001001"]);
    let v = id(&a.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    let g = id(&a.call("group.create", json!({"village_id": v, "name": "3组"})));
    let h = id(&a.call("household.create", json!({"village_id": v, "group_id": g, "house_no": "12"})));
    (a, b, v, h)
}

/// One round trip: the post's bundle to HQ, HQ's reply back.
pub(crate) fn sync(hq: &mut Hq, post: &mut Post) {
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
    let (mut a, mut b, _, h) = two_posts_sharing_a_village(&mut hq);
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

/// HQ with three posts: 山门 and 青山 serving 青山村 (which 山门 registers), 溪口 another
/// village; returns them and 青山村's id.
fn three_posts() -> (Hq, Post, Post, Post, String) {
    let mut hq = hq();
    let (mut a, mut b, mut c) = (Post::new(), Post::new(), Post::new());
    enroll(&mut hq, &mut a, "山门警务室", &["330100001001"]);
    enroll(&mut hq, &mut b, "青山警务室", &["330100001001"]);
    enroll(&mut hq, &mut c, "溪口警务室", &["330100001002"]);
    let v = id(&a.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    (hq, a, b, c, v)
}

/// A 见义勇为 nomination recorded at a post reaches HQ after one sync, with its decision and
/// payment, and a post serving the same village receives it; a post serving another
/// village does not.
#[test]
fn an_award_at_a_post_reaches_hq_after_one_sync_and_only_posts_of_its_village() {
    let (mut hq, mut a, mut b, mut c, v) = three_posts();
    let award = a.call(
        "award.create",
        json!({"kind": "valor", "name": "王小明", "village_id": v, "deed": "救起落水儿童", "deed_on": "2026-11-20"}),
    );
    a.call("award.decide", json!({"id": award["id"], "decision": "approved", "amount_yuan": "2000"}));
    a.call("award.pay", json!({"id": award["id"]}));
    let at_hq = |hq: &mut Hq| hq.api.call("award.get", json!({"id": award["id"]}));
    assert!(at_hq(&mut hq).is_err(), "not at HQ before the sync");
    sync(&mut hq, &mut a);
    let got = at_hq(&mut hq).unwrap();
    assert_eq!(
        (got["name"].as_str(), got["decision"].as_str(), got["amount_fen"].as_i64(), got["paid_on"].as_str()),
        (Some("王小明"), Some("approved"), Some(200_000), Some("2026-11-23"))
    );
    assert_eq!(hq.api.call("award.month", json!({"month": "2026-11"})).unwrap()["valor"]["paid_fen"], 200_000);
    sync(&mut hq, &mut b);
    sync(&mut hq, &mut c);
    assert_eq!(b.call("award.get", json!({"id": award["id"]}))["deed"], "救起落水儿童");
    assert!(c.api.call("award.get", json!({"id": award["id"]})).is_err(), "another village's award stays away");
}

/// A photo attached to a hazard at a post reaches HQ after one sync, bytes and all (the
/// same SM3, the same bytes, stored at HQ and opened there), and the next bundle does not
/// carry it again: its size is that of a bundle with nothing new. A post serving the same
/// village receives it from HQ; one serving another village does not.
#[test]
fn a_photo_at_a_post_reaches_hq_once_and_the_next_bundle_stays_small() {
    use fengqiao::model::FileType;
    use fengqiao::model::attachment::sample_photo;
    let (mut hq, mut a, mut b, mut c, v) = three_posts();
    let h = id(&a.call(
        "hazard.create",
        json!({"found_on": "2026-11-20", "found_by_name": "李四", "place": "3组桥头", "village_id": v,
               "kind": "other", "description": "护栏松动"}),
    ));
    sync(&mut hq, &mut a);
    let quiet = a.api.bundle_export().unwrap().len();

    let photo = sample_photo(21, 1024, 768, FileType::Jpeg);
    assert!(photo.len() > 50_000, "a photo of some size ({} bytes)", photo.len());
    let path = a.dir.path().join("桥头.jpg");
    std::fs::write(&path, &photo).unwrap();
    let att =
        a.call("attachment.add", json!({"owner_kind": "hazard", "owner_id": h, "path": path, "caption": "整改前"}));

    let up = a.api.bundle_export().unwrap();
    assert!(
        up.len() > quiet + photo.len() * 9 / 10,
        "the bundle carries the photo ({} bytes; the photo {}, a bundle with nothing new {quiet})",
        up.len(),
        photo.len()
    );
    let (_, down) = hq.api.hq_exchange(&up).unwrap();
    a.api.bundle_import(&down).unwrap();
    let at_hq = hq.api.call("attachment.get", json!({"id": att["id"]})).unwrap();
    let (_, b64) = at_hq["data_url"].as_str().unwrap().split_once(";base64,").unwrap();
    use base64::Engine;
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(b64).unwrap(), photo, "the same bytes at HQ");
    let listed = hq.api.call("attachment.list", json!({"owner_kind": "hazard", "owner_id": h})).unwrap();
    assert_eq!((listed[0]["sm3"].clone(), listed[0]["held"].clone()), (att["sm3"].clone(), json!(true)));
    assert!(listed[0]["thumb"].as_str().unwrap().starts_with("data:image/jpeg;base64,"), "HQ made its thumbnail");

    let next = a.api.bundle_export().unwrap().len();
    println!(
        "bundle sizes: nothing new {quiet} B; with a {} B photo {} B; the next one {next} B",
        photo.len(),
        up.len()
    );
    assert!(next < quiet + 2_000, "the next bundle does not carry the photo again: {next} bytes, {quiet} before it");

    sync(&mut hq, &mut b);
    let at_b = b.call("attachment.get", json!({"id": att["id"]}));
    assert_eq!(at_b["data_url"], at_hq["data_url"], "a post of the same village receives it from HQ");
    sync(&mut hq, &mut c);
    assert!(c.api.call("attachment.get", json!({"id": att["id"]})).is_err(), "another village's photo stays away");
    let blobs: i64 = c.api.store().conn().query_row("SELECT count(*) FROM attachment_blob", [], |r| r.get(0)).unwrap();
    assert_eq!(blobs, 0);
}

/// What a bad bundle must not change: the log, the clocks, the watermarks and counters.
fn fingerprint(api: &Api) -> (i64, i64, String) {
    let c = api.store().conn();
    let log: i64 = c.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    let clocks: i64 = c.query_row("SELECT count(*) FROM column_clock", [], |r| r.get(0)).unwrap();
    let marks: String = c
        .query_row(
            "SELECT coalesce(group_concat(peer || origin || acked || '/' || received, ','), '') FROM peer_origin",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let counters: String = c
        .query_row("SELECT group_concat(node_id || recv_counter, ',') FROM peer", [], |r| r.get(0))
        .unwrap_or_default();
    (log, clocks, marks + &counters)
}

/// A post with one resident, enrolled at HQ, and the bundle it would send.
fn post_with_bundle(hq: &mut Hq, villages: &[&str]) -> (Post, Vec<u8>) {
    let mut post = Post::new();
    enroll(hq, &mut post, "山门警务室", villages);
    let (_, _, h) = post.household("青山村", "12");
    person(&mut post, &h, "王芳");
    let bytes = post.api.bundle_export().unwrap();
    (post, bytes)
}

fn refused_with(api: &mut Api, bytes: &[u8], code: &str, words: &str) {
    let before = fingerprint(api);
    let err = api.hq_exchange(bytes).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains(words), "{err}");
    assert_eq!(fingerprint(api), before, "a refused bundle changed the database");
}

#[test]
fn a_tampered_bundle_is_refused_and_nothing_applied() {
    let mut hq = hq();
    let (_post, mut bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    refused_with(&mut hq.api, &bytes, "bundle_tampered", "篡改");
}

#[test]
fn a_bundle_with_a_tampered_header_is_refused() {
    let mut hq = hq();
    let (_post, bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let at = text.find("\"counter\":1").unwrap();
    let mut bad = bytes.clone();
    bad[at + 10] = b'7';
    refused_with(&mut hq.api, &bad, "bundle_tampered", "篡改");
}

#[test]
fn a_truncated_bundle_is_refused() {
    let mut hq = hq();
    let (_post, bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    refused_with(&mut hq.api, &bytes[..bytes.len() - 10], "bundle_truncated", "不完整");
    refused_with(&mut hq.api, &bytes[..bytes.len() / 2], "bundle_truncated", "不完整");
    refused_with(&mut hq.api, &bytes[..30], "bundle_truncated", "不完整");
}

#[test]
fn a_bundle_for_another_recipient_is_refused() {
    let mut hq = hq();
    let mut other_hq = self::hq();
    let (mut post, bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    // Enrolled at the other HQ too, so only the addressee is wrong.
    enroll(&mut other_hq, &mut post, "山门警务室", &["330100001001"]);
    refused_with(&mut other_hq.api, &bytes, "bundle_foreign_recipient", "发给另一个节点");
}

#[test]
fn a_bundle_from_an_unknown_sender_is_refused() {
    let mut hq = hq();
    let (post, bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    // The same HQ after losing the post's enrollment: a fresh HQ database with the same keys
    // is not possible, so drop the peer row instead.
    hq.api
        .store()
        .conn()
        .execute("DELETE FROM peer WHERE node_id = ?1", [post.api.store().node_id().to_string()])
        .unwrap();
    refused_with(&mut hq.api, &bytes, "bundle_unknown_sender", "未登记");
}

/// The bundle HQ last took from a post, presented again by anyone (the same stick, or post
/// B holding A's file): answered as received and nothing applied. It gets HQ nothing but a
/// reply sealed to A. Once A's next bundle is in, the first one is stale.
#[test]
fn a_bundle_presented_again_is_answered_and_an_older_one_is_stale() {
    let mut hq = hq();
    let (mut a, first) = post_with_bundle(&mut hq, &["330100001001"]);
    hq.api.hq_exchange(&first).unwrap();
    let (_b, _) = post_with_bundle(&mut hq, &["330100001001"]);
    let before = fingerprint(&hq.api);
    let again = hq.api.bundle_import(&first).unwrap();
    assert!(again.repeat, "{again:?}");
    assert_eq!((again.counter, again.applied, again.duplicates), (1, 0, again.changes));
    assert_eq!(again.from_name, "山门警务室");
    assert_eq!(fingerprint(&hq.api), before, "a repeated bundle changed the database");
    // A's own next bundle still goes through; after it the first is older than what HQ has.
    let next = a.api.bundle_export().unwrap();
    hq.api.hq_exchange(&next).unwrap();
    refused_with(&mut hq.api, &first, "bundle_stale", "第 1 号同步包是旧包：本机已导入该节点更新的第 2 号包");
    let e = hq.api.hq_exchange(&first).map(|_| ()).unwrap_err();
    assert!(e.to_string().contains("请在警务室重新导出同步包") && e.to_string().contains("“山门警务室”"), "{e}");
}

/// A bundle under the number HQ last took from the post, but not that bundle (the post went
/// back to an older backup and exported again): refused, nothing applied.
#[test]
fn another_bundle_under_the_last_number_is_refused() {
    let mut hq = hq();
    let (mut a, first) = post_with_bundle(&mut hq, &["330100001001"]);
    hq.api.hq_exchange(&first).unwrap();
    a.api.store().conn().execute("UPDATE peer SET sent_counter = 0", []).unwrap();
    let other = a.api.bundle_export().unwrap();
    refused_with(&mut hq.api, &other, "bundle_reused", "与本机已导入的同号同步包内容不同");
}

#[test]
fn a_bundle_of_a_future_format_is_refused() {
    let mut hq = hq();
    let (_post, mut bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    bytes[7] = b'2';
    refused_with(&mut hq.api, &bytes, "bundle_future_version", "请先升级软件");
}

#[test]
fn an_empty_file_is_refused() {
    let mut hq = hq();
    let _ = post_with_bundle(&mut hq, &["330100001001"]);
    refused_with(&mut hq.api, &[], "bundle_empty", "空文件");
}

#[test]
fn random_bytes_are_refused() {
    let mut hq = hq();
    let _ = post_with_bundle(&mut hq, &["330100001001"]);
    let mut state = 42u64;
    let noise: Vec<u8> = (0..4096).map(|_| fengqiao::store::write::splitmix64(&mut state) as u8).collect();
    refused_with(&mut hq.api, &noise, "bundle_not_a_bundle", "不是枫桥同步包");
    let mut fake = b"FQSYNC/1\n".to_vec();
    fake.extend(&noise);
    let err = hq.api.hq_exchange(&fake).map(|_| ()).unwrap_err();
    assert!(err.code().starts_with("bundle_"), "{err}");
}

/// Applying the same bundle twice changes nothing the second time; nor does a later bundle
/// that carries the same changes again (its predecessor's acknowledgement was lost).
#[test]
fn bundle_applied_twice_changes_nothing() {
    let mut hq = hq();
    let (mut post, bytes) = post_with_bundle(&mut hq, &["330100001001"]);
    let (first, _) = hq.api.hq_exchange(&bytes).unwrap();
    assert!(first.applied > 0);
    let after = fingerprint(&hq.api);
    let rows: i64 = hq.api.store().conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    let repeat = hq.api.bundle_import(&bytes).unwrap();
    assert_eq!((repeat.repeat, repeat.applied), (true, 0));
    // The reply was lost: the post sends everything again in its next bundle.
    let again = post.api.bundle_export().unwrap();
    let (second, _) = hq.api.hq_exchange(&again).unwrap();
    assert_eq!((second.changes, second.applied, second.duplicates), (first.changes, 0, first.changes));
    let (log, clocks, _) = fingerprint(&hq.api);
    assert_eq!((log, clocks), (after.0, after.1));
    let rows_after: i64 = hq.api.store().conn().query_row("SELECT count(*) FROM person", [], |r| r.get(0)).unwrap();
    assert_eq!(rows_after, rows);
}

fn count(api: &Api, sql: &str) -> i64 {
    api.store().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn found(hq: &mut Hq, text: &str) -> Vec<String> {
    let page = hq.api.call("search", json!({"text": text})).unwrap();
    page["hits"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap().to_owned()).collect()
}

/// HQ queues the search entries of the residents a bundle brings and builds them after the
/// import (and always before a search); a post builds them in the same write.
#[test]
fn hq_builds_search_entries_after_the_import_and_before_a_search() {
    let mut hq = hq();
    let mut post = Post::new();
    enroll(&mut hq, &mut post, "山门警务室", &["330100001001"]);
    let v = id(&post.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    let h = id(&post.call("household.create", json!({"village_id": v, "house_no": "7"})));
    let p = person(&mut post, &h, "王甲");
    person(&mut post, &h, "李乙");
    assert_eq!(count(&post.api, "SELECT count(*) FROM search_pending"), 0);
    assert_eq!(count(&post.api, "SELECT count(*) FROM search_gram WHERE gram = '王甲'"), 1);

    sync(&mut hq, &mut post);
    assert_eq!(count(&hq.api, "SELECT count(*) FROM search_pending"), 2);
    assert_eq!(count(&hq.api, "SELECT count(*) FROM search_gram"), 0);
    // The tag and involvement tables are kept in the import itself.
    assert_eq!(count(&hq.api, "SELECT count(*) FROM person WHERE name = '王甲'"), 1);
    assert_eq!(found(&mut hq, "王甲"), ["王甲"]);
    assert_eq!(count(&hq.api, "SELECT count(*) FROM search_pending"), 0);

    // A rename and a deletion: the old entries go when the queue is built.
    post.clock.advance(chrono::Duration::minutes(1));
    post.call("person.update", json!({"id": p, "name": "王丙"}));
    let li: String =
        post.api.store().conn().query_row("SELECT id FROM person WHERE name = '李乙'", [], |r| r.get(0)).unwrap();
    post.call("person.delete", json!({"id": li}));
    sync(&mut hq, &mut post);
    assert_eq!(count(&hq.api, "SELECT count(*) FROM search_pending"), 2);
    assert_eq!(hq.api.search_catch_up(1).unwrap(), 1);
    assert_eq!(hq.api.search_catch_up(10).unwrap(), 0);
    assert_eq!(found(&mut hq, "王丙"), ["王丙"]);
    assert!(found(&mut hq, "王甲").is_empty());
    assert!(found(&mut hq, "李乙").is_empty());
    // A post never queues.
    assert_eq!(post.api.search_catch_up(10).unwrap(), 0);
}

fn rows(api: &Api, sql: &str, param: &str) -> Vec<String> {
    let mut stmt = api.store().conn().prepare(sql).unwrap();
    stmt.query_map([param], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

/// What [`two_posts_and_a_dispute`] made at 山门.
struct Shanmen {
    household: String,
    person: String,
    dispute: String,
}

/// 山门警务室 (青山村) and 溪口警务室 enrolled at HQ; at 山门 a resident, a dispute he is a
/// party to (with a respondent from outside) and its first mediation, not yet synced.
fn two_posts_and_a_dispute(hq: &mut Hq, a: &mut Post, b: &mut Post) -> Shanmen {
    enroll(hq, a, "山门警务室", &["330100001001"]);
    enroll(hq, b, "溪口警务室", &["330100001002"]);
    let v = id(&a.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    let h = id(&a.call("household.create", json!({"village_id": v, "house_no": "3"})));
    let p = person(a, &h, "王建国");
    let d = id(&a.call(
        "dispute.create",
        json!({"source": "walk_in", "kind": "homestead", "grade": "general", "title": "宅基地边界纠纷",
               "village_id": v, "facts": "翻建围墙占用邻居宅基地",
               "parties": [{"person_id": p, "role": "applicant"},
                           {"role": "respondent", "name": "李长林", "phone": "13900002222"}]}),
    ));
    a.call("mediation.add", json!({"dispute_id": d, "level": "initial", "mediators": ["周立新"], "record": "双方各执一词", "outcome": "continued"}));
    Shanmen { household: h, person: p, dispute: d }
}

/// HQ hands a dispute of one post's village to another post: the dispute arrives there with
/// its parties and mediations, later mediations follow it, and the handed-over history is
/// sent until the post has acknowledged it, then forgotten.
#[test]
fn hq_assigns_a_dispute_to_a_post_outside_its_villages() {
    let mut hq = hq();
    let (mut a, mut b) = (Post::new(), Post::new());
    let Shanmen { person: p, dispute: d, .. } = two_posts_and_a_dispute(&mut hq, &mut a, &mut b);
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    assert!(rows(&b.api, "SELECT id FROM dispute WHERE id = ?1", &d).is_empty());

    // Refusals name the field, and nothing is written.
    let before = fingerprint(&hq.api);
    let e = hq.api.hq_assign("不存在的警务室", "dispute", &d, None).unwrap_err();
    assert_eq!(e.field(), Some("post"), "{e}");
    let e = hq.api.hq_assign("溪口警务室", "holiday", &d, None).unwrap_err();
    assert_eq!(e.field(), Some("table"), "{e}");
    assert!(e.to_string().contains("不是可以指派的数据表"), "{e}");
    let e = hq.api.hq_assign("溪口警务室", "dispute", "no-such-id", None).unwrap_err();
    assert_eq!(e.field(), Some("id"), "{e}");
    assert_eq!(fingerprint(&hq.api), before);
    assert_eq!(b.api.hq_assign("山门警务室", "dispute", &d, None).unwrap_err().code(), "rule");

    let made = hq.api.hq_assign("溪口警务室", "dispute", &d, Some("当事人已迁居溪口村，请联调")).unwrap();
    assert_eq!((made.post_name.as_str(), made.tbl.as_str(), made.delivered), ("溪口警务室", "dispute", false));
    assert!(made.pending_changes > 10, "{made:?}");
    sync(&mut hq, &mut b);
    assert_eq!(rows(&b.api, "SELECT title FROM dispute WHERE id = ?1", &d), ["宅基地边界纠纷"]);
    let mut parties = rows(&b.api, "SELECT name FROM party WHERE dispute_id = ?1", &d);
    parties.sort();
    assert_eq!(parties, ["李长林", "王建国"]);
    assert_eq!(rows(&b.api, "SELECT record FROM mediation WHERE dispute_id = ?1", &d), ["双方各执一词"]);
    assert_eq!(rows(&b.api, "SELECT note FROM assignment WHERE row_id = ?1", &d), ["当事人已迁居溪口村，请联调"]);
    let seen = b.call("assignment.list", json!({}));
    assert_eq!(seen.as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(
        (&seen[0]["kind"], &seen[0]["subject"], &seen[0]["row_id"]),
        (&json!("矛盾纠纷"), &json!("宅基地边界纠纷"), &json!(d))
    );
    assert_eq!(a.call("assignment.list", json!({})), json!([]));
    // The post's next sync acknowledges the assignment; HQ forgets the handed-over list.
    sync(&mut hq, &mut b);
    let listed = hq.api.hq_assignments().unwrap();
    assert_eq!((listed.len(), listed[0].delivered, listed[0].pending_changes), (1, true, 0));

    // Later work on the dispute, at either post, reaches the other.
    a.clock.advance(chrono::Duration::minutes(5));
    a.call("mediation.add", json!({"dispute_id": d, "level": "review", "mediators": ["周立新"], "record": "复调：同意测量", "outcome": "continued"}));
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    b.clock.advance(chrono::Duration::minutes(10));
    b.call("mediation.add", json!({"dispute_id": d, "level": "joint", "mediators": ["周立新"], "record": "联调：围墙后退", "outcome": "settled"}));
    sync(&mut hq, &mut b);
    sync(&mut hq, &mut a);
    let dump = |api: &Api| {
        let mut m = rows(api, "SELECT level || ':' || record FROM mediation WHERE dispute_id = ?1", &d);
        m.sort();
        m
    };
    assert_eq!(dump(&a.api), ["initial:双方各执一词", "joint:联调：围墙后退", "review:复调：同意测量"]);
    assert_eq!(dump(&b.api), dump(&a.api));
    // The resident of 青山村 stays with his own post.
    assert!(rows(&b.api, "SELECT id FROM person WHERE id = ?1", &p).is_empty());

    // HQ withdraws the assignment: the post keeps what it has, and hears of no more changes.
    let e = hq.api.hq_unassign("no-such-id").unwrap_err();
    assert_eq!(e.field(), Some("id"), "{e}");
    let withdrawn = hq.api.hq_unassign(&made.id).unwrap();
    assert!(withdrawn.withdrawn_at.is_some());
    assert_eq!(hq.api.hq_unassign(&made.id).unwrap_err().field(), Some("id"), "only once");
    a.clock.advance(chrono::Duration::minutes(20));
    a.call("dispute.update", json!({"id": d, "title": "宅基地边界纠纷（已测量）"}));
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    assert_eq!(b.call("assignment.list", json!({})), json!([]));
    assert_eq!(rows(&a.api, "SELECT title FROM dispute WHERE id = ?1", &d), ["宅基地边界纠纷（已测量）"]);
    assert_eq!(
        rows(&b.api, "SELECT title FROM dispute WHERE id = ?1", &d),
        ["宅基地边界纠纷"],
        "the post keeps the dispute; the change after the withdrawal stays with 山门"
    );
}

fn audit_alarms(hq: &mut Hq) -> Vec<String> {
    hq.api.sync_status().unwrap().audit_alarms.into_iter().map(|a| a.message).collect()
}

/// Each bundle from a post carries the head of its audit chain; HQ keeps it as an anchor
/// and raises an alarm when a later bundle shows an anchored entry changed or the chain cut
/// back. The bundles are applied all the same.
#[test]
fn hq_anchors_each_posts_audit_chain_and_notices_it_rewritten_or_cut_back() {
    let mut hq = hq();
    let mut post = Post::new();
    enroll(&mut hq, &mut post, "山门警务室", &["330100001001"]);
    let v = id(&post.call("village.create", json!({"name": "青山村", "code": "330100001001"})));
    let h = id(&post.call("household.create", json!({"village_id": v, "house_no": "1"})));
    person(&mut post, &h, "王甲");
    let head = |post: &Post| -> i64 { count(&post.api, "SELECT max(seq) FROM audit_log") };
    assert!(head(&post) >= 3, "writes are audited");
    sync(&mut hq, &mut post);
    let anchored = count(&hq.api, "SELECT max(seq) FROM audit_anchor");
    assert!(anchored >= 3);
    assert_eq!(post.api.store().meta("audit_anchored").unwrap(), Some(anchored.to_string()));
    person(&mut post, &h, "王乙");
    sync(&mut hq, &mut post);
    assert!(audit_alarms(&mut hq).is_empty(), "{:?}", audit_alarms(&mut hq));

    // Someone with the database rewrites history past the triggers. A rewrite that keeps the
    // chain whole (every later hash recomputed) changes the entry HQ anchored last, which
    // the post's next bundle shows; one that does not is caught by the chain check itself.
    let anchored: i64 = post.api.store().meta("audit_anchored").unwrap().unwrap().parse().unwrap();
    let conn = post.api.store().conn();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
    conn.execute("UPDATE audit_log SET hash = 'forged' WHERE seq = ?1", [anchored]).unwrap();
    person(&mut post, &h, "王丙");
    sync(&mut hq, &mut post);
    // The anchored entry was the newest: the post's next entry found it replaced, recorded
    // that, and said so in its bundle too.
    let alarms = audit_alarms(&mut hq);
    assert_eq!(
        alarms,
        [
            format!("审计日志第 {anchored} 条与县局留存的锚点不符，可能被改动"),
            format!("警务室发现并记录：审计日志末尾的第 {anchored} 条被替换（与登记的链尾不符）"),
        ]
    );
    // The bundle was applied all the same, and the alarms are not repeated.
    assert_eq!(count(&hq.api, "SELECT count(*) FROM person WHERE name = '王丙'"), 1);
    sync(&mut hq, &mut post);
    assert_eq!(audit_alarms(&mut hq).len(), 2);

    // The chain cut back to before what HQ has seen (an old backup restored, or entries
    // deleted).
    let top = count(&hq.api, "SELECT max(seq) FROM audit_anchor");
    post.api.store().conn().execute("DELETE FROM audit_log WHERE seq > 2", []).unwrap();
    post.api.store().conn().execute("DELETE FROM local_meta WHERE key = 'audit_anchored'", []).unwrap();
    let up = post.api.bundle_export().unwrap();
    hq.api.hq_exchange(&up).unwrap();
    let alarms = audit_alarms(&mut hq);
    assert!(alarms.iter().any(|a| a.starts_with(&format!("审计日志回退：县局已留存到第 {top} 条"))), "{alarms:?}");
    assert!(hq.api.sync_status().unwrap().audit_alarms.iter().all(|a| a.post_name == "山门警务室"));

    // HQ's admin finds out why and marks the alarms seen: they leave the status, stay on record.
    let open = hq.api.sync_status().unwrap().audit_alarms;
    for a in &open {
        assert!(hq.api.hq_see_audit_alarm(a.id, None).unwrap().seen_at.is_some());
    }
    assert!(hq.api.sync_status().unwrap().audit_alarms.is_empty());
    assert_eq!(hq.api.hq_audit_alarms(true).unwrap().len(), open.len());
    assert_eq!(hq.api.hq_see_audit_alarm(open[0].id, None).unwrap_err().field(), Some("id"), "only once");
}

/// HQ reads a post's reply from its change log either origin by origin (a daily sync) or row
/// by row from the post's jurisdiction (a first sync into a county full of other posts'
/// changes): both carry the same changes, whatever placed a row in the post's scope (its
/// villages, its own rows, an assignment and what hangs from it, another post sharing a
/// village).
#[test]
fn hq_reads_a_posts_reply_by_row_or_by_origin_alike() {
    let mut hq = hq();
    let (mut a, mut b, mut c) = (Post::new(), Post::new(), Post::new());
    let Shanmen { household: h, person: p, dispute: d } = two_posts_and_a_dispute(&mut hq, &mut a, &mut b);
    let w = id(&b.call("village.create", json!({"name": "溪口村", "code": "330100001002"})));
    let hb = id(&b.call("household.create", json!({"village_id": w, "house_no": "8"})));
    person(&mut b, &hb, "钱溪");
    b.call("post.save", json!({"name": "溪口警务室"}));
    sync(&mut hq, &mut a);
    sync(&mut hq, &mut b);
    hq.api.hq_assign("溪口警务室", "dispute", &d, Some("联调")).unwrap();
    a.clock.advance(chrono::Duration::minutes(5));
    a.call("person.update", json!({"id": p, "phone": "13900001111"}));
    person(&mut a, &h, "王小红");
    sync(&mut hq, &mut a);
    // A third post shares 青山村 with 山门 and has synced nothing yet.
    enroll(&mut hq, &mut c, "青山警务室", &["330100001001"]);

    let changes = |to: &Post, by_row: bool| -> Vec<(String, i64)> {
        let to = to.api.store().node_id();
        fengqiao::sync::reply_changes(hq.api.store(), to, by_row)
            .unwrap()
            .into_iter()
            .map(|ch| (ch.origin.to_string(), ch.origin_seq))
            .collect()
    };
    for (post, name) in [(&c, "青山警务室"), (&b, "溪口警务室"), (&a, "山门警务室")] {
        let (by_origin, by_row) = (changes(post, false), changes(post, true));
        assert_eq!(by_row, by_origin, "{name}");
    }
    // Not trivially: 青山 gets 山门's village, its residents and its dispute, and nothing of
    // 溪口's.
    let to_c = changes(&c, true);
    assert!(to_c.len() > 30, "{}", to_c.len());
    let a_id = a.api.store().node_id().to_string();
    assert!(to_c.iter().all(|(o, _)| *o == a_id), "only 山门's changes are 青山's");
    sync(&mut hq, &mut c);
    assert_eq!(rows(&c.api, "SELECT name FROM person WHERE household_id = ?1 ORDER BY name", &h), ["王小红", "王建国"]);
}

/// A station set up at a post, its assistant and an errand collected there reach HQ after one
/// sync, and through HQ the other post sharing the village, where the errand still names the
/// station and the assistant and counts in the station's figures.
#[test]
fn a_station_and_its_errand_reach_hq_after_one_sync() {
    let mut hq = hq();
    let (mut a, mut b, v, h) = two_posts_sharing_a_village(&mut hq);
    let p = person(&mut a, &h, "黄秋香");
    let station = id(&a
        .call("service_station.create", json!({"name": "青山村红警驿站", "village_id": v, "opened_on": "2026-03-01"})));
    let assistant = id(&a.call(
        "volunteer.create",
        json!({"name": "林秀英", "role": "police_assistant", "village_id": v, "service_station_id": station,
               "active_from": "2026-03-01"}),
    ));
    let item = a.call("service_item.list", json!({}))["categories"][0]["items"][0]["id"].clone();
    let errand = id(&a.call(
        "errand.create",
        json!({"person_id": p, "service_item_id": item, "mode": "home_visit",
               "service_station_id": station, "assistant_id": assistant}),
    ));
    sync(&mut hq, &mut a);
    let at_hq = rows(&hq.api, "SELECT name FROM service_station WHERE id = ?1", &station);
    assert_eq!(at_hq, ["青山村红警驿站"], "the station at HQ");
    let taken = rows(&hq.api, "SELECT service_station_id || '/' || assistant_id FROM errand WHERE id = ?1", &errand);
    assert_eq!(taken, [format!("{station}/{assistant}")], "the errand names the station and assistant at HQ");
    assert_eq!(rows(&hq.api, "SELECT service_station_id FROM volunteer WHERE id = ?1", &assistant), [station]);

    sync(&mut hq, &mut b);
    let e = b.call("errand.get", json!({"id": errand}));
    assert_eq!(
        (e["service_station_name"].as_str(), e["assistant_name"].as_str()),
        (Some("青山村红警驿站"), Some("林秀英"))
    );
    let m = b.call("service_station.month", json!({"month": "2026-11"}));
    assert_eq!((m[0]["requests"].as_i64(), m[0]["assistants"].as_i64()), (Some(1), Some(1)), "{m}");
}

/// A lawyer's sitting recorded at a post is at HQ after one sync, as recorded: the lawyer
/// and the sitting belong to no village, so they are the post's own rows.
#[test]
fn a_sitting_reaches_hq_after_one_sync() {
    let mut hq = hq();
    let mut post = Post::new();
    enroll(&mut hq, &mut post, "青山", &["330100001"]);
    let l = post.call(
        "lawyer.create",
        json!({"name": "孙明远", "firm": "青山律师事务所", "licence_no": "13303201510234567",
               "serving_from": "2026-01-01"}),
    );
    let s = post.call(
        "sitting.create",
        json!({"lawyer_id": l["id"], "sat_on": "2026-11-17", "hours": 3.5, "consultations": 4, "people_served": 6}),
    );
    assert_eq!(count(&hq.api, "SELECT count(*) FROM sitting"), 0);
    sync(&mut hq, &mut post);
    let (hours, people, lawyer): (f64, i64, String) = hq
        .api
        .store()
        .conn()
        .query_row(
            "SELECT s.hours, s.people_served, l.name FROM sitting s JOIN lawyer l ON l.id = s.lawyer_id
             WHERE s.id = ?1 AND s.deleted_at IS NULL",
            [s["id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((hours, people, lawyer.as_str()), (3.5, 6, "孙明远"));
}
