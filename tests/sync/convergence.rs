//! Convergence, as a property: five posts and HQ, random local writes (concurrent writes to
//! the same column, deletes, restores of a conflict's overwritten value), HQ assigning a
//! household to a post outside its villages and withdrawing it, bundles delivered at random
//! with loss, duplication and reordering. Once everything has been delivered, every post
//! holds exactly HQ's rows for its jurisdiction and for what is assigned to it (a withdrawn
//! assignment's rows it may keep as they were), and every write that was overwritten by one
//! whose writer had not seen it is in some node's conflict log. One post (an encrypted file,
//! as every real post) is backed up at random steps and restored from its latest backup at
//! later ones: every change of it HQ held at a restore is still held at the end, and no
//! (origin, number) is held with two contents at any two nodes.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use common::today;
use fengqiao::api::{Api, ConflictListRequest};
use fengqiao::model::time::FixedClock;
use proptest::prelude::*;
use rusqlite::Connection;
use serde_json::json;
use tempfile::TempDir;

struct Node {
    _dir: TempDir,
    api: Api,
    clock: Arc<FixedClock>,
}

const ADMIN: &str = "admin";
const ADMIN_PW: &str = "Admin2026x";

/// HQ, a post in setup mode (plain), or (`secured`) a post with a station admin, which can
/// be backed up and restored.
fn node(hq: bool, secured: bool) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at_date(today()));
    let path = dir.path().join("n.db");
    let mut api = if secured {
        Api::create_admin(&path, clock.clone(), ADMIN, ADMIN_PW).unwrap()
    } else {
        Api::open(&path, clock.clone()).unwrap()
    };
    if hq {
        api.hq_init("县局").unwrap();
    }
    Node { _dir: dir, api, clock }
}

fn call(n: &mut Node, method: &str, params: serde_json::Value) -> serde_json::Value {
    n.api.call(method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// Posts in the model.
const POSTS: usize = 5;

/// Village codes of each post: posts 0, 1 and 2 serve 青山村; posts 2 and 3 serve 溪口村;
/// post 4 alone serves 桥头村; all five serve 石门村, which any of them may enter (so two may
/// enter it before they sync). A write to 青山村 or 溪口村 reaches the other posts serving it
/// only through HQ.
const SCOPES: [&[&str]; POSTS] = [
    &["330100001001", "330100001003"],
    &["330100001001", "330100001003"],
    &["330100001001", "330100001002", "330100001003"],
    &["330100001002", "330100001003"],
    &["330100001004", "330100001003"],
];

/// The villages registered before the schedule: (post, code, name, residents).
const VILLAGES: [(usize, &str, &str, usize); 3] =
    [(0, "330100001001", "青山村", 3), (2, "330100001002", "溪口村", 1), (4, "330100001004", "桥头村", 2)];

/// 石门村's code.
const SHIMEN: &str = "330100001003";

#[derive(Debug, Clone)]
enum Op {
    /// Post `post` renames person `person` (an index into the people it can see).
    Rename { post: usize, person: usize },
    /// Post changes a phone.
    Phone { post: usize, person: usize },
    /// Post deletes a person.
    Delete { post: usize, person: usize },
    /// Post enters 石门村 (unless it holds it) with a household: as this build does, or
    /// (`old`) as a build before one row per code did, in a row of its own.
    Village { post: usize, old: bool },
    /// A node (HQ when `node` is [`POSTS`]; the next one with a conflict logged when it has
    /// none) restores the overwritten value of an entry of its conflict log (a new write).
    Restore { node: usize, pick: usize },
    /// HQ assigns a household (an index into [`VILLAGES`]) to a post outside its villages
    /// (nothing when the village is the post's own).
    Assign { post: usize, household: usize },
    /// HQ withdraws one of its live assignments.
    Withdraw { pick: usize },
    /// The secured post is backed up (to a folder of its own).
    Backup,
    /// The secured post is restored from its latest backup (nothing before the first).
    Reinstall,
    /// Time passes on a post (0 keeps writes in the same millisecond).
    Tick { post: usize, ms: i64 },
    /// Post makes a bundle for HQ (it goes in flight).
    Send { post: usize },
    /// HQ makes a bundle for a post.
    Reply { post: usize },
    /// Post and HQ sync over the network (a bundle each way, none lost).
    Sync { post: usize },
    /// A bundle in flight arrives (and stays in flight when duplicated).
    Deliver { pick: usize, duplicate: bool },
    /// A bundle in flight is lost.
    Lose { pick: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..POSTS, 0..2usize).prop_map(|(post, person)| Op::Rename { post, person }),
        1 => (0..POSTS, 0..4usize).prop_map(|(post, person)| Op::Phone { post, person }),
        1 => (0..POSTS, 0..4usize).prop_map(|(post, person)| Op::Delete { post, person }),
        1 => (0..POSTS, any::<bool>()).prop_map(|(post, old)| Op::Village { post, old }),
        2 => (0..=POSTS, 0..4usize).prop_map(|(node, pick)| Op::Restore { node, pick }),
        1 => (0..POSTS, 0..VILLAGES.len()).prop_map(|(post, household)| Op::Assign { post, household }),
        1 => (0..4usize).prop_map(|pick| Op::Withdraw { pick }),
        2 => Just(Op::Backup),
        2 => Just(Op::Reinstall),
        2 => (0..POSTS, 0..3i64).prop_map(|(post, ms)| Op::Tick { post, ms }),
        2 => (0..POSTS).prop_map(|post| Op::Send { post }),
        2 => (0..POSTS).prop_map(|post| Op::Reply { post }),
        2 => (0..POSTS).prop_map(|post| Op::Sync { post }),
        3 => (0..8usize, any::<bool>()).prop_map(|(pick, duplicate)| Op::Deliver { pick, duplicate }),
        1 => (0..8usize).prop_map(|pick| Op::Lose { pick }),
    ]
}

/// A bundle in flight: to HQ (`None`) or to a post.
struct Flight {
    to: Option<usize>,
    bytes: Vec<u8>,
}

fn deliver(hq: &mut Node, posts: &mut [Node], f: &Flight) {
    let r = match f.to {
        None => hq.api.bundle_import(&f.bytes).map(|_| ()),
        Some(i) => posts[i].api.bundle_import(&f.bytes).map(|_| ()),
    };
    if let Err(e) = r {
        // A repeated bundle is answered as received; an older one is refused as stale (its
        // content is in later ones).
        assert_eq!(e.code(), "bundle_stale", "{e}");
    }
}

/// A post's sync with HQ over the network: its bundle in, HQ's reply back.
fn sync(hq: &mut Node, post: &mut Node) {
    let up = post.api.bundle_export().unwrap();
    let (_, down) = hq.api.hq_exchange(&up).unwrap();
    post.api.bundle_import(&down).unwrap();
}

/// A restored value: the node (HQ is [`POSTS`]), the column, the value and the write's clock.
type Restored = (usize, Cell, serde_json::Value, String);

/// Node `node` (HQ when it is [`POSTS`]; the next one with a conflict logged when it has
/// none) restores the overwritten value of an entry of its conflict log: a new write.
fn restore(hq: &mut Node, posts: &mut [Node], node: usize, pick: usize, restored: &mut Vec<Restored>) {
    for k in (0..=POSTS).map(|k| (node + k) % (POSTS + 1)) {
        let p = if k == POSTS { &mut *hq } else { &mut posts[k] };
        let logged = p.api.conflict_list(ConflictListRequest { include_resolved: true }).unwrap();
        if logged.is_empty() {
            continue;
        }
        let c = &logged[pick % logged.len()];
        match p.api.call("conflict.restore", json!({"id": c.id})) {
            Ok(_) => {
                let now: String = p
                    .api
                    .store()
                    .conn()
                    .query_row(
                        "SELECT hlc FROM column_clock WHERE tbl = ?1 AND row_id = ?2 AND col = ?3",
                        [&c.tbl, &c.row_id, &c.col],
                        |r| r.get(0),
                    )
                    .unwrap();
                restored.push((k, (c.tbl.clone(), c.row_id.clone(), c.col.clone()), c.loser_value.clone(), now));
            }
            // A value on a row deleted since may be refused: a refusal, not a write.
            Err(e) => assert_ne!(e.code(), "validation", "{e}"),
        }
        return;
    }
}

/// A number in Chinese digits (names take no Arabic digits).
fn zh(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| "零一二三四五六七八九".chars().nth(c as usize - '0' as usize).unwrap_or('零'))
        .collect()
}

type Rows = BTreeMap<String, BTreeMap<String, String>>;

fn rows(conn: &Connection, table: &str, ids: Option<&BTreeSet<String>>) -> Rows {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut out = Rows::new();
    let mut q = stmt.query([]).unwrap();
    while let Some(r) = q.next().unwrap() {
        let mut row = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            row.insert(n.clone(), format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()));
        }
        let id: String = r.get("id").unwrap();
        if ids.is_none_or(|s| s.contains(&id)) {
            out.insert(id, row);
        }
    }
    out
}

fn ids(conn: &Connection, table: &str) -> BTreeSet<String> {
    rows(conn, table, None).into_keys().collect()
}

/// A column: (table, row, column).
type Cell = (String, String, String);
/// One write to it: (hlc, prev, value).
type Write = (String, Option<String>, String);

/// Every change HQ holds, per column.
fn history(conn: &Connection) -> BTreeMap<Cell, Vec<Write>> {
    let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT tbl, row_id, col, hlc, prev, value FROM change_log WHERE hlc NOT LIKE '000000000000-%'")
        .unwrap();
    let mut q = stmt.query([]).unwrap();
    while let Some(r) = q.next().unwrap() {
        out.entry((r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap())).or_default().push((
            r.get(3).unwrap(),
            r.get(4).unwrap(),
            r.get(5).unwrap(),
        ));
    }
    out
}

/// A change as logged: (hlc, table, row, column, value).
type Logged = (String, String, String, String, String);

/// A node's change log by (origin, number), the genesis rows left out.
fn change_log(conn: &Connection) -> BTreeMap<(String, i64), Logged> {
    let mut stmt = conn
        .prepare(
            "SELECT origin, origin_seq, hlc, tbl, row_id, col, value FROM change_log
             WHERE hlc NOT LIKE '000000000000-%'",
        )
        .unwrap();
    stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Restores `file` over the post's database as the app does.
fn reinstall(post: &mut Node, file: &std::path::Path) {
    let scratch = Api::open(&post._dir.path().join("scratch.db"), post.clock.clone()).unwrap();
    let live = std::mem::replace(&mut post.api, scratch);
    let (report, back) = live.restore_open(file, ADMIN, ADMIN_PW);
    post.api = back.unwrap();
    report.unwrap();
}

fn run(ops: Vec<Op>, restores: Vec<(usize, usize)>, secured: usize) {
    let mut hq = node(true, false);
    let mut posts: Vec<Node> = (0..POSTS).map(|i| node(false, i == secured)).collect();
    for (i, p) in posts.iter_mut().enumerate() {
        let req = p.api.enroll_request(Some(&format!("警务室{i}"))).unwrap();
        let villages: Vec<String> = SCOPES[i].iter().map(|s| s.to_string()).collect();
        let reply = hq.api.hq_enroll(&req, &villages).unwrap();
        p.api.enroll_accept(&reply).unwrap();
    }
    // Post 0 registers 青山村 and three residents; post 2 溪口村 and one; post 4 桥头村 and two.
    let mut people: Vec<Vec<String>> = vec![Vec::new(); POSTS];
    let mut households: Vec<String> = Vec::new();
    for (post, code, name, count) in VILLAGES {
        let p = &mut posts[post];
        let v = call(p, "village.create", json!({"name": name, "code": code}))["id"].as_str().unwrap().to_owned();
        let h =
            call(p, "household.create", json!({"village_id": v, "house_no": "1"}))["id"].as_str().unwrap().to_owned();
        households.push(h.clone());
        for k in 0..count {
            let id = call(
                p,
                "person.create",
                json!({"household_id": h, "name": format!("{name}{}", zh(k)), "residence": "permanent"}),
            )["id"]
                .as_str()
                .unwrap()
                .to_owned();
            for (i, scope) in SCOPES.iter().enumerate() {
                if scope.contains(&code) {
                    people[i].push(id.clone());
                }
            }
        }
    }
    for _ in 0..2 {
        for post in posts.iter_mut() {
            sync(&mut hq, post);
        }
    }

    let mut flights: Vec<Flight> = Vec::new();
    // The households HQ has assigned each post at some time.
    let mut ever_assigned: Vec<BTreeSet<String>> = vec![BTreeSet::new(); POSTS];
    // The households withdrawn from each post after it had them.
    let mut kept: Vec<BTreeSet<String>> = vec![BTreeSet::new(); POSTS];
    let mut restored: Vec<Restored> = Vec::new();
    // The secured post's latest backup, and the changes of it HQ held at each restore.
    let mut latest: Option<PathBuf> = None;
    let mut held_at_restore: BTreeMap<(String, i64), Logged> = BTreeMap::new();
    let mut n = 0;
    for op in ops {
        n += 1;
        match op {
            Op::Rename { post, person } | Op::Phone { post, person } | Op::Delete { post, person } => {
                let list = &people[post];
                let id = list[person % list.len()].clone();
                let p = &mut posts[post];
                let params = match op {
                    Op::Rename { .. } => json!({"id": id, "name": format!("名{}之{}", zh(post), zh(n))}),
                    Op::Phone { .. } => json!({"id": id, "phone": format!("1380000{post}{n:03}")}),
                    _ => json!({"id": id}),
                };
                let method = if matches!(op, Op::Delete { .. }) { "person.delete" } else { "person.update" };
                if let Err(e) = p.api.call(method, params) {
                    // A deleted person may refuse edits: a refusal, not a write.
                    assert_ne!(e.code(), "validation", "{e}");
                }
            }
            Op::Village { post, old } => {
                let p = &mut posts[post];
                let held: Option<String> = p
                    .api
                    .store()
                    .conn()
                    .query_row("SELECT id FROM village WHERE code = ?1 AND deleted_at IS NULL", [SHIMEN], |r| r.get(0))
                    .ok();
                let v = match held {
                    Some(v) => v,
                    None if old => {
                        let name = format!("石门村{}之{}", zh(post), zh(n));
                        let v = call(p, "village.create", json!({"name": name}))["id"].as_str().unwrap().to_owned();
                        common::code_as_before(p.api.store().conn(), &v, SHIMEN);
                        v
                    }
                    None => call(p, "village.create", json!({"name": "石门村", "code": SHIMEN}))["id"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                };
                let group: Option<String> = p
                    .api
                    .store()
                    .conn()
                    .query_row(
                        "SELECT id FROM village_group WHERE village_id = ?1 AND name = '1组' AND deleted_at IS NULL",
                        [&v],
                        |r| r.get(0),
                    )
                    .ok();
                let g = group.unwrap_or_else(|| {
                    call(p, "group.create", json!({"village_id": v, "name": "1组"}))["id"].as_str().unwrap().to_owned()
                });
                call(p, "household.create", json!({"village_id": v, "group_id": g, "house_no": format!("{post}-{n}")}));
            }
            Op::Restore { node, pick } => restore(&mut hq, &mut posts, node, pick, &mut restored),
            Op::Assign { post, household } if !SCOPES[post].contains(&VILLAGES[household].1) => {
                let to = posts[post].api.store().node_id().to_string();
                hq.api.hq_assign(&to, "household", &households[household], None).unwrap();
                ever_assigned[post].insert(households[household].clone());
            }
            Op::Assign { .. } => {}
            Op::Withdraw { pick } => {
                let live: Vec<_> =
                    hq.api.hq_assignments().unwrap().into_iter().filter(|a| a.withdrawn_at.is_none()).collect();
                if !live.is_empty() {
                    let a = &live[pick % live.len()];
                    hq.api.hq_unassign(&a.id).unwrap();
                    // What the post holds of it, it keeps.
                    let post = posts.iter().position(|p| p.api.store().node_id().to_string() == a.post).unwrap();
                    if ids(posts[post].api.store().conn(), "household").contains(&a.row_id) {
                        kept[post].insert(a.row_id.clone());
                    }
                }
            }
            Op::Backup => {
                let p = &mut posts[secured];
                let out = p._dir.path().join(format!("backup{n}"));
                std::fs::create_dir(&out).unwrap();
                latest = Some(PathBuf::from(call(p, "backup.create", json!({"out": out}))["file"].as_str().unwrap()));
            }
            Op::Reinstall => {
                if let Some(file) = &latest {
                    let me = posts[secured].api.store().node_id().to_string();
                    let at_hq = change_log(hq.api.store().conn());
                    held_at_restore
                        .extend(at_hq.iter().filter(|((o, _), _)| *o == me).map(|(k, v)| (k.clone(), v.clone())));
                    reinstall(&mut posts[secured], file);
                    // What the post had and HQ did not is gone with the replaced file: its
                    // conflict restores not yet sent, the rows of an assignment withdrawn
                    // since the backup.
                    restored.retain(|(k, (t, r, c), _, hlc)| {
                        *k != secured || at_hq.values().any(|(h, lt, lr, lc, _)| (h, lt, lr, lc) == (hlc, t, r, c))
                    });
                    let here = ids(posts[secured].api.store().conn(), "household");
                    kept[secured].retain(|h| here.contains(h));
                }
            }
            Op::Tick { post, ms } => posts[post].clock.advance(chrono::Duration::milliseconds(ms)),
            Op::Send { post } => flights.push(Flight { to: None, bytes: posts[post].api.bundle_export().unwrap() }),
            Op::Reply { post } => {
                let to = posts[post].api.store().node_id();
                let bytes = fengqiao::sync::export(hq.api.store_mut(), to).unwrap();
                flights.push(Flight { to: Some(post), bytes });
            }
            Op::Sync { post } => sync(&mut hq, &mut posts[post]),
            Op::Deliver { pick, duplicate } if !flights.is_empty() => {
                let k = pick % flights.len();
                if duplicate {
                    deliver(&mut hq, &mut posts, &flights[k]);
                } else {
                    let f = flights.remove(k);
                    deliver(&mut hq, &mut posts, &f);
                }
            }
            Op::Lose { pick } if !flights.is_empty() => {
                flights.remove(pick % flights.len());
            }
            Op::Deliver { .. } | Op::Lose { .. } => {}
        }
    }
    // Deliver everything: a round brings every change to HQ, and the conflicts it finds
    // (most of them) to the posts; then some are restored, and two more rounds bring every
    // change to HQ and back out.
    for post in posts.iter_mut() {
        sync(&mut hq, post);
    }
    for (node, pick) in restores {
        restore(&mut hq, &mut posts, node, pick, &mut restored);
    }
    for _ in 0..2 {
        for post in posts.iter_mut() {
            sync(&mut hq, post);
        }
    }

    // A restored post loses nothing HQ held of it: each such change is still held, the same,
    // at HQ and (unless the post no longer holds its row) at the post; and no (origin,
    // number) is held with two contents at any two nodes (a number reused after a restore).
    let logs: Vec<_> = std::iter::once(hq.api.store().conn())
        .chain(posts.iter().map(|p| p.api.store().conn()))
        .map(change_log)
        .collect();
    let post_rows: BTreeSet<String> =
        ["village", "household", "person"].iter().flat_map(|t| ids(posts[secured].api.store().conn(), t)).collect();
    for (key, change) in &held_at_restore {
        assert_eq!(logs[0].get(key), Some(change), "HQ lost or changed the restored post's change {key:?}");
        if post_rows.contains(&change.2) {
            assert_eq!(logs[1 + secured].get(key), Some(change), "the restored post did not get back {key:?}");
        }
    }
    let mut contents: BTreeMap<&(String, i64), (usize, &Logged)> = BTreeMap::new();
    for (i, log) in logs.iter().enumerate() {
        for (key, change) in log {
            let (j, first) = *contents.entry(key).or_insert((i, change));
            assert_eq!(first, change, "{key:?} differs between node {j} and node {i} (HQ is 0)");
        }
    }

    let assignments = hq.api.hq_assignments().unwrap();
    let hq_conn = hq.api.store().conn();
    // A household and its residents, as HQ holds them.
    let with_residents = |hs: &BTreeSet<String>| -> BTreeSet<String> {
        let mut out = hs.clone();
        for h in hs {
            let mut stmt = hq_conn.prepare("SELECT id FROM person WHERE household_id = ?1").unwrap();
            out.extend(stmt.query_map([h], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
        }
        out
    };
    for (i, p) in posts.iter().enumerate() {
        let conn = p.api.store().conn();
        let node_id = p.api.store().node_id().to_string();
        // What HQ assigns the post now, delivered: the post holds it as HQ does. What it
        // assigned and withdrew the post keeps as it had it (or never got, when withdrawn
        // before delivery).
        let live: BTreeSet<String> = assignments
            .iter()
            .filter(|a| a.post == node_id && a.withdrawn_at.is_none())
            .map(|a| a.row_id.clone())
            .collect();
        assert!(
            assignments.iter().filter(|a| a.post == node_id).all(|a| a.delivered),
            "post {i}: an assignment undelivered"
        );
        let assigned = with_residents(&live);
        let households_here = ids(conn, "household");
        assert!(kept[i].is_subset(&households_here), "post {i} lost a household withdrawn after it had it");
        let withdrawn: BTreeSet<String> = with_residents(&ever_assigned[i]).difference(&assigned).cloned().collect();
        for table in ["village", "household", "person"] {
            let mine: BTreeSet<String> = ids(conn, table).difference(&withdrawn).cloned().collect();
            assert_eq!(rows(conn, table, Some(&mine)), rows(hq_conn, table, Some(&mine)), "post {i}, table {table}");
            let missing: Vec<_> =
                ids(hq_conn, table).intersection(&assigned).filter(|id| !mine.contains(*id)).cloned().collect();
            assert!(missing.is_empty(), "post {i}: assigned {table} rows {missing:?} missing");
        }
        // 石门村 is one row wherever it was entered, holding every household entered in it,
        // each in its one live 1组.
        let shimen = |conn: &Connection| -> (i64, i64) {
            conn.query_row(
                "SELECT count(DISTINCT v.id), count(h.id) FROM village v
                 LEFT JOIN household h ON h.village_id = v.id
                     AND h.group_id IN (SELECT id FROM village_group WHERE village_id = v.id AND deleted_at IS NULL)
                 WHERE v.code = ?1 AND v.deleted_at IS NULL
                     AND (SELECT count(*) FROM village_group WHERE village_id = v.id AND deleted_at IS NULL) <= 1",
                [SHIMEN],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        let entered: i64 =
            hq_conn.query_row("SELECT count(*) FROM household WHERE house_no LIKE '%-%'", [], |r| r.get(0)).unwrap();
        let (one, held) = shimen(hq_conn);
        assert!(one <= 1 && held == entered, "HQ: {one} rows of 石门村 holding {held} of {entered} households");
        assert_eq!(shimen(conn), (one, held), "post {i}: 石门村");
        let people_here: BTreeSet<String> = ids(conn, "person").difference(&withdrawn).cloned().collect();
        let hq_people = ids(hq_conn, "person");
        let expected: BTreeSet<String> =
            people[i].iter().cloned().chain(assigned.iter().filter(|id| hq_people.contains(*id)).cloned()).collect();
        assert_eq!(people_here, expected, "post {i} holds exactly its jurisdiction's and its assignments' residents");
    }

    // A restore is a write like any other: HQ holds it, at the clock the restoring node gave it
    // (unless a post restored a value of a row HQ had assigned it: once withdrawn, the post's
    // writes to it are not taken).
    let history = history(hq_conn);
    for (_, cell, value, hlc) in restored
        .iter()
        .filter(|(k, (_, row, _), _, _)| *k == POSTS || !with_residents(&ever_assigned[*k]).contains(row))
    {
        let held = history.get(cell).is_some_and(|ws| {
            ws.iter().any(|(h, _, v)| h == hlc && serde_json::from_str::<serde_json::Value>(v).unwrap() == *value)
        });
        assert!(held, "{cell:?}: the restore of {value} at {hlc} did not reach HQ");
    }

    // No silent loss: every overwritten write whose overwriter had not seen it is logged.
    let mut logged: BTreeSet<String> = BTreeSet::new();
    for conn in std::iter::once(hq_conn).chain(posts.iter().map(|p| p.api.store().conn())) {
        let mut stmt = conn.prepare("SELECT loser_hlc FROM conflict").unwrap();
        logged.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    for ((t, r, c), writes) in history {
        let latest = writes.iter().map(|w| w.0.clone()).max().unwrap();
        for (hlc, _, value) in &writes {
            if *hlc == latest {
                continue;
            }
            let seen = writes.iter().any(|(_, prev, _)| prev.as_deref() == Some(hlc.as_str()));
            let same_value_later = writes.iter().any(|(h, _, v)| h > hlc && v == value);
            assert!(
                seen || same_value_later || logged.contains(hlc),
                "{t}.{c} of {r}: the write {hlc} ({value}) was overwritten unseen and is in no conflict log"
            );
        }
    }
}

/// The shortest schedule that loses a synced change when a restore does not move the
/// numbering on: backed up, a rename synced, restored (then the final syncs).
#[test]
fn a_post_restored_after_a_sync_gets_its_synced_change_back() {
    let ops = vec![Op::Backup, Op::Rename { post: 1, person: 0 }, Op::Sync { post: 1 }, Op::Reinstall];
    run(ops, Vec::new(), 1);
}

/// A bundle the post exported before its restore, imported at HQ only after HQ's reply
/// to the restored post (an old USB stick turning up late): HQ keeps its rename, and the
/// post gets it back at a later exchange, though its first one was answered without it.
#[test]
fn a_restored_post_gets_back_a_change_its_old_bundle_brings_hq_late() {
    let ops = vec![
        Op::Backup,
        Op::Rename { post: 1, person: 0 },
        Op::Send { post: 1 },
        Op::Reinstall,
        Op::Reply { post: 1 },
        // In flight: the old bundle (0), HQ's reply (1). The reply first, then the old one.
        Op::Deliver { pick: 1, duplicate: false },
        Op::Deliver { pick: 0, duplicate: false },
    ];
    run(ops, Vec::new(), 1);
}

/// A post renames a resident, syncs, is restored from a backup made before and renames the
/// same resident again in the same millisecond: the second rename must not take the lost
/// one's clock (found by a long run of the property).
#[test]
fn a_post_restored_within_the_millisecond_does_not_reuse_a_lost_changes_clock() {
    let ops = vec![
        Op::Backup,
        Op::Rename { post: 4, person: 0 },
        Op::Sync { post: 4 },
        Op::Reinstall,
        Op::Rename { post: 4, person: 0 },
    ];
    run(ops, Vec::new(), 4);
}

/// Schedules per run: 16 (CI), or `PROPTEST_CASES` for long runs (scripts/soak.sh).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn all_nodes_converge_and_no_concurrent_overwrite_is_lost(
        ops in proptest::collection::vec(op(), 1..80),
        restores in proptest::collection::vec((0..=POSTS, 0..4usize), 0..3),
        secured in 0..POSTS,
    ) {
        run(ops, restores, secured);
    }
}
