//! 今日工作路线单: the day's plan on A4 to carry on the round, village by village and 组 by 组
//! in walking order, each item with a box to tick. Most days fit one page; a busier day runs
//! onto more pages rather than leave work off the sheet (an item missing from the paper is a
//! visit nobody makes), each page numbered and a village carried over headed again.

use crate::docs::pdf::{Block, Document, Table};
use crate::model::PlanItemKind;
use crate::model::day_plan::{DayPlan, PlanItem};

const HEADER: [&str; 6] = ["", "组", "事项", "对象 / 地点", "要做的事", "期限"];
const WIDTHS: [f32; 6] = [0.5, 1.0, 1.6, 3.0, 4.9, 1.8];

fn when(i: &PlanItem) -> String {
    match (i.days_late, &i.due_on) {
        (n, _) if n > 0 => format!("逾期{n}天"),
        (_, Some(d)) if i.kind == PlanItemKind::Patrol => d.get(5..).unwrap_or(d).to_owned(),
        (_, Some(d)) => d.get(5..).map(|md| format!("{md}到期")).unwrap_or_else(|| d.clone()),
        (_, None) => String::new(),
    }
}

fn row(i: &PlanItem, group: Option<&str>) -> Vec<String> {
    let who = match &i.place.address {
        Some(a) if *a != i.subject => format!("{}\n{a}", i.subject),
        _ => i.subject.clone(),
    };
    vec!["□".into(), group.unwrap_or("").to_owned(), i.kind.label().to_owned(), who, i.detail.clone(), when(i)]
}

/// The route sheet: every item of the plan, village by village. A village's table that runs
/// onto another page repeats the village's name (with （续）) and the column headers there, and
/// every page is numbered 第N页 共M页 in the footer.
pub fn document(plan: &DayPlan, post_name: &str) -> Document {
    let title = "今日工作路线单".to_owned();
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Centered(format!("{post_name}  {}  {}  共 {} 项", zh_date(&plan.date), plan.weekday, plan.total)),
    ];
    for v in &plan.villages {
        let count: usize = v.groups.iter().map(|g| g.items.len()).sum();
        let rows = v.groups.iter().flat_map(|g| g.items.iter().map(|i| row(i, g.name.as_deref()))).collect::<Vec<_>>();
        let name = v.name.clone().unwrap_or_else(|| "不限村（社区）".into());
        blocks.push(Block::Heading(format!("{name}（{count} 项）")));
        blocks.push(Block::Table(Table {
            widths: WIDTHS.to_vec(),
            continued: Some(format!("{name}（续）")),
            header: Some(HEADER.iter().map(|h| (*h).to_owned()).collect()),
            rows,
        }));
    }
    blocks.push(Block::Paragraph {
        text: "完成后在方框内打勾，回到警务室在系统中登记。".into(), indent: false
    });
    Document { title, footer: Some(format!("{post_name} 今日工作 {}", plan.date)), blocks }
}

fn zh_date(d: &str) -> String {
    let parts: Vec<&str> = d.split('-').collect();
    match parts[..] {
        [y, m, dd] => format!("{y}年{}月{}日", m.trim_start_matches('0'), dd.trim_start_matches('0')),
        _ => d.to_owned(),
    }
}
