//! The documents from the command line, as an officer or a script uses them: real
//! processes on a real database file.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;

fn run(cli: &Path, db: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(cli);
    cmd.arg("--db").arg(db).args(args).env("FENGQIAO_NOW", "2026-11-23T09:00:00+08:00");
    cmd
}

/// The CLI as built, told where the source tree's fonts are.
fn fengqiao(db: &Path, args: &[&str]) -> Output {
    run(Path::new(env!("CARGO_BIN_EXE_fengqiao")), db, args)
        .env("FENGQIAO_FONT_DIR", common::source_fonts())
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = fengqiao(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn agreement_ledgers_stats_and_import_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "300", "--seed", "3"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for kind in ["people", "security"] {
        let id: String = conn
            .query_row("SELECT dispute_id FROM agreement WHERE kind = ?1 AND number IS NOT NULL LIMIT 1", [kind], |r| {
                r.get(0)
            })
            .unwrap();
        let pdf = dir.path().join(format!("{kind}.pdf"));
        let said = ok(&db, &["agreement", &id, "--out", pdf.to_str().unwrap()]);
        assert!(said.contains("已生成协议书"), "{said}");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    }

    let xlsx = dir.path().join("代办.xlsx");
    let said = ok(&db, &["export-xlsx", "--ledger", "代办台账", "--month", "2026-11", "--out", xlsx.to_str().unwrap()]);
    assert!(said.contains("已导出代办台账"), "{said}");
    assert!(xlsx.exists());
    let bad = fengqiao(&db, &["export-xlsx", "--ledger", "账本", "--out", xlsx.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("没有名为“账本”的台账"));

    let stats: Value = serde_json::from_str(&ok(&db, &["--json", "stats", "--month", "2026-11"])).unwrap();
    assert_eq!(stats["month"], "2026-11");
    assert!(stats["disputes"]["received"].as_i64().unwrap() > 0);
    let text = ok(&db, &["stats", "--month", "2026-11"]);
    assert!(text.contains("成功率"), "{text}");
    let bad = fengqiao(&db, &["stats", "--month", "2026-13"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("月份“2026-13”格式不对"));

    // The households ledger re-imported: every resident matched by ID number or name.
    let roster = dir.path().join("人口.xlsx");
    ok(&db, &["export-xlsx", "--ledger", "households", "--out", roster.to_str().unwrap()]);
    let before: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    let preview: Value =
        serde_json::from_str(&ok(&db, &["--json", "import-xlsx", roster.to_str().unwrap(), "--dry-run"])).unwrap();
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["persons_created"], 0, "{}", preview["actions"]);
    assert_eq!(preview["households_created"], 0);
    let after: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    assert_eq!(before, after, "a dry run writes nothing");
}

/// `to` as a hard link to `from` when both are on one file system (the CLI is large), else
/// a copy.
fn place(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).unwrap();
    }
}

#[test]
fn the_installed_cli_prints_with_the_fonts_of_its_package_and_no_others() {
    // The layout of the .deb: /usr/bin/fengqiao, the app's resources in /usr/lib/fengqiao-desk.
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let cli = root.path().join("usr/bin/fengqiao");
    place(Path::new(env!("CARGO_BIN_EXE_fengqiao")), &cli);
    let fonts: PathBuf = root.path().join("usr/lib/fengqiao-desk/fonts");
    let db = root.path().join("post.db");
    let installed = |args: &[&str]| run(&cli, &db, args).env_remove("FENGQIAO_FONT_DIR").output().unwrap();
    let out = installed(&["demo", "--households", "30", "--seed", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = root.path().join("月报.pdf");
    let report = ["stats", "--month", "2026-11", "--out", pdf.to_str().unwrap()];

    // Fonts missing from the package: refused, saying where it looked; never the source tree.
    let out = installed(&report);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "printed without the package's fonts: {said}");
    assert!(said.contains("找不到文书字体"), "{said}");
    assert!(said.contains(&fonts.display().to_string()), "names the package's font directory: {said}");
    assert!(!said.contains(&common::source_fonts().display().to_string()), "looked in the source tree: {said}");
    assert!(!pdf.exists());

    for file in ["NotoSerifSC-Regular.ttf", "NotoSerifSC-Bold.ttf"] {
        place(&common::source_fonts().join(file), &fonts.join(file));
    }
    let out = installed(&report);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("2026年11月工作统计"), "{text}");
}

/// 结对帮扶 and 今日工作 from the command line: the demo's plans are on the day's plan, a visit
/// recorded against one takes it off, and the route sheet prints every item of the day (a
/// busy day runs onto more pages, numbered, rather than leave a visit off the paper).
#[test]
fn care_plans_and_the_days_plan_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "60"]);
    let call =
        |method: &str, params: &str| -> Value { serde_json::from_str(&ok(&db, &["call", method, params])).unwrap() };
    let due = call("care.list", r#"{"due_only": true}"#);
    assert!(due["total"].as_i64().unwrap() > 0, "the demo has plans due: {due}");
    let plan = due["items"][0]["id"].as_str().unwrap().to_owned();
    let listed = |plan: &str| {
        let day = call("day_plan.get", "{}");
        day.to_string().contains(&format!("\"record_id\":\"{plan}\""))
    };
    assert!(listed(&plan));
    // The route sheet lists every item of the day, each page numbered.
    let pdf = dir.path().join("今日工作.pdf");
    let w = call("day_plan.pdf", &serde_json::json!({"path": pdf}).to_string());
    assert_eq!(w["path"], pdf.to_str().unwrap());
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("今日工作路线单"), "{text}");
    let pages = text.matches('\u{c}').count();
    assert_eq!(w["count"].as_u64(), Some(pages as u64), "count is the sheet's pages");
    for n in 1..=pages {
        assert!(text.contains(&format!("第{n}页 共{pages}页")), "page {n} of {pages}: {text}");
    }
    // One box to tick per item: none left off.
    let day = call("day_plan.get", "{}");
    assert_eq!(text.matches('□').count() as i64, day["total"].as_i64().unwrap(), "{text}");
    let name = due["items"][0]["name"].as_str().unwrap();
    assert!(text.contains("帮扶") && text.contains(name), "{name}: {text}");
    let v = call("care.visit", &format!(r#"{{"id": "{plan}"}}"#));
    assert_eq!(v["visited_on"], "2026-11-23");
    assert!(!listed(&plan), "visited today: off the day's plan");
    let month = call("care.month", r#"{"month": "2026-11"}"#);
    assert!(month["total"]["done"].as_i64().unwrap() >= 1, "{month}");
}

/// The rows of the first sheet of a workbook the CLI wrote, as text (numbers as integers).
fn first_sheet(path: &Path) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{}", *f as i64),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// 驿站 from the command line: the demo's stations' month figures are the 驿站台账's, the
/// errand ledger names the station and the assistant of each errand collected there, and the
/// 月报 and `fengqiao stats` carry the stations' figures.
#[test]
fn station_ledgers_and_the_monthly_report_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "60"]);
    let month: Value =
        serde_json::from_str(&ok(&db, &["call", "service_station.month", r#"{"month": "2026-11"}"#])).unwrap();
    let month = month.as_array().unwrap().clone();
    assert_eq!(month.len(), 2, "the demo's two stations: {month:?}");
    let total = |k: &str| month.iter().map(|s| s[k].as_i64().unwrap()).sum::<i64>();
    assert!(total("requests") > 0 && total("no_trip") > 0, "{month:?}");

    let stations = dir.path().join("驿站.xlsx");
    let said =
        ok(&db, &["export-xlsx", "--ledger", "stations", "--month", "2026-11", "--out", stations.to_str().unwrap()]);
    assert!(said.contains("已导出驿站台账"), "{said}");
    let rows = first_sheet(&stations);
    let col = |h: &str| rows[0].iter().position(|c| c == h).unwrap_or_else(|| panic!("no column {h}: {:?}", rows[0]));
    assert_eq!(rows.len(), 3, "a header and two stations: {rows:?}");
    for s in &month {
        let row = rows.iter().find(|r| r[col("驿站名称")] == s["name"].as_str().unwrap()).expect("the station's row");
        for (header, key) in [("收集诉求", "requests"), ("办结代办", "done"), ("一次不用跑", "no_trip")] {
            assert_eq!(row[col(header)], s[key].as_i64().unwrap().to_string(), "{header} of {row:?}");
        }
        assert!(!row[col("警务助理")].is_empty(), "its assistants serving today: {row:?}");
    }

    let errands = dir.path().join("代办.xlsx");
    ok(&db, &["export-xlsx", "--ledger", "errands", "--month", "2026-11", "--out", errands.to_str().unwrap()]);
    let rows = first_sheet(&errands);
    let col = |h: &str| rows[0].iter().position(|c| c == h).unwrap_or_else(|| panic!("no column {h}: {:?}", rows[0]));
    let at_stations: Vec<&Vec<String>> = rows[1..].iter().filter(|r| !r[col("受理驿站")].is_empty()).collect();
    assert_eq!(at_stations.len() as i64, total("requests"), "every request collected this month, with its station");
    assert!(at_stations.iter().all(|r| !r[col("警务助理")].is_empty()), "and the assistant who took it");

    let pdf = dir.path().join("月报.pdf");
    let said = ok(&db, &["stats", "--month", "2026-11", "--out", pdf.to_str().unwrap()]);
    for s in &month {
        assert!(said.contains(s["name"].as_str().unwrap()), "fengqiao stats lists each station: {said}");
    }
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(text.stdout).unwrap();
    assert_eq!(text.matches('\u{c}').count(), 1, "one page");
    let text: String = text.split_whitespace().collect();
    let line = format!("驿站2个收集{}、办结{}、一次不用跑{}件", total("requests"), total("done"), total("no_trip"));
    assert!(text.contains(&line), "{line} in: {text}");
}

/// 法律顾问 from the command line: the demo's lawyer and sittings exported as the
/// 法律顾问坐班台账 and read back, the month's figures in `fengqiao stats`, and the line of the
/// one-page 月报 read back with pdftotext.
#[test]
fn the_lawyers_sittings_ledger_stats_and_monthly_report_from_the_cli() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "60"]);
    let xlsx = dir.path().join("坐班.xlsx");
    let said = ok(&db, &["export-xlsx", "--ledger", "sittings", "--month", "2026-11", "--out", xlsx.to_str().unwrap()]);
    assert!(said.contains("已导出法律顾问坐班台账"), "{said}");
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(wb.sheet_names(), ["法律顾问坐班台账（2026-11）"]);
    let rows: Vec<Vec<Data>> =
        wb.worksheet_range("法律顾问坐班台账（2026-11）").unwrap().rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..6], ["坐班日期", "律师姓名", "身份", "律师事务所", "执业证号", "坐班时长（小时）"]);
    // The demo's weekly sittings of November (the 7th, 14th and 21st), the earliest first.
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[1][1], Data::String("孙明远".into()));
    assert_eq!(rows[1][2], Data::String("驻所律师".into()));
    assert_eq!(rows[1][4], Data::String("13303201510234567".into()), "the licence number stays text");
    assert!(matches!(rows[1][5], Data::Float(h) if h == 3.0 || h == 3.5), "{:?}", rows[1][5]);

    let stats: Value = serde_json::from_str(&ok(&db, &["--json", "stats", "--month", "2026-11"])).unwrap();
    let c = &stats["counsel"];
    assert_eq!(c["sittings"], 3, "{c}");
    assert!(c["disputes"].as_i64().unwrap() >= 1 && c["video_rounds"].as_i64().unwrap() <= 1, "{c}");
    let text = ok(&db, &["stats", "--month", "2026-11"]);
    assert!(text.contains(&format!("法律顾问：坐班 3 次 {} 小时", c["hours"])), "{text}");

    let pdf = dir.path().join("月报.pdf");
    ok(&db, &["stats", "--month", "2026-11", "--out", pdf.to_str().unwrap()]);
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let report = String::from_utf8(out.stdout).unwrap().replace('\n', "");
    assert!(report.contains("法律顾问：坐班 3 次"), "{report}");
    assert!(report.contains(&format!("咨询 {}、接待 {} 人次", c["consultations"], c["people_served"])), "{report}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// 表彰奖励 from the command line: the demo's nominations and one recorded, approved and
/// paid through `call`, exported as the 表彰奖励台账 (read back) and counted in `stats` and
/// its one-page 月报 (read back with pdftotext) beside the 网格红包.
#[test]
fn awards_from_the_cli_reach_the_ledger_and_the_monthly_report() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("post.db");
    ok(&db, &["demo", "--households", "60"]);
    let call =
        |method: &str, params: &str| -> Value { serde_json::from_str(&ok(&db, &["call", method, params])).unwrap() };
    let village = call("village.list", "{}")[0]["id"].as_str().unwrap().to_owned();
    let a = call(
        "award.create",
        &serde_json::json!({"kind": "valor", "name": "严桂英", "village_id": village, "deed": "协助民警抓获抢夺嫌疑人",
                            "deed_on": "2026-11-20"})
        .to_string(),
    );
    call("award.decide", &serde_json::json!({"id": a["id"], "decision": "approved", "amount_yuan": "500"}).to_string());
    call("award.pay", &serde_json::json!({"id": a["id"]}).to_string());

    let xlsx = dir.path().join("表彰奖励.xlsx");
    let said = ok(&db, &["export-xlsx", "--ledger", "awards", "--month", "2026-11", "--out", xlsx.to_str().unwrap()]);
    assert!(said.contains("已导出表彰奖励台账"), "{said}");
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let rows: Vec<Vec<Data>> =
        book.worksheet_range("表彰奖励台账（2026-11）").unwrap().rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 1 + 5, "the demo's four nominations of November and the new one");
    let ours = rows.iter().find(|r| r.contains(&Data::String("严桂英".into()))).expect("the new nomination");
    for cell in ["见义勇为", "批准", "县见义勇为基金会", "协助民警抓获抢夺嫌疑人"] {
        assert!(ours.contains(&Data::String(cell.into())), "{cell}: {ours:?}");
    }
    assert!(ours.contains(&Data::Float(500.0)), "{ours:?}");

    let text = ok(&db, &["stats", "--month", "2026-11"]);
    assert!(text.contains("表彰奖励：见义勇为提名 3、批准 2，好人提名 2、批准 0，发放奖金 1,700.00 元"), "{text}");
    let pdf = dir.path().join("月报.pdf");
    ok(&db, &["stats", "--month", "2026-11", "--out", pdf.to_str().unwrap()]);
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    let raw = String::from_utf8(out.stdout).unwrap();
    assert_eq!(raw.matches('\u{c}').count(), 1, "one page: {raw}");
    let text: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    for part in ["见义勇为提名3、批准2，好人提名2、批准0，发放奖金1,700.00元", "连同网格红包共发放"]
    {
        assert!(text.contains(part), "{part} not in: {text}");
    }
}
