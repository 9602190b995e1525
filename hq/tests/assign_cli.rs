//! `fengqiao-hq assign` and `assignments` as a county admin runs them: a dispute brought in
//! on a USB stick from one post is handed to another post, which receives it with the reply
//! to its next bundle; a bad table, row or post is refused in Chinese with a non-zero exit
//! and nothing recorded.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use serde_json::{Value, json};

fn hq(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao-hq")).arg("--data").arg(data).args(args).output().unwrap()
}

fn hq_ok(data: &Path, args: &[&str]) -> String {
    let out = hq(data, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn hq_refused(data: &Path, args: &[&str]) -> String {
    let out = hq(data, args);
    assert!(!out.status.success(), "{args:?} should have been refused");
    String::from_utf8(out.stderr).unwrap()
}

fn call(api: &mut Api, method: &str, params: Value) -> Value {
    api.call(method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// A post enrolled at HQ through request and reply files, with `village`.
fn post(dir: &Path, data: &Path, name: &str, village: &str) -> Api {
    let mut api = Api::open(&dir.join(format!("{name}.db")), Arc::new(SystemClock)).unwrap();
    let req = dir.join(format!("{name}.req"));
    let reply = dir.join(format!("{name}.reply"));
    call(&mut api, "enroll.request", json!({"path": req, "name": name}));
    hq_ok(data, &["enroll", req.to_str().unwrap(), "--villages", village, "--out", reply.to_str().unwrap()]);
    call(&mut api, "enroll.accept", json!({"path": reply}));
    api
}

/// The post's bundle through `fengqiao-hq bundle import`, and HQ's reply back.
fn by_stick(dir: &Path, data: &Path, api: &mut Api) {
    let up = dir.join("up.fqsync");
    let down = dir.join("down.fqsync");
    call(api, "sync.export", json!({"path": up}));
    hq_ok(data, &["bundle", "import", up.to_str().unwrap(), "--reply-out", down.to_str().unwrap()]);
    call(api, "sync.import", json!({"path": down}));
}

fn disputes(api: &Api) -> Vec<String> {
    let mut stmt = api.store().conn().prepare("SELECT title FROM dispute").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn the_county_hands_a_dispute_to_another_post_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq_ok(&data, &["init", "--name", "县公安局"]);
    let mut a = post(dir.path(), &data, "山门警务室", "330326101201");
    let mut b = post(dir.path(), &data, "溪口警务室", "330326101202");
    let v = call(&mut a, "village.create", json!({"name": "青山村", "code": "330326101201"}));
    let d = call(
        &mut a,
        "dispute.create",
        json!({"source": "walk_in", "kind": "neighbour", "grade": "general", "title": "邻里排水纠纷",
               "village_id": v["id"], "parties": [{"role": "applicant", "name": "王建国"}]}),
    );
    let d = d["id"].as_str().unwrap();
    by_stick(dir.path(), &data, &mut a);
    by_stick(dir.path(), &data, &mut b);
    assert!(disputes(&b).is_empty());

    let e = hq_refused(&data, &["assign", "--post", "溪口警务室", "--table", "holiday", "--id", d]);
    assert!(e.contains("不是可以指派的数据表"), "{e}");
    let e = hq_refused(&data, &["assign", "--post", "溪口警务室", "--table", "dispute", "--id", "x"]);
    assert!(e.contains("县局数据中没有这条记录"), "{e}");
    let e = hq_refused(&data, &["assign", "--post", "北山警务室", "--table", "dispute", "--id", d]);
    assert!(e.contains("没有登记名为或标识为“北山警务室”的警务室"), "{e}");
    assert!(hq_ok(&data, &["assignments"]).contains("还没有指派"));

    let out = hq_ok(&data, &["assign", "--post", "溪口警务室", "--table", "dispute", "--id", d, "--note", "请联调"]);
    assert!(out.contains("已指派给“溪口警务室”"), "{out}");
    assert!(hq_ok(&data, &["assignments"]).contains("待送达"));
    by_stick(dir.path(), &data, &mut b);
    assert_eq!(disputes(&b), ["邻里排水纠纷"]);
    by_stick(dir.path(), &data, &mut b);
    let listed: Value = serde_json::from_str(&hq_ok(&data, &["assignments", "--json"])).unwrap();
    assert_eq!(listed[0]["delivered"], true, "{listed}");
    assert_eq!(listed[0]["note"], "请联调");
}
