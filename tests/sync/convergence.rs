//! Convergence, as a property: three posts and HQ, random local writes (concurrent writes to
//! the same column, deletes), bundles delivered at random with loss, duplication and
//! reordering. Once everything has been delivered, every post holds exactly HQ's rows for
//! its jurisdiction, and every write that was overwritten by one whose writer had not seen
//! it is in some node's conflict log.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::today;
use fengqiao::api::Api;
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

fn node(hq: bool) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at_date(today()));
    let mut api = Api::open(&dir.path().join("n.db"), clock.clone()).unwrap();
    if hq {
        api.hq_init("县局").unwrap();
    }
    Node { _dir: dir, api, clock }
}

fn call(n: &mut Node, method: &str, params: serde_json::Value) -> serde_json::Value {
    n.api.call(method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// Village codes of each post: posts 0 and 1 serve 青山村; post 2 serves both villages; all
/// three serve 石门村, which any of them may enter (so two may enter it before they sync).
const SCOPES: [&[&str]; 3] = [
    &["330100001001", "330100001003"],
    &["330100001001", "330100001003"],
    &["330100001001", "330100001002", "330100001003"],
];

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
    /// Time passes on a post (0 keeps writes in the same millisecond).
    Tick { post: usize, ms: i64 },
    /// Post makes a bundle for HQ (it goes in flight).
    Send { post: usize },
    /// HQ makes a bundle for a post.
    Reply { post: usize },
    /// A bundle in flight arrives (and stays in flight when duplicated).
    Deliver { pick: usize, duplicate: bool },
    /// A bundle in flight is lost.
    Lose { pick: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3usize, 0..4usize).prop_map(|(post, person)| Op::Rename { post, person }),
        1 => (0..3usize, 0..4usize).prop_map(|(post, person)| Op::Phone { post, person }),
        1 => (0..3usize, 0..4usize).prop_map(|(post, person)| Op::Delete { post, person }),
        1 => (0..3usize, any::<bool>()).prop_map(|(post, old)| Op::Village { post, old }),
        2 => (0..3usize, 0..3i64).prop_map(|(post, ms)| Op::Tick { post, ms }),
        2 => (0..3usize).prop_map(|post| Op::Send { post }),
        2 => (0..3usize).prop_map(|post| Op::Reply { post }),
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

fn run(ops: Vec<Op>) {
    let mut hq = node(true);
    let mut posts: Vec<Node> = (0..3).map(|_| node(false)).collect();
    for (i, p) in posts.iter_mut().enumerate() {
        let req = p.api.enroll_request(Some(&format!("警务室{i}"))).unwrap();
        let villages: Vec<String> = SCOPES[i].iter().map(|s| s.to_string()).collect();
        let reply = hq.api.hq_enroll(&req, &villages).unwrap();
        p.api.enroll_accept(&reply).unwrap();
    }
    // Post 0 registers 青山村 and three residents; post 2 registers 溪口村 and one.
    let mut people: Vec<Vec<String>> = vec![Vec::new(); 3];
    for (post, code, name, count) in [(0, "330100001001", "青山村", 3), (2, "330100001002", "溪口村", 1)] {
        let p = &mut posts[post];
        let v = call(p, "village.create", json!({"name": name, "code": code}))["id"].as_str().unwrap().to_owned();
        let h =
            call(p, "household.create", json!({"village_id": v, "house_no": "1"}))["id"].as_str().unwrap().to_owned();
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
            let up = post.api.bundle_export().unwrap();
            let (_, down) = hq.api.hq_exchange(&up).unwrap();
            post.api.bundle_import(&down).unwrap();
        }
    }

    let mut flights: Vec<Flight> = Vec::new();
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
            Op::Tick { post, ms } => posts[post].clock.advance(chrono::Duration::milliseconds(ms)),
            Op::Send { post } => flights.push(Flight { to: None, bytes: posts[post].api.bundle_export().unwrap() }),
            Op::Reply { post } => {
                let to = posts[post].api.store().node_id();
                let bytes = fengqiao::sync::export(hq.api.store_mut(), to).unwrap();
                flights.push(Flight { to: Some(post), bytes });
            }
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
    // Deliver everything: two full rounds bring every change to HQ and back out.
    for _ in 0..2 {
        for post in posts.iter_mut() {
            let up = post.api.bundle_export().unwrap();
            let (_, down) = hq.api.hq_exchange(&up).unwrap();
            post.api.bundle_import(&down).unwrap();
        }
    }

    let hq_conn = hq.api.store().conn();
    for (i, p) in posts.iter().enumerate() {
        let conn = p.api.store().conn();
        for table in ["village", "household", "person"] {
            let mine = ids(conn, table);
            assert_eq!(rows(conn, table, None), rows(hq_conn, table, Some(&mine)), "post {i}, table {table}");
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
        let people_here = ids(conn, "person");
        let expected: BTreeSet<String> = people[i].iter().cloned().collect();
        assert_eq!(people_here, expected, "post {i} holds exactly its jurisdiction's residents");
    }

    // No silent loss: every overwritten write whose overwriter had not seen it is logged.
    let mut logged: BTreeSet<String> = BTreeSet::new();
    for conn in std::iter::once(hq_conn).chain(posts.iter().map(|p| p.api.store().conn())) {
        let mut stmt = conn.prepare("SELECT loser_hlc FROM conflict").unwrap();
        logged.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    for ((t, r, c), writes) in history(hq_conn) {
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

/// Schedules per run: 16 (CI), or `PROPTEST_CASES` for long runs (scripts/soak.sh).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn all_nodes_converge_and_no_concurrent_overwrite_is_lost(ops in proptest::collection::vec(op(), 1..60)) {
        run(ops);
    }
}
