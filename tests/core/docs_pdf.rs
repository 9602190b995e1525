//! The PDF documents read back the way a court clerk's software would: `pdftotext` must
//! give back every required field of AGREEMENTS.md, `pdffonts` must show the font
//! embedded as a subset, and `pdftoppm` renders every page to PNG under
//! `target/pdf-pages/` (kept by CI) for a person to look at.
//!
//! Needs poppler-utils (scripts/test.sh installs it).

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Post;
use fengqiao::demo::{DemoOptions, generate};
use fengqiao::docs::agreement::zh_date;
use fengqiao::model::time::parse_date;
use serde_json::{Value, json};

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed to read PDFs back ({e}); run: apt-get install -y poppler-utils"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The text of a PDF with all white space removed (justified lines and wrapping put
/// spaces and breaks in arbitrary places) and the page footers dropped.
fn pdf_text(path: &Path) -> String {
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    text.lines().filter(|l| !l.contains(" 页")).collect::<String>().chars().filter(|c| !c.is_whitespace()).collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("pdf-pages");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Renders every page to `target/pdf-pages/{stem}-N.png`.
fn render_pages(path: &Path, stem: &str) -> Vec<PathBuf> {
    let prefix = pages_dir().join(stem);
    tool("pdftoppm", &["-png", "-r", "70", path.to_str().unwrap(), prefix.to_str().unwrap()]);
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(pages_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&format!("{stem}-"))))
        .collect();
    pngs.sort();
    pngs
}

fn assert_subset_fonts(path: &Path) {
    let fonts = tool("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts: {fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert!(cols[0].contains('+'), "a subset font's name carries a tag: {row}");
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "embedded, subset, with Unicode map: {row}");
    }
}

fn demo_post() -> Post {
    let mut post = Post::new();
    generate(&mut post.api, DemoOptions { households: 300, seed: 11 }).unwrap();
    post
}

/// A dispute whose finalised agreement is of `kind`.
fn dispute_with(post: &Post, kind: &str) -> String {
    post.api
        .store()
        .conn()
        .query_row(
            "SELECT dispute_id FROM agreement WHERE kind = ?1 AND number IS NOT NULL AND finalised_at IS NOT NULL
             ORDER BY number_seq LIMIT 1",
            [kind],
            |r| r.get(0),
        )
        .unwrap()
}

fn date_text(s: &Value) -> String {
    zh_date(parse_date(s.as_str().unwrap()).unwrap())
}

/// Every required field of the agreement, as the text the PDF must contain.
fn required_texts(d: &Value) -> Vec<(String, String)> {
    let a = &d["agreement"];
    let mut want: Vec<(String, String)> = vec![
        ("文书编号".into(), a["number"].as_str().unwrap().into()),
        ("调解组织/机关".into(), a["issuer"].as_str().unwrap().into()),
        ("协议内容".into(), a["terms"].as_str().unwrap().into()),
        ("履行方式".into(), a["performance_method"].as_str().unwrap().into()),
        ("履行地点".into(), a["performance_place"].as_str().unwrap().into()),
        ("履行期限".into(), date_text(&a["performance_deadline"])),
        ("生效日期".into(), date_text(&a["effective_on"])),
        ("份数".into(), format!("本协议书一式{}份", a["copies"])),
        ("记录人".into(), format!("记录人：{}", a["recorder"].as_str().unwrap())),
        ("印章".into(), "（印章）".into()),
        ("指印".into(), "指印".into()),
        ("签名".into(), "签名、盖章或按指印".into()),
    ];
    for p in d["parties"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        for key in ["name", "sex", "ethnicity", "id_number", "address", "phone", "legal_rep"] {
            if let Some(v) = p[key].as_str() {
                let v = if key == "sex" { if v == "male" { "男" } else { "女" } } else { v };
                want.push((format!("当事人{name}的{key}"), v.into()));
            }
        }
        if let Some(b) = p["birth_date"].as_str() {
            want.push((format!("当事人{name}的出生日期"), format!("{}出生", zh_date(parse_date(b).unwrap()))));
        }
    }
    want
}

fn check_agreement(post: &mut Post, kind: &str, stem: &str) -> String {
    let id = dispute_with(post, kind);
    let d = post.call("dispute.get", json!({ "id": id }));
    let out = post.dir.path().join(format!("{stem}.pdf"));
    let w = post.call("agreement.pdf", json!({ "dispute_id": id, "path": out }));
    assert!(w["bytes"].as_u64().unwrap() <= 100_000, "an agreement stays small: {w}");
    let text = pdf_text(&out);
    for (what, value) in required_texts(&d) {
        assert!(text.contains(&squash(&value)), "{stem}: {what} “{value}” missing from the PDF text:\n{text}");
    }
    assert_subset_fonts(&out);
    let pngs = render_pages(&out, stem);
    assert_eq!(pngs.len() as u64, w["count"].as_u64().unwrap(), "one PNG per page");
    text
}

#[test]
fn peoples_agreement_prints_every_required_field_and_the_30_day_note() {
    let mut post = demo_post();
    let text = check_agreement(&mut post, "people", "agreement-people");
    let id = dispute_with(&post, "people");
    let d = post.call("dispute.get", json!({ "id": id }));
    assert!(text.contains("人民调解协议书"));
    for key in ["facts", "matters", "responsibility"] {
        let v = d[key].as_str().unwrap();
        assert!(text.contains(&squash(v)), "{key} “{v}” missing");
    }
    for m in d["agreement"]["mediators"].as_array().unwrap() {
        assert!(text.contains(&format!("人民调解员：{}", m.as_str().unwrap())), "mediator {m} missing");
    }
    assert!(text.contains("三十日内共同向人民法院申请司法确认"), "the judicial-confirmation note");
    assert!(text.contains("人民调解委员会留存一份"));
}

#[test]
fn security_agreement_prints_the_organ_presider_and_the_case() {
    let mut post = demo_post();
    let text = check_agreement(&mut post, "security", "agreement-security");
    let id = dispute_with(&post, "security");
    let d = post.call("dispute.get", json!({ "id": id }));
    assert!(text.contains("治安调解协议书"));
    let presider = d["agreement"]["presider_name"].as_str().unwrap();
    assert!(text.contains(&format!("主持人：{presider}")), "presider missing");
    for key in ["place", "cause", "course", "circumstances", "result"] {
        let v = d[key].as_str().unwrap_or_else(|| panic!("demo case lacks {key}"));
        assert!(text.contains(&squash(v)), "case field {key} “{v}” missing");
    }
    assert!(text.contains("发生时间"));
    for m in d["mediations"].as_array().unwrap() {
        if let Some(present) = m["attendees"].as_str().filter(|s| !s.trim().is_empty()) {
            assert!(text.contains(&format!("其他在场人员：{}", squash(present))), "others present “{present}”");
        }
    }
    assert!(text.contains("调解机关留存一份"));
    assert!(!text.contains("司法确认"), "the 30-day note belongs to the people's kind only");
}

#[test]
fn intake_form_and_follow_up_record_print() {
    let mut post = demo_post();
    let id = dispute_with(&post, "people");
    let d = post.call("dispute.get", json!({ "id": id }));
    let out = post.dir.path().join("intake.pdf");
    post.call("intake.pdf", json!({ "dispute_id": id, "path": out }));
    let text = pdf_text(&out);
    assert!(text.contains("矛盾纠纷调解登记表"));
    assert!(text.contains(&squash(d["title"].as_str().unwrap())));
    for p in d["parties"].as_array().unwrap() {
        assert!(text.contains(p["name"].as_str().unwrap()));
    }
    assert_subset_fonts(&out);
    render_pages(&out, "intake");

    let f = &d["follow_ups"][0];
    let out = post.dir.path().join("followup.pdf");
    post.call("followup.pdf", json!({ "follow_up_id": f["id"], "path": out }));
    let text = pdf_text(&out);
    assert!(text.contains("矛盾纠纷回访记录"));
    assert!(text.contains(&squash(d["agreement"]["number"].as_str().unwrap())), "carries the agreement's number");
    assert!(text.contains(&date_text(&f["due_on"])));
    render_pages(&out, "followup");
}

#[test]
fn an_unfinalised_or_oral_agreement_is_not_printed_and_a_missing_glyph_is_named() {
    let mut post = demo_post();
    let open: String = post
        .api
        .store()
        .conn()
        .query_row("SELECT id FROM dispute WHERE status IN ('registered', 'mediating') LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let out = post.dir.path().join("x.pdf");
    let e = post.refused("agreement.pdf", json!({ "dispute_id": open, "path": out }));
    assert_eq!(e["code"], "rule", "{e}");

    // A character the font lacks, in a party's address (as sync could bring in from a
    // post with another input method): refused, naming the field and the character.
    let id = dispute_with(&post, "people");
    let mut d = fengqiao::docs::agreement::dispute(post.api.store().conn(), &id, common::today()).unwrap();
    d.parties[0].address = Some("青山村3组🏠号".into());
    let e = fengqiao::docs::agreement::agreement_document(&d).unwrap_err();
    assert_eq!(e.field(), Some("parties[0]"), "{e}");
    assert!(e.to_string().contains("“🏠”"), "{e}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_monthly_report_is_one_page_and_the_ledgers_open() {
    let mut post = demo_post();
    let stats = post.call("stats.month", json!({ "month": "2026-11" }));
    assert!(stats["disputes"]["received"].as_i64().unwrap() > 0, "{stats}");
    let out = post.dir.path().join("月报.pdf");
    let w = post.call("stats.export", json!({ "month": "2026-11", "path": out }));
    assert_eq!(w["count"], 1, "one page");
    let text = pdf_text(&out);
    assert!(text.contains("工作统计"));
    assert!(text.contains(&format!("走访{}户次", stats["visits"])), "{text}");
    render_pages(&out, "monthly-report");
    let x = post.dir.path().join("月报.xlsx");
    post.call("stats.export", json!({ "month": "2026-11", "path": x }));
    for kind in ["disputes", "follow_ups", "errands", "incidents"] {
        let path = post.dir.path().join(format!("{kind}.xlsx"));
        let w = post.call("ledger.export", json!({ "kind": kind, "path": path }));
        assert!(w["count"].as_u64().unwrap() > 0, "{kind}: {w}");
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        use calamine::Reader;
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let header = range.rows().next().unwrap();
        assert!(header.iter().all(|c| matches!(c, calamine::Data::String(_))), "{kind}: Chinese headers");
        assert_eq!(range.rows().count() as u64, w["count"].as_u64().unwrap() + 1);
    }
}

/// The text pdftotext gives, in its reading order and with `-layout`, each line trimmed and
/// the lines joined with nothing between them: what a search of the PDF, or a paste from it,
/// sees (a wrapped line's break is no character in Chinese). The page footers are dropped:
/// a paragraph running onto the next page is read across them.
fn read_back(path: &Path) -> Vec<(&'static str, String)> {
    let path = path.to_str().unwrap();
    [("pdftotext", vec![path, "-"]), ("pdftotext -layout", vec!["-layout", path, "-"])]
        .into_iter()
        .map(|(how, args)| {
            let text = tool("pdftotext", &args);
            (how, text.lines().filter(|l| !is_footer(l)).map(str::trim).collect())
        })
        .collect()
}

/// A page's footer line, “…第 1 页  共 2 页” (spaces as extraction reads them).
fn is_footer(line: &str) -> bool {
    line.contains('第') && line.contains('页') && line.contains('共')
}

/// Every value reads back from the PDF exactly as typed, with and without `-layout`: each run
/// of it between its own spaces is found whole (no space put between its characters, as a
/// justified line spread by character spacing gave: “公 民 身 份 号 码 ：”), and the runs
/// follow one another.
fn assert_reads_as_typed(stem: &str, path: &Path, values: &[String]) {
    assert!(!values.is_empty());
    for (how, text) in read_back(path) {
        let squashed = squash(&text);
        for value in values {
            for run in value.split_whitespace() {
                assert!(text.contains(run), "{stem} ({how}): “{run}” of “{value}” is not read back as typed:\n{text}");
            }
            assert!(squashed.contains(&squash(value)), "{stem} ({how}): “{value}” is not read back:\n{text}");
        }
    }
}

/// What a party's line of an agreement carries, each part as typed.
fn party_texts(d: &Value) -> Vec<String> {
    let mut want = Vec::new();
    for p in d["parties"].as_array().unwrap() {
        want.push(p["name"].as_str().unwrap().to_owned());
        if let Some(n) = p["id_number"].as_str() {
            want.push(format!("公民身份号码：{n}"));
        }
        if let Some(b) = p["birth_date"].as_str() {
            want.push(format!("{}出生", zh_date(parse_date(b).unwrap())));
        }
        for (key, label) in [("address", "住址"), ("phone", "联系电话")] {
            if let Some(v) = p[key].as_str().filter(|v| !v.is_empty()) {
                want.push(format!("{label}：{v}"));
            }
        }
    }
    want
}

#[test]
fn every_document_reads_back_as_typed_with_and_without_layout() {
    let mut post = demo_post();
    for (kind, stem) in [("people", "typed-people"), ("security", "typed-security")] {
        let id = dispute_with(&post, kind);
        let d = post.call("dispute.get", json!({ "id": id }));
        let out = post.dir.path().join(format!("{stem}.pdf"));
        post.call("agreement.pdf", json!({ "dispute_id": id, "path": out }));
        let title = if kind == "people" { "人民调解协议书" } else { "治安调解协议书" };
        // The copies clause as the agreement words it, with spaces around the number.
        let mut want: Vec<String> =
            required_texts(&d).into_iter().filter(|(what, _)| what != "份数").map(|(_, v)| v).collect();
        want.push(format!("本协议书一式 {} 份", d["agreement"]["copies"]));
        want.extend(party_texts(&d));
        want.push(title.into());
        assert_reads_as_typed(stem, &out, &want);
    }

    let id = dispute_with(&post, "people");
    let d = post.call("dispute.get", json!({ "id": id }));
    let out = post.dir.path().join("typed-intake.pdf");
    post.call("intake.pdf", json!({ "dispute_id": id, "path": out }));
    let mut want = vec!["矛盾纠纷调解登记表".to_owned(), d["title"].as_str().unwrap().to_owned()];
    for p in d["parties"].as_array().unwrap() {
        want.push(p["name"].as_str().unwrap().to_owned());
        want.extend(p["id_number"].as_str().map(str::to_owned));
    }
    for key in ["facts", "matters"] {
        want.push(d[key].as_str().unwrap().to_owned());
    }
    assert_reads_as_typed("intake", &out, &want);

    let f = &d["follow_ups"][0];
    let out = post.dir.path().join("typed-followup.pdf");
    post.call("followup.pdf", json!({ "follow_up_id": f["id"], "path": out }));
    let names: Vec<&str> = d["parties"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let want = vec![
        "矛盾纠纷回访记录".to_owned(),
        format!("协议书编号：{}", d["agreement"]["number"].as_str().unwrap()),
        format!("当事人：{}", names.join("、")),
        format!("应回访日期：{}", date_text(&f["due_on"])),
    ];
    assert_reads_as_typed("followup", &out, &want);

    let stats = post.call("stats.month", json!({ "month": "2026-11" }));
    let out = post.dir.path().join("typed-month.pdf");
    post.call("stats.export", json!({ "month": "2026-11", "path": out }));
    let want = vec![
        "2026年11月工作统计".to_owned(),
        format!("走访 {} 户次。", stats["visits"]),
        format!("警情 {} 起", stats["incidents_total"]),
        format!("代办受理 {} 件", stats["errands"]["accepted"]),
    ];
    assert_reads_as_typed("monthly-report", &out, &want);
}

/// A day with more work than a page holds: the route sheet runs onto more pages, numbered,
/// every item on it, and a village carried over is headed again on the next page with its
/// columns (an item off the paper is a visit nobody makes).
#[test]
fn a_busy_days_route_sheet_runs_onto_more_pages_and_drops_nothing() {
    use fengqiao::model::PlanItemKind;
    use fengqiao::model::day_plan::{CareDue, DayFacts, PlanPlace, build};
    let today = common::today();
    let care = |v: &str, n: usize| CareDue {
        plan_id: format!("{v}-{n}"),
        person_name: Some(format!("{v}对象{n}")),
        head_name: None,
        tag: "elderly_alone".into(),
        interval_days: 30,
        started_on: parse_date("2026-01-01").unwrap(),
        last_visit: None,
        paired: Some("李明".into()),
        place: PlanPlace {
            village_id: Some(v.into()),
            village_name: Some(v.into()),
            group_name: Some(format!("{}组", n % 9 + 1)),
            address: Some(format!("{v}{}组{n}号", n % 9 + 1)),
        },
    };
    // Sixty in the first village, one in the last: the village that came last used to be cut.
    let mut facts = DayFacts::default();
    facts.care.extend((0..60).map(|n| care("青山村", n)));
    facts.care.push(care("石桥村", 1));
    let plan = build(today, &facts);
    assert_eq!(plan.counts[0].kind, PlanItemKind::CareVisit);
    let doc = fengqiao::docs::day_plan::document(&plan, "青山中心警务室");
    let r = fengqiao::docs::pdf::render(&doc).unwrap();
    assert!(r.pages >= 2, "sixty-one items take more than a page: {}", r.pages);
    let path = pages_dir().join("route-sheet.pdf");
    std::fs::write(&path, &r.bytes).unwrap();
    let raw = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    let pages: Vec<&str> = raw.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages.len(), r.pages);
    assert_eq!(raw.matches('□').count(), 61, "a box per item");
    for (n, page) in pages.iter().enumerate().skip(1) {
        assert!(page.contains(&format!("第{}页 共{}页", n + 1, r.pages)), "{page}");
        if page.contains('□') {
            assert!(page.contains("要做的事"), "the columns again on page {}: {page}", n + 1);
        }
    }
    assert!(squash(pages[1]).starts_with("青山村（续）"), "{}", pages[1]);
    let text = pdf_text(&path);
    assert!(text.contains("石桥村（1项）") && text.contains("石桥村对象1"), "{text}");
    render_pages(&path, "route-sheet");
}
