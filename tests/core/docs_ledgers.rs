//! The prevention ledgers (群防群治台账) written through `ledger.export` and read back with
//! calamine: Chinese headers, labels instead of codes, money in yuan, real dates, the month
//! cut, and the 五无 ledger by year.

#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::Path;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use common::{Post, id};
use fengqiao::demo::{DemoOptions, generate};
use serde_json::{Value, json};

/// A workbook read back: (tab name, rows) for every sheet.
type Book = Vec<(String, Vec<Vec<Data>>)>;

fn read_book(path: &Path) -> Book {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let names = wb.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let rows = wb.worksheet_range(&n).unwrap().rows().map(|r| r.to_vec()).collect();
            (n, rows)
        })
        .collect()
}

fn s(v: &str) -> Data {
    Data::String(v.into())
}

/// The cell under `header` in `row`.
fn at<'a>(rows: &'a [Vec<Data>], row: usize, header: &str) -> &'a Data {
    let c = rows[0].iter().position(|h| *h == s(header)).unwrap_or_else(|| panic!("no column {header}: {:?}", rows[0]));
    &rows[row][c]
}

fn export(post: &mut Post, params: Value) -> (Value, Book) {
    let kind = params["kind"].as_str().unwrap().to_owned();
    let path = post.dir.path().join(format!("{kind}-{}.xlsx", params["month"].as_str().unwrap_or("all")));
    let mut p = params;
    p["path"] = json!(path);
    // The same ledger is exported again after changes: replacing the file is intended.
    p["overwrite"] = json!(true);
    let w = post.call("ledger.export", p);
    (w, read_book(&path))
}

/// A post with a month of prevention work in November 2026 and some in October.
fn post_with_prevention_work() -> (Post, String) {
    let mut post = Post::new();
    let (vid, _, hid) = post.household("青山村", "1");
    let (other, _, _) = post.household("石门村", "2");
    let officer = post.call("officer.create", json!({"name": "周立新", "role": "officer"}));
    let p = post.call(
        "person.create",
        json!({"household_id": hid, "name": "林秀英", "phone": "13800001111", "id_number": "330326198503120024"}),
    );
    let team = post.call("team.create", json!({"name": "木兰女子巡防队", "village_id": vid}));
    let lin = post.call(
        "volunteer.create",
        json!({"person_id": id(&p), "role": "巡防队员", "team_id": id(&team), "village_id": vid,
               "active_from": "2025-03-08", "training": "消防器材使用"}),
    );
    let gone = post.call(
        "volunteer.create",
        json!({"name": "陈国平", "phone": "13900002222", "role": "义警", "village_id": other, "active_from": "2024-01-01"}),
    );
    post.call("volunteer.end", json!({"id": id(&gone), "on": "2026-10-15"}));
    post.call(
        "patrol.create",
        json!({
            "team_id": id(&team), "volunteer_ids": [id(&lin)], "officer_id": id(&officer),
            "started_at": "2026-11-20 19:30", "ended_at": "2026-11-20 21:00",
            "mode": "交叉巡", "village_id": vid, "route": "村口—文化礼堂—后山", "places": "文化礼堂",
            "findings": [
                {"description": "楼道私拉电线充电", "handling": "hazard", "hazard_kind": "illegal_charging"},
                {"description": "后山有人聚赌", "handling": "lead"},
                {"description": "门未锁", "handling": "handled", "result": "已提醒"}
            ]
        }),
    );
    // Late on 31 October in Beijing is still October, though already November in UTC… and
    // 00:30 on 1 November in Beijing is 31 October in UTC, yet November's.
    post.call(
        "patrol.create",
        json!({"volunteer_ids": [id(&lin)], "started_at": "2026-11-01 00:30", "ended_at": "2026-11-01 01:30", "mode": "定点巡"}),
    );
    post.call(
        "patrol.create",
        json!({"volunteer_ids": [id(&lin)], "started_at": "2026-10-31 22:00", "ended_at": "2026-10-31 23:00", "mode": "fixed"}),
    );
    let hazard = post.call("hazard.list", json!({})).as_array().unwrap()[0].clone();
    post.call(
        "hazard.verify",
        json!({"id": id(&hazard), "on": "2026-11-21", "deadline": "2026-11-22", "owner": "王建国"}),
    );
    post.call("hazard.reward", json!({"id": id(&hazard), "reward_yuan": "20"}));
    let lead = post.call("lead.list", json!({})).as_array().unwrap()[0].clone();
    post.call("lead.advance", json!({"id": id(&lead), "to": "closed", "handling": "核查后驱散，未发现赌资"}));
    for (day, village, aud, regs) in
        [("2026-11-05", &vid, 80, 20), ("2026-11-12", &vid, 120, 35), ("2026-11-18", &other, 50, 10)]
    {
        post.call(
            "outreach.create",
            json!({"held_on": day, "topic": "反诈", "title": "守护钱袋子", "place": "文化礼堂", "village_id": village,
                   "audience": aud, "leaflets": 100, "app_registrations": regs, "officer_id": id(&officer)}),
        );
    }
    post.call("outreach.create", json!({"held_on": "2026-10-20", "topic": "禁毒", "place": "小学", "audience": 300}));
    let f = post
        .call("feedback.create", json!({"received_on": "2026-11-10", "channel": "意见箱", "content": "村口路灯坏了"}));
    post.call("feedback.answer", json!({"id": id(&f), "answer": "已联系村委会更换", "officer_id": id(&officer)}));
    post.call(
        "feedback.create",
        json!({"received_on": "2026-11-11", "channel": "警民恳谈", "content": "希望夜间多巡逻", "from_name": "王建国", "village_id": vid}),
    );
    post.call(
        "incident.create",
        json!({"occurred_at": "2026-05-01 10:00", "place": "石门村", "village_id": other, "kind": "fraud",
               "summary": "冒充客服诈骗", "disposition": "case_opened", "case_no": "青山公（刑）立字〔2026〕12号"}),
    );
    post.call(
        "five_nones.confirm",
        json!({"village_id": vid, "year": 2026, "no_cases": true, "no_fraud": true, "no_drugs": true,
               "no_petitions": true, "no_cults": true, "officer_id": id(&officer), "notes": "全年无案"}),
    );
    (post, vid)
}

#[test]
fn volunteers_are_listed_by_the_month_they_served_in() {
    let (mut post, _) = post_with_prevention_work();
    let (w, book) = export(&mut post, json!({"kind": "volunteers", "month": "2026-11"}));
    let rows = &book[0].1;
    assert_eq!(book[0].0, "群防群治力量台账（2026-11）");
    assert_eq!(w["count"], 1, "the one who left in October is not on November's ledger");
    assert_eq!(*at(rows, 1, "姓名"), s("林秀英"));
    assert_eq!(*at(rows, 1, "性别"), s("女"), "from the linked resident");
    assert_eq!(*at(rows, 1, "公民身份号码"), s("330326198503120024"));
    assert_eq!(*at(rows, 1, "身份"), s("巡防队员"));
    assert_eq!(*at(rows, 1, "所属队伍"), s("木兰女子巡防队"));
    assert_eq!(*at(rows, 1, "在岗状态"), s("在岗"));
    assert!(matches!(at(rows, 1, "起始日期"), Data::DateTime(_)));
    let (w, book) = export(&mut post, json!({"kind": "volunteers", "month": "2026-10"}));
    assert_eq!(w["count"], 2);
    let chen = book[0].1.iter().position(|r| r[0] == s("陈国平")).unwrap();
    assert_eq!(*at(&book[0].1, chen, "在岗状态"), s("已离岗"));
    assert_eq!(*at(&book[0].1, chen, "身份"), s("义警"));
    let (w, _) = export(&mut post, json!({"kind": "volunteers"}));
    assert_eq!(w["count"], 2, "without a month: everyone ever registered");
}

#[test]
fn patrols_are_cut_by_their_start_in_beijing_time_and_list_their_findings() {
    let (mut post, _) = post_with_prevention_work();
    let (w, book) = export(&mut post, json!({"kind": "patrols", "month": "2026-11"}));
    assert_eq!(w["count"], 2, "00:30 on 1 November counts; 22:00 on 31 October does not");
    let rows = &book[0].1;
    let first = &rows[1];
    assert_eq!(*at(rows, 1, "巡逻方式"), s("定点巡"));
    assert!(matches!(first[0], Data::DateTime(_)));
    assert_eq!(at(rows, 2, "时长（分钟）").as_f64(), Some(90.0));
    assert_eq!(*at(rows, 2, "巡逻方式"), s("交叉巡"));
    assert_eq!(*at(rows, 2, "巡防队伍"), s("木兰女子巡防队"));
    assert_eq!(*at(rows, 2, "参巡人员"), s("林秀英"));
    assert_eq!(*at(rows, 2, "带队民警"), s("周立新"));
    assert_eq!(*at(rows, 2, "所属村（社区）"), s("青山村"));
    assert_eq!(at(rows, 2, "发现问题数").as_f64(), Some(3.0));
    assert_eq!(
        *at(rows, 2, "发现问题及处置情况"),
        s("1. 楼道私拉电线充电（转为隐患）；2. 后山有人聚赌（转为线索）；3. 门未锁（当场处置：已提醒）")
    );
    let (w, _) = export(&mut post, json!({"kind": "patrols", "month": "2026-10"}));
    assert_eq!(w["count"], 1);
}

#[test]
fn the_leads_hazards_and_feedback_ledgers_show_labels_and_where_each_stands() {
    let (mut post, _) = post_with_prevention_work();
    let (w, book) = export(&mut post, json!({"kind": "leads", "month": "2026-11"}));
    assert_eq!(w["count"], 1);
    let rows = &book[0].1;
    assert_eq!(*at(rows, 1, "线索内容"), s("后山有人聚赌"));
    assert_eq!(*at(rows, 1, "提供人"), s("林秀英"), "the patrol member who found it");
    assert_eq!(*at(rows, 1, "提供人身份"), s("巡防队员"));
    assert_eq!(*at(rows, 1, "状态"), s("已了结"));
    assert_eq!(*at(rows, 1, "核查处置情况"), s("核查后驱散，未发现赌资"));

    let (w, book) = export(&mut post, json!({"kind": "hazards", "month": "2026-11"}));
    assert_eq!(w["count"], 1);
    let rows = &book[0].1;
    assert_eq!(book[0].0, "隐患排查整改台账（2026-11）");
    assert_eq!(*at(rows, 1, "隐患类别"), s("违规充电"));
    assert_eq!(*at(rows, 1, "等级"), s("一般"));
    assert_eq!(*at(rows, 1, "状态"), s("已核实"));
    assert_eq!(*at(rows, 1, "是否逾期"), s("逾期"), "deadline 22 November, not fixed on the 23rd");
    assert_eq!(*at(rows, 1, "整改责任人"), s("王建国"));
    assert_eq!(at(rows, 1, "奖励金额（元）").as_f64(), Some(20.0), "fen shown as yuan");
    assert!(matches!(at(rows, 1, "整改期限"), Data::DateTime(_)));
    assert_eq!(*at(rows, 1, "整改日期"), Data::Empty);

    let (w, book) = export(&mut post, json!({"kind": "feedback", "month": "2026-11"}));
    assert_eq!(w["count"], 2);
    let rows = &book[0].1;
    assert_eq!(*at(rows, 1, "反映人"), s("匿名"));
    assert_eq!(*at(rows, 1, "收集渠道"), s("意见箱"));
    assert_eq!(*at(rows, 1, "答复内容"), s("已联系村委会更换"));
    assert_eq!(*at(rows, 1, "答复民警"), s("周立新"));
    assert_eq!(*at(rows, 1, "是否办结"), s("是"));
    assert_eq!(*at(rows, 2, "反映人"), s("王建国"));
    assert_eq!(*at(rows, 2, "收集渠道"), s("警民恳谈"));
    assert_eq!(*at(rows, 2, "是否办结"), s("否"));
}

#[test]
fn outreach_has_a_second_sheet_of_totals_per_village() {
    let (mut post, _) = post_with_prevention_work();
    let (w, book) = export(&mut post, json!({"kind": "outreach", "month": "2026-11"}));
    assert_eq!(w["count"], 3, "October's event is not in November");
    assert_eq!(book.len(), 2);
    let rows = &book[0].1;
    assert_eq!(*at(rows, 1, "宣传主题"), s("反诈"));
    assert_eq!(at(rows, 2, "国家反诈中心APP注册数").as_f64(), Some(35.0));
    let (name, totals) = &book[1];
    assert_eq!(name, "分村合计");
    assert_eq!(totals.len(), 4, "header, 青山村, 石门村, 合计");
    let qs = totals.iter().position(|r| r[0] == s("青山村")).unwrap();
    assert_eq!(at(totals, qs, "场次").as_f64(), Some(2.0));
    assert_eq!(at(totals, qs, "受众人数").as_f64(), Some(200.0));
    assert_eq!(at(totals, qs, "国家反诈中心APP注册数").as_f64(), Some(55.0));
    assert_eq!(totals[3][0], s("合计"));
    assert_eq!(at(totals, 3, "受众人数").as_f64(), Some(250.0));
    assert_eq!(at(totals, 3, "国家反诈中心APP注册数").as_f64(), Some(65.0));
    let (w, book) = export(&mut post, json!({"kind": "outreach"}));
    assert_eq!(w["count"], 4);
    let all = &book[1].1;
    assert!(all.iter().any(|r| r[0] == s("全所（不分村）")), "an event tied to no village: {all:?}");
}

#[test]
fn five_nones_are_kept_by_year_with_data_and_confirmation_side_by_side() {
    let (mut post, vid) = post_with_prevention_work();
    let (w, book) = export(&mut post, json!({"kind": "five_nones", "year": 2026}));
    assert_eq!(w["count"], 2, "one row per village");
    assert_eq!(book[0].0, "五无村（社区）创建台账（2026年）");
    let rows = &book[0].1;
    let qs = rows.iter().position(|r| r[0] == s("青山村")).unwrap();
    assert_eq!(*at(rows, qs, "无诈（数据）"), s("是"));
    assert_eq!(*at(rows, qs, "无访（确认）"), s("是"));
    assert_eq!(*at(rows, qs, "五无村（社区）"), s("是"));
    assert_eq!(*at(rows, qs, "确认民警"), s("周立新"));
    assert_eq!(*at(rows, qs, "备注"), s("全年无案"));
    let sm = rows.iter().position(|r| r[0] == s("石门村")).unwrap();
    assert_eq!(at(rows, sm, "诈骗警情数").as_f64(), Some(1.0));
    assert_eq!(at(rows, sm, "立案数").as_f64(), Some(1.0));
    assert_eq!(*at(rows, sm, "无诈（数据）"), s("否"));
    assert_eq!(*at(rows, sm, "无诈（确认）"), Data::Empty, "not confirmed yet");
    assert_eq!(*at(rows, sm, "五无村（社区）"), s("待确认"));
    // The month's year, else this year; last year has no confirmation.
    let (_, book) = export(&mut post, json!({"kind": "five_nones", "month": "2025-06"}));
    assert_eq!(book[0].0, "五无村（社区）创建台账（2025年）");
    let rows = &book[0].1;
    let qs = rows.iter().position(|r| r[0] == s("青山村")).unwrap();
    assert_eq!(*at(rows, qs, "五无村（社区）"), s("待确认"));
    let (_, book) = export(&mut post, json!({"kind": "five_nones"}));
    assert_eq!(book[0].0, "五无村（社区）创建台账（2026年）");
    let _ = vid;
}

#[test]
fn a_year_is_refused_where_it_does_not_belong() {
    let mut post = Post::new();
    let path = post.dir.path().join("x.xlsx");
    let e = post.refused("ledger.export", json!({"kind": "hazards", "year": 2026, "path": path}));
    assert_eq!(e["field"], "year");
    let e = post.refused("ledger.export", json!({"kind": "five_nones", "year": 1999, "path": path}));
    assert_eq!(e["field"], "year");
    let e = post.refused("ledger.export", json!({"kind": "patrols", "month": "2026-13", "path": path}));
    assert_eq!(e["field"], "month");
    assert!(!path.exists(), "nothing written");
    // The Chinese names are accepted as the kind, as for the core ledgers.
    let w = post.call("ledger.export", json!({"kind": "隐患排查整改台账", "path": path}));
    assert_eq!(w["count"], 0);
    let book = read_book(&path);
    assert_eq!(book[0].1.len(), 1, "headers only");
}

#[test]
fn every_prevention_ledger_of_the_demo_post_opens_with_chinese_headers() {
    let mut post = Post::new();
    generate(&mut post.api, DemoOptions { households: 300, seed: 11 }).unwrap();
    for kind in ["volunteers", "patrols", "leads", "hazards", "outreach", "feedback", "five_nones"] {
        let (w, book) = export(&mut post, json!({"kind": kind}));
        let rows = &book[0].1;
        assert!(w["count"].as_u64().unwrap() > 0, "{kind}: {w}");
        assert!(rows[0].iter().all(|c| matches!(c, Data::String(h) if !h.is_ascii())), "{kind}: Chinese headers");
        assert_eq!(rows.len() as u64, w["count"].as_u64().unwrap() + 1, "{kind}");
        // No stored code leaks into a sheet.
        for code in ["police_volunteer", "illegal_charging", "anti_fraud", "opinion_box", "received", "verified"] {
            assert!(!rows.iter().flatten().any(|c| *c == s(code)), "{kind}: code {code} shown");
        }
    }
}

/// The text of a PDF with all white space removed (wrapping puts breaks anywhere).
pub(crate) fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed to read PDFs back; run: apt-get install -y poppler-utils");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_monthly_report_carries_the_prevention_figures() {
    let (mut post, _) = post_with_prevention_work();
    let stats = post.call("stats.month", json!({"month": "2026-11"}));
    let p = &stats["prevention"];
    assert_eq!(p["month"], "2026-11");
    assert_eq!(
        (p["active_volunteers"].as_i64(), p["patrols"].as_i64(), p["patrol_hours"].as_f64()),
        (Some(1), Some(2), Some(2.5))
    );
    assert_eq!(
        (p["findings"].as_i64(), p["leads_received"].as_i64(), p["hazards_found"].as_i64()),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!((p["hazards_overdue"].as_i64(), p["rewards_fen"].as_i64()), (Some(1), Some(2000)));
    assert_eq!(
        (p["outreach_sessions"].as_i64(), p["outreach_audience"].as_i64(), p["app_registrations"].as_i64()),
        (Some(3), Some(250), Some(65))
    );
    assert_eq!((p["feedback_received"].as_i64(), p["feedback_answered"].as_i64()), (Some(2), Some(1)));
    assert_eq!(*p, post.call("prevention.month", json!({"month": "2026-11"})), "the same figures as prevention.month");

    let pdf = post.dir.path().join("月报.pdf");
    let w = post.call("stats.export", json!({"month": "2026-11", "path": pdf}));
    assert_eq!(w["count"], 1, "still one page");
    let text = pdf_text(&pdf);
    assert!(text.contains("三、协议、回访、代办、警情、走访、群防群治"), "{text}");
    for part in [
        "群防群治：在岗队员1人",
        "巡逻2次2.5小时，发现问题3个",
        "线索1条，转警情/案件0条",
        "隐患发现1处、销号0处、月末逾期未改1处，奖励20.00元",
        "宣传3场、受众250人次、反诈APP注册65人",
        "群众意见2条、答复1条",
    ] {
        assert!(text.contains(part), "{part} not in: {text}");
    }

    let x = post.dir.path().join("月报.xlsx");
    post.call("stats.export", json!({"month": "2026-11", "path": x}));
    let book = read_book(&x);
    let (name, rows) = book.iter().find(|(n, _)| n.starts_with("群防群治")).expect("a prevention sheet");
    assert_eq!(name, "群防群治 2026-11");
    let value = |item: &str| rows.iter().find(|r| r[0] == s(item)).unwrap_or_else(|| panic!("{item}"))[1].as_f64();
    assert_eq!(value("巡逻（次）"), Some(2.0));
    assert_eq!(value("巡逻时长（小时）"), Some(2.5));
    assert_eq!(value("发放隐患奖励（元）"), Some(20.0));
    assert_eq!(value("国家反诈中心APP注册（人）"), Some(65.0));
    assert_eq!(value("逾期未整改隐患（处，月末）"), Some(1.0));
}

#[test]
fn the_fullest_monthly_report_still_fits_one_page() {
    use fengqiao::docs::stats::{Count, DisputeFigures, MonthStats, Slice};
    use fengqiao::model::care::{CareFigures, CareMonth, CareVillage};
    use fengqiao::store::prevention::PreventionMonth;
    let big = DisputeFigures {
        received: 1234,
        mediated: 1234,
        settled: 1200,
        failed: 34,
        success_rate: Some(0.97),
        amount_received: 12_345_678_900,
        amount_settled: 12_345_678_900,
    };
    use fengqiao::model::{DisputeKind, IncidentKind};
    let slice = |name: &str| Slice { name: name.to_owned(), figures: big.clone() };
    let count = |name: &str| Count { name: name.to_owned(), count: 1000 };
    let s = MonthStats {
        month: "2026-11".into(),
        disputes: big.clone(),
        // Every category, thirty villages, every kind of incident, five referral routes.
        by_kind: DisputeKind::ALL.iter().map(|k| slice(k.label())).collect(),
        by_village: (0..30).map(|i| slice(&format!("第{i}经济合作社"))).collect(),
        failed_to: ["人民法院", "司法所", "乡镇综治中心", "信访部门", "未移交"].map(count).to_vec(),
        incidents: IncidentKind::ALL.iter().map(|k| count(k.label())).collect(),
        incidents_total: 99_999,
        visits: 99_999,
        // A county-seat post's busiest month, each figure at the top of its range.
        prevention: PreventionMonth {
            month: "2026-11".into(),
            active_volunteers: 999,
            patrols: 999,
            patrol_hours: 2999.5,
            findings: 999,
            leads_received: 999,
            leads_converted: 999,
            hazards_found: 999,
            hazards_closed: 999,
            hazards_overdue: 999,
            rewards_fen: 9_999_999,
            outreach_sessions: 999,
            outreach_audience: 99_999,
            app_registrations: 9_999,
            feedback_received: 999,
            feedback_answered: 999,
        },
        // Thirty villages under care, each figure at the top of its range.
        care: CareMonth {
            total: CareFigures { under_care: 9_999, due: 9_999, done: 9_999, overdue: 9_999 },
            by_village: (0..30)
                .map(|i| CareVillage {
                    name: format!("第{i}经济合作社"),
                    figures: CareFigures { under_care: 999, due: 999, done: 999, overdue: 999 },
                })
                .collect(),
            needs_found: 9_999,
            needs_helped: 9_999,
        },
        // Thirty service stations, their sums at the top of the range.
        service_stations: (0..30)
            .map(|i| fengqiao::model::service_station::StationFigures {
                id: format!("s{i}"),
                name: format!("第{i}经济合作社红警驿站"),
                village_name: format!("第{i}经济合作社"),
                assistants: 9,
                requests: 333,
                done: 333,
                no_trip: 333,
            })
            .collect(),
        // The lawyers' busiest month, each figure at the top of its range.
        counsel: fengqiao::model::counsel::CounselMonth {
            sittings: 999,
            hours: 2999.5,
            consultations: 9_999,
            people_served: 99_999,
            disputes: 999,
            agreed: 999,
            rebounded: 999,
            video_rounds: 999,
        },
        // Both kinds of award at the top of their range, and the 网格红包 beside them.
        awards: {
            use fengqiao::model::award::{AwardFigures, AwardMonth};
            let f = AwardFigures { nominated: 999, approved: 999, paid: 999, paid_fen: 99_999_999 };
            AwardMonth { valor: f, good_person: f, total: f, grid_rewards_fen: 9_999_999, all_paid_fen: 999_999_999 }
        },
        ..Default::default()
    };
    let doc = fengqiao::docs::report::document(&s, "某某县公安局某某派出所青山中心警务室", common::today());
    let r = fengqiao::docs::pdf::render(&doc).unwrap();
    assert_eq!(r.pages, 1, "the fullest month on one page");
}
