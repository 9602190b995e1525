//! The real HQ server on loopback: many posts syncing at once over HTTP, with no errors,
//! each ending with exactly the residents of its villages, and HQ recording each post's
//! sync; the health check; the relay page, which names no post and no resident.

use std::sync::{Arc, Barrier};

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use serde_json::json;

use crate::loopback::Loopback;

const POSTS: usize = 50;
const VILLAGES: usize = 10;
const RESIDENTS: usize = 3;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn sync(api: &mut Api, base: &str) {
    let up = api.bundle_export().unwrap();
    let mut resp = agent().post(&format!("{base}/sync")).send(&up[..]).unwrap();
    let status = resp.status();
    let body = resp.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
    assert!(status.is_success(), "HTTP {status}: {}", String::from_utf8_lossy(&body));
    api.bundle_import(&body).unwrap();
}

fn get(url: &str) -> String {
    agent().get(url).call().unwrap().body_mut().read_to_string().unwrap()
}

#[test]
fn fifty_posts_sync_at_once_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let mut hq = fengqiao_hq::open(&dir.path().join("hq")).unwrap();
    hq.hq_init("县公安局").unwrap();
    let code = |i: usize| format!("3303261012{:02}", i % VILLAGES);
    let mut posts = Vec::new();
    for i in 0..POSTS {
        let mut api = Api::open(&dir.path().join(format!("post{i}.db")), Arc::new(SystemClock)).unwrap();
        let reply = hq.hq_enroll(&api.enroll_request(Some(&format!("警务室{i}"))).unwrap(), &[code(i)]).unwrap();
        api.enroll_accept(&reply).unwrap();
        posts.push(api);
    }

    let server = Loopback::start(hq);
    let base = server.base.clone();

    assert_eq!(get(&format!("{base}/health")), "ok");
    let start = Arc::new(Barrier::new(POSTS));
    let threads: Vec<_> = posts
        .into_iter()
        .enumerate()
        .map(|(i, mut api)| {
            let (base, start, code) = (base.clone(), start.clone(), code(i));
            std::thread::spawn(move || {
                let v = api.call("village.create", json!({"name": "青山村", "code": code})).unwrap();
                let h = api.call("household.create", json!({"village_id": v["id"], "house_no": "1"})).unwrap();
                for k in ["甲", "乙", "丙"] {
                    let name = format!("王{k}");
                    api.call("person.create", json!({"household_id": h["id"], "name": name, "residence": "permanent"}))
                        .unwrap();
                }
                start.wait();
                sync(&mut api, &base);
                // Once every post has sent, a second round brings back the others' residents.
                start.wait();
                sync(&mut api, &base);
                api.store().conn().query_row("SELECT count(*) FROM person", [], |r| r.get::<_, i64>(0)).unwrap()
            })
        })
        .collect();
    for t in threads {
        let persons = t.join().unwrap();
        assert_eq!(persons as usize, RESIDENTS * POSTS / VILLAGES, "each post holds its village's residents");
    }

    let page = get(&format!("{base}/relay"));
    assert!(page.contains("转交 U 盘同步包"));
    assert!(!page.contains("警务室49") && !page.contains("王甲"), "the open page names no post or resident");
    server.stop();
    let peers = fengqiao_hq::open(&dir.path().join("hq")).unwrap().sync_peers().unwrap();
    assert_eq!(peers.len(), POSTS);
    assert!(peers.iter().all(|p| p.last_sync_at.is_some()), "HQ recorded every post's sync");
}
