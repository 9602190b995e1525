//! The monthly report: the figures of [`crate::docs::stats`] as a one-page PDF and as an
//! xlsx workbook (the prevention, care and award figures as paragraphs of the third section,
//! and a sheet each).

use chrono::NaiveDate;

use crate::docs::pdf::{Block, Document, Table};
use crate::docs::stats::{DisputeFigures, MonthStats, Slice};
use crate::docs::xlsx::{self, Cell, Kind, Sheet, col};
use crate::error::Result;
use crate::model::award::{AwardFigures, AwardMonth};
use crate::model::care::{CareFigures, CareMonth};
use crate::model::counsel::CounselMonth;
use crate::model::service_station::StationFigures;
use crate::model::validate::show_fen;
use crate::store::prevention::PreventionMonth;

/// A ratio as a percentage, `—` when there is none.
pub fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn figure_row(name: &str, f: &DisputeFigures) -> Vec<String> {
    vec![
        name.to_owned(),
        f.received.to_string(),
        f.mediated.to_string(),
        f.settled.to_string(),
        f.failed.to_string(),
        percent(f.success_rate),
        show_fen(f.amount_received),
    ]
}

const FIGURE_HEADER: [&str; 7] = ["", "受理", "调解", "成功", "不成", "成功率", "涉及金额（元）"];

/// At most `n` slices, the largest first, the rest summed into “其他”.
fn top(slices: &[Slice], n: usize, rest_name: &str) -> Vec<Slice> {
    let mut v = slices.to_vec();
    v.sort_by_key(|s| std::cmp::Reverse(s.figures.received + s.figures.mediated));
    if v.len() <= n {
        return v;
    }
    let rest = v.split_off(n - 1);
    let mut sum = DisputeFigures::default();
    for s in &rest {
        sum.received += s.figures.received;
        sum.mediated += s.figures.mediated;
        sum.settled += s.figures.settled;
        sum.failed += s.figures.failed;
        sum.amount_received += s.figures.amount_received;
        sum.amount_settled += s.figures.amount_settled;
    }
    sum.success_rate = crate::docs::stats::success_rate(sum.settled, sum.mediated);
    v.push(Slice { name: format!("{rest_name}（{}个）", rest.len()), figures: sum });
    v
}

/// The report as a document, on one page even in the fullest month (every category,
/// thirty villages, every kind of incident, the prevention, care, lawyers' and award figures
/// at the top of their range): the tables show the three largest categories and the largest
/// village, the text the six commonest kinds of incident, each with the rest summed;
/// the care, lawyers' and award figures run on in the prevention paragraph. The xlsx report
/// keeps every row.
pub fn document(s: &MonthStats, post_name: &str, today: NaiveDate) -> Document {
    let (y, m) = s.month.split_once('-').unwrap_or((&s.month, ""));
    let title = format!("{post_name}{y}年{}月工作统计", m.trim_start_matches('0'));
    let table = |rows: Vec<Vec<String>>| {
        Block::Table(Table {
            widths: vec![3.2, 1.0, 1.0, 1.0, 1.0, 1.3, 2.0],
            continued: None,
            header: Some(FIGURE_HEADER.iter().map(|h| (*h).to_owned()).collect()),
            rows,
        })
    };
    let mut by_kind: Vec<Vec<String>> =
        top(&s.by_kind, 4, "其他类型").iter().map(|k| figure_row(&k.name, &k.figures)).collect();
    by_kind.insert(0, figure_row("合计", &s.disputes));
    let by_village: Vec<Vec<String>> =
        top(&s.by_village, 2, "其他村").iter().map(|k| figure_row(&k.name, &k.figures)).collect();
    let failed_to = if s.failed_to.is_empty() {
        "无".to_owned()
    } else {
        s.failed_to.iter().map(|c| format!("{} {} 件", c.name, c.count)).collect::<Vec<_>>().join("，")
    };
    // The six commonest kinds by name, the rest summed (the xlsx has every kind).
    let incidents = if s.incidents.is_empty() {
        "无".to_owned()
    } else {
        let mut kinds = s.incidents.clone();
        kinds.sort_by_key(|c| std::cmp::Reverse(c.count));
        let rest: i64 = kinds.iter().skip(6).map(|c| c.count).sum();
        let mut shown: Vec<String> = kinds.iter().take(6).map(|c| format!("{} {}", c.name, c.count)).collect();
        if kinds.len() > 6 {
            shown.push(format!("其他 {rest}"));
        }
        shown.join("，")
    };
    let a = &s.agreements;
    let f = &s.follow_ups;
    let e = &s.errands;
    Document {
        title: title.clone(),
        footer: Some(format!("{post_name} {} 月报，{} 生成", s.month, today.format("%Y-%m-%d"))),
        blocks: vec![
            Block::Title(title),
            Block::Heading("一、矛盾纠纷调解（按类型）".into()),
            table(by_kind),
            Block::Heading("二、按村（社区）".into()),
            table(by_village),
            Block::Heading("三、协议、回访、代办、警情、走访、群防群治及其他".into()),
            Block::Paragraph {
                text: format!(
                    "调解协议 {} 份（人民调解协议书 {}，治安调解协议书 {}，口头协议 {}）；调解成功涉及金额 {} 元；调解不成去向：{}。应回访 {} 件，已回访 {} 件（协议履行 {} 件），逾期未回访 {} 件。代办受理 {} 件，办结 {} 件，逾期 {} 件。{}警情 {} 起：{}。走访 {} 户次。",
                    a.people + a.security + a.oral,
                    a.people,
                    a.security,
                    a.oral,
                    show_fen(s.disputes.amount_settled),
                    failed_to,
                    f.due,
                    f.done,
                    f.held,
                    f.overdue,
                    e.accepted,
                    e.done,
                    e.overdue,
                    station_text(&s.service_stations),
                    s.incidents_total,
                    incidents,
                    s.visits
                ),
                indent: true,
            },
            // The care and award figures run on in the prevention paragraph: a paragraph of
            // their own would start a line of its own, and the fullest month has none to spare.
            Block::Paragraph {
                text: format!(
                    "{}{}{}{}",
                    prevention_text(&s.prevention),
                    care_text(&s.care),
                    counsel_text(&s.counsel),
                    award_text(&s.awards)
                ),
                indent: true,
            },
        ],
    }
}

/// The service stations' figures as one clause after the errands' (none when the post has
/// no station), in the fewest words that name each figure: the fullest month has no line to
/// spare. The xlsx and `fengqiao stats` have them per station.
pub fn station_text(stations: &[StationFigures]) -> String {
    if stations.is_empty() {
        return String::new();
    }
    let sum = |f: fn(&StationFigures) -> i64| stations.iter().map(f).sum::<i64>();
    format!(
        "驿站 {} 个收集 {}、办结 {}、一次不用跑 {} 件。",
        stations.len(),
        sum(|s| s.requests),
        sum(|s| s.done),
        sum(|s| s.no_trip)
    )
}

/// The care figures as one sentence of the report, in the fewest words that still name each
/// figure (the xlsx has them per village).
pub fn care_text(c: &CareMonth) -> String {
    let t = &c.total;
    format!(
        "结对帮扶：帮扶对象 {} 人（户），应走访 {}、已走访 {}、逾期未走访 {} 人次，发现需求 {} 项、已帮扶 {} 项。",
        t.under_care, t.due, t.done, t.overdue, c.needs_found, c.needs_helped
    )
}

/// The lawyers' figures as one sentence of the report (seed 003 counts the difficult disputes
/// a lawyer helped settle and how many rebounded).
pub fn counsel_text(c: &CounselMonth) -> String {
    format!(
        "法律顾问：坐班 {} 次 {} 小时，咨询 {}、接待 {} 人次，参与调解 {} 件（协议 {}、反弹 {}），视频联调 {} 次。",
        c.sittings,
        hours(c.hours),
        c.consultations,
        c.people_served,
        c.disputes,
        c.agreed,
        c.rebounded,
        c.video_rounds
    )
}

/// The lawyers' figures as name/value pairs (the report's 法律顾问 sheet).
fn counsel_rows(c: &CounselMonth) -> Vec<Vec<Cell>> {
    let rows: Vec<(&str, Cell)> = vec![
        ("律师坐班（次）", Cell::Int(c.sittings)),
        ("坐班时长（小时）", Cell::Number(c.hours)),
        ("法律咨询（次）", Cell::Int(c.consultations)),
        ("接待群众（人次）", Cell::Int(c.people_served)),
        ("律师参与调解的纠纷（件）", Cell::Int(c.disputes)),
        ("其中达成协议（件）", Cell::Int(c.agreed)),
        ("其中协议反弹（件）", Cell::Int(c.rebounded)),
        ("视频联调（次）", Cell::Int(c.video_rounds)),
    ];
    rows.into_iter().map(|(k, v)| vec![Cell::from(k), v]).collect()
}

/// The award figures as one sentence of the report, in the fewest words that still name
/// each (the xlsx, `award.month` and 报表 also give the people paid and the amount of each
/// kind): each kind nominated and approved, the awards paid, and what they and the 网格红包
/// (counted among the hazards too) paid together.
pub fn award_text(m: &AwardMonth) -> String {
    format!(
        "表彰奖励：见义勇为提名 {}、批准 {}，好人提名 {}、批准 {}，发放奖金 {} 元；连同网格红包共发放 {} 元。",
        m.valor.nominated,
        m.valor.approved,
        m.good_person.nominated,
        m.good_person.approved,
        show_fen(m.total.paid_fen),
        show_fen(m.all_paid_fen)
    )
}

/// The prevention figures as one paragraph of the report.
pub fn prevention_text(p: &PreventionMonth) -> String {
    format!(
        "群防群治：在岗队员 {} 人；巡逻 {} 次 {} 小时，发现问题 {} 个；线索 {} 条，转警情/案件 {} 条；隐患发现 {} 处、销号 {} 处、月末逾期未改 {} 处，奖励 {} 元；宣传 {} 场、受众 {} 人次、反诈APP注册 {} 人；群众意见 {} 条、答复 {} 条。",
        p.active_volunteers,
        p.patrols,
        hours(p.patrol_hours),
        p.findings,
        p.leads_received,
        p.leads_converted,
        p.hazards_found,
        p.hazards_closed,
        p.hazards_overdue,
        show_fen(p.rewards_fen),
        p.outreach_sessions,
        p.outreach_audience,
        p.app_registrations,
        p.feedback_received,
        p.feedback_answered
    )
}

/// Hours as printed: `12` or `1.5`.
fn hours(h: f64) -> String {
    let s = format!("{h:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

pub(crate) fn figure_sheet(name: &str, first: &'static str, slices: &[Slice]) -> Sheet {
    Sheet {
        name: name.into(),
        columns: vec![
            col(first, 18.0, Kind::Text),
            col("受理", 8.0, Kind::Int),
            col("调解", 8.0, Kind::Int),
            col("调解成功", 10.0, Kind::Int),
            col("调解不成", 10.0, Kind::Int),
            col("成功率", 9.0, Kind::Percent),
            col("受理涉及金额（元）", 18.0, Kind::Money),
            col("成功涉及金额（元）", 18.0, Kind::Money),
        ],
        rows: slices
            .iter()
            .map(|s| {
                vec![
                    Cell::from(s.name.as_str()),
                    Cell::Int(s.figures.received),
                    Cell::Int(s.figures.mediated),
                    Cell::Int(s.figures.settled),
                    Cell::Int(s.figures.failed),
                    s.figures.success_rate.map(Cell::Ratio).unwrap_or(Cell::Empty),
                    Cell::Int(s.figures.amount_received),
                    Cell::Int(s.figures.amount_settled),
                ]
            })
            .collect(),
    }
}

/// The report's sheets: by category (with the total first), by village, the other figures
/// as name/value pairs, the prevention figures, the care figures per village, the service
/// stations' figures, the lawyers' figures and the awards.
pub fn sheets(s: &MonthStats) -> Vec<Sheet> {
    let mut kinds = vec![Slice { name: "合计".into(), figures: s.disputes.clone() }];
    kinds.extend(s.by_kind.iter().cloned());
    let a = &s.agreements;
    let f = &s.follow_ups;
    let e = &s.errands;
    let mut other: Vec<(String, i64)> = vec![
        ("人民调解协议书".into(), a.people),
        ("治安调解协议书".into(), a.security),
        ("口头协议".into(), a.oral),
        ("应回访".into(), f.due),
        ("已回访".into(), f.done),
        ("回访时协议已履行".into(), f.held),
        ("逾期未回访".into(), f.overdue),
        ("代办受理".into(), e.accepted),
        ("代办办结".into(), e.done),
        ("代办逾期".into(), e.overdue),
        ("警情合计".into(), s.incidents_total),
    ];
    other.extend(s.incidents.iter().map(|c| (format!("警情：{}", c.name), c.count)));
    other.extend(s.failed_to.iter().map(|c| (format!("调解不成去向：{}", c.name), c.count)));
    other.push(("走访（户次）".into(), s.visits));
    let files = &s.attachments;
    other.push(("添加隐患照片（张）".into(), files.hazard));
    other.push(("添加警情现场照片（张）".into(), files.incident));
    other.push(("添加调解协议书扫描件（份）".into(), files.agreement));
    let p = &s.prevention;
    let prevention: Vec<(&str, Cell)> = vec![
        ("在岗群防群治队员（人，月末）", Cell::Int(p.active_volunteers)),
        ("巡逻（次）", Cell::Int(p.patrols)),
        ("巡逻时长（小时）", Cell::Number(p.patrol_hours)),
        ("巡逻发现问题（个）", Cell::Int(p.findings)),
        ("接报线索（条）", Cell::Int(p.leads_received)),
        ("线索转警情/案件（条）", Cell::Int(p.leads_converted)),
        ("发现隐患（处）", Cell::Int(p.hazards_found)),
        ("隐患销号（处）", Cell::Int(p.hazards_closed)),
        ("逾期未整改隐患（处，月末）", Cell::Int(p.hazards_overdue)),
        ("发放隐患奖励（元）", Cell::Number(p.rewards_fen as f64 / 100.0)),
        ("宣传活动（场）", Cell::Int(p.outreach_sessions)),
        ("宣传受众（人次）", Cell::Int(p.outreach_audience)),
        ("国家反诈中心APP注册（人）", Cell::Int(p.app_registrations)),
        ("收到群众意见建议（条）", Cell::Int(p.feedback_received)),
        ("答复群众意见建议（条）", Cell::Int(p.feedback_answered)),
    ];
    let c = &s.care;
    let care_row = |name: &str, f: &CareFigures| {
        vec![Cell::from(name), Cell::Int(f.under_care), Cell::Int(f.due), Cell::Int(f.done), Cell::Int(f.overdue)]
    };
    let mut care_rows = vec![care_row("合计", &c.total)];
    care_rows.extend(c.by_village.iter().map(|v| care_row(&v.name, &v.figures)));
    care_rows.push(vec![Cell::from("发现需求（项）"), Cell::Int(c.needs_found)]);
    care_rows.push(vec![Cell::from("已帮扶需求（项）"), Cell::Int(c.needs_helped)]);
    let mut all = vec![
        figure_sheet(&format!("按类型 {}", s.month), "纠纷类型", &kinds),
        figure_sheet(&format!("按村 {}", s.month), "村（社区）", &s.by_village),
        Sheet {
            name: format!("其他 {}", s.month),
            columns: vec![col("项目", 26.0, Kind::Text), col("数量", 10.0, Kind::Int)],
            rows: other.into_iter().map(|(k, v)| vec![Cell::from(k), Cell::Int(v)]).collect(),
        },
        Sheet {
            name: format!("群防群治 {}", s.month),
            columns: vec![col("项目", 28.0, Kind::Text), col("数值", 10.0, Kind::Int)],
            rows: prevention.into_iter().map(|(k, v)| vec![Cell::from(k), v]).collect(),
        },
        Sheet {
            name: format!("结对帮扶 {}", s.month),
            columns: vec![
                col("村（社区）", 18.0, Kind::Text),
                col("帮扶对象", 10.0, Kind::Int),
                col("应走访", 10.0, Kind::Int),
                col("已走访", 10.0, Kind::Int),
                col("逾期未走访", 12.0, Kind::Int),
            ],
            rows: care_rows,
        },
        station_sheet(s),
        Sheet {
            name: format!("法律顾问 {}", s.month),
            columns: vec![col("项目", 28.0, Kind::Text), col("数值", 10.0, Kind::Int)],
            rows: counsel_rows(&s.counsel),
        },
    ];
    all.push(award_sheet(&s.month, &s.awards));
    all
}

/// The award figures: a row per kind and their total (nominated, approved, paid and the
/// amount in yuan), then the 网格红包 and what both paid.
fn award_sheet(month: &str, m: &AwardMonth) -> Sheet {
    let yuan = Cell::Int;
    let row = |name: &str, f: &AwardFigures| {
        vec![Cell::from(name), Cell::Int(f.nominated), Cell::Int(f.approved), Cell::Int(f.paid), yuan(f.paid_fen)]
    };
    let mut rows = vec![row("见义勇为", &m.valor), row("好人", &m.good_person), row("合计", &m.total)];
    rows.push(vec![
        Cell::from("隐患奖励（网格红包）"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        yuan(m.grid_rewards_fen),
    ]);
    rows.push(vec![Cell::from("合计发放（含网格红包）"), Cell::Empty, Cell::Empty, Cell::Empty, yuan(m.all_paid_fen)]);
    Sheet {
        name: format!("表彰奖励 {month}"),
        columns: vec![
            col("类别", 22.0, Kind::Text),
            col("提名（人）", 10.0, Kind::Int),
            col("批准（人）", 10.0, Kind::Int),
            col("发放（人）", 10.0, Kind::Int),
            col("发放金额（元）", 14.0, Kind::Money),
        ],
        rows,
    }
}

/// The service stations' sheet of the report: one row per station, the total first.
fn station_sheet(s: &MonthStats) -> Sheet {
    let row = |name: &str, village: &str, f: &StationFigures| {
        vec![
            Cell::from(name),
            Cell::from(village),
            Cell::Int(f.assistants),
            Cell::Int(f.requests),
            Cell::Int(f.done),
            Cell::Int(f.no_trip),
        ]
    };
    let total = s.service_stations.iter().fold(StationFigures::default(), |mut t, f| {
        t.assistants += f.assistants;
        t.requests += f.requests;
        t.done += f.done;
        t.no_trip += f.no_trip;
        t
    });
    let mut rows = vec![row("合计", "", &total)];
    rows.extend(s.service_stations.iter().map(|f| row(&f.name, &f.village_name, f)));
    Sheet {
        name: format!("驿站 {}", s.month),
        columns: vec![
            col("驿站", 20.0, Kind::Text),
            col("村（社区）", 14.0, Kind::Text),
            col("警务助理", 10.0, Kind::Int),
            col("收集诉求", 10.0, Kind::Int),
            col("办结代办", 10.0, Kind::Int),
            col("一次不用跑", 12.0, Kind::Int),
        ],
        rows,
    }
}

/// The report as xlsx bytes.
pub fn xlsx(s: &MonthStats) -> Result<Vec<u8>> {
    xlsx::to_bytes(&sheets(s))
}
