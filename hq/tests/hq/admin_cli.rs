//! HQ's admin commands as a county admin runs them.
//! - `assign`, `assignments`, `unassign`: a dispute brought in on a USB stick from one post is
//!   handed to another post, which receives it with the reply to its next bundle, and HQ's
//!   status page lists it; a bad
//!   table, row or post is refused in Chinese with a non-zero exit and nothing recorded; a
//!   withdrawn assignment leaves the post what it has.
//! - `bundle import` builds the search entries HQ deferred past the import, and works on
//!   HQ's file while another process has it open; the same bundle twice is answered with a
//!   fresh reply, an older one is turned away with what to do.
//! - `alarms`: a post's audit chain cut back shows as an alarm until marked seen.
//! - `calendar`: a year entered from the notice's lines reaches the post with its next
//!   bundle; a wrong line is refused in Chinese and changes nothing.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use fengqiao::api::Api;
use fengqiao::model::time::SystemClock;
use serde_json::{Value, json};

use crate::loopback::Loopback;

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
    let req = dir.join(format!("{name}.fqreq"));
    let reply = dir.join(format!("{name}.fqreply"));
    call(&mut api, "enroll.request", json!({"path": req, "name": name}));
    hq_ok(data, &["enroll", req.to_str().unwrap(), "--villages", village, "--out", reply.to_str().unwrap()]);
    call(&mut api, "enroll.accept", json!({"path": reply}));
    api
}

/// The post's bundle through `fengqiao-hq bundle import`, and HQ's reply back (the same
/// two files on the stick each time, replaced); what HQ printed.
fn by_stick(dir: &Path, data: &Path, api: &mut Api) -> String {
    let up = dir.join("up.fqsync");
    let down = dir.join("down.fqsync");
    call(api, "sync.export", json!({"path": up, "overwrite": true}));
    let said =
        hq_ok(data, &["bundle", "import", up.to_str().unwrap(), "--reply-out", down.to_str().unwrap(), "--overwrite"]);
    call(api, "sync.import", json!({"path": down}));
    said
}

/// What HQ's server shows at `/` to anyone on the network (no login), served from `data`
/// on loopback for one request.
fn open_page(data: &Path) -> String {
    let server = Loopback::start(fengqiao_hq::open(data).unwrap());
    let page = ureq::get(&format!("{}/", server.base)).call().unwrap().body_mut().read_to_string().unwrap();
    server.stop();
    page
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
    let g = call(&mut a, "group.create", json!({"village_id": v["id"], "name": "3组"}));
    let h = call(&mut a, "household.create", json!({"village_id": v["id"], "group_id": g["id"], "house_no": "12"}));
    call(&mut a, "person.create", json!({"household_id": h["id"], "name": "李秀英", "residence": "permanent"}));
    let said = by_stick(dir.path(), &data, &mut a);
    assert!(said.contains("已导入来自“山门警务室”的第 1 号同步包"), "the post by its name: {said}");
    // The same file again (the officer plugs the stick in twice, or lost the reply): it
    // used to be refused as a replay, leaving the officer an alarm and no reply to carry
    // home. Now it is answered as imported before, exit 0, nothing applied twice, and a
    // fresh reply the post imports; the post is named, not its node id.
    let up = dir.path().join("up.fqsync");
    let down = dir.path().join("down.fqsync");
    let first_up = dir.path().join("up-1.fqsync");
    std::fs::copy(&up, &first_up).unwrap();
    let changes = || -> i64 {
        let hq = fengqiao_hq::open(&data).unwrap();
        hq.store().conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
    };
    let before = changes();
    let said =
        hq_ok(&data, &["bundle", "import", up.to_str().unwrap(), "--reply-out", down.to_str().unwrap(), "--overwrite"]);
    assert!(said.contains("来自“山门警务室”的第 1 号同步包县局已导入过") && said.contains("没有重复导入"), "{said}");
    assert!(said.contains("已重新生成回复包") && !said.contains("重放"), "{said}");
    assert!(!said.contains(&a.store().node_id().to_string()), "{said}");
    assert_eq!(changes(), before, "nothing applied twice");
    let got = call(&mut a, "sync.import", json!({"path": down}));
    assert_eq!((got["counter"].as_i64(), got["repeat"].as_bool()), (Some(2), Some(false)), "a fresh reply: {got}");
    // An older bundle than HQ has from the post: said plainly, with what to do; non-zero.
    by_stick(dir.path(), &data, &mut a);
    let before = changes();
    let said = hq_refused(
        &data,
        &["bundle", "import", first_up.to_str().unwrap(), "--reply-out", down.to_str().unwrap(), "--overwrite"],
    );
    assert!(said.contains("来自“山门警务室”的第 1 号同步包是旧包") && said.contains("第 2 号"), "{said}");
    assert!(said.contains("请在警务室重新导出同步包"), "{said}");
    assert!(!said.contains(&a.store().node_id().to_string()), "{said}");
    assert_eq!(changes(), before);
    // The import from the command line also builds the search entries it deferred.
    let probe = fengqiao_hq::open(&data).unwrap();
    let queued: i64 = probe.store().conn().query_row("SELECT count(*) FROM search_pending", [], |r| r.get(0)).unwrap();
    assert_eq!(queued, 0);
    let grams: i64 = probe
        .store()
        .conn()
        .query_row("SELECT count(*) FROM search_gram WHERE gram = '李秀'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(grams, 1);
    // HQ's file is shared: `bundle import` works on it while a server (here `probe`) has it
    // open, where a post's database would be refused to a second process.
    by_stick(dir.path(), &data, &mut b);
    drop(probe);
    assert!(disputes(&b).is_empty());

    let e = hq_refused(&data, &["assign", "--post", "溪口警务室", "--table", "holiday", "--id", d]);
    assert!(e.contains("不是可以指派的数据表"), "{e}");
    let e = hq_refused(&data, &["assign", "--post", "溪口警务室", "--table", "dispute", "--id", "x"]);
    assert!(e.contains("县局数据中没有这条记录"), "{e}");
    let e = hq_refused(&data, &["assign", "--post", "北山警务室", "--table", "dispute", "--id", d]);
    assert!(e.contains("没有登记名为或标识为“北山警务室”的警务室"), "{e}");
    assert!(hq_ok(&data, &["assignments"]).contains("还没有指派"));

    let out = hq_ok(&data, &["assign", "--post", "溪口警务室", "--table", "dispute", "--id", d, "--note", "请联调"]);
    assert!(out.contains("已指派给“溪口警务室”：矛盾纠纷“邻里排水纠纷”"), "{out}");
    let out = hq_ok(&data, &["assignments"]);
    assert!(out.contains("溪口警务室  矛盾纠纷“邻里排水纠纷”  待送达  请联调"), "{out}");
    // The open page once listed assignments, whose titles carry residents' names; it names
    // none now (the county console shows them after a login).
    let page = open_page(&data);
    assert!(
        page.contains("转交 U 盘同步包") && !page.contains("邻里排水纠纷") && !page.contains("溪口警务室"),
        "{page}"
    );
    by_stick(dir.path(), &data, &mut b);
    assert_eq!(disputes(&b), ["邻里排水纠纷"]);
    by_stick(dir.path(), &data, &mut b);
    let listed: Value = serde_json::from_str(&hq_ok(&data, &["assignments", "--json"])).unwrap();
    assert_eq!(listed[0]["delivered"], true, "{listed}");
    assert_eq!(listed[0]["note"], "请联调");

    let id = listed[0]["id"].as_str().unwrap();
    let out = hq_ok(&data, &["unassign", id]);
    assert!(out.contains("已撤回给“溪口警务室”的指派：矛盾纠纷“邻里排水纠纷”"), "{out}");
    assert!(hq_ok(&data, &["assignments"]).contains("已撤回"));
    let e = hq_refused(&data, &["unassign", id]);
    assert!(e.contains("或已撤回"), "{e}");
    by_stick(dir.path(), &data, &mut b);
    assert_eq!(call(&mut b, "assignment.list", json!({})), json!([]));
    assert_eq!(disputes(&b), ["邻里排水纠纷"], "the post keeps what it has");
}

#[test]
fn an_audit_chain_cut_back_shows_as_an_alarm_until_marked_seen() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq_ok(&data, &["init", "--name", "县公安局"]);
    let mut a = post(dir.path(), &data, "山门警务室", "330326101201");
    call(&mut a, "village.create", json!({"name": "青山村", "code": "330326101201"}));
    by_stick(dir.path(), &data, &mut a);
    assert!(hq_ok(&data, &["alarms"]).contains("没有未处理的审计告警"));

    // The post's audit log loses its latest entries (past the triggers), as an old backup
    // restored would.
    let conn = a.store().conn();
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 1;").unwrap();
    by_stick(dir.path(), &data, &mut a);
    let out = hq_ok(&data, &["alarms"]);
    assert!(out.contains("山门警务室") && out.contains("审计日志回退"), "{out}");
    let e = hq_refused(&data, &["alarms", "--seen", "999"]);
    assert!(e.contains("没有第 999 号未处理的审计告警"), "{e}");
    // One line per alarm, its number first (the cut also removed the anchored entry).
    for line in out.lines() {
        let id = line.split_whitespace().next().unwrap();
        assert!(hq_ok(&data, &["alarms", "--seen", id]).contains("已标记为已处理"));
    }
    assert!(hq_ok(&data, &["alarms"]).contains("没有未处理的审计告警"));
    assert!(hq_ok(&data, &["alarms", "--all"]).contains("（已处理）"));
}

/// `calendar`: the county admin enters a year from the notice's lines in a text file; a
/// wrong file is refused in Chinese with nothing changed; the post receives the year with
/// its next bundle, shows it and may not change it.
#[test]
fn the_county_enters_a_years_calendar_from_the_notice_and_the_post_receives_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    hq_ok(&data, &["init", "--name", "县公安局"]);
    let mut a = post(dir.path(), &data, "山门警务室", "330326101201");
    let shown = hq_ok(&data, &["calendar", "2027"]);
    assert!(shown.contains("2027 年节假日安排尚未录入，期限按周一至周五计算"), "{shown}");
    let file = dir.path().join("2027.txt");
    std::fs::write(&file, "# 国务院办公厅通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月5日（周五）上班。\n").unwrap();
    let e = hq_refused(&data, &["calendar", "2027", "--file", file.to_str().unwrap()]);
    assert!(e.contains("2027-02-05 是星期五，本来就上班"), "{e}");
    assert!(hq_ok(&data, &["calendar", "2027"]).contains("尚未录入"));
    std::fs::write(&file, "# 国务院办公厅通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。\n").unwrap();
    let said = hq_ok(&data, &["calendar", "2027", "--file", file.to_str().unwrap()]);
    assert!(said.contains("已录入 2027 年工作日历（13 天）"), "{said}");
    assert!(said.contains("2027-02-20  星期六  上班  春节"), "{said}");
    assert!(!call(&mut a, "calendar.year", json!({"year": 2027}))["entered"].as_bool().unwrap());
    by_stick(dir.path(), &data, &mut a);
    let year = call(&mut a, "calendar.year", json!({"year": 2027}));
    assert_eq!((year["entered"].clone(), year["editable"].clone()), (json!(true), json!(false)));
    assert_eq!(year["days"].as_array().unwrap().len(), 13);
    let e = a.call("calendar.save", json!({"year": 2027, "text": "元旦：1月1日放假"})).unwrap_err();
    assert!(e.to_string().contains("由县局统一录入"), "{e}");
}
